"""End to end in Chromium: a village 儿童主任 creates an archive; the township 督导员 reviews it."""

import re

import pytest
from playwright.sync_api import expect

from admin_app.documents import Child
from tests import when
from tests.browser import log_in
from tests.factories import make_user
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing

FAILURE_SCREENSHOT = "/tmp/browser_children_failure.png"  # noqa: S108
BIRTH = when.born(11, 40)
ID_NUMBER = when.id_number(BIRTH, "124")


@pytest.mark.browser
def test_village_director_creates_and_supervisor_reviews(browser):
    page = browser.page
    make_user("cl_director", "village", "640104100201", display_name="春林村儿童主任")
    make_user("zz_supervisor", "station", "640104100000", display_name="掌政镇儿童督导员")
    try:
        log_in(page, "cl_director")
        page.goto("/children/new/")
        page.fill("#name", "马小花 & <测试>")
        page.select_option("#gender", "F")
        page.fill("#id_number", ID_NUMBER)
        page.locator("#birth_date").press_sequentially(BIRTH.isoformat())  # typed by hand
        page.check("input[name=categories][value=left_behind]")
        page.select_option("#guardianship", "both_away")
        page.click("input[type=submit][value=保存]")
        expect(page).to_have_url(re.compile(r"/children/$"))
        expect(page.locator("table.model-list")).to_contain_text("马小花 & <测试>")
        expect(page.locator("table.model-list")).to_contain_text("待审核")
        child = Child.objects.get()
        assert child.review_status == "pending" and child.created_by == "cl_director"

        log_in(page, "zz_supervisor")
        expect(page.locator("#todo-review .badge")).to_have_text("1")
        page.click("#todo-review")
        expect(page.locator("#todo-banner")).to_contain_text("待督导员审核的档案")
        page.locator("table.model-list tbody tr", has_text="马小花").locator(
            "a.icon", has=page.locator(".fa-eye")
        ).click()
        expect(page.locator("#review-banner")).to_contain_text("待乡镇（街道）儿童督导员审核")
        page.once("dialog", lambda d: d.accept())  # 确认该档案审核通过？
        page.click("#review-button")
        expect(page.locator(".alert-success")).to_contain_text("已审核")
        expect(page.locator("#child-history")).to_contain_text("审核通过")
        child.reload()
        assert (child.review_status, child.reviewed_by) == ("reviewed", "zz_supervisor")
        page.goto("/")
        expect(page.locator("#todo-review .badge")).to_have_text("0")
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []
