"""Times and dates that stay right (issue 9): one clock, Beijing time end to end, typed
times, a case that follows its report, working days the province can enter, visit plans
by calendar, 身份证 numbers of people born before their county existed."""

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document as Docx
from openpyxl import load_workbook

from admin_app.core import clock, dates
from admin_app.documents import AuditEntry, Child, DomainError, check_id_number
from admin_app.documents.calendar import HolidayYear
from admin_app.documents.case import Case, MandatoryReport
from admin_app.services import cases, word, workdays
from admin_app.services.children import archive_history
from tests import when
from tests.conftest import login_as, text
from tests.factories import make_user
from tests.places import CHUNLIN, ZHANGZHENG

ROOT = Path(__file__).resolve().parent.parent


def at(time_travel, beijing: str) -> None:
    """Put the clock at a Beijing wall-clock time."""
    time_travel.move_to(when.beijing(beijing))


# ---- one clock -----------------------------------------------------------------------
def test_nothing_but_the_clock_reads_the_wall_clock():
    """Every rule asks admin_app/core/clock.py; a new `datetime.now()` elsewhere fails here."""
    wall = re.compile(r"datetime\.(now|today|utcnow)\(|date\.today\(|time\.time\(")
    readers = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("admin_app", "seed", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "clock.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if wall.search(line)
    ]
    assert readers == []


def test_now_is_utc_to_the_millisecond_and_today_is_ningxias(time_travel):
    time_travel.move_to(datetime(2027, 12, 31, 15, 29, 59, 123456, tzinfo=UTC))
    now = clock.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert now.microsecond % 1000 == 0
    assert clock.today() == date(2027, 12, 31)
    assert f"{clock.local_now():%H:%M}" == "23:29"
    time_travel.move_to(datetime(2027, 12, 31, 16, 0, tzinfo=UTC))  # midnight in Ningxia
    assert clock.today() == date(2028, 1, 1)
    assert dates.cn_datetime(clock.now()) == "2028年1月1日 00:00"


@pytest.mark.parametrize(
    "typed",
    [
        "2027-12-31 23:30",
        "2027-12-31T23:30",
        "2027/12/31 23:30",
        "2027.12.31 23:30",
        "2027年12月31日 23:30",
        "2027年12月31日23时30分",
        "2027年12月31日 23点30分",
        "２０２７－１２－３１　２３：３０",
        " 2027-12-31   23:30 ",
        "2027-12-31 23:30:00",
    ],
)
def test_times_are_typed_in_beijing_time_the_ways_clerks_write_them(typed):
    assert dates.parse_datetime(typed) == datetime(2027, 12, 31, 15, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("晚8时许", "无法识别“晚8时许”"),
        ("0001-12-31 22:11:23", "不是有效的日期和时间"),  # what key-by-key typing gave
        ("2027-02-30 10:00", "不是有效的日期和时间"),
        ("2027-12-31 24:00", "不是有效的日期和时间"),
        ("2027-12-31", "请填写到“时:分”"),
    ],
)
def test_a_time_that_cannot_be_read_is_refused_in_chinese(typed, message):
    with pytest.raises(ValueError, match=message):
        dates.parse_datetime(typed)


def test_dates_typed_and_shown():
    assert dates.parse_date("2027年2月3日") == date(2027, 2, 3)
    assert dates.parse_date("20270203") == date(2027, 2, 3)
    with pytest.raises(ValueError, match="不是有效的日期"):
        dates.parse_date("2027-02-30")
    assert dates.cn_date(date(2027, 2, 3)) == "2027年2月3日"
    stored = datetime(2027, 2, 2, 16, 5, tzinfo=UTC)  # 00:05 on 3 February in Ningxia
    assert dates.cn_date(stored) == "2027年2月3日"
    assert dates.cn_minute(stored) == "2027年2月3日 00时05分"
    assert dates.input_datetime(stored) == "2027-02-03 00:05"


def test_age_and_the_18th_birthday():
    assert clock.age_on(date(2009, 2, 28), date(2027, 2, 27)) == 17
    assert clock.age_on(date(2009, 2, 28), date(2027, 2, 28)) == 18
    assert clock.turns_adult(date(2008, 2, 29)) == date(2026, 3, 1)


# ---- a report typed at 23:30 Beijing time on New Year's Eve ----------------------------
def report_form(**kw) -> dict:
    form = {
        "reporter_public": "y",
        "reporter_name": "王老师",
        "reporter_contact": "13800001111",
        "reporter_identity": "teacher",
        "report_method": "phone",
        "reported_at": when.typed(when.minutes_ago(30)),
        "child_info-name": "小刚",
        "child_info-gender": "M",
        "child_info-age": "10",
        "scene": "村东头",
        "account": "听到哭喊",
        "filled_by": "李娟",
        "filled_on": when.today().isoformat(),
        "open_case": "y",
        "serious_harm": "y",
    }
    form.update(kw)
    return form


@pytest.fixture
def station():
    return make_user("zz_station", "station", ZHANGZHENG, display_name="掌政督导员")


def test_report_typed_at_2330_on_new_years_eve_is_that_time_everywhere(app, station, time_travel):
    year = clock.today().year  # the coming 31 December (today at the latest)
    at(time_travel, f"{year}-12-31 23:40")
    c = login_as(app, station)
    r = c.post("/mandatory_reports/new/", data=report_form(reported_at=f"{year}-12-31 23:30"))
    assert r.status_code == 302, text(r)
    report = MandatoryReport.objects.get()
    assert report.reported_at == datetime(year, 12, 31, 15, 30, tzinfo=UTC)
    shown = f"{year}年12月31日 23:30"
    assert shown in text(c.get(f"/mandatory_reports/details/?id={report.pk}"))
    assert shown in text(c.get("/mandatory_reports/"))
    edit = text(c.get(f"/mandatory_reports/edit/?id={report.pk}"))
    assert f'value="{year}-12-31 23:30"' in edit

    case = Case.objects.get()
    assert case.reported_at == report.reported_at
    assert case.first_visit_due == datetime(year + 1, 1, 1, 15, 30, tzinfo=UTC)
    page = text(c.get(f"/cases/details/?id={case.pk}"))
    assert shown in page and f"{year + 1}年1月1日 23:30 前" in page
    assert f"{year}年12月31日 23时30分" in word_text(c, f"/mandatory_reports/word/?id={report.pk}")
    assert word.dossier_context(case)["reported_at"] == f"{year}年12月31日 23时30分"

    exported = c.get("/mandatory_reports/export/csv/").get_data(as_text=True)
    assert shown in exported
    sheet = load_workbook(io.BytesIO(c.get("/cases/export/xlsx/").data)).active
    assert shown in [cell.value for row in sheet.iter_rows() for cell in row]
    # The audit log says when, in Beijing time: it is already 31 December there.
    entry = AuditEntry.objects(target_type="mandatory_reports", action="create").get()
    county = login_as(app, make_user("xq_county", "county", "640104000000"))
    assert f"{year}年12月31日 23:4" in text(county.get("/audit/"))
    assert dates.cn_datetime(entry.at).startswith(f"{year}年12月31日 23:4")


def word_text(client, url) -> str:
    doc = Docx(io.BytesIO(client.get(url).data))
    return "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)


def test_a_time_that_cannot_be_read_keeps_what_was_typed_and_saves_nothing(app, station):
    c = login_as(app, station)
    r = c.post("/mandatory_reports/new/", data=report_form(reported_at="晚8时许"))
    assert r.status_code == 200
    page = text(r)
    assert "无法识别“晚8时许”：请按“年-月-日 时:分”填写" in page
    assert 'value="晚8时许"' in page and "听到哭喊" in page
    assert MandatoryReport.objects.count() == 0 and Case.objects.count() == 0


def test_an_approximate_time_is_kept_in_words_beside_the_exact_one(app, station):
    c = login_as(app, station)
    reported = when.minutes_ago(40)
    r = c.post(
        "/mandatory_reports/new/",
        data=report_form(
            reported_at=when.typed(reported),
            reported_note="晚8时许来电",
            occurred_at="",
            occurred_note="上周五傍晚",
        ),
    )
    assert r.status_code == 302, text(r)
    report = MandatoryReport.objects.get()
    assert (report.reported_note, report.occurred_at, report.occurred_note) == (
        "晚8时许来电",
        None,
        "上周五傍晚",
    )
    page = text(c.get(f"/mandatory_reports/details/?id={report.pk}"))
    assert "晚8时许来电" in page and "上周五傍晚" in page
    paper = word_text(c, f"/mandatory_reports/word/?id={report.pk}")
    assert f"{dates.cn_minute(reported)}（晚8时许来电）" in paper and "上周五傍晚" in paper


def test_a_future_report_time_is_refused(app, station):
    c = login_as(app, station)
    future = clock.now() + timedelta(hours=2)
    r = c.post("/mandatory_reports/new/", data=report_form(reported_at=when.typed(future)))
    assert r.status_code == 200 and "报告时间不能晚于现在。" in text(r)
    assert MandatoryReport.objects.count() == 0


# ---- a case follows the report it came from --------------------------------------------
def test_correcting_the_report_time_moves_the_case_and_its_24_hour_deadline(app, station):
    c = login_as(app, station)
    first = when.minutes_ago(60)
    c.post("/mandatory_reports/new/", data=report_form(reported_at=when.typed(first)))
    report, case = MandatoryReport.objects.get(), Case.objects.get()
    assert case.first_visit_due == first + timedelta(hours=24)

    form = edit_form(c, f"/mandatory_reports/edit/?id={report.pk}")
    corrected = first - timedelta(hours=3, minutes=10)
    form["reported_at"] = when.typed(corrected)
    r = c.post(f"/mandatory_reports/edit/?id={report.pk}", data=form)
    assert r.status_code == 302, text(r)
    case.reload()
    assert case.reported_at == corrected
    assert case.first_visit_due == corrected + timedelta(hours=24)
    event = case.events[-1]
    assert event.done == ["report_time_corrected"]
    assert dates.cn_datetime(first) in event.note and dates.cn_datetime(corrected) in event.note
    page = text(c.get(f"/cases/details/?id={case.pk}"))
    assert "更正报告时间" in page and dates.cn_datetime(corrected + timedelta(hours=24)) in page
    logged = AuditEntry.objects(target_type="cases", action="update").get()
    assert logged.changes["reported_at"] == [
        dates.cn_datetime(first),
        dates.cn_datetime(corrected),
    ]

    # After the first visit, the report time cannot move past it.
    cases.record_first_visit(case, when.minutes_ago(5), station, "已到家中")
    form = edit_form(c, f"/mandatory_reports/edit/?id={report.pk}")
    form["reported_at"] = when.typed(when.minutes_ago(1))
    r = c.post(f"/mandatory_reports/edit/?id={report.pk}", data=form)
    assert r.status_code == 200 and "报告时间不能晚于已记录的首次家访时间" in text(r)
    report.reload()
    case.reload()
    assert report.reported_at == corrected and case.reported_at == corrected


def edit_form(client, url) -> dict:
    """The fields of an edit form as the browser would send them back."""
    from tests.forms import form_data

    return dict(form_data(client.get(url).get_data(as_text=True)))


# ---- working days: the province enters a year's 放假调休 arrangement ----------------------
# A hand-entered 2027 arrangement (test data, not the State Council's text): Spring
# Festival 6–13 February (Saturday to Saturday), make-up working days Sunday 14 and
# Saturday 20 February.
SPRING_2027 = {
    "id": "2027",
    "source": "测试用安排",
    "holidays-0-name": "元旦",
    "holidays-0-first_day": "2027-01-01",
    "holidays-0-last_day": "2027-01-03",
    "holidays-1-name": "春节",
    "holidays-1-first_day": "2027-02-06",
    "holidays-1-last_day": "2027-02-13",
    "workdays-0-day": "2027-02-14",
    "workdays-0-note": "春节调休",
    "workdays-1-day": "2027-02-20",
    "workdays-1-note": "春节调休",
}


def village_creates_archive(app, name: str, number_seq: str) -> Child:
    village = Child.objects(name=name).first()
    assert village is None
    user = make_user(f"cl_{number_seq}", "village", CHUNLIN)
    c = login_as(app, user)
    birth = when.born(9, 20)
    r = c.post(
        "/children/new/",
        data={
            "name": name,
            "gender": "M",
            "id_number": when.id_number(birth, number_seq),
            "birth_date": birth.isoformat(),
            "village": CHUNLIN,
            "ethnicity": "汉族",
            "hukou_status": "local",
            "disability_kind": "none",
            "guardianship": "normal",
            "risk_level": "low",
            "visit_frequency": "quarterly",
            "status": "active",
        },
    )
    assert r.status_code == 302, text(r)
    return Child.objects.get(name=name)


def test_review_deadline_follows_a_hand_entered_2027_spring_festival(app, users, time_travel):
    at(time_travel, "2027-02-04 10:00")  # Thursday before the holiday
    before = village_creates_archive(app, "马春节", "131")
    guessed = workdays.add_workdays(date(2027, 2, 4), 5)
    assert before.review_due == guessed.due  # library data, or weekends only (then said so)
    if not guessed.exact:
        assert before.review_due == date(2027, 2, 11) and not before.review_due_exact

    c = login_as(app, users["province"])
    r = c.post("/holiday_years/new/", data=SPRING_2027)
    assert r.status_code == 302, text(r)
    assert "已重新计算待审核档案的审核期限：1 份有变化" in text(c.get("/holiday_years/")) or (
        guessed.due == date(2027, 2, 17)
    )
    # Friday 5th, then the holiday, then Sunday 14th (worked), Mon 15th … Wed 17th.
    before.reload()
    assert (before.review_due, before.review_due_exact) == (date(2027, 2, 17), True)
    assert archive_history.history(before.pk)[0]["action"] == "审核期限调整"

    at(time_travel, "2027-02-16 10:00")  # Tuesday: the make-up Saturday counts
    after = village_creates_archive(app, "马调休", "151")
    assert (after.review_due, after.review_due_exact) == (date(2027, 2, 22), True)
    station = login_as(app, users["station"])
    page = text(station.get(f"/children/details/?id={after.pk}"))
    assert "审核期限 2027年2月22日" in page and "数据暂缺" not in page


def test_an_arrangement_that_cannot_be_true_is_refused(app, users):
    c = login_as(app, users["province"])
    bad = {**SPRING_2027, "workdays-0-day": "2027-02-08"}
    r = c.post("/holiday_years/new/", data=bad)
    assert r.status_code == 200 and "2027-02-08 既是放假日又是调休上班日" in text(r)
    backwards = {**SPRING_2027, "holidays-1-last_day": "2027-02-01"}
    assert "“春节”的结束日期早于开始日期" in text(c.post("/holiday_years/new/", data=backwards))
    assert HolidayYear.objects.count() == 0


def test_the_province_is_reminded_from_1_november_until_next_year_is_entered(
    app, users, time_travel
):
    # 2040: a year no release of chinese-calendar will know for a long time.
    at(time_travel, "2039-10-31 09:00")
    c = login_as(app, users["province"])
    assert "2040年放假调休安排尚未录入" not in text(c.get("/"))
    at(time_travel, "2039-11-01 09:00")
    c = login_as(app, users["province"])
    assert "2040年放假调休安排尚未录入" in text(c.get("/"))
    county = login_as(app, users["county"])
    assert "放假调休安排尚未录入" not in text(county.get("/"))
    entry = {
        "id": "2040",
        "holidays-0-name": "元旦",
        "holidays-0-first_day": "2040-01-01",
        "holidays-0-last_day": "2040-01-01",
    }
    assert c.post("/holiday_years/new/", data=entry).status_code == 302
    assert "2040年放假调休安排尚未录入" not in text(c.get("/"))
    assert workdays.is_workday(date(2040, 1, 1)) == (False, True)
    assert workdays.is_workday(date(2040, 1, 2)) == (True, True)


# ---- 身份证 numbers -------------------------------------------------------------------
def test_a_number_issued_before_its_county_existed_is_accepted_with_a_note(app, station):
    """640104 兴庆区 exists from 2002; a father born in 1978 holds a 640104 number."""
    checked = check_id_number("640104197803152019")
    assert (checked.birth, checked.gender) == (date(1978, 3, 15), "M")
    assert "1978 年尚未设立" in checked.note
    unknown = when.id_number("1990-03-07", "001", area="999999")
    assert "不在国家行政区划代码表中" in check_id_number(unknown).note

    c = login_as(app, station)
    birth = when.born(8, 3)
    r = c.post(
        "/children/new/",
        data={
            "name": "马小军",
            "gender": "M",
            "id_number": when.id_number(birth, "171"),
            "birth_date": birth.isoformat(),
            "village": CHUNLIN,
            "ethnicity": "回族",
            "hukou_status": "local",
            "disability_kind": "none",
            "guardianship": "normal",
            "risk_level": "low",
            "visit_frequency": "quarterly",
            "status": "active",
            "guardians-0-name": "马建国",
            "guardians-0-relation": "father",
            "guardians-0-id_number": "640104197803152019",
            "guardians-0-situation": "home",
            "guardians-0-is_guardian": "y",
        },
        follow_redirects=True,
    )
    page = text(r)
    assert "请核对监护人 马建国的身份证号码：地区码 640104 在持证人出生的 1978 年尚未设立" in page
    child = Child.objects.get()
    assert child.guardians[0].id_number == "640104197803152019"
    assert "提示（监护人 马建国）" in text(c.get(f"/children/details/?id={child.pk}"))


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("640104197803152018", "校验位不正确"),
        ("64010419780315201", "应为 18 位"),
        (when.id_number("2015-02-30", "123"), "出生日期无效"),
        (when.id_number(when.days_ahead(1), "123"), "出生日期晚于今天"),
        ("64010419780315201A", "格式不正确"),
    ],
)
def test_a_wrong_number_is_still_refused(number, message):
    with pytest.raises(DomainError, match=message):
        check_id_number(number)


def test_demo_data_is_relative_to_today(app, runner, time_travel):
    """The README's first command on a far New Year's Eve: the demo still loads, its
    oldest child is still 17 and turns 18 within 90 days."""
    at(time_travel, "2031-12-31 23:30")
    for args in (["seed", "places"], ["seed", "allocation"], ["seed", "demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    oldest = Child.objects.get(name="马晓军")
    assert oldest.age_on(clock.today()) == 17
    assert clock.turns_adult(oldest.birth_date) - clock.today() < timedelta(days=90)
    assert all(c.status == "active" for c in Child.objects)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_csv_export_of_the_audit_log_is_in_beijing_time(app, users, time_travel):
    at(time_travel, "2031-06-30 23:50")
    c = login_as(app, users["county"])
    body = c.get("/audit/export/csv/").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(body)))
    times = [r[0] for r in rows[1:]]
    assert times and all(t.startswith("2031年6月30日 23:5") for t in times)


def test_the_suites_clock_never_leaves_its_first_beijing_date():
    """A run started at 23:57 once built "tomorrow" at collection and found it was today by
    the time the test ran (00:05). The suite's clock now stops short of midnight."""
    import time
    from types import SimpleNamespace

    from tests.conftest import suite_now

    instant = when.beijing("2027-12-31 23:50")
    config = SimpleNamespace(_wbz_instant=instant, _wbz_started=time.monotonic() - 3600)
    now = suite_now(config)
    assert clock.to_local(now).date() == clock.to_local(instant).date()
    assert now > instant  # it still runs, up to the margin
    early = SimpleNamespace(_wbz_instant=instant, _wbz_started=time.monotonic() - 60)
    assert suite_now(early) - instant < timedelta(minutes=2)
