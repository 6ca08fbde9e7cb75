"""Home visits (附件2 五): the year plan, extra planned visits, visit records, scope."""

import functools
from datetime import date, timedelta

import pytest

from admin_app.core import clock
from admin_app.documents import AuditEntry, Child, DomainError, VisitBook
from admin_app.services import visits
from admin_app.services.children import archive_history, attachments, roster
from tests import factories, when
from tests.conftest import login_as, refusal, text
from tests.factories import make_user
from tests.places import CHUNLIN, TONGGUI, TONGXI, ZHANGZHENG
from tests.places import XINGQING as COUNTY

# The children of these tests are visited monthly unless a test says otherwise.
# They start without a visit plan (test_field.py checks the plan made at creation).
make_child = functools.partial(factories.make_child, frequency="monthly", planned=False)


def row_of(user, child) -> dict:
    return next(r for r in roster.rows_for(user) if r["id"] == str(child.pk))


def book(child) -> VisitBook | None:
    return VisitBook.objects(pk=str(child.pk)).first()


def visit_data(**kw) -> dict:
    data = {
        "date": clock.today(),
        "kind": "regular",
        "visitors": "王主任、李社工",
        "guardianship": "祖母监护，照料到位",
        "living": "住房安全",
        "study": "",
        "health": "良好",
        "services": "讲解临时救助政策",
        "risk_level": "",
        "risk_reason": "",
        "next_visit": None,
        "follow_up_of": "",
    }
    data.update(kw)
    return data


def visit_form(child, **kw) -> dict:
    form = {
        "child": str(child.pk),
        "visit-date": clock.today().isoformat(),
        "visit-kind": "regular",
        "visit-visitors": "王主任",
        "visit-guardianship": "监护到位",
        "visit-living": "",
        "visit-study": "在校正常",
        "visit-health": "",
        "visit-services": "",
        "visit-follow_up_of": "",
        "visit-risk_level": "",
        "visit-risk_reason": "",
        "visit-next_visit": "",
    }
    form.update({f"visit-{k}" if k != "child" else k: v for k, v in kw.items()})
    return form


@pytest.fixture
def station():
    return make_user("zz_station", "station", ZHANGZHENG, display_name="掌政督导员")


# ---- the year plan: by calendar period (每月一次 = once in every calendar month) ----
def at(time_travel, text: str) -> None:
    """Put the clock at a Beijing time (a test about a calendar of its own)."""
    time_travel.move_to(when.beijing(text))


def test_monthly_plan_is_once_in_every_month_on_the_same_day_clamped(station, time_travel):
    at(time_travel, "2027-12-03 10:00")  # planning 2028, a leap year, from 31 January
    child = make_child(frequency="monthly")
    added = visits.make_year_plan(child, 2028, station, start=date(2028, 1, 31))
    last_days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    assert added == [date(2028, m, last_days[m - 1]) for m in range(1, 13)]
    assert [p.due for p in book(child).plan] == added
    assert book(child).place_path == child.place_path
    assert row_of(station, child)["next_visit"] == "2028-01-31"
    assert row_of(station, child)["last_visit"] is None
    # Generating again, from 1 January this time, adds nothing: every month is planned.
    assert visits.make_year_plan(child, 2028, station) == []
    assert len(book(child).plan) == 12
    entry = archive_history.history(child.pk)[0]
    assert entry["action"] == "计划走访"
    assert "2028年2月29日" in entry["changes"]["计划走访日期"][1]
    assert AuditEntry.objects(target_id=str(child.pk), action="update").count() == 1


@pytest.mark.parametrize(
    ("frequency", "count", "months"),
    [
        ("monthly", 12, set(range(1, 13))),
        ("quarterly", 4, {1, 4, 7, 10}),
        ("halfyear", 2, {1, 7}),
        ("biweekly", 24, set(range(1, 13))),
        ("weekly", 53, set(range(1, 13))),  # 1 January + 52 weeks is still in the year
    ],
)
def test_next_years_plan_by_frequency(station, frequency, count, months):
    year = clock.today().year + 1
    child = make_child(frequency=frequency)
    added = visits.make_year_plan(child, year, station)
    assert len(added) == count
    assert {d.month for d in added} == months
    assert all(d.year == year for d in added) and added[0] == date(year, 1, 1)
    if frequency == "biweekly":  # twice a month, on the 1st and the 16th
        assert {d.day for d in added} == {1, 16}
    if frequency in ("monthly", "quarterly", "halfyear"):
        assert {d.day for d in added} == {1}


def test_year_plan_follows_the_frequency_and_the_last_visit(station, time_travel):
    at(time_travel, "2030-02-10 09:00")
    child = make_child(frequency="quarterly")
    visits.record_visit(child, visit_data(date=date(2030, 2, 1)), station)
    added = visits.make_year_plan(child, 2030, station)
    # The first planned visit comes one quarter after the last visit, on the same day.
    assert added == [date(2030, 5, 1), date(2030, 8, 1), date(2030, 11, 1)]
    with pytest.raises(DomainError) as err:
        visits.make_year_plan(child, 2029, station)
    assert err.value.field == "year"


def test_year_plan_button(app, station):
    child = make_child(frequency="weekly")
    c = login_as(app, station)
    year = clock.today().year
    r = c.post("/visits/plan/", data={"child": str(child.pk), "year-year": str(year)})
    assert r.status_code == 302
    plan = book(child).plan
    assert plan and plan[0].due == clock.today()
    assert all(p.due.year == year for p in plan)
    page = text(c.get(f"/visits/?child={child.pk}"))
    assert f"已生成{year}年度走访计划" in page
    assert "待走访" in page


# ---- extra planned visits ----
def test_extra_planned_visit(app, station):
    child = make_child()
    c = login_as(app, station)
    due = clock.today() + timedelta(days=5)
    r = c.post(
        "/visits/add/",
        data={
            "child": str(child.pk),
            "plan-due": due.isoformat(),
            "plan-kind": "key_check",
            "plan-note": "邻居反映无人照看",
        },
    )
    assert r.status_code == 302
    (entry,) = book(child).plan
    assert (entry.due, entry.kind, entry.note, entry.added_by) == (
        due,
        "key_check",
        "邻居反映无人照看",
        "zz_station",
    )
    assert row_of(station, child)["next_visit"] == due.isoformat()
    page = text(c.get(f"/visits/?child={child.pk}"))
    assert f"{due.year}年{due.month}月{due.day}日" in page
    assert "邻居反映无人照看" in page and "重点核查" in page
    assert archive_history.history(child.pk)[0]["note"] == "临时增加：邻居反映无人照看"

    # A date in the past is refused next to the field, with what was typed kept.
    past = clock.today() - timedelta(days=1)
    r = c.post(
        "/visits/add/",
        data={"child": str(child.pk), "plan-due": past.isoformat(), "plan-kind": "ad_hoc"},
    )
    assert r.status_code == 200
    assert "计划走访日期不能早于今天。" in text(r)
    assert past.isoformat() in text(r)
    assert len(book(child).plan) == 1


# ---- recording a visit ----
def test_record_visit_marks_the_plan_done_and_sets_the_roster_dates(app, station):
    child = make_child()
    today = clock.today()
    soon = visits.add_planned(child, today + timedelta(days=3), "regular", "", station)
    later = visits.add_planned(child, today + timedelta(days=40), "regular", "", station)
    c = login_as(app, station)
    nxt = today + timedelta(days=30)
    r = c.post("/visits/record/", data=visit_form(child, next_visit=nxt.isoformat()))
    assert r.status_code == 302, text(r)
    b = book(child)
    (visit,) = b.visits
    assert (visit.date, visit.kind, visit.visitors, visit.recorded_by) == (
        today,
        "regular",
        "王主任",
        "zz_station",
    )
    plan = {p.due: p for p in b.plan}
    assert plan[soon.due].done_by == visit.id
    assert plan[later.due].done_by is None
    assert plan[nxt].done_by is None  # the next visit agreed on became a planned visit
    row = row_of(station, child)
    assert row["last_visit"] == today.isoformat()
    assert row["next_visit"] == nxt.isoformat()
    entry = archive_history.history(child.pk)[0]
    assert entry["action"] == "走访"
    assert entry["changes"]["走访人员"] == ["", "王主任"]
    assert (
        AuditEntry.objects(target_id=str(child.pk), action="create", actor="zz_station").count()
        == 1
    )
    page = text(c.get(f"/visits/?child={child.pk}"))
    assert "已登记" in page and "监护到位" in page and "已完成" in page


def test_a_visit_does_not_fulfil_a_plan_more_than_a_week_later(station):
    child = make_child()
    later = when.days_ahead(19)
    visits.add_planned(child, later, "regular", "", station)
    visits.record_visit(child, visit_data(date=when.today()), station)
    assert book(child).plan[0].done_by is None
    assert row_of(station, child)["next_visit"] == later.isoformat()


def test_future_visit_date_is_refused_with_the_typed_values_kept(app, station):
    child = make_child()
    c = login_as(app, station)
    tomorrow = clock.today() + timedelta(days=1)
    r = c.post(
        "/visits/record/",
        data=visit_form(child, date=tomorrow.isoformat(), visitors="马儿童主任"),
    )
    assert r.status_code == 200
    page = text(r)
    assert "走访日期不能晚于今天。" in page
    assert "马儿童主任" in page and tomorrow.isoformat() in page
    assert book(child) is None
    assert [e["action"] for e in archive_history.history(child.pk)] == ["建档"]


def test_visit_form_messages_are_chinese(app, station):
    child = make_child()
    c = login_as(app, station)
    r = c.post(
        "/visits/record/",
        data=visit_form(child, date="2026-13-45", visitors="", next_visit="明天"),
    )
    assert r.status_code == 200
    page = text(r)
    assert "“2026-13-45”不是有效的日期，请核对年、月、日。" in page
    assert "无法识别“明天”：请按“年-月-日”填写" in page and "请填写走访人员。" in page
    assert "Not a valid" not in page and "This field" not in page
    r = c.post("/visits/record/", data=visit_form(child, guardianship="", study=""))
    assert "请至少填写监护、生活、学习、健康情况中的一项走访发现。" in text(r)
    yesterday = clock.today() - timedelta(days=1)
    r = c.post("/visits/record/", data=visit_form(child, next_visit=yesterday.isoformat()))
    assert "下次走访日期须晚于本次走访日期。" in text(r)
    assert book(child) is None


def test_follow_up_requires_the_service_followed_up(app, station):
    child = make_child()
    c = login_as(app, station)
    r = c.post("/visits/record/", data=visit_form(child, kind="follow_up"))
    assert r.status_code == 200
    assert "跟踪回访须填写回访的服务事项。" in text(r)
    assert book(child) is None
    r = c.post("/visits/record/", data=visit_form(child, kind="follow_up", follow_up_of="心理疏导"))
    assert r.status_code == 302
    (visit,) = book(child).visits
    assert (visit.kind, visit.follow_up_of) == ("follow_up", "心理疏导")
    assert "跟踪回访：心理疏导" in archive_history.history(child.pk)[0]["note"]


def test_risk_reassessment_updates_the_archive_and_its_history(app, station):
    child = make_child()
    assert (child.risk_level, child.version) == ("low", 0)
    c = login_as(app, station)
    r = c.post("/visits/record/", data=visit_form(child, risk_level="high"))
    assert r.status_code == 200
    assert "评估为高风险时须填写风险原因。" in text(r)
    assert Child.objects.get(pk=child.pk).risk_level == "low"
    r = c.post(
        "/visits/record/",
        data=visit_form(child, risk_level="high", risk_reason="父母外出，祖父重病"),
    )
    assert r.status_code == 302
    fresh = Child.objects.get(pk=child.pk)
    assert (fresh.risk_level, fresh.risk_reason, fresh.version) == ("high", "父母外出，祖父重病", 1)
    assert fresh.updated_by == "zz_station"
    assert row_of(station, child)["risk"] == "high"
    entry = archive_history.history(child.pk)[0]
    assert entry["action"] == "走访"
    assert entry["changes"]["风险等级"] == ["低风险", "高风险"]
    assert AuditEntry.objects(target_id=str(child.pk), detail="走访时风险再评估").count() == 1
    # The same level again leaves the archive alone.
    c.post("/visits/record/", data=visit_form(child, risk_level="high", risk_reason="同上"))
    assert Child.objects.get(pk=child.pk).version == 1
    assert len(book(child).visits) == 2


def test_risk_reassessment_on_a_stale_archive_saves_nothing(station):
    child = make_child()
    stale = Child.objects.get(pk=child.pk)
    child.name = "张小明明"
    child.version = 1
    child.save(save_condition={"version": 0})
    with pytest.raises(DomainError) as err:
        visits.record_visit(stale, visit_data(risk_level="medium"), station)
    assert err.value.field == "risk_level"
    assert book(child) is None
    assert Child.objects.get(pk=child.pk).risk_level == "low"


# ---- scope and roles ----
def test_a_child_of_another_township_is_not_found(app, station):
    other = make_child(village=TONGXI, name="通贵儿童")
    visits.add_planned(other, clock.today() + timedelta(days=3), "regular", "", station)
    before_plan = [p.to_mongo().to_dict() for p in book(other).plan]
    before_history = archive_history.history(other.pk)
    tonggui = make_user("tg_station", "station", TONGGUI)
    make_child(village=TONGXI, name="本乡儿童")
    c = login_as(app, make_user("zz_other", "station", ZHANGZHENG))
    r = c.get(f"/visits/?child={other.pk}")
    assert r.status_code == 302 and r.headers["Location"].endswith("/children/")
    page = text(c.get("/children/"))
    assert "记录不存在或不在您的管辖范围内。" in page
    assert "通贵儿童" not in page
    posts = {
        "/visits/record/": visit_form(other),
        "/visits/plan/": {"child": str(other.pk), "year-year": str(clock.today().year)},
        "/visits/add/": {
            "child": str(other.pk),
            "plan-due": (clock.today() + timedelta(days=9)).isoformat(),
            "plan-kind": "ad_hoc",
        },
    }
    for url, data in posts.items():
        r = c.post(url, data=data)
        assert r.status_code == 302 and r.headers["Location"].endswith("/children/"), url
        assert "通贵儿童" not in text(c.get("/children/"))
    for bad in ("not-an-id", "", "0" * 24):
        r = c.get("/visits/", query_string={"child": bad})
        assert r.status_code == 302, bad
    b = book(other)
    assert [p.to_mongo().to_dict() for p in b.plan] == before_plan and not b.visits
    assert archive_history.history(other.pk) == before_history
    assert AuditEntry.objects(action="denied", detail=f"children:{other.pk}").count() == 4
    # The station of 通贵乡 itself sees it.
    assert "通贵儿童" in text(login_as(app, tonggui).get(f"/visits/?child={other.pk}"))


def test_a_village_director_sees_only_the_village(app):
    mine = make_child(village=CHUNLIN, name="春林儿童")
    theirs = make_child(village="640104100200", name="掌政村儿童")
    c = login_as(app, make_user("cl_village", "village", CHUNLIN))
    assert "春林儿童" in text(c.get(f"/visits/?child={mine.pk}"))
    assert c.get(f"/visits/?child={theirs.pk}").status_code == 302
    assert c.post("/visits/record/", data=visit_form(mine)).status_code == 302
    assert len(book(mine).visits) == 1
    r = c.post("/visits/record/", data=visit_form(theirs))
    assert "记录不存在或不在您的管辖范围内" in refusal(c, r)
    assert book(theirs) is None


def test_county_reads_but_does_not_record(app, station):
    child = make_child()
    visits.record_visit(child, visit_data(services="送学习用品"), station)
    county = make_user("xq_county", "county", COUNTY)
    c = login_as(app, county)
    r = c.get(f"/visits/?child={child.pk}")
    assert r.status_code == 200
    page = text(r)
    assert "送学习用品" in page
    assert 'id="visit-form"' not in page and 'id="year-plan-form"' not in page
    before = book(child).to_mongo().to_dict()
    for url, data in {
        "/visits/record/": visit_form(child),
        "/visits/plan/": {"child": str(child.pk), "year-year": str(clock.today().year)},
        "/visits/add/": {
            "child": str(child.pk),
            "plan-due": (clock.today() + timedelta(days=2)).isoformat(),
            "plan-kind": "ad_hoc",
        },
    }.items():
        r = c.post(url, data=data)
        assert r.status_code == 302, url
    assert book(child).to_mongo().to_dict() == before
    assert "只有未保站人员和村（居）儿童主任可以登记走访" in text(
        c.get(f"/visits/?child={child.pk}")
    )


def test_archive_page_links_to_the_visits_and_the_menu_does_not(app, station):
    child = make_child()
    c = login_as(app, station)
    page = c.get(f"/children/details/?id={child.pk}").get_data(as_text=True)
    assert f'href="/visits/?child={child.pk}"' in page
    assert "走访计划与记录" in page
    assert 'href="/visits/"' not in c.get("/").get_data(as_text=True)


# ---- photos taken at a visit (五: photos or scans attached to a visit) ----
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 300
PDF = b"%PDF-1.4\n" + b"0" * 300


def test_photos_are_stored_with_the_visit_and_shown_only_inside(app, station):
    import io

    from admin_app.documents.attachment import Attachment

    child = make_child()
    c = login_as(app, station)
    form = visit_form(child)
    form["visit-photos"] = [(io.BytesIO(JPEG), "家访合影.jpg"), (io.BytesIO(PDF), "签字单.pdf")]
    r = c.post("/visits/record/", data=form, content_type="multipart/form-data")
    assert r.status_code == 302
    (visit,) = book(child).visits
    assert len(visit.photo_ids) == 2
    atts = {a.filename: a for a in Attachment.objects}
    assert set(atts) == {"家访合影.jpg", "签字单.pdf"}
    assert all(a.visit == visit.id and a.place_path == child.place_path for a in atts.values())
    assert attachments.bytes_of(atts["家访合影.jpg"]) == JPEG
    page = text(c.get(f"/visits/?child={child.pk}"))
    assert "家访合影.jpg" in page and "签字单.pdf" in page
    att = atts["家访合影.jpg"]
    shown = c.get(f"/children/attachment/?id={att.pk}")
    assert shown.status_code == 200 and shown.data == JPEG
    outsider = login_as(app, make_user("tg_station", "station", TONGGUI))
    assert outsider.get(f"/children/attachment/?id={att.pk}").status_code == 404
    downloads = [e for e in AuditEntry.objects(action="download") if "家访合影.jpg" in e.detail]
    assert len(downloads) == 1


def test_a_bad_photo_saves_nothing_and_keeps_what_was_typed(app, station):
    import io

    from admin_app.documents.attachment import Attachment

    child = make_child()
    c = login_as(app, station)
    form = visit_form(child, visitors="马儿童主任", guardianship="祖父母照料，监护到位")
    form["visit-photos"] = [
        (io.BytesIO(JPEG), "好的.jpg"),
        (io.BytesIO(b"MZ\x90\x00 not a picture"), "病毒.jpg"),
    ]
    r = c.post("/visits/record/", data=form, content_type="multipart/form-data")
    assert r.status_code == 200
    page = text(r)
    assert "病毒.jpg：只能上传 JPG、PNG 图片或 PDF 扫描件。" in page
    assert "马儿童主任" in page and "祖父母照料，监护到位" in page
    assert book(child) is None and Attachment.objects.count() == 0
    too_many = visit_form(child)
    too_many["visit-photos"] = [(io.BytesIO(JPEG), f"{i}.jpg") for i in range(11)]
    r = c.post("/visits/record/", data=too_many, content_type="multipart/form-data")
    assert "每次走访最多上传 10 个照片或扫描件。" in text(r)
    assert book(child) is None and Attachment.objects.count() == 0
