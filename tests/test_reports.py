"""Work reports: the station's half-year report and yearly summary (三(二)), and the county's
yearly filing (五(一)). Figures against hand counts, the edited narrative in Word, Excel,
LibreOffice, scope, and the template generator.

Set WORD_PREVIEW_DIR to keep the PDFs and the page-1 PNGs of the print test for a look.
"""

import importlib.util
import io
import os
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from admin_app.documents import (
    AuditEntry,
    Child,
    DomainError,
    PlannedVisit,
    StaffMember,
    TransferTrace,
    VisitBook,
    VisitRecord,
)
from admin_app.documents.case import Case, ChildInfo, Referral
from admin_app.documents.records import CommunityActivity, HalfYearReport, PublicityEvent
from admin_app.services import reports, word
from admin_app.services.children import roster
from tests.conftest import login_as, refusal
from tests.factories import make_allocation, make_child, make_station, make_user

from . import when

ROOT = Path(__file__).resolve().parent.parent
ZHANGZHENG, TONGGUI = "640104100000", "640104200000"
CHUNLIN, ZHANGZHENG_VILLAGE, TONGXI = "640104100201", "640104100200", "640104200201"
XINGQING, JINFENG, YUANZHOU = "640104000000", "640106000000", "640402000000"
HOSTILE = "A&B <b>粗体</b> x > y {{ x }} {% if %}\n第二行"
H2_2025 = {"kind": "H2", "year": 2025}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def child(village, name, categories, risk="low", school="in_school", created=None, **kw):
    c = make_child(
        village,
        name,
        birth_date=when.born(11, 200),
        categories=categories,
        risk_level=risk,
        risk_reason="监护缺失" if risk == "high" else None,
        school_status=school,
        **kw,
    )
    if created:  # an archive made on an earlier day
        Child.objects(pk=c.pk).update(set__created_at=created)
        c.created_at = created
        roster.put(c)
    return c


def book(c, plan=(), visits=()):
    VisitBook(
        id=str(c.pk),
        place_path=list(c.place_path),
        plan=[PlannedVisit(due=d, done_by=done) for d, done in plan],
        visits=[
            VisitRecord(id=vid, date=d, kind=kind, visitors="王主任") for vid, d, kind in visits
        ],
    ).save()


def case(place, number, reported, klass=None, step="intake", serious=False, first_visit=None):
    k = Case(
        number=number,
        channel="hotline",
        klass=klass,
        child_info=ChildInfo(name="小明", gender="M", age=9),
        reported_at=reported,
        serious_harm=serious,
        first_visit_due=reported + timedelta(hours=24) if serious else None,
        first_visit_at=first_visit,
        step=step,
    )
    k.set_place(place)
    k.save()
    return k


def referral(place, referred_on, status="sent", feedback_at=None):
    r = Referral(
        referred_on=referred_on,
        child_info=ChildInfo(name="小明"),
        reason="需要心理疏导",
        unit_name="兴庆区心理服务中心",
        status=status,
        feedback_due=referred_on + timedelta(days=10),
        feedback="已接收并开展疏导" if status in ("feedback", "closed") else None,
        status_log=[{"at": feedback_at, "by": "x", "status": "feedback"}] if feedback_at else [],
    )
    r.set_place(place)
    r.save()
    return r


def publicity(place, held_on, kind, reached):
    e = PublicityEvent(held_on=held_on, kind=kind, location="镇文化站", reached=reached)
    e.set_place(place)
    e.save()


def activity(place, held_on, venue, children):
    a = CommunityActivity(venue=venue, held_on=held_on, kind="tutoring", title="作业辅导")
    a.children = children
    a.set_place(place)
    a.save()


@pytest.fixture
def township_data():
    """A small 掌政镇 with hand-countable figures for 2025 下半年, and noise elsewhere."""
    a = child(CHUNLIN, "甲", ["left_behind", "family_difficulty"], "high", created=at(2025, 8, 1))
    b = child(ZHANGZHENG_VILLAGE, "乙", ["left_behind"], "low", "dropped_out", at(2024, 3, 1))
    c = child(CHUNLIN, "丙", ["orphan"], "medium", "preschool", created=at(2025, 9, 10))
    c.status, c.status_date, c.status_reason = "closed", date(2025, 10, 1), "重复建档"
    c.check()
    c.save()
    roster.put(c)
    d = child(TONGXI, "丁", ["left_behind"], "high", created=at(2025, 8, 2))  # 通贵乡
    trace = TransferTrace(child="x", child_name="戊", moved_on=date(2025, 11, 1))
    trace.set_place(CHUNLIN)
    trace.save()

    book(
        a,
        plan=[(date(2025, 8, 10), "v1"), (date(2025, 9, 10), None), (date(2026, 1, 10), None)],
        visits=[
            ("v1", date(2025, 8, 9), "regular"),
            ("v2", date(2025, 10, 2), "key_check"),
            ("v3", date(2025, 3, 1), "regular"),
        ],
    )
    book(b, plan=[(date(2025, 12, 1), "v4")], visits=[("v4", date(2025, 11, 30), "follow_up")])
    book(d, plan=[(date(2025, 8, 1), None)], visits=[("v5", date(2025, 8, 1), "regular")])

    r1 = at(2025, 8, 1, 2)
    case(CHUNLIN, "K1", r1, "report", "archived", True, r1 + timedelta(hours=5))
    r2 = at(2025, 9, 1, 2)
    case(ZHANGZHENG, "K2", r2, "help", "assessed", True, r2 + timedelta(hours=30))
    case(ZHANGZHENG, "K3", at(2025, 10, 1), "policy_consult", "consult_closed")
    case(CHUNLIN, "K4", at(2025, 12, 1), None, "intake", True)
    case(ZHANGZHENG, "K5", at(2025, 5, 1), "report", "archived")
    case(TONGGUI, "K6", at(2025, 8, 1), "report", "intake", True)

    referral(ZHANGZHENG, date(2025, 8, 1), "feedback", at(2025, 8, 16))  # 15 days: late
    referral(ZHANGZHENG, date(2025, 9, 1), "sent")  # no feedback, overdue
    referral(CHUNLIN, date(2025, 10, 1), "closed", at(2025, 10, 5))
    referral(ZHANGZHENG, date(2025, 3, 1), "sent")
    referral(TONGGUI, date(2025, 8, 1), "sent")

    publicity(ZHANGZHENG, date(2025, 9, 1), "law_policy", 100)
    publicity(ZHANGZHENG, date(2025, 10, 1), "director_training", 30)
    publicity(CHUNLIN, date(2025, 11, 1), "volunteer_training", 20)
    publicity(ZHANGZHENG, date(2025, 3, 1), "law_policy", 500)
    publicity(TONGGUI, date(2025, 9, 1), "law_policy", 900)

    activity(CHUNLIN, date(2025, 8, 5), "children_home", 10)
    activity(ZHANGZHENG, date(2025, 9, 5), "children_home", 15)
    activity(ZHANGZHENG, date(2025, 9, 6), "after_school", 20)
    activity(TONGGUI, date(2025, 9, 6), "after_school", 99)
    return {"a": a, "b": b, "c": c, "d": d}


def figures(user, kind="H2", year=2025):
    p = reports.period(kind, year)
    return reports.station_figures(user, p["start"], p["end"], kind=kind)


def by_code(items, key="n"):
    return {x["code"]: x[key] for x in items}


# ---- periods ------------------------------------------------------------------------


def test_periods():
    assert reports.period("H1", 2026)["start"] == date(2026, 1, 1)
    assert reports.period("H1", 2026)["end"] == date(2026, 6, 30)
    assert reports.period("H2", 2026)["start"] == date(2026, 7, 1)
    assert reports.period("year", 2026)["end"] == date(2026, 12, 31)
    assert reports.period("H2", 2025)["label"] == "2025年下半年"
    assert reports.period("year", 2025)["label"] == "2025年度"
    assert reports.period("H1", 2026)["previous"] == ("H2", 2025)
    with pytest.raises(DomainError):
        reports.period("Q3", 2026)


# ---- figures against hand counts ----------------------------------------------------


def test_children_figures_come_from_the_roster(users, township_data):
    c = figures(users["station"])["children"]
    assert c["total"] == 2 and c["archives"] == 3  # 甲 乙 在册, 丙 已销档; 丁 is 通贵乡's
    cats = by_code(c["by_category"])
    assert cats["left_behind"] == 2 and cats["family_difficulty"] == 1 and cats["orphan"] == 0
    assert by_code(c["by_risk"]) == {"low": 1, "medium": 0, "high": 1}
    school = by_code(c["by_school"])
    assert school["in_school"] == 1 and school["dropped_out"] == 1 and school["preschool"] == 0
    assert by_code(c["by_status"])["active"] == 2 and by_code(c["by_status"])["closed"] == 1
    # Change in the period: 甲 and 丙 created; 丙 closed and 戊 moved away.
    assert c["new"] == 2
    assert by_code(c["decreased"]) == {"moved": 1, "adult": 0, "deceased": 0, "closed": 1}
    assert c["decrease"] == 2 and c["net"] == 0
    # The first half of the year saw none of it.
    h1 = figures(users["station"], "H1")["children"]
    assert h1["new"] == 0 and h1["decrease"] == 0


def test_visits_planned_against_done(users, township_data):
    v = figures(users["station"])["visits"]
    assert v["planned"] == 3 and v["done"] == 2 and v["overdue"] == 1 and v["upcoming"] == 0
    assert v["rate"] == 67
    assert v["made"] == 3 and v["children"] == 2
    assert by_code(v["by_kind"]) == {
        "regular": 1,
        "key_check": 1,
        "first": 0,
        "follow_up": 1,
        "ad_hoc": 0,
    }
    assert v["high_risk"] == 1 and v["high_risk_visited"] == 1
    year = figures(users["station"], "year")["visits"]
    assert year["made"] == 4 and year["planned"] == 3


def test_cases_by_class_step_outcome_and_the_24_hour_rule(users, township_data):
    k = figures(users["station"])["cases"]
    assert k["opened"] == 4  # K5 is from the first half, K6 is 通贵乡's
    assert by_code(k["by_class"]) == {
        "policy_consult": 1,
        "event_consult": 0,
        "report": 1,
        "help": 1,
        "": 1,
    }
    steps = by_code(k["by_step"])
    assert steps["archived"] == 1 and steps["assessed"] == 1
    assert steps["consult_closed"] == 1 and steps["intake"] == 1 and steps["placement"] == 0
    assert (k["archived"], k["consult_closed"], k["open"]) == (1, 1, 2)
    assert k["serious"] == 3
    assert (k["first_visit_met"], k["first_visit_missed"], k["first_visit_pending"]) == (1, 2, 0)


def test_first_visit_rule_pending_met_and_missed():
    now = at(2026, 11, 29, 12)
    reported = now - timedelta(hours=3)
    pending = Case(
        serious_harm=True, reported_at=reported, first_visit_due=reported + timedelta(hours=24)
    )
    assert reports.first_visit_result(pending, now) == "pending"
    assert reports.first_visit_result(pending, now + timedelta(hours=22)) == "missed"
    pending.first_visit_at = reported + timedelta(hours=24)
    assert reports.first_visit_result(pending, now + timedelta(days=3)) == "met"
    pending.first_visit_at = reported + timedelta(hours=24, minutes=1)
    assert reports.first_visit_result(pending, now + timedelta(days=3)) == "missed"


def test_referrals_publicity_and_activities(users, township_data):
    f = figures(users["station"])
    r = f["referrals"]
    assert (r["sent"], r["feedback"], r["waiting"], r["late"], r["late_feedback"]) == (
        3,
        2,
        1,
        1,
        1,
    )
    pub = f["publicity"]
    assert pub["events"] == 3 and pub["reached"] == 150
    assert pub["training"] == 2 and pub["training_reached"] == 50
    assert by_code(pub["by_kind"], "reached")["law_policy"] == 100
    act = f["activities"]
    assert by_code(act["by_venue"]) == {"children_home": 2, "after_school": 1}
    assert by_code(act["by_venue"], "children") == {"children_home": 25, "after_school": 20}
    assert act["events"] == 3 and act["children"] == 45


def test_open_problems_are_the_todos(users, township_data):
    from admin_app.services.figures import todos

    t = figures(users["station"])["todos"]
    for kind, n in todos.counts(users["station"]).items():
        assert t[kind] == n
    assert t["high_risk_unvisited"] == 1  # 甲: high risk, no visit on the roster row
    assert t["first_visit_overdue"] == 1  # K4: no first visit (K1, K2 have theirs)
    assert t["late_referrals"] == 2  # 9月1日 and 3月1日, both still waiting


def test_a_station_gets_only_its_own_township(users, township_data):
    other = make_user("tg_station", "station", TONGGUI)
    f = figures(other)
    assert f["children"]["total"] == 1 and f["children"]["archives"] == 1
    assert f["visits"]["made"] == 1 and f["cases"]["opened"] == 1
    assert f["publicity"]["reached"] == 900
    assert by_code(f["activities"]["by_venue"], "children")["after_school"] == 99


def test_station_page_ignores_a_foreign_place(app, users, township_data):
    client = login_as(app, users["station"])
    r = client.get(f"/reports/?kind=H2&year=2025&place={TONGGUI}&township={TONGGUI}")
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    assert "掌政镇未成年人保护工作站2025年下半年工作情况汇报" in html
    assert "通贵乡" not in html
    assert "在册儿童总数（人）" in html and "辖区在册儿童2人" in html


# ---- Word -----------------------------------------------------------------------------


def docx_text(data: bytes) -> str:
    doc = open_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_edited_narrative_appears_literally(app, users, township_data):
    client = login_as(app, users["station"])
    r = client.post(
        "/reports/word/",
        data={
            **H2_2025,
            "summary": HOSTILE,
            "problems": "问题 & <问题>",
            "next_steps": "{{ next_steps }} {%p if x %}",
            "reported_to": "掌政镇人民政府 & 党委",
        },
    )
    assert r.status_code == 200, r.data[:300]
    assert r.mimetype.endswith("wordprocessingml.document")
    text = docx_text(r.data)
    for piece in HOSTILE.split("\n"):
        assert piece in text
    assert "问题 & <问题>" in text and "{{ next_steps }} {%p if x %}" in text
    assert "掌政镇人民政府 & 党委" in text
    assert "2025年下半年工作情况汇报" in text and "在册儿童总数（人）" in text
    assert AuditEntry.objects(action="download", actor="u_station").count() == 1


def test_year_summary_word(app, users, township_data):
    h = HalfYearReport(year=2025, half="H1", reported_on=date(2025, 7, 3))
    h.set_place(ZHANGZHENG)
    h.save()
    client = login_as(app, users["station"])
    r = client.post(
        "/reports/word/",
        data={"kind": "year", "year": 2025, "summary": "全年", "problems": "", "next_steps": ""},
    )
    assert r.status_code == 200
    text = docx_text(r.data)
    assert "2025年度工作总结" in text and "下一年度工作打算" in text
    assert "本年度已向掌政镇人民政府汇报 1 次" in text


def test_template_placeholders_equal_the_context_keys(users, township_data):
    f = figures(users["station"])
    narrative = reports.draft_narrative(f)
    assert word.template_placeholders("report_half_year") == set(
        reports.station_context(f, narrative)
    )
    y = figures(users["station"], "year")
    assert word.template_placeholders("report_year_summary") == set(
        reports.station_context(y, narrative)
    )
    filing = reports.county_filing(users["county"], 2025)
    assert word.template_placeholders("report_county_filing") == set(
        reports.filing_context(filing, reports.filing_draft(filing))
    )


def test_generator_reproduces_the_committed_templates(tmp_path):
    spec = importlib.util.spec_from_file_location(
        "make_report_templates", ROOT / "scripts" / "make_report_templates.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    written = module.main(tmp_path)
    assert {p.name for p in written} == {
        "appraisal_sheet.docx",
        "appraisal_summary.docx",
        "assessment_sheet.docx",
        "report_half_year.docx",
        "report_year_summary.docx",
        "report_county_filing.docx",
    }
    for path in written:
        assert path.read_bytes() == (ROOT / "doc_templates" / path.name).read_bytes(), path.name
        with zipfile.ZipFile(path) as z:
            document = z.read("word/document.xml").decode("utf-8")
            assert 'w:w="11906"' in document and 'w:h="16838"' in document  # A4
            assert "宋体" in z.read("word/styles.xml").decode("utf-8")


# ---- Excel ----------------------------------------------------------------------------


def sheet_values(data: bytes, sheet=0) -> list[list]:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_station_excel_opens_with_the_figures(app, users, township_data):
    client = login_as(app, users["station"])
    r = client.get("/reports/excel/?kind=H2&year=2025")
    assert r.status_code == 200
    rows = sheet_values(r.data)
    assert rows[0][0] == "掌政镇未成年人保护工作站2025年下半年工作数据"
    values = {(row[0] or "", row[1]): row[2] for row in rows if len(row) > 2 and row[1]}
    assert values[("在册儿童", "在册儿童总数（人）")] == 2
    assert values[("计划走访（次）", "本期计划走访")] == 3
    assert values[("", "已按计划完成")] == 2
    assert values[("严重侵害案件（件）", "严重家暴或不法侵害")] == 3
    labels = [str(row[1]) for row in rows if len(row) > 1 and row[1]]
    assert "减少：已迁出" in labels and not any("moved" in x for x in labels)
    # Counts are numbers; none is text such as "'+7".
    cells = [v for row in rows for v in row[2:] if v is not None]
    assert not any(isinstance(v, str) and re.fullmatch(r"'?[+-]?\d+", v) for v in cells)
    assert AuditEntry.objects(action="export", actor="u_station").count() == 1


def test_a_signed_change_is_a_number_that_keeps_its_sign():
    from openpyxl import Workbook

    from admin_app.core import sheets

    ws = Workbook().active
    sheets.body_row(ws, ["净增减", "+7"])
    sheets.body_row(ws, ["净增减", "-2"])
    assert [ws["B1"].value, ws["B2"].value] == [7, -2]
    assert ws["B1"].number_format == ws["B2"].number_format == "+0;-0;0"


# ---- the county's filing -------------------------------------------------------------


@pytest.fixture
def registry():
    make_station(
        ZHANGZHENG,
        build_status="built",
        build_year=2023,
        setup_mode="dual",
        acceptance_result="passed",
        acceptance_date=date(2023, 12, 1),
        staff=[
            StaffMember(name="王", staff_role="designated", full_time=True),
            StaffMember(name="李", staff_role="social_worker", qualification="assistant"),
        ],
    )
    make_station(TONGGUI, build_status="building")
    make_station("640106001000", build_status="built", build_year=2024)  # 金凤区
    make_station("640402100000", build_status="built", build_year=2024)  # 原州区
    make_allocation(XINGQING, 2, 1, 1)
    make_allocation(JINFENG, 1, 0, 1)


def test_county_filing_lists_only_its_stations(users, township_data, registry):
    f = reports.county_filing(users["county"], 2025)
    assert [r["township_name"] for r in f["rows"]] == ["掌政镇", "通贵乡"]
    zz, tg = f["rows"]
    assert zz["built"] and zz["accepted"] and zz["staff"] == 2 and zz["full_time"] == 1
    assert zz["qualified"] == 1 and zz["setup_mode"] == "“社工站+未保站”双站合一"
    assert zz["children"] == 2 and zz["high_risk"] == 1 and zz["cases"] == 5  # K1–K5
    assert tg["children"] == 1 and tg["cases"] == 1 and not tg["built"]
    assert f["registered"] == 2 and f["built"] == 1 and f["built_by_year"] == 1
    a = f["allocation"]
    assert a["plan_total"] == 2 and a["built_total"] == 1 and a["target_year"] is None
    assert f["deadline"] == date(2025, 8, 31)
    assert reports.county_filing(users["county"], 2023)["built_in_year"] == 1
    with pytest.raises(DomainError):
        reports.county_filing(users["county"], 2025, JINFENG)


def test_county_page_word_and_excel(app, users, township_data, registry):
    client = login_as(app, users["county"])
    page = client.get("/reports/?year=2025").get_data(as_text=True)
    assert "8 月 31 日" in page and "2025年8月31日" in page
    assert "掌政镇" in page and "满城北街街道" not in page and "三营镇" not in page
    r = client.post(
        "/reports/filing/word/",
        data={"year": 2025, "county": XINGQING, "summary": HOSTILE, "problems": "无"},
    )
    assert r.status_code == 200
    text = docx_text(r.data)
    assert "兴庆区民政局" in text and "自治区民政厅儿童福利处" in text
    assert "掌政镇未成年人保护工作站" in text and "满城北街街道" not in text
    for piece in HOSTILE.split("\n"):
        assert piece in text
    x = client.get(f"/reports/filing/excel/?year=2025&county={XINGQING}")
    assert x.status_code == 200
    rows = sheet_values(x.data)
    names = [row[2] for row in rows[3:] if row[0] not in (None, "合计")]
    assert names == ["掌政镇", "通贵乡"]
    task = {row[0]: row[1] for row in sheet_values(x.data, 1)[3:]}
    assert task["任务总数（附件1）"] == 2 and task["已登记未保站"] == 2
    assert AuditEntry.objects(action="download", actor="u_county").count() == 1
    assert AuditEntry.objects(action="export", actor="u_county").count() == 1
    # Another county's filing is not found.
    assert client.get(f"/reports/filing/excel/?year=2025&county={JINFENG}").status_code == 404


def test_city_chooses_only_counties_inside(app, users, registry):
    assert [c["name"] for c in reports.counties_for(users["city"])] == ["兴庆区", "金凤区"]
    assert len(reports.counties_for(users["province"])) == 3
    assert [c["name"] for c in reports.counties_for(users["county"])] == ["兴庆区"]
    assert reports.counties_for(users["station"]) == []
    client = login_as(app, users["city"])
    page = client.get("/reports/?year=2025").get_data(as_text=True)
    assert "请选择一个县（区）" in page and "原州区" not in page
    assert "金凤区" in client.get(f"/reports/?year=2025&county={JINFENG}").get_data(as_text=True)
    assert client.get(f"/reports/?year=2025&county={YUANZHOU}").status_code == 404
    assert (
        client.post("/reports/filing/word/", data={"year": 2025, "county": YUANZHOU}).status_code
        == 404
    )
    assert AuditEntry.objects(action="denied").count() == 2
    with pytest.raises(DomainError):
        reports.county_filing(users["city"], 2025, YUANZHOU)


def test_roles(app, users):
    village = login_as(app, users["village"])
    assert village.get("/reports/").status_code == 403
    county = login_as(app, users["county"])
    assert county.post("/reports/word/", data=H2_2025).status_code == 403
    assert county.get("/reports/excel/?kind=H2&year=2025").status_code == 403
    station = login_as(app, users["station"])
    assert station.get(f"/reports/filing/excel/?year=2025&county={XINGQING}").status_code == 403
    assert station.get("/reports/?kind=Q9&year=2025").status_code == 400


def test_save_as_half_year_record(app, users, township_data):
    client = login_as(app, users["station"])
    data = {**H2_2025, "summary": HOSTILE, "problems": "问题", "next_steps": "打算"}
    r = client.post("/reports/save/", data=data)
    assert r.status_code == 302
    saved = HalfYearReport.objects.get()
    assert (saved.year, saved.half, saved.summary) == (2025, "H2", HOSTILE.strip())
    assert saved.reported_to == "掌政镇人民政府" and saved.place == ZHANGZHENG
    client.post("/reports/save/", data={**data, "summary": "改过"})
    assert HalfYearReport.objects.get().summary == "改过"
    assert HalfYearReport.objects.get().version == 1
    r = client.post("/reports/save/", data={**data, "kind": "year"})
    assert "只有上半年、下半年的汇报可保存为汇报记录" in refusal(client, r)
    assert HalfYearReport.objects.count() == 1
    assert AuditEntry.objects(action="create", target_type="half_year_reports").count() == 1


# ---- print ----------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_converts_the_reports(users, township_data, registry):
    f = figures(users["station"])
    narrative = reports.draft_narrative(f)
    y = figures(users["station"], "year")
    filing = reports.county_filing(users["county"], 2025)
    files = {
        "report_half_year": reports.station_word(f, narrative),
        "report_year_summary": reports.station_word(y, narrative),
        "report_county_filing": reports.filing_word(filing, reports.filing_draft(filing)),
    }
    keep = os.environ.get("WORD_PREVIEW_DIR")
    for name, data in files.items():
        pdf = word.to_pdf(data)
        assert pdf.startswith(b"%PDF")
        if keep:
            out = Path(keep)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{name}.pdf").write_bytes(pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "60",
                    "-png",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    str(out / f"{name}.pdf"),
                    str(out / name),
                ],
                check=True,
            )
