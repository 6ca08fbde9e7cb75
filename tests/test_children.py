"""一人一档: validation, derived fields, review rule, duplicates, masking, transfer, to-dos."""

from datetime import date, timedelta

import pytest

from admin_app.core import clock
from admin_app.documents import Child, DomainError, IdNumberIndex, TransferTrace
from admin_app.services.children import archive, archive_history, roster
from admin_app.services.figures import todos
from admin_app.services.workdays import add_workdays
from tests import when
from tests.conftest import login_as, refusal, text
from tests.factories import make_user

id_number = when.id_number
BIRTH = when.born(11, 40)  # 马小花, 11 years old on the suite's day
GIRL = id_number(BIRTH, "124")  # even 17th digit: female


def form(**kw):
    data = {
        "village": "640104100201",
        "name": "马小花",
        "gender": "F",
        "id_number": GIRL,
        "no_id_reason": "",
        "birth_date": BIRTH.isoformat(),
        "ethnicity": "回族",
        "hukou_status": "local",
        "school_status": "in_school",
        "categories": ["left_behind"],
        "guardianship": "both_away",
        "risk_level": "medium",
        "visit_frequency": "monthly",
        "status": "active",
        "disability_kind": "none",
        "guardians-0-name": "马大山",
        "guardians-0-relation": "father",
        "guardians-0-phone": "13912345678",
        "guardians-0-situation": "migrant_work",
        "guardians-0-is_guardian": "y",
    }
    data.update(kw)
    return data


def create(c, **kw):
    return c.post("/children/new/", data=form(**kw))


def test_station_creates_an_archive_with_row_and_history(app, users):
    c = login_as(app, users["station"])
    r = create(c)
    assert r.status_code == 302, text(r)
    child = Child.objects.get()
    assert (child.place, child.review_status, child.version) == ("640104100201", "reviewed", 0)
    assert child.guardians[0].name == "马大山"
    assert IdNumberIndex.objects.get(pk=GIRL).child == str(child.pk)
    (row,) = roster.rows_for(users["station"])
    assert (row["name"], row["village"], row["risk"], row["phones"]) == (
        "马小花",
        "640104100201",
        "medium",
        ["13912345678"],
    )
    plan, entry = archive_history.history(child.pk)  # newest first
    assert entry["action"] == "建档" and entry["changes"]["姓名"] == ["", "马小花"]
    assert plan["action"] == "计划走访"  # the year's visits planned at once (issue 14)
    assert row["next_visit"] == clock.today().isoformat()
    page = text(c.get(f"/children/details/?id={child.pk}"))
    assert "马小花" in page and "建档" in page and "农村留守儿童" in page
    from admin_app.documents import AuditEntry

    (viewed,) = AuditEntry.objects(action="view", target_type="children")
    assert (viewed.actor, viewed.target_id) == ("u_station", str(child.pk))


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"id_number": GIRL[:17] + str((int(GIRL[17]) + 1) % 10 if GIRL[17] != "X" else 0)},
            "校验位不正确",
        ),
        ({"id_number": GIRL[:14]}, "应为 18 位"),
        (
            {"birth_date": (BIRTH + timedelta(days=1)).isoformat()},
            f"出生日期与身份证号码不一致（号码中为 {BIRTH.year}年{BIRTH.month}月{BIRTH.day}日）",
        ),
        ({"gender": "M"}, "性别与身份证号码不一致（号码中为女）"),
        ({"id_number": "", "no_id_reason": ""}, "请选择原因"),
        (
            {
                "id_number": "",
                "no_id_reason": "no_hukou",
                "birth_date": when.days_ahead(1).isoformat(),
            },
            "出生日期不能晚于今天",
        ),
        (
            {"id_number": "", "no_id_reason": "no_hukou", "birth_date": when.born(18).isoformat()},
            "已满 18 周岁",
        ),
        ({"risk_level": "high", "risk_reason": ""}, "高风险须填写风险原因"),
        ({"disability_kind": "physical", "disability_grade": ""}, "请填写残疾等级"),
        ({"village": "640104200201"}, "只能选择您管辖范围内的村（居）"),
        ({"name": ""}, "is-invalid"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_keeps_what_was_typed(app, users, changes, message):
    c = login_as(app, users["station"])
    r = create(c, address="兴庆区掌政镇 & <春林> {{ x }}", **changes)
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and message in page
    assert "兴庆区掌政镇 &amp; &lt;春林&gt; {{ x }}" in page  # typed, escaped, kept
    assert Child.objects.count() == 0 and IdNumberIndex.objects.count() == 0


def test_child_without_id_number_is_allowed(app, users):
    c = login_as(app, users["station"])
    r = create(c, id_number="", no_id_reason="no_hukou", hukou_status="none")
    assert r.status_code == 302, text(r)
    assert Child.objects.get().id_number is None


def test_village_director_archive_waits_for_review_within_five_working_days(app, users):
    village = login_as(app, users["village"])
    assert create(village).status_code == 302
    child = Child.objects.get()
    assert child.review_status == "pending"
    assert child.review_due == add_workdays(clock.today(), 5).due
    station = login_as(app, users["station"])
    assert "马小花" in text(station.get("/children/?todo=review"))
    assert todos.counts(users["station"])["review"] == 1
    # the village director cannot review; the 督导员 can
    r = village.post("/children/review/", data={"id": str(child.pk)})
    assert "只有乡镇（街道）儿童督导员可以审核档案" in refusal(village, r)
    assert Child.objects.get().review_status == "pending"
    station.post("/children/review/", data={"id": str(child.pk)})
    child.reload()
    assert (child.review_status, child.reviewed_by) == ("reviewed", "u_station")
    assert archive_history.history(child.pk)[0]["action"] == "审核通过"
    assert todos.counts(users["station"])["review"] == 0


def test_the_supervisor_returns_an_archive_to_the_village_with_a_comment(app, users):
    village = login_as(app, users["village"])
    assert create(village).status_code == 302
    child = Child.objects.get()
    station = login_as(app, users["station"])
    page = text(station.get(f"/children/details/?id={child.pk}"))
    assert "退回修改" in page and "确认该档案审核通过" in page  # 审核通过 asks first
    r = station.post("/children/review/", data={"id": str(child.pk), "action": "return"})
    assert "请填写退回意见" in refusal(station, r)
    assert Child.objects.get().review_status == "pending"
    r = village.post(
        "/children/review/", data={"id": str(child.pk), "action": "return", "comment": "x"}
    )
    assert "只有乡镇（街道）儿童督导员可以审核档案" in refusal(village, r)
    r = station.post(
        "/children/review/",
        data={"id": str(child.pk), "action": "return", "comment": "监护人电话有误，请核实"},
    )
    assert "已退回村（居）儿童主任修改" in refusal(station, r)
    child.reload()
    assert (child.review_status, child.review_comment) == ("returned", "监护人电话有误，请核实")
    entry = archive_history.history(child.pk)[0]
    assert entry["action"] == "退回修改" and entry["note"] == "监护人电话有误，请核实"
    # The 儿童主任 sees it among the to-dos, with the comment on the archive.
    assert todos.counts(users["village"])["returned"] == 1
    assert todos.counts(users["station"])["review"] == 0
    home = text(village.get("/"))
    assert "督导员退回修改的档案" in home
    assert "马小花" in text(village.get("/children/?todo=returned"))
    assert "监护人电话有误，请核实" in text(village.get(f"/children/details/?id={child.pk}"))
    # Saved again by the 儿童主任, it waits for review again.
    child.reload()
    child.address = "三组 12 号（已核实）"
    archive.prepare(child, users["village"], False, None)
    child.save_versioned(users["village"])
    assert Child.objects.get().review_status == "pending"
    # Only a pending archive can be returned.
    r = station.post("/children/review/", data={"id": str(child.pk)})
    child.reload()
    r = station.post(
        "/children/review/", data={"id": str(child.pk), "action": "return", "comment": "再改"}
    )
    assert "只有待审核的档案可以退回修改" in refusal(station, r)


def test_archiving_a_case_asks_for_confirmation(app, users):
    from tests.test_cases import new_case, walk

    case = walk(new_case(users["station"]), users["station"], ("classified", {"klass": "report"}))
    page = login_as(app, users["station"]).get(f"/cases/details/?id={case.pk}")
    html = page.get_data(as_text=True)
    assert 'id="advance-form"' in html
    assert "confirm(&#39;组卷归档后案件及其表单不能再修改，确认归档？&#39;)" in html or (
        "confirm('组卷归档后案件及其表单不能再修改，确认归档？')" in html
    )


def test_five_working_days_across_national_day_and_make_up_day():
    # 2024: 10月1–7日 National Day holiday; Sunday 29 Sep and Saturday 12 Oct are working days.
    assert add_workdays(date(2024, 9, 27), 5).due == date(
        2024, 10, 10
    )  # 29(Sun, make-up), 30, 8, 9, 10
    assert add_workdays(date(2024, 9, 30), 5).due == date(
        2024, 10, 12
    )  # 8, 9, 10, 11, 12(Sat, make-up)
    assert add_workdays(date(2024, 9, 30), 5).exact
    # a year without holiday data falls back to weekends and says so (2090: no release of
    # chinese-calendar will know it soon, nor does anyone enter it here)
    due = add_workdays(date(2090, 1, 2), 5)  # a Monday
    assert due.due == date(2090, 1, 9) and not due.exact and "暂缺" in due.note


def test_same_id_number_twice_is_refused_with_a_link_or_a_scoped_message(app, users):
    c = login_as(app, users["station"])
    assert create(c).status_code == 302
    first = Child.objects.get()
    r = create(c, name="马小花二")
    assert "该身份证号码已建档" in text(r) and f"/children/details/?id={first.pk}" in r.get_data(
        as_text=True
    )
    other = make_user("tg_station", "station", "640104200000")
    r = login_as(app, other).post(
        "/children/new/", data=form(village="640104200201", name="另一个")
    )
    page = text(r)
    assert "已在其他地区建档" in page and str(first.pk) not in page  # nothing about where
    assert Child.objects.count() == 1


def test_likely_duplicates_are_flagged(app, users):
    c = login_as(app, users["station"])
    create(c, id_number="", no_id_reason="unknown")
    r = create(c, id_number="", no_id_reason="unknown")
    assert r.status_code == 302
    page = text(c.get(r.headers["Location"]))
    assert "同名、同出生日期的档案 1 份" in page


def test_identity_masked_for_supervisors(app, users):
    create(login_as(app, users["station"]))
    child = Child.objects.get()
    for role, full in (
        ("station", True),
        ("village", True),
        ("county", False),
        ("province", False),
    ):
        c = login_as(app, users[role])
        area = f"?area={users['county'].place}" if role == "province" else ""
        listing = c.get(f"/children/{area}").get_data(as_text=True)
        details = c.get(f"/children/details/?id={child.pk}").get_data(as_text=True)
        export = c.get(f"/children/export/csv/{area}").data.decode("utf-8-sig")
        for body in (listing, details, export):
            assert (GIRL in body) is full, role
        if not full:
            assert "640104********" in listing and "139****5678" in export


def test_edit_records_old_and_new_values(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    r = c.post(
        f"/children/edit/?id={child.pk}",
        data=form(row_version="0", risk_level="high", risk_reason="监护人长期外出"),
    )
    assert r.status_code == 302, text(r)
    latest = archive_history.history(child.pk)[0]
    assert latest["changes"]["风险等级"] == ["中风险", "高风险"]
    assert latest["by"] == "u_station"
    # a stale second save is refused
    r = c.post(f"/children/edit/?id={child.pk}", data=form(row_version="0", name="改名"))
    assert "已被他人修改" in text(r)
    assert Child.objects.get().name == "马小花"


def test_transfer_moves_archive_with_history_and_leaves_a_trace(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    r = c.post(
        "/children/transfer/",
        data={"id": str(child.pk), "to_code": "640104200201", "reason": "随父母搬迁"},
    )
    assert r.status_code == 302
    child.reload()
    assert child.place == "640104200201" and child.transferred_from == "640104100000"
    assert roster.rows_for(users["station"]) == []
    tg = make_user("tg_station", "station", "640104200000")
    (row,) = roster.rows_for(tg)
    assert row["name"] == "马小花"
    assert [e["action"] for e in archive_history.history(child.pk)] == ["迁移", "计划走访", "建档"]
    trace = TransferTrace.objects.get()
    assert trace.place == "640104100201" and trace.child_name == "马小花"
    # the old station no longer reaches the archive itself
    assert c.get(f"/children/details/?id={child.pk}").status_code == 302
    assert login_as(app, tg).get(f"/children/details/?id={child.pk}").status_code == 200


def test_todo_counts_match_the_lists_they_link_to(app, users):
    station = users["station"]
    today = clock.today()
    c = login_as(app, station)
    create(c)
    turns_18_soon = when.born(17, 365 - 40)  # 18 in 40 days
    create(
        c,
        name="王强",
        id_number=id_number(turns_18_soon, "131"),
        gender="M",
        birth_date=turns_18_soon.isoformat(),
    )
    kids = {k.name: k for k in Child.objects}
    roster.set_visit_dates(kids["马小花"], today - timedelta(days=3), None)
    roster.set_visit_dates(kids["王强"], today + timedelta(days=2), today - timedelta(days=100))
    counts = todos.counts(station, today)
    assert counts["visit_overdue"] == 1 and counts["visit_soon"] == 1
    assert counts["turning_18"] == 1
    home = text(c.get("/"))
    for kind, n in counts.items():
        listing = text(c.get(f"/children/?todo={kind}"))
        assert f'<span id="row-count">{n}</span>' in listing, kind
        assert f'id="todo-{kind}"' in home


def test_search_by_name_id_and_phone(app, users):
    c = login_as(app, users["station"])
    create(c)
    for term in ("马小", GIRL[-6:], "5678"):
        assert "马小花" in text(c.get(f"/children/?search={term}")), term
    assert '<span id="row-count">0</span>' in text(c.get("/children/?search=不存在的人"))


def test_domain_rules_hold_outside_the_screens():
    child = Child(name="x", gender="F", birth_date=BIRTH, id_number=GIRL)
    child.place, child.place_path = "640104100201", []
    with pytest.raises(DomainError):
        Child(name="x", gender="M", birth_date=BIRTH, id_number=GIRL, place="nowhere").check()


def test_rosters_can_be_rebuilt_from_the_archives(app, users):
    c = login_as(app, users["station"])
    create(c)
    before = roster.rows_for(users["station"])
    roster.Roster._get_collection().delete_many({})  # lost by hand: outside roster.py
    roster.forget_cache()  # (another process would see its cached rows until a rebuild)
    assert roster.rows_for(users["station"]) == []
    r = app.test_cli_runner().invoke(args=["rebuild-rosters"])
    assert "1 份档案" in r.output
    assert roster.rows_for(users["station"]) == before
