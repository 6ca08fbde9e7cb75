"""Issue 15: every child's risk assessed the same way — 监护状况评估 and 风险等级评估 on a
versioned indicator list the province adjusts; the grade sets the visit frequency and the
next assessment (a to-do); history on the archive, a Word sheet, figures on the landing
page and in the half-year report; a rise to the top grade offers to open a case."""

import io
import re
from datetime import timedelta

import pytest
from docx import Document as Docx

from admin_app.core import clock, periods
from admin_app.documents import AuditEntry, Child
from admin_app.documents.assessment import AssessmentBook, AssessmentScale
from admin_app.services import assessments
from admin_app.services.assessments import default
from admin_app.services.assessments import scale as scales
from admin_app.services.children import roster
from admin_app.services.figures import todos
from admin_app.services.reports import sections
from admin_app.services.reports import station as station_report
from admin_app.services.visits import book as visit_book
from tests.conftest import login_as, text
from tests.factories import make_child, make_station, make_user

ZHANGZHENG = "640104100000"
HOSTILE = "打骂 & <script>alert(1)</script> {{ 7*7 }} {% if 1 %}x{% endif %}"
CODES = [i["code"] for i in default.ITEMS]


def answers(**chosen) -> dict:
    """Every default item answered 否 (index 0) but those named (code=index)."""
    return {code: chosen.get(code, 0) for code in CODES}


def form(child, day=None, **chosen) -> dict:
    data = {
        "child": str(child.pk),
        "assessed_on": (day or clock.today()).isoformat(),
        "assessors": "王督导、李主任",
        "visit": "",
        "note": "家访时与祖母交谈",
    }
    data.update({f"item-{k}": str(v) for k, v in answers(**chosen).items()})
    return data


def assess(client, child, day=None, **chosen):
    return client.post("/assessments/new/", data=form(child, day, **chosen))


# ---- the result at each threshold (default list, version 1) -----------------------------


@pytest.mark.parametrize(
    ("chosen", "total", "grade", "outcome"),
    [
        ({}, 0, "low", "normal"),
        # living/study/health items carry no floor: the total alone decides
        ({"l_poverty": 2, "l_benefits": 2, "l_no_hukou": 1}, 5, "low", "normal"),
        ({"l_poverty": 2, "l_benefits": 2, "l_after_school": 2}, 6, "medium", "normal"),
        ({"s_out": 2, "h_untreated": 2, "l_poverty": 2, "l_benefits": 1}, 11, "medium", "normal"),
        ({"s_out": 2, "h_untreated": 2, "l_poverty": 2, "l_benefits": 2}, 12, "high", "normal"),
        # guardianship: each aspect at its threshold, most serious first
        ({"g_entrusted_weak": 1}, 2, "low", "insufficient"),
        ({"g_neglect": 1}, 3, "low", "improper"),
        ({"g_neglect": 1, "g_entrusted_weak": 2}, 7, "medium", "improper"),
        ({"g_one_away": 1, "g_neglect": 2}, 9, "medium", "missing"),
        # floors: a danger now is 高风险 whatever the total; a suspected harm at least 中
        ({"x_danger_now": 1}, 9, "high", "normal"),
        ({"x_accident": 1}, 4, "medium", "normal"),
        ({"g_unattended": 2}, 6, "high", "missing"),
    ],
)
def test_grade_and_outcome_at_each_threshold(app, chosen, total, grade, outcome):
    result = scales.grade_of(scales.current(), answers(**chosen))
    assert (result.total, result.grade, result.outcome) == (total, grade, outcome)


def test_every_item_must_be_answered_from_its_own_list(app):
    scale = scales.current()
    given = {k: str(v) for k, v in answers().items()}
    assert scales.check_answers(scale, given) == answers()
    for bad in (None, "", "3", "-1", "x", "0.5"):
        broken = dict(given, s_out=bad)
        with pytest.raises(Exception, match="请回答“义务教育阶段失学或辍学”"):
            scales.check_answers(scale, broken)


# ---- an assessment through the screens ---------------------------------------------------


def test_an_assessment_sets_frequency_next_date_and_the_archive(app, users):
    clerk = login_as(app, users["station"])
    child = make_child(frequency="quarterly")
    plans_before = len(visit_book.book_of(child).plan)
    resp = assess(clerk, child, l_poverty=2, l_benefits=2, l_after_school=2)  # 6: 中风险
    assert resp.status_code == 302 and "/assessments/view/" in resp.headers["Location"]
    child.reload()
    today = clock.today()
    assert child.risk_level == "medium" and child.visit_frequency == "monthly"
    assert child.next_assessment == periods.next_after(today, "quarter")
    assert child.last_assessment == today and child.guardianship_outcome == "normal"
    assert "家庭经济困难" in child.risk_reason
    row = roster.township_rows(child.township)[0]
    assert row["next_assessment"] == child.next_assessment.isoformat()
    # the rest of the year planned at the new frequency (a period already planned kept)
    plan = visit_book.book_of(child).plan
    assert len(plan) >= plans_before
    (entry,) = AssessmentBook.objects.get(pk=str(child.pk)).entries
    assert entry.scale_version == 1 and entry.total == 6 and entry.previous_grade == "low"
    page = text(clerk.get(resp.headers["Location"]))
    assert "中风险" in page and "家庭经济困难，基本生活难以保障" in page
    history = text(clerk.get(f"/assessments/?child={child.pk}"))
    assert "第 1 版" in history and "中风险" in history
    assert AuditEntry.objects(action="view", target_id=str(child.pk)).count() >= 2
    # a high grade: every half month, reassessed within the month
    assess(clerk, child, x_danger_now=1)
    child.reload()
    assert child.visit_frequency == "biweekly"
    assert child.next_assessment == periods.next_after(today, "month")


def test_an_older_assessment_entered_later_does_not_speak_for_the_archive(app, users):
    clerk = login_as(app, users["station"])
    child = make_child()
    assess(clerk, child, x_danger_now=1)
    assess(clerk, child, clock.today() - timedelta(days=20))  # all 否, but older
    child.reload()
    assert child.risk_level == "high"
    entries = assessments.history(child)
    assert [e.grade for e in entries] == ["high", "low"]


def test_an_assessment_at_a_visit_takes_the_visits_day(app, users):
    from admin_app.services import visits

    clerk = login_as(app, users["station"])
    child = make_child()
    day = clock.today() - timedelta(days=3)
    with app.test_request_context():
        visit = visits.record_visit(
            child,
            {"date": day, "kind": "regular", "visitors": "王", "guardianship": "祖母照料"},
            users["station"],
        )
    page = text(clerk.get(f"/visits/?child={child.pk}"))
    assert f"/assessments/new/?child={child.pk}&amp;visit={visit.id}" in page
    data = form(child, visit=None)
    data["visit"] = visit.id
    assert clerk.post("/assessments/new/", data=data).status_code == 302
    (entry,) = assessments.history(child)
    assert entry.visit == visit.id and entry.assessed_on == day
    data["visit"] = "f" * 32  # not a visit of this child
    assert "不是该儿童近 30 天内的走访" in text(clerk.post("/assessments/new/", data=data))


def test_bad_input_keeps_what_was_typed(app, users):
    clerk = login_as(app, users["station"])
    child = make_child()
    data = form(child, g_neglect=2)
    data.pop("item-s_out")
    data["note"] = "祖母说孩子常常一个人在家"
    page = text(clerk.post("/assessments/new/", data=data))
    assert "请回答“义务教育阶段失学或辍学”" in page
    assert "祖母说孩子常常一个人在家" in page
    assert re.search(r'name="item-g_neglect" value="2" checked', page)
    future = form(child, clock.today() + timedelta(days=2))
    assert "不能晚于" in text(clerk.post("/assessments/new/", data=future))
    assert AssessmentBook.objects.count() == 0
    child.reload()
    assert child.last_assessment is None


def test_who_may_assess(app, users):
    child = make_child()
    for role in ("county", "city", "province"):
        c = login_as(app, users[role])
        assert c.get(f"/assessments/?child={child.pk}").status_code == 200
        resp = assess(c, child)
        assert resp.status_code == 302
        assert "只有未保站人员和村（居）儿童主任可以进行评估" in text(
            c.get(resp.headers["Location"])
        )
    assert AssessmentBook.objects.count() == 0
    village = login_as(app, users["village"])
    assert assess(village, child).status_code == 302
    assert AssessmentBook.objects.count() == 1


# ---- a rise to the top grade offers a case ---------------------------------------------


def test_a_rise_to_the_top_grade_offers_to_open_a_case(app, users):
    clerk = login_as(app, users["station"])
    child = make_child()
    resp = assess(clerk, child, x_violence=2)
    assert "rose=1" in resp.headers["Location"]
    page = text(clerk.get(resp.headers["Location"]))
    assert 'id="offer-case"' in page and f"/cases/new/?child={child.pk}" in page
    again = assess(clerk, child, x_violence=2)  # already at the top: no offer again
    assert "rose" not in again.headers["Location"]
    village = login_as(app, users["village"])
    other = make_child(name="李小红")
    page = text(village.get(assess(village, other, x_danger_now=1).headers["Location"]))
    assert 'id="offer-report"' in page and 'id="offer-case"' not in page


# ---- the indicator list: versions --------------------------------------------------------


def scale_form(scale, **changes) -> dict:
    data = {
        "base_version": str(scale.id),
        "rows": str(len(scale.items)),
        "note": "调整权重",
        **{f"aspect-{a}": str(v) for a, v in scale.aspects.items()},
    }
    for g in scale.grades:
        for k in ("min_score", "frequency", "reassess"):
            data[f"grade-{g['code']}-{k}"] = str(g[k])
    for n, item in enumerate(scale.items):
        for k in ("code", "group", "aspect", "text", "weight", "source"):
            data[f"item-{n}-{k}"] = str(item[k])
        data[f"item-{n}-options"] = scales.options_text(item["options"])
    data.update(changes)
    return data


def test_a_changed_list_leaves_old_assessments_with_their_version(app, users):
    clerk = login_as(app, users["station"])
    child = make_child()
    assess(clerk, child, l_poverty=2, l_benefits=2, l_after_school=2)  # 6 on version 1
    (old,) = assessments.history(child)
    province = login_as(app, users["province"])
    v1 = scales.current()
    n = CODES.index("l_poverty")
    resp = province.post(
        "/assessment_scale/",
        data=scale_form(
            v1,
            **{f"item-{n}-text": "家庭收入低于低保标准", f"item-{n}-weight": "3"},
            **{"grade-medium-min_score": "8"},
        ),
    )
    assert resp.status_code == 302, text(resp)
    v2 = scales.current()
    assert v2.id == 2 and v2.items[n]["text"] == "家庭收入低于低保标准"
    assert AssessmentScale.objects.get(id=1).items[n]["text"] == "家庭经济困难，基本生活难以保障"
    # the old assessment reads as it was made
    page = text(clerk.get(f"/assessments/view/?child={child.pk}&entry={old.id}"))
    assert "家庭经济困难，基本生活难以保障" in page and "家庭收入低于低保标准" not in page
    assert "第 1 版" in page and "中风险" in page
    # a new one answers version 2: 2×3 + 2 + 2 = 10 ≥ 8
    assess(clerk, child, l_poverty=2, l_benefits=2, l_after_school=2)
    new = assessments.history(child)[0]
    assert new.scale_version == 2 and new.total == 10 and new.grade == "medium"
    assert "家庭收入低于低保标准" in text(clerk.get(f"/assessments/new/?child={child.pk}"))
    old_page = text(clerk.get("/assessment_scale/?version=1"))
    assert "家庭经济困难，基本生活难以保障" in old_page and "已被第 2 版取代" in old_page


def test_only_the_province_revises_the_list_and_bad_values_are_kept(app, users):
    v1 = scales.current()
    clerk = login_as(app, users["station"])
    assert clerk.get("/assessment_scale/").status_code == 200
    clerk.post("/assessment_scale/", data=scale_form(v1))
    assert AssessmentScale.objects.count() == 1
    province = login_as(app, users["province"])
    bad = scale_form(v1, **{"item-0-options": "否=0\n存在", "note": "我的修订说明"})
    page = text(province.post("/assessment_scale/", data=bad))
    assert "选项格式应为" in page and "我的修订说明" in page
    steps = scale_form(v1, **{"grade-high-min_score": "3"})
    assert "逐级升高" in text(province.post("/assessment_scale/", data=steps))
    stale = scale_form(v1, base_version="0")
    assert "刚刚已被他人修改" in text(province.post("/assessment_scale/", data=stale))
    assert AssessmentScale.objects.count() == 1


# ---- figures equal the lists they link to --------------------------------------------


def test_figures_equal_the_lists_they_link_to(app, users):
    clerk = login_as(app, users["station"])
    today = clock.today()
    kids = [make_child(name=f"儿童{i}") for i in range(5)]
    assess(clerk, kids[0], today - timedelta(days=100), l_poverty=2, l_benefits=2, l_after_school=2)
    assess(clerk, kids[1], today - timedelta(days=40), x_danger_now=1)  # overdue: month
    assess(clerk, kids[2], l_poverty=2, l_benefits=2, l_after_school=2)
    assess(clerk, kids[3], today - timedelta(days=175))  # low: half a year → soon
    counts = todos.counts(users["station"], today)
    assert counts["assessment_overdue"] == 2
    soon = periods.next_after(today - timedelta(days=175), "half_year")  # about 8 days ahead
    assert counts["assessment_soon"] == (1 if soon <= today + timedelta(days=14) else 0)
    home = text(clerk.get("/"))
    for kind in ("assessment_overdue", "assessment_soon"):
        listing = text(clerk.get(f"/children/?todo={kind}"))
        assert f'<span id="row-count">{counts[kind]}</span>' in listing, kind
        if counts[kind]:
            assert f'id="todo-{kind}"' in home
    figures = clerk.get("/api/figures.json").get_json()
    by_risk = {x["label"]: x for x in figures["children"]["by_risk"]}
    for label in ("中风险", "高风险"):
        n = by_risk[label]["count"]
        listing = text(clerk.get(by_risk[label]["url"]))
        assert f'<span id="row-count">{n}</span>' in listing, label


def test_the_half_year_report_counts_assessments(app, users):
    clerk = login_as(app, users["station"])
    make_station(ZHANGZHENG)
    today = clock.today()
    a, b, c = (make_child(name=n) for n in ("甲", "乙", "丙"))
    assess(clerk, a, g_one_away=2)
    assess(clerk, a)
    assess(clerk, b, today - timedelta(days=40), x_danger_now=1)
    with app.test_request_context():
        half = "H1" if today.month <= 6 else "H2"
        f = station_report.station_figures(users["station"], today, today, kind=half)
    got = f["assessments"]
    assert got["overdue"] == 1 and got["never"] == 1
    in_period = [d for d in (today, today - timedelta(days=40)) if _within_half(d, today)]
    assert got["made"] == 2 + (1 if today - timedelta(days=40) in in_period else 0)
    rows = [r for s in sections.figure_sections(f) for r in s["rows"]]
    items = {r["item"]: r["value"] for r in rows}
    assert items["逾期未重新评估（人）"] == "1" and items["尚未评估（人）"] == "1"
    assert "超过评估周期未重新评估" in sections.draft_narrative(f)["problems"]


def _within_half(day, today):
    return day.year == today.year and (day.month <= 6) == (today.month <= 6)


# ---- the Word sheet --------------------------------------------------------------------


def test_the_word_sheet_keeps_hostile_text_literal(app, users):
    clerk = login_as(app, users["station"])
    child = make_child(name="马<小>&花")
    data = form(child, g_neglect=2)
    data["note"] = HOSTILE
    data["assessors"] = "{{ 王 }}"
    clerk.post("/assessments/new/", data=data)
    (entry,) = assessments.history(child)
    resp = clerk.get(f"/assessments/sheet/?child={child.pk}&entry={entry.id}")
    assert resp.status_code == 200
    assert "attachment" in resp.headers["Content-Disposition"]
    raw = resp.data
    doc = Docx(io.BytesIO(raw))  # lxml: the XML is well-formed
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert HOSTILE in cells and "{{ 王 }}" in cells and "马<小>&花" in cells
    assert (
        "☑存在" in cells
        and "监护不当" in cells
        and "第 1 版" in "\n".join(p.text for p in doc.paragraphs)
    )
    assert AuditEntry.objects(action="download", target_id=str(child.pk)).count() == 1


# ---- scope: a child outside the place ------------------------------------------------


def test_an_outside_child_is_not_found_on_every_route(app, users):
    child = make_child()
    clerk = login_as(app, users["station"])
    assess(clerk, child, g_neglect=2)
    (entry,) = assessments.history(child)
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    for url in (
        f"/assessments/?child={child.pk}",
        f"/assessments/new/?child={child.pk}",
        f"/assessments/view/?child={child.pk}&entry={entry.id}",
    ):
        resp = other.get(url)
        assert resp.status_code == 302 and "/children/" in resp.headers["Location"], url
    assert other.get(f"/assessments/sheet/?child={child.pk}&entry={entry.id}").status_code == 404
    assert assess(other, child).status_code == 302
    assert len(assessments.history(child)) == 1
    Child.objects.get(pk=child.pk)


# ---- once assessed, the grade comes from assessments alone -------------------------------


def test_an_assessed_archive_takes_its_grade_from_assessments_alone(app, users):
    from admin_app.services import visits

    clerk = login_as(app, users["station"])
    child = make_child()
    assess(clerk, child, g_neglect=2)  # 6: 中风险, monthly
    child.reload()
    edit = text(clerk.get(f"/children/edit/?id={child.pk}"))
    assert "以最近一次监护与风险评估" in edit and 'name="risk_level"' not in edit
    assert 'name="visit_frequency"' not in edit
    visits_page = text(clerk.get(f"/visits/?child={child.pk}"))
    assert 'id="risk-by-assessment"' in visits_page and 'name="visit-risk_level"' not in visits_page
    with app.test_request_context():
        visits.record_visit(
            child,
            {
                "date": clock.today(),
                "kind": "regular",
                "visitors": "王",
                "guardianship": "祖母照料",
                "risk_level": "low",
            },
            users["station"],
        )
    child.reload()
    assert child.risk_level == "medium" and child.visit_frequency == "monthly"
    # not yet assessed: the visit form still offers a first judgement
    fresh = make_child(name="李小红")
    assert 'name="visit-risk_level"' in text(clerk.get(f"/visits/?child={fresh.pk}"))


def test_assessments_follow_a_moved_archive(app, users):
    from admin_app.services.children import archive

    clerk = login_as(app, users["station"])
    child = make_child()
    assess(clerk, child, g_neglect=2)
    (entry,) = assessments.history(child)
    child.reload()  # the assessment wrote the archive
    with app.test_request_context():
        archive.transfer(child, "640104200201", users["station"], "随父母迁居通贵乡")
    assert AssessmentBook.objects.get(pk=str(child.pk)).place_path[-1] == "640104200201"
    there = login_as(app, make_user("tg_station", "station", "640104200000"))
    page = text(there.get(f"/assessments/view/?child={child.pk}&entry={entry.id}"))
    assert "监护不当" in page
    here = clerk.get(f"/assessments/view/?child={child.pk}&entry={entry.id}")
    assert here.status_code == 302 and "/children/" in here.headers["Location"]
