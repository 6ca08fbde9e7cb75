"""Cases (附件4): the flowchart's transitions, the 24-hour rule, archive guards, referrals,
conferences, and the anonymous reporter."""

from datetime import timedelta

import pytest

from admin_app.core import clock
from admin_app.documents import AuditEntry, DomainError
from admin_app.documents.case import Case, ChildInfo, Conference, MandatoryReport, Referral
from admin_app.services import cases
from admin_app.services.cases import referrals
from tests import when
from tests.conftest import login_as, refusal, text
from tests.factories import make_user


def new_case(user, serious=False, reported_at=None):
    return cases.open_case(
        user,
        channel="hotline",
        child_info=ChildInfo(name="小明", gender="M", age=9),
        reported_at=reported_at or clock.now(),
        summary="邻居报告孩子被打",
        serious_harm=serious,
    )


def walk(case, user, *steps):
    for to, kw in steps:
        cases.advance(case, to, user, **kw)
    return case


def test_open_case_numbers_and_scope(app, users):
    a = new_case(users["station"])
    b = new_case(users["station"])
    assert (
        a.number.startswith("640104100-")
        and a.number.endswith("-0001")
        and b.number.endswith("-0002")
    )
    assert a.place == "640104100000" and a.step == "intake"
    with pytest.raises(DomainError, match="乡镇"):
        new_case(users["county"])


def test_serious_case_first_visit_due_in_24_hours(app, users):
    reported = clock.now() - timedelta(hours=25)
    case = new_case(users["station"], serious=True, reported_at=reported)
    assert (
        case.first_visit_due
        == reported.replace(microsecond=case.first_visit_due.microsecond) + timedelta(hours=24)
        or abs((case.first_visit_due - reported - timedelta(hours=24)).total_seconds()) < 1
    )
    assert cases.first_visit_state(case) == "overdue"
    fresh = new_case(users["station"], serious=True)
    assert cases.first_visit_state(fresh) == "due"
    cases.record_first_visit(fresh, clock.now(), users["station"], "已到家中")
    assert cases.first_visit_state(fresh) == "done"
    with pytest.raises(DomainError, match="不能早于报告时间"):
        cases.record_first_visit(case, reported - timedelta(hours=1), users["station"], "")
    assert cases.first_visit_state(new_case(users["station"])) == ""


def test_consultation_closes_quickly(app, users):
    case = new_case(users["station"])
    walk(case, users["station"], ("classified", {"klass": "policy_consult"}))
    assert cases.allowed_next(case) == ("consult_closed",)
    with pytest.raises(DomainError, match="流程不允许"):
        cases.advance(case, "assessed", users["station"])
    walk(case, users["station"], ("consult_closed", {"done": ["policy_explained"]}))
    assert case.step == "consult_closed" and cases.allowed_next(case) == ()


def test_full_flow_of_a_high_risk_case(app, users):
    u = users["station"]
    case = new_case(u)
    walk(
        case,
        u,
        ("classified", {"klass": "report"}),
        ("assessed", {"harm": "suspected", "risk": "mid_high", "done": ["police_110"]}),
        ("intervention", {"done": ["report_up", "shelter"]}),
        ("placement", {"done": ["temporary_placement"]}),
        ("referral", {"done": ["filed"]}),
        ("follow_up", {"done": ["rehab"]}),
        ("archived", {"note": "结案"}),
    )
    assert [e.step for e in case.events] == [
        "intake",
        "classified",
        "assessed",
        "intervention",
        "placement",
        "referral",
        "follow_up",
        "archived",
    ]
    assert case.events[3].done == ["report_up", "shelter"] and case.events[3].by == "u_station"
    assert case.archived_at is not None and cases.allowed_next(case) == ()


@pytest.mark.parametrize(
    "path, refused, message",
    [
        ([], "assessed", "流程不允许"),
        ([("classified", {"klass": "report"})], "placement", "流程不允许"),
        ([("classified", {"klass": "report"})], "consult_closed", "流程不允许"),
        ([("classified", {"klass": "help"})], "archived", "流程不允许"),
    ],
)
def test_refused_transitions(app, users, path, refused, message):
    case = walk(new_case(users["station"]), users["station"], *path)
    with pytest.raises(DomainError, match=message):
        cases.advance(case, refused, users["station"])


def test_classification_and_assessment_need_their_answers(app, users):
    u = users["station"]
    case = new_case(u)
    with pytest.raises(DomainError, match="请选择分类"):
        cases.advance(case, "classified", u)
    walk(case, u, ("classified", {"klass": "help"}))
    with pytest.raises(DomainError, match="危机评估"):
        cases.advance(case, "assessed", u, harm="suspected")


def test_high_risk_cannot_skip_intervention_without_a_reason(app, users):
    u = users["station"]
    case = walk(
        new_case(u),
        u,
        ("classified", {"klass": "report"}),
        ("assessed", {"harm": "suspected", "risk": "mid_high"}),
    )
    with pytest.raises(DomainError, match="须先强制干预"):
        cases.advance(case, "placement", u)
    cases.advance(case, "placement", u, reason="施害者已被公安带离，儿童在亲属家安全")
    assert case.events[-1].reason.startswith("施害者")
    low = walk(
        new_case(u),
        u,
        ("classified", {"klass": "report"}),
        ("assessed", {"harm": "none", "risk": "low"}),
    )
    cases.advance(low, "placement", u)  # a low-risk case goes on to support without a reason


def _referral(user, case, status="sent"):
    r = Referral(
        referred_on=clock.today(),
        child_info=case.child_info,
        reason="需要心理疏导",
        unit_name="兴庆区心理服务中心",
        case=str(case.pk),
        status=status,
    )
    r.set_place(case.place)
    referrals.prepare_new(r, user)
    r.save()
    referrals.link_to_case(r, user)
    case.reload()
    return r


def test_archive_waits_for_referral_feedback_and_follow_ups(app, users):
    u = users["station"]
    case = walk(
        new_case(u, serious=True),
        u,
        ("classified", {"klass": "report"}),
        ("assessed", {"harm": "suspected", "risk": "low"}),
        ("placement", {}),
        ("referral", {}),
        ("follow_up", {}),
    )
    r = _referral(u, case)
    with pytest.raises(DomainError, match="1 个转介未收到反馈"):
        cases.advance(case, "archived", u)
    referrals.set_status(r, "received", u)
    with pytest.raises(DomainError, match="未收到反馈"):
        cases.advance(case, "archived", u)
    with pytest.raises(DomainError, match="请填写接收单位的反馈内容"):
        referrals.set_status(r, "feedback", u)
    referrals.set_status(r, "feedback", u, "已开展 3 次心理疏导")
    with pytest.raises(DomainError, match="尚未记录首次家访"):
        cases.advance(case, "archived", u)
    cases.record_first_visit(case, clock.now(), u, "已家访")
    Case.objects(pk=case.pk).update(set__open_follow_ups=1)
    case.reload()
    with pytest.raises(DomainError, match="跟踪回访"):
        cases.advance(case, "archived", u)
    Case.objects(pk=case.pk).update(set__open_follow_ups=0)
    case.reload()
    cases.advance(case, "archived", u)
    with pytest.raises(DomainError, match="只读"):
        referrals.set_status(r, "closed", u)


def test_late_referral_feedback_is_a_reminder(app, users):
    u = users["station"]
    case = walk(new_case(u), u, ("classified", {"klass": "help"}))
    r = _referral(u, case)
    assert list(referrals.late(u)) == []
    Referral.objects(pk=r.pk).update(set__feedback_due=clock.today() - timedelta(days=1))
    assert [x.pk for x in referrals.late(u)] == [r.pk]
    assert [x.pk for x in referrals.late(users["county"])] == [r.pk]
    assert list(referrals.late(make_user("tg_station", "station", "640104200000"))) == []


def test_conference_is_recorded(app, users):
    u = users["station"]
    case = new_case(u)
    cases.add_conference(
        case,
        Conference(
            held_on=clock.today(),
            parties=["police", "education"],
            decisions="由派出所出具告诫书",
            escalated=True,
        ),
        u,
    )
    assert case.conferences[0].escalated and case.conferences[0].recorded_by == "u_station"
    with pytest.raises(DomainError, match="会商决定"):
        cases.add_conference(case, Conference(held_on=clock.today(), decisions=" "), u)


def test_case_screens_walk_the_flow(app, users):
    c = login_as(app, users["station"])
    r = c.post(
        "/cases/new/",
        data={
            "channel": "school",
            "child_info-name": "小红",
            "child_info-age": "8",
            "summary": "学校老师发现伤痕",
            "reported_at": when.typed(when.minutes_ago(90)),
            "serious_harm": "y",
        },
    )
    assert r.status_code == 302, text(r)
    case = Case.objects.get()
    assert case.serious_harm and case.first_visit_due is not None
    page = text(c.get(f"/cases/details/?id={case.pk}"))
    assert "首次家访" in page and "1 发现报告" in page
    r = c.post("/cases/advance/", data={"id": str(case.pk), "to": "classified", "klass": "report"})
    assert Case.objects.get().step == "classified"
    r = c.post(
        "/cases/advance/", data={"id": str(case.pk), "to": "archived", "note": "已核实 & 归档"}
    )
    # Refused on the case page itself, with what was typed still in the form.
    assert r.status_code == 400 and "流程不允许" in text(r)
    assert "已核实 &amp; 归档</textarea>" in r.get_data(as_text=True)
    assert Case.objects.get().step == "classified"
    # a county officer reads but cannot move the case
    county = login_as(app, users["county"])
    r = county.post(
        "/cases/advance/",
        data={"id": str(case.pk), "to": "assessed", "harm": "none", "risk": "low"},
    )
    assert "只有未保站人员可以办理案件" in refusal(county, r)
    assert Case.objects.get().step == "classified"
    # another township does not even see it
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert "小红" not in text(other.get("/cases/"))
    r = other.post(
        "/cases/advance/",
        data={"id": str(case.pk), "to": "assessed", "harm": "none", "risk": "low"},
    )
    assert "记录不存在或不在您的管辖范围内" in refusal(other, r)
    assert Case.objects.get().step == "classified"


REPORT = {
    "reporter_name": "王阿姨",
    "reporter_contact": "13800001111",
    "reporter_identity": "community",
    "report_method": "phone",
    "reported_at": when.typed(when.minutes_ago(60)),
    "child_info-name": "小刚",
    "child_info-gender": "M",
    "child_info-age": "10",
    "scene": "村东头",
    "account": "听到哭喊 & <打骂>",
    "physical_state": "手臂有淤青",
    "filled_by": "李娟",
    "filled_on": when.today().isoformat(),
    "open_case": "y",
}


def test_anonymous_reporter_is_encrypted_and_shown_only_to_the_right_roles(app, users):
    c = login_as(app, users["station"])
    r = c.post("/mandatory_reports/new/", data=REPORT)  # reporter_public unchecked: anonymous
    assert r.status_code == 302, text(r)
    report = MandatoryReport.objects.get()
    raw = MandatoryReport._get_collection().find_one()
    assert report.reporter_public is False and raw.get("reporter_name") is None
    assert "王阿姨" not in str(raw) and "13800001111" not in str(raw)
    assert Case.objects.get().mandatory_report == str(report.pk)
    for role, sees in (
        ("station", True),
        ("county", True),
        ("social_worker", False),
        ("city", False),
        ("province", False),
    ):
        client = login_as(app, users[role])
        details = client.get(f"/mandatory_reports/details/?id={report.pk}").get_data(as_text=True)
        listing = client.get("/mandatory_reports/").get_data(as_text=True)
        export = client.get("/mandatory_reports/export/csv/").data.decode("utf-8-sig")
        assert ("王阿姨" in details) is sees, role
        assert "王阿姨" not in listing and "王阿姨" not in export and "匿名" in export, role
    shown = AuditEntry.objects(detail="查看匿名报告人身份").count()
    assert shown == 2  # station and county, each showing logged


def test_mandatory_report_rules(app, users):
    c = login_as(app, users["station"])
    for change, message in (
        ({"reporter_identity": "other"}, "请注明"),
        ({"report_method": "other"}, "请注明"),
        ({"reported_at": when.typed(when.minutes_ago(-60))}, "报告时间不能晚于现在"),
        ({"filled_on": when.days_ahead(1).isoformat()}, "填写日期不能晚于今天"),
    ):
        r = c.post("/mandatory_reports/new/", data={**REPORT, **change})
        assert r.status_code == 200 and message in text(r), change
        assert "听到哭喊 &amp; &lt;打骂&gt;" in r.get_data(as_text=True)
    assert MandatoryReport.objects.count() == 0 and Case.objects.count() == 0


def test_serious_cases_and_late_referrals_top_the_todos(app, users):
    u = users["station"]
    overdue = new_case(u, serious=True, reported_at=clock.now() - timedelta(hours=30))
    due = new_case(u, serious=True)
    new_case(u)  # not serious: not a 24-hour to-do
    home = text(login_as(app, u).get("/"))
    assert home.index(overdue.number) < home.index(due.number)
    assert (
        "【已超期】严重个案 " + overdue.number in home
        and "【24小时内】严重个案 " + due.number in home
    )
    county_home = text(login_as(app, users["county"]).get("/"))
    assert overdue.number in county_home
    case = walk(new_case(u), u, ("classified", {"klass": "help"}))
    r = _referral(u, case)
    Referral.objects(pk=r.pk).update(set__feedback_due=clock.today() - timedelta(days=2))
    assert "转介反馈已逾期：小明 → 兴庆区心理服务中心" in text(login_as(app, u).get("/"))


def test_the_landing_pages_case_reminders_show_the_most_urgent_and_how_many(
    app, users, monkeypatch
):
    """Issue 13: every list bounded by its page. The landing page lists the first SHOWN
    of each reminder, most urgent first, and says how many there are in all."""
    from admin_app.services.figures import todos

    monkeypatch.setattr(todos, "SHOWN", 2)
    u = users["station"]
    serious = [
        new_case(u, serious=True, reported_at=clock.now() - timedelta(hours=h)) for h in (1, 40, 5)
    ]
    reports = [new_case(u, reported_at=clock.now() - timedelta(hours=h)) for h in (3, 1, 2)]
    home = text(login_as(app, u).get("/"))
    # the two whose first visit falls due first (reported earliest), the third left out
    assert serious[1].number in home and serious[2].number in home
    assert serious[0].number not in home
    assert "以上为期限最早的 2 件，待首次家访的严重个案共 3 件。" in home
    assert reports[1].number in home and reports[2].number in home  # the newest two
    assert reports[0].number not in home
    assert "以上为最新的 2 件，待受理的报告共 3 件" in home
    assert "late-referrals-more" not in home  # none late: nothing to say


def test_word_downloads_are_scoped_logged_and_anonymous_for_others(app, users):
    import io

    from docx import Document as Docx

    c = login_as(app, users["station"])
    c.post("/mandatory_reports/new/", data=REPORT)
    report = MandatoryReport.objects.get()

    def word_text(client):
        r = client.get(f"/mandatory_reports/word/?id={report.pk}")
        assert r.status_code == 200, r.status_code
        doc = Docx(io.BytesIO(r.data))
        return "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)

    assert "王阿姨" in word_text(c)
    worker_text = word_text(login_as(app, users["social_worker"]))
    assert (
        "王阿姨" not in worker_text and "13800001111" not in worker_text and "匿名" in worker_text
    )
    assert "听到哭喊 & <打骂>" in worker_text
    assert AuditEntry.objects(action="download", target_type="mandatory_reports").count() == 2
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert other.get(f"/mandatory_reports/word/?id={report.pk}").status_code == 404
    assert other.get("/mandatory_reports/word/?id=../../x").status_code == 404


def test_case_from_an_archive_and_archive_from_a_case(app, users):
    from tests.test_children import create

    c = login_as(app, users["station"])
    create(c)
    from admin_app.documents import Child

    child = Child.objects.get()
    page = text(c.get(f"/cases/new/?child={child.pk}"))
    assert 'value="马小花"' in page and "走访发现" in page
    r = c.post(
        f"/cases/new/?child={child.pk}",
        data={
            "channel": "visit",
            "child_info-name": "马小花",
            "summary": "走访发现监护缺失",
            "reported_at": when.typed(when.minutes_ago(120)),
        },
    )
    assert r.status_code == 302, text(r)
    case = Case.objects.get()
    assert case.child_info.child == str(child.pk) and case.place == child.place
    # a child met first in a case gets an archive, and the case points at it
    other = new_case(users["station"])
    r = c.post(
        f"/children/new/?from_case={other.pk}&name=小明&gender=M",
        data={
            "village": "640104100200",
            "name": "小明",
            "gender": "M",
            "id_number": "",
            "no_id_reason": "unknown",
            "birth_date": when.born(10, 200).isoformat(),
            "status": "active",
            "risk_level": "low",
            "visit_frequency": "monthly",
            "disability_kind": "none",
            "guardianship": "normal",
        },
    )
    assert r.status_code == 302, text(r)
    other.reload()
    assert other.child_info.child == str(Child.objects.get(name="小明").pk)


def test_closed_cases_take_no_more_visits_or_conferences(app, users):
    u = users["station"]
    case = walk(
        new_case(u, serious=True),
        u,
        ("classified", {"klass": "event_consult"}),
        ("consult_closed", {}),
    )
    with pytest.raises(DomainError, match="不能再修改"):
        cases.record_first_visit(case, clock.now(), u, "x")
    with pytest.raises(DomainError, match="不能再修改"):
        cases.add_conference(case, Conference(held_on=clock.today(), decisions="x"), u)


def test_details_pages_read_in_chinese_and_the_worker_cannot_unmask_a_reporter(app, users):
    c = login_as(app, users["station"])
    c.post("/mandatory_reports/new/", data=REPORT)
    report = MandatoryReport.objects.get()
    worker = login_as(app, users["social_worker"])
    page = worker.get(f"/mandatory_reports/details/?id={report.pk}").get_data(as_text=True)
    assert "小刚，男，10岁" in page
    for english in ("Place", "Version", "Created At", "Attachment Ids", "Status Log"):
        assert f">{english}<" not in page.replace(" ", "").replace("\n", "") or english not in page
    form = worker.get(f"/mandatory_reports/edit/?id={report.pk}").get_data(as_text=True)
    assert 'name="reporter_public"' not in form and 'name="reporter_name"' not in form
    r = worker.post(
        f"/mandatory_reports/edit/?id={report.pk}",
        data={**REPORT, "row_version": "0", "reporter_public": "y"},
    )
    assert "内容没有改变，记录保持原样" in refusal(worker, r)  # the field is not hers to send
    report.reload()
    assert report.reporter_public is False and report.reporter_name_enc


def test_a_form_filled_from_a_registered_child_links_the_archive(app, users):
    from admin_app.documents import Child
    from tests.test_children import create

    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    assert 'value="马小花"' in c.get(f"/mandatory_reports/new/?child={child.pk}").get_data(
        as_text=True
    )
    r = c.post(
        f"/mandatory_reports/new/?child={child.pk}", data={**REPORT, "child_info-name": "马小花"}
    )
    assert r.status_code == 302, text(r)
    report = MandatoryReport.objects.get()
    case = Case.objects.get()
    assert report.child_info.child == str(child.pk) == case.child_info.child
    assert report.place == child.place == case.place
    # a child of another township is neither prefilled nor linked
    other = login_as(app, make_user("tg_station", "station", "640104200000"))
    assert "马小花" not in other.get(f"/mandatory_reports/new/?child={child.pk}").get_data(
        as_text=True
    )
    r = other.post(
        f"/help_requests/new/?child={child.pk}", data={"child_info-name": "别人", "open_case": ""}
    )
    assert "创建记录成功" in refusal(other, r)  # saved, but not linked to a child not theirs
    from admin_app.documents.case import HelpRequest

    assert HelpRequest.objects.get().child_info.child is None
