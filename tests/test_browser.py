"""End to end in Debian Chromium: a county user splits its allocation and sees the progress move.

The app runs in a real werkzeug server (threaded, on a free port) against the FerretDB server
of conftest, with CSRF protection switched on, and Playwright drives the browser through the
log-in page, the menu, the allocation list, the edit form and the progress page.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from admin_app.documents import Allocation
from tests.conftest import CHROMIUM
from tests.factories import PASSWORD, make_allocation, make_station, make_user
from tests.places import XINGQING, YUANZHOU

# Fixed paths for humans to look at (the brief asks for /tmp/browser_progress.png).
SCREENSHOT = "/tmp/browser_progress.png"  # noqa: S108
SPLIT_ERROR_SCREENSHOT = "/tmp/browser_split_error.png"  # noqa: S108
FAILURE_SCREENSHOT = "/tmp/browser_failure.png"  # noqa: S108


pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason=f"Debian Chromium not found at {CHROMIUM}"
)


def county_data():
    user = make_user(
        "xq_county", "county", XINGQING, display_name="兴庆区民政局", must_change=False
    )
    make_allocation(XINGQING, 16)  # no split yet: target_2023 = target_2024 = None
    make_allocation(YUANZHOU, 9, 5, 4)
    make_station("640104100000", build_status="built", build_year=2023)  # 掌政镇
    make_station("640104200000", build_status="built", build_year=2023)  # 通贵乡
    return user


def allocation_row(page):
    return page.locator("table.model-list tbody tr", has_text="兴庆区")


def progress_row(page):
    return page.locator(f"#county-progress tbody tr[data-key='{XINGQING}']")


def open_edit_form(page):
    page.goto("/allocations/")
    row = allocation_row(page)
    expect(row).to_have_count(1)
    row.locator("a.icon", has=page.locator(".fa-pencil")).click()
    expect(page).to_have_url(re.compile(r"/allocations/edit/\?id="))


@pytest.mark.browser
def test_county_splits_allocation_and_sees_progress(browser, live_server):
    page = browser.page
    user = county_data()
    try:
        _walk_through(page, live_server, user)
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []


def _walk_through(page, live_server, user):
    # ---- log in with the real form (CSRF token included by the page) ----
    page.goto("/login")
    expect(page).to_have_title(re.compile("登录"))
    page.get_by_label("用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator(".jumbotron")).to_contain_text("兴庆区民政局，您好")
    expect(page.locator(".jumbotron")).to_contain_text("您只能查看和办理本辖区内的记录")
    expect(page.locator("#fig-built")).to_have_text("2")

    # CSRF really is on: a POST without the token is refused and changes nothing.
    sneaky = page.request.post(
        f"/allocations/edit/?id={Allocation.objects.get(place=XINGQING).pk}",
        form={"target_2023": "1", "target_2024": "1", "row_version": "0"},
    )
    assert sneaky.status == 400
    assert "页面已过期" in sneaky.text()
    assert Allocation.objects.get(place=XINGQING).target_2023 is None

    # ---- 站点建设 → 建设任务分配表 through the menu ----
    page.get_by_role("link", name="站点建设").click()
    page.get_by_role("link", name="建设任务分配表").click()
    expect(page).to_have_url(f"{live_server}/allocations/")
    expect(page.locator("table.model-list tbody tr")).to_have_count(1)
    expect(page.locator("body")).not_to_contain_text("原州区")
    expect(page.locator("body")).not_to_contain_text("固原市")
    expect(allocation_row(page)).to_contain_text("未确认")

    # ---- progress before the split: 2023 unknown, flagged behind ----
    page.goto("/progress/")
    row = progress_row(page)
    cells = row.locator("td")
    expect(cells.nth(0)).to_have_text("兴庆区")
    expect(cells.nth(1)).to_have_text("16")
    expect(cells.nth(2)).to_have_text("未确认")
    expect(row.locator("td.built")).to_have_text("2")
    expect(row).to_have_class(re.compile(r"\bwbz-behind\b"))
    expect(row).to_contain_text("2023 年任务分年未确认，无法核对")
    expect(page.locator("#behind-alert")).to_contain_text("兴庆区")
    expect(page.locator("body")).not_to_contain_text("原州区")

    # ---- split 16 into 12 + 4 through the edit form ----
    open_edit_form(page)
    expect(page.locator("#plan_total")).to_have_count(0)  # a county may not change the total
    page.locator("#target_2023").fill("12")
    page.locator("#target_2024").fill("4")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/allocations/(\?.*)?$"))
    expect(page.locator(".alert-success")).to_contain_text("保存记录成功")
    row = allocation_row(page)
    expect(row).to_contain_text("已确认")
    expect(row).not_to_contain_text("未确认")
    saved = Allocation.objects.get(place=XINGQING)
    assert (saved.plan_total, saved.target_2023, saved.target_2024) == (16, 12, 4)
    assert saved.updated_by == user.username

    # ---- progress after the split ----
    page.goto("/progress/")
    row = progress_row(page)
    expect(row.locator("td").nth(2)).to_have_text("12")
    expect(row.locator("td").nth(4)).to_have_text("4")
    expect(row).to_contain_text("2023 年应建 12 个，已建 2 个")
    expect(row).not_to_contain_text("未确认")

    # ---- a split over the total (15 + 4 = 19 > 16) is refused, the input kept ----
    open_edit_form(page)
    expect(page.locator("#target_2023")).to_have_value("12")
    page.locator("#target_2023").fill("15")
    page.locator("#target_2024").fill("4")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page).to_have_url(re.compile(r"/allocations/edit/\?id="))
    message = "2023 年与 2024 年任务之和（15 + 4 = 19）应等于该县（区）的任务总数 16。"
    expect(page.locator(".alert-danger")).to_contain_text(message)
    expect(page.locator("form .invalid-feedback", has_text="应等于")).to_be_visible()
    expect(page.locator(".alert-success")).to_have_count(0)
    expect(page.locator("#target_2023")).to_have_value("15")
    expect(page.locator("#target_2024")).to_have_value("4")
    page.screenshot(path=SPLIT_ERROR_SCREENSHOT, full_page=True)
    kept = Allocation.objects.get(place=XINGQING)
    assert (kept.target_2023, kept.target_2024, kept.version) == (12, 4, saved.version)

    # ---- for humans: the progress page as it ends ----
    page.goto("/progress/")
    expect(progress_row(page).locator("td").nth(2)).to_have_text("12")
    page.screenshot(path=SCREENSHOT, full_page=True)
