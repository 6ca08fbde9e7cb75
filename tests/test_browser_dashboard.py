"""End to end in Chromium: the landing page's charts, drawn from /api/figures.json."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import log_in
from tests.conftest import ROLE_PLACES
from tests.factories import make_allocation, make_child, make_station, make_user
from tests.places import CHUNLIN, TONGXI, XINGQING, ZHANGZHENG_V
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing
from tests.test_dashboard import new_case

FAILURE_SCREENSHOT = "/tmp/browser_dashboard_failure.png"  # noqa: S108
SCREENSHOT = "/tmp/browser_dashboard.png"  # noqa: S108


def township_data():
    make_child(CHUNLIN, "春林甲", categories=["left_behind"], risk_level="medium")
    make_child(CHUNLIN, "春林乙", categories=["left_behind", "orphan"], school_status="in_school")
    make_child(ZHANGZHENG_V, "掌政丙", categories=["migrant"])
    make_child(TONGXI, "通西丁", categories=["left_behind"])
    make_station("640104100000", build_status="built", build_year=2023)  # 掌政镇
    make_station("640104200000", build_status="building")  # 通贵乡
    make_allocation(XINGQING, 16, 10, 6)


@pytest.mark.browser
def test_county_sees_its_stations_and_follows_a_figure_to_its_list(browser):
    page = browser.page
    township_data()
    make_user("xq_county", "county", XINGQING, display_name="兴庆区民政局")
    try:
        log_in(page, "xq_county")
        townships = page.locator("#chart-townships svg")
        expect(townships).to_be_visible()
        expect(townships).to_contain_text("掌政镇")
        expect(townships).to_contain_text("通贵乡")
        expect(townships).to_contain_text("已建成")
        expect(townships).to_contain_text("建设中")
        expect(page.locator("#chart-townships .wbz-fallback")).to_be_hidden()
        expect(page.locator("#chart-construction svg")).to_contain_text("兴庆区")
        page.screenshot(path=SCREENSHOT, full_page=True)

        bar = page.locator("#chart-category svg a[data-key=left_behind]")
        shown = bar.locator(".wbz-count").text_content()
        assert shown == "3"  # 春林甲, 春林乙, 通西丁
        bar.click()
        expect(page).to_have_url(re.compile(r"/children/\?"))
        expect(page.locator("#row-count")).to_have_text(shown)
        expect(page.locator("table.model-list")).to_contain_text("通西丁")
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []


@pytest.mark.browser
def test_station_clerk_sees_the_charts_of_its_township(browser):
    page = browser.page
    township_data()
    clerk = make_user("zz_station", "station", "640104100000", display_name="掌政镇督导员")
    new_case(clerk)
    try:
        log_in(page, "zz_station")
        for chart in (
            "chart-villages",
            "chart-category",
            "chart-risk",
            "chart-school",
            "chart-cases-month",
            "chart-cases-step",
        ):
            expect(page.locator(f"#{chart}[data-drawn='1'] svg")).to_be_visible()
        villages = page.locator("#chart-villages svg")
        expect(villages).to_contain_text("春林村委会")
        expect(villages).not_to_contain_text("通西村委会")
        expect(page.locator("#chart-category svg a[data-key=left_behind] .wbz-count")).to_have_text(
            "2"
        )
        expect(page.locator("#chart-townships")).to_have_count(0)
        page.locator(f"#chart-villages svg a[data-key='{CHUNLIN}']").click()
        expect(page.locator("#row-count")).to_have_text("2")
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []


@pytest.mark.browser
def test_every_role_has_its_menu_on_one_line_and_a_phone_no_sideways_scroll(browser):
    """A clerk's 1366-px laptop shows the whole menu on one line, the user's name in it
    (not a login name, not the role and place, which are inside the drop-down); a phone
    folds it behind one button and never scrolls sideways."""
    page = browser.page
    for role, place in ROLE_PLACES.items():
        make_user(f"nav_{role}", role, place, display_name=f"{role}马晓燕")
    try:
        for role in ROLE_PLACES:
            page.set_viewport_size({"width": 1366, "height": 768})
            log_in(page, f"nav_{role}")
            navbar = page.locator("nav.navbar").first
            assert navbar.bounding_box()["height"] <= 60, role
            expect(navbar).to_contain_text(f"{role}马晓燕")
            expect(navbar).not_to_contain_text(f"nav_{role}")
            page.set_viewport_size({"width": 390, "height": 844})
            page.reload()
            expect(page.locator(".navbar-toggler")).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, role
        assert browser.problems == []
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
