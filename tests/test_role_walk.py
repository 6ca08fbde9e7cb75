"""What each role meets on its pages (issue 10): names and labels in Chinese, every paper
one click away, the drill-down from the province to a township, and a tidy layout."""

import re
from datetime import timedelta

from admin_app.core import clock, dates
from admin_app.documents import AuditEntry, Child
from admin_app.documents.case import ChildInfo
from admin_app.documents.constants import COLLECTION_LABELS
from admin_app.services import cases
from admin_app.services.stations import progress
from tests.conftest import login_as
from tests.factories import make_allocation, make_station
from tests.test_children import GIRL, create


def visible(response) -> str:
    """The page's text as shown (tags dropped)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_favicon_is_served_to_everyone_and_linked_from_every_page(app, users):
    anonymous = app.test_client()
    r = anonymous.get("/favicon.ico")
    assert r.status_code == 200 and r.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in anonymous.get("/login").get_data(as_text=True)
    assert 'rel="icon"' in login_as(app, users["county"]).get("/").get_data(as_text=True)


def test_details_pages_have_no_stray_filter_box(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    page = c.get(f"/children/details/?id={child.pk}").get_data(as_text=True)
    assert "筛选器" not in page and "fa-filter" not in page


def test_guardian_reads_once_with_relation_and_situation(app, users):
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    page = visible(c.get(f"/children/details/?id={child.pk}"))
    assert "马大山（父亲，外出务工）" in page
    assert "马大山（马大山" not in page and "father" not in page


def test_duplicate_id_number_message_is_a_link_not_markup(app, users):
    c = login_as(app, users["station"])
    create(c)
    first = Child.objects.get()
    r = create(c, name="马小花二")
    page = r.get_data(as_text=True)
    assert GIRL[:6] in page  # the typed number stays in the form
    alert = re.search(r'<div class="alert alert-danger[^"]*">(.*?)</div>', page, re.S).group(1)
    assert re.search(rf'<a href="/children/details/\?id={first.pk}"[^>]*>查看已有档案</a>', alert)
    assert "&lt;" not in alert and Child.objects.count() == 1


def test_audit_log_names_collections_and_people_in_chinese(app, users):
    c = login_as(app, users["station"])
    create(c)
    cases.open_case(
        users["station"],
        channel="hotline",
        child_info=ChildInfo(name="小红"),
        reported_at=clock.now() - timedelta(hours=1),
    )
    county = login_as(app, users["county"])
    shown = visible(county.get("/audit/"))
    assert "儿童档案" in shown and "案件" in shown
    for code in ("children", "cases", "mandatory_reports", "help_requests", "referrals"):
        assert f" {code} " not in shown, code
    # Every collection the audit log can name has a Chinese label.
    labels = dict(COLLECTION_LABELS)
    assert set(AuditEntry.objects.distinct("target_type")) - {None} <= set(labels)
    assert labels["referrals"].startswith("服务转介") and "附件6" in labels["mandatory_reports"]


def test_creator_is_a_person_not_an_account_name(app, users):
    users["station"].display_name = "李娟"
    users["station"].save()
    c = login_as(app, users["station"])
    create(c)
    child = Child.objects.get()
    shown = visible(login_as(app, users["county"]).get(f"/children/details/?id={child.pk}"))
    assert "李娟" in shown


def test_case_timeline_orders_by_when_things_happened(app, users):
    u = users["station"]
    case = cases.open_case(
        u,
        channel="hotline",
        child_info=ChildInfo(name="小红"),
        reported_at=clock.now() - timedelta(hours=5),
        serious_harm=True,
    )
    cases.advance(case, "classified", u, klass="report", note="分类：报告案例")
    cases.record_first_visit(case, clock.now() - timedelta(hours=3), u, "家访在先")
    page = login_as(app, u).get(f"/cases/details/?id={case.pk}").get_data(as_text=True)
    timeline = page[page.index('id="case-timeline"') :]
    assert timeline.index("家访在先") < timeline.index("分类：报告案例")
    # The report opens the timeline at the time it came in, entered later or not.
    first_row = timeline[timeline.index("</thead>") :].split("</tr>")[0]
    assert dates.cn_datetime(clock.now() - timedelta(hours=5)) in first_row


def test_a_report_entered_after_its_first_visit_still_opens_the_timeline(app, users):
    u = users["station"]
    case = cases.open_case(
        u,
        channel="hotline",
        child_info=ChildInfo(name="小兰"),
        reported_at=clock.now() - timedelta(hours=30),
        summary="邻居来电",
    )
    cases.record_first_visit(case, clock.now() - timedelta(hours=10), u, "家访见到孩子")
    page = login_as(app, u).get(f"/cases/details/?id={case.pk}").get_data(as_text=True)
    timeline = page[page.index('id="case-timeline"') :]
    assert timeline.index("邻居来电") < timeline.index("家访见到孩子")
    head = timeline[: timeline.index("</thead>")]
    assert '<th style="white-space:nowrap">环节</th>' in head


def test_city_drills_down_to_a_countys_townships_and_stations(app, users):
    make_allocation("640104000000", 4, 2, 2)
    make_station("640104100000", build_status="built", build_year=2023)
    c = login_as(app, users["city"])
    page = c.get("/progress/").get_data(as_text=True)
    assert 'href="/progress/?county=640104000000"' in page
    drill = c.get("/progress/?county=640104000000").get_data(as_text=True)
    assert 'id="township-stations"' in drill and "掌政镇未成年人保护工作站" in drill
    assert "通贵乡" in drill and "未登记" in drill
    outside = c.get("/progress/?county=640402000000").get_data(as_text=True)  # 原州区, 固原市
    assert 'id="township-stations"' not in outside and "三营镇" not in outside


def test_completion_is_one_figure_on_the_home_page_and_the_progress_page(app, users):
    """1 built of 8 is 12.5%: the landing page's charts and 建设进度 both say 12%
    (progress.percent, floored), never 13% on one and 12% on the other."""
    make_allocation("640104000000", 8, 4, 4)
    make_station("640104100000", build_status="built", build_year=2023)
    assert progress.percent(1, 8) == 12 and progress.percent(7, 8) == 87
    c = login_as(app, users["county"])
    figures = c.get("/api/figures.json").get_json()["construction"]
    assert figures["total"]["percent"] == 12
    assert all(row["percent"] == 12 for row in figures["counties"])
    prog = c.get("/progress/").get_data(as_text=True)
    assert "<span>12%</span>" in prog and "13%" not in prog
