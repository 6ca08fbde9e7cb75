"""走访（手机）: the village's list the phone keeps, and queued visits received exactly once,
checked as a form is, refused on conflict, refused after the session is revoked."""

import io
import json
import uuid
from datetime import timedelta

import pytest

from admin_app.core import clock
from admin_app.documents import AuditEntry, Child, VisitBook
from admin_app.documents.attachment import Attachment
from admin_app.documents.field import FieldReceipt
from admin_app.services.children import archive, roster
from tests import factories
from tests.conftest import login_as
from tests.factories import make_user
from tests.places import CHUNLIN, TONGXI, ZHANGZHENG, ZHANGZHENG_V

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def make_child(name="马小花", village=CHUNLIN, **kw) -> Child:
    return factories.make_child(village, name, frequency="monthly", **kw)


@pytest.fixture
def director():
    return make_user("cl_director", "village", CHUNLIN, display_name="春林村儿童主任")


def payload(child, **kw) -> dict:
    data = {
        "client_id": uuid.uuid4().hex,
        "child": str(child.pk),
        "base_version": child.version,
        "date": clock.today().isoformat(),
        "kind": "regular",
        "visitors": "春林村儿童主任",
        "guardianship": "祖母监护，照料到位",
        "health": "良好",
        "made_at": (clock.now() - timedelta(hours=3)).isoformat(),
    }
    data.update(kw)
    return data


def send(client, data: dict, photos=()):
    form = {"payload": json.dumps(data, ensure_ascii=False)}
    if photos:
        form["photos"] = [(io.BytesIO(b), n) for n, b in photos]
    return client.post("/field/api/visit", data=form, content_type="multipart/form-data")


def visits_of(child) -> list:
    book = VisitBook.objects(pk=str(child.pk)).first()
    return list(book.visits) if book else []


# ---- the list the phone keeps ----
def test_the_village_list_holds_the_least_a_visit_needs(app, director):
    child = make_child(id_number=None, guardians=[])
    make_child("外村儿童", TONGXI)
    c = login_as(app, director)
    r = c.get("/field/api/register")
    assert r.status_code == 200
    data = r.get_json()
    assert [x["name"] for x in data["children"]] == ["马小花"]
    card = data["children"][0]
    assert set(card) == {
        "id",
        "name",
        "gender",
        "age",
        "categories",
        "risk",
        "risk_label",
        "next_visit",
        "next_visit_text",
        "last_visit",
        "overdue",
        "version",
        "todos",
    }
    assert card["id"] == str(child.pk) and card["version"] == child.version
    assert data["keep_until"] == (clock.today() + timedelta(days=7)).isoformat()
    assert "id_number" not in r.get_data(as_text=True)
    (entry,) = [e for e in AuditEntry.objects(action="view") if "下载走访名单" in (e.detail or "")]
    assert CHUNLIN in entry.place_path


def test_a_new_archive_has_its_year_plan_and_shows_its_next_visit(app, director):
    child = make_child()
    book = VisitBook.objects(pk=str(child.pk)).first()
    assert book is not None and book.plan, "a new archive gets its visit plan at once"
    card = login_as(app, director).get("/field/api/register").get_json()["children"][0]
    assert card["next_visit"] == min(p.due for p in book.plan).isoformat()


def test_a_township_picks_a_village_inside_it_only(app):
    clerk = make_user("zz_clerk", "station", ZHANGZHENG)
    make_child()
    c = login_as(app, clerk)
    state = c.get("/field/api/state").get_json()
    codes = {v["code"] for v in state["villages"]}
    assert CHUNLIN in codes and ZHANGZHENG_V in codes and TONGXI not in codes
    assert c.get(f"/field/api/register?village={CHUNLIN}").status_code == 200
    r = c.get(f"/field/api/register?village={TONGXI}")
    assert r.status_code == 404 and "管辖范围" in r.get_json()["error"]
    assert c.get("/field/api/register").status_code == 404  # a township must choose


def test_roles_without_visits_cannot_open_the_phone_screen(app):
    county = make_user("xq_county", "county", "640104000000")
    c = login_as(app, county)
    assert c.get("/field/").status_code == 403
    assert c.get("/field/api/register").status_code == 403


# ---- a queued visit ----
def test_a_queued_visit_is_saved_once_with_its_photo(app, director):
    child = make_child()
    c = login_as(app, director)
    data = payload(child, lat=36.01234567, lng=106.2)
    r = send(c, data, photos=[("家访.png", PNG)])
    assert r.status_code == 200 and r.get_json()["status"] == "saved", r.get_json()
    r2 = send(c, data, photos=[("家访.png", PNG)])
    assert r2.status_code == 200 and r2.get_json()["status"] == "duplicate"
    (visit,) = visits_of(child)
    assert visit.id == data["client_id"] and visit.recorded_by == "cl_director"
    assert visit.location == "36.01235,106.20000"
    assert visit.made_at is not None and visit.made_at < visit.recorded_at
    assert Attachment.objects(child=str(child.pk), visit=visit.id).count() == 1
    assert FieldReceipt.objects(pk=data["client_id"]).get().result == visit.id


def test_an_invalid_visit_is_refused_and_can_be_sent_again_corrected(app, director):
    child = make_child()
    c = login_as(app, director)
    data = payload(child, guardianship="", health="")
    r = send(c, data)
    assert r.status_code == 422 and "至少填写" in r.get_json()["error"]
    assert visits_of(child) == [] and FieldReceipt.objects.count() == 0
    future = send(c, payload(child, date=(clock.today() + timedelta(days=2)).isoformat()))
    assert future.status_code == 422 and "走访日期" in future.get_json()["error"]
    assert send(c, {**data, "health": "良好"}).status_code == 200
    assert len(visits_of(child)) == 1


@pytest.mark.parametrize("bad", ["", "abc", "../../x", "g" * 32, None])
def test_a_malformed_record_id_is_refused(app, director, bad):
    child = make_child()
    r = send(login_as(app, director), payload(child, client_id=bad))
    assert r.status_code == 422 and "记录编号" in r.get_json()["error"]
    assert visits_of(child) == []


def test_a_risk_changed_meanwhile_is_a_conflict_not_an_overwrite(app, director):
    child = make_child(risk_level="low")
    base = child.version
    child.risk_level = "medium"
    child.save_versioned(factories.actor())  # the township changed it while the phone was out
    c = login_as(app, director)
    data = payload(child, base_version=base, risk_level="high", risk_reason="父母失联")
    r = send(c, data)
    assert r.status_code == 409 and r.get_json()["conflict"] == "changed"
    assert "中风险" in r.get_json()["error"]
    assert visits_of(child) == [] and Child.objects.get(pk=child.pk).risk_level == "medium"
    r = send(c, {**data, "confirm": True})  # the person saw it and keeps their assessment
    assert r.status_code == 200
    assert Child.objects.get(pk=child.pk).risk_level == "high" and len(visits_of(child)) == 1


def test_a_changed_archive_without_a_new_assessment_takes_the_visit(app, director):
    child = make_child(risk_level="low")
    base = child.version
    child.address = "三组 5 号"
    child.save_versioned(factories.actor())
    r = send(login_as(app, director), payload(child, base_version=base))
    assert r.status_code == 200 and len(visits_of(child)) == 1
    assert Child.objects.get(pk=child.pk).address == "三组 5 号"


def test_an_archive_moved_away_is_a_conflict(app, director):
    child = make_child()
    archive.transfer(child, TONGXI, factories.actor(), "随父母迁居")
    r = send(login_as(app, director), payload(child))
    assert r.status_code == 409 and r.get_json()["conflict"] == "moved"
    assert visits_of(Child.objects.get(pk=child.pk)) == []


def test_a_child_outside_the_place_is_never_reached(app, director):
    other = make_child("外村儿童", TONGXI)
    r = send(login_as(app, director), payload(other))
    assert r.status_code == 409 and "管辖范围" in r.get_json()["error"]
    assert "外村儿童" not in r.get_data(as_text=True)
    assert visits_of(other) == []
    (denied,) = AuditEntry.objects(action="denied")
    assert denied.actor == "cl_director" and str(other.pk) in denied.detail


def test_another_accounts_record_id_is_refused(app, director):
    child = make_child()
    data = payload(child)
    assert send(login_as(app, director), data).status_code == 200
    colleague = make_user("cl_other", "village", CHUNLIN)
    r = send(login_as(app, colleague), data)
    assert r.status_code == 422 and len(visits_of(child)) == 1


def test_a_revoked_session_has_its_queue_refused(app, director):
    child = make_child()
    phone = login_as(app, director)
    assert phone.get("/field/api/state").status_code == 200
    director.reload()
    director.end_sessions()  # 强制下线: the phone was lost
    r = send(phone, payload(child))
    assert r.status_code == 401 and r.get_json()["login"] is True
    assert "登录" in r.get_json()["error"]
    assert visits_of(child) == []


def test_a_stranger_gets_401_from_the_phone_api(app):
    r = app.test_client().get("/field/api/register")
    assert r.status_code == 401 and r.get_json()["login"] is True


def test_a_receipt_left_by_a_stopped_worker_does_not_swallow_the_visit(app, director):
    child = make_child()
    data = payload(child)
    FieldReceipt(
        id=data["client_id"],
        username="cl_director",
        child=str(child.pk),
        kind="visit",
        at=clock.now() - timedelta(minutes=5),
    ).save(force_insert=True)
    r = send(login_as(app, director), data)
    assert r.status_code == 200 and r.get_json()["status"] == "saved"
    assert len(visits_of(child)) == 1


def test_log_out_clears_what_the_phone_kept(app, director):
    c = login_as(app, director)
    r = c.post("/logout")
    assert r.status_code == 302
    assert r.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_page_and_its_worker_are_served_with_every_kept_file(app, director):
    c = login_as(app, director)
    page = c.get("/field/")
    assert page.status_code == 200 and "登记走访" in page.get_data(as_text=True)
    sw = c.get("/field/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript"
    body = sw.get_data(as_text=True)
    for path in ("/assets/js/field.js", "/assets/vendor/idb/umd.js", "/field/"):
        assert path in body
    for url in [u for u in body.split('"') if u.startswith("/assets/")]:
        assert c.get(url).status_code == 200, url
    manifest = c.get("/field/manifest.webmanifest").get_json(force=True)
    assert manifest["start_url"] == "/field/" and manifest["display"] == "standalone"


def test_an_imported_block_gets_its_plans_in_one_write(app):
    from admin_app.documents import Child as C

    items = [
        (
            i,
            C(
                name=f"导入{i}",
                gender="M",
                birth_date=clock.today().replace(year=2016),
                no_id_reason="not_issued",
                visit_frequency="monthly",
            ),
            CHUNLIN,
        )
        for i in range(3)
    ]
    saved, failed = archive.insert_many(items, factories.actor())
    assert failed == [] and len(saved) == 3
    for child in saved:
        book = VisitBook.objects(pk=str(child.pk)).get()
        assert book.plan[0].due == clock.today() and book.place_path == child.place_path
    clerk = make_user("zz_clerk", "station", ZHANGZHENG)
    rows = {r["name"]: r for r in roster.rows_for(clerk)}
    assert rows["导入0"]["next_visit"] == clock.today().isoformat()


# ---- reports from the village ----
def report(client, **kw):
    data = {"client_id": uuid.uuid4().hex, "kind": "mandatory", "account": "孩子身上有多处淤青"}
    data.update(kw)
    return client.post("/field/api/report", json=data)


def test_a_mandatory_report_from_a_childs_card_reaches_the_station_with_its_24_hours(app, director):
    from admin_app.documents.case import Case, MandatoryReport
    from admin_app.services.figures import todos

    child = make_child()
    c = login_as(app, director)
    r = report(c, child=str(child.pk), scene="家中", serious_harm=True, mental_state="害怕")
    assert r.status_code == 200, r.get_json()
    assert "案件编号" in r.get_json()["message"] and "首次家访" in r.get_json()["message"]
    form = MandatoryReport.objects.get()
    assert (form.reporter_public, form.reporter_name, form.reporter_identity) == (
        True,
        "春林村儿童主任",
        "village_staff",
    )
    assert form.child_info.child == str(child.pk) and form.place == CHUNLIN
    case = Case.objects.get()
    assert case.mandatory_report == str(form.pk) and form.case == str(case.pk)
    assert case.serious_harm and case.place == CHUNLIN
    assert case.first_visit_due == case.reported_at + timedelta(hours=24)
    clerk = make_user("zz_clerk", "station", ZHANGZHENG)
    (due, state), *_ = todos.case_todos(clerk)["first_visits"]
    assert due.pk == case.pk and state == "due"
    page = login_as(app, clerk).get("/")
    assert case.number in page.get_data(as_text=True)  # on the station's landing page at once
    # The 儿童主任 still has no access to the forms (who may see a reporter is unchanged).
    assert c.get("/mandatory_reports/").status_code == 403


def test_a_help_request_from_scratch_is_placed_at_the_village(app, director):
    from admin_app.documents.case import Case, HelpRequest

    c = login_as(app, director)
    r = report(c, kind="help", account="邻居反映孩子常独自在家")
    assert r.status_code == 422 and "儿童姓名" in r.get_json()["error"]
    r = report(c, kind="help", child_name="不详", gender="F", age="8", account="孩子常独自在家")
    assert r.status_code == 200, r.get_json()
    form = HelpRequest.objects.get()
    assert (form.child_info.name, form.child_info.age, form.place) == ("不详", 8, CHUNLIN)
    case = Case.objects.get()
    assert (case.channel, case.serious_harm, case.first_visit_due) == ("visit", False, None)


def test_a_queued_report_is_filed_once(app, director):
    from admin_app.documents.case import Case, MandatoryReport

    child = make_child()
    c = login_as(app, director)
    cid = uuid.uuid4().hex
    assert report(c, client_id=cid, child=str(child.pk)).get_json()["status"] == "saved"
    assert report(c, client_id=cid, child=str(child.pk)).get_json()["status"] == "duplicate"
    assert MandatoryReport.objects.count() == 1 and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "other"}, "报告类型"),
        ({"child_name": "张三", "account": ""}, "经过"),
        ({"child_name": "张三", "age": "19"}, "年龄"),
        ({"child_name": "张三", "occurred_at": "明天"}, "无法识别"),
        ({"child_name": "张三", "scene": "x" * 201}, "发生地点"),
    ],
)
def test_a_bad_report_is_refused_in_chinese_and_nothing_is_filed(app, director, fields, message):
    from admin_app.documents.case import Case

    r = report(login_as(app, director), **fields)
    assert r.status_code == 422 and message in r.get_json()["error"]
    assert Case.objects.count() == 0 and FieldReceipt.objects.count() == 0


def test_a_report_about_a_child_outside_is_refused(app, director):
    from admin_app.documents.case import Case

    other = make_child("外村儿童", TONGXI)
    r = report(login_as(app, director), child=str(other.pk))
    assert r.status_code == 422 and "外村儿童" not in r.get_data(as_text=True)
    assert Case.objects.count() == 0


def test_every_village_report_is_on_the_stations_todos_at_once(app, director):
    from admin_app.documents.case import Case

    c = login_as(app, director)
    assert report(c, kind="help", child_name="不详", account="孩子常独自在家").status_code == 200
    case = Case.objects.get()
    clerk = make_user("zz_clerk", "station", ZHANGZHENG)
    page = login_as(app, clerk).get("/").get_data(as_text=True)
    assert f"新报告待受理：{case.number}" in page
    other = make_user("tg_clerk", "station", "640104200000")  # 通贵乡: not its report
    assert case.number not in login_as(app, other).get("/").get_data(as_text=True)
    assert "新报告待受理" not in c.get("/").get_data(as_text=True)  # the village sees no cases


def test_a_bad_photo_refuses_the_visit_and_names_the_photo(app, director):
    child = make_child()
    r = send(login_as(app, director), payload(child), photos=[("家访.png", b"not a picture")])
    assert r.status_code == 422 and r.get_json()["field"] == "photos"
    assert "家访.png" in r.get_json()["error"]
    assert visits_of(child) == [] and FieldReceipt.objects.count() == 0


def test_the_visit_page_says_a_visit_came_from_a_phone_and_where_only_to_whom_may(app, director):
    child = make_child()
    c = login_as(app, director)
    made = clock.now() - timedelta(hours=3)
    assert (
        send(c, payload(child, lat=36.5, lng=106.25, made_at=made.isoformat())).status_code == 200
    )
    page = c.get(f"/visits/?child={child.pk}").get_data(as_text=True)
    from admin_app.core import dates

    assert f"在手机上登记于 {dates.cn_datetime(made)}" in page
    assert "位置：36.50000,106.25000" in page
    county = make_user("xq_county", "county", "640104000000")
    page = login_as(app, county).get(f"/visits/?child={child.pk}").get_data(as_text=True)
    assert "位置：已记录" in page and "36.50000" not in page
