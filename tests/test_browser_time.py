"""In Chromium: a clerk types a report time by hand, key by key; what cannot be read is
refused next to the box and stays in it; the 选择 button's calendar writes its choice
into the box as text; the saved time is the typed Beijing time."""

import pytest
from playwright.sync_api import expect

from admin_app.core import dates
from admin_app.documents.case import MandatoryReport
from tests import when
from tests.browser import log_in
from tests.factories import make_user
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing

SCREENSHOT = "/tmp/browser_time_refused.png"  # noqa: S108
FAILURE_SCREENSHOT = "/tmp/browser_time_failure.png"  # noqa: S108


@pytest.mark.browser
def test_a_time_typed_by_hand_and_one_picked_from_the_calendar(browser):
    page = browser.page
    make_user("zz_clerk", "station", "640104100000", display_name="掌政镇督导员")
    try:
        log_in(page, "zz_clerk")
        page.goto("/mandatory_reports/new/")
        page.select_option("#reporter_identity", "teacher")
        page.select_option("#report_method", "phone")
        page.fill("#reporter_name", "王老师")
        page.fill("#child_info-name", "小刚")
        page.fill("#account", "听到哭喊")
        page.uncheck("#open_case")
        box = page.locator("#reported_at")
        box.fill("")
        box.press_sequentially("晚8时许")
        page.click("input[type=submit][value=保存]")
        expect(page.locator("#reported_at")).to_have_value("晚8时许")  # kept
        expect(page.locator("body")).to_contain_text("无法识别“晚8时许”")
        expect(page.locator("#account")).to_have_value("听到哭喊")
        page.screenshot(path=SCREENSHOT, full_page=True)
        assert MandatoryReport.objects.count() == 0

        # The calendar is a help: what it picks is written into the box as text.
        picked = when.minutes_ago(200)
        # Headless Chromium's own calendar popup sends "change" events of its own at times
        # of its own: it is kept closed, and the clerk's choice is made as the calendar
        # would make it (value, then "change") while it counts as open.
        page.evaluate("HTMLInputElement.prototype.showPicker = function () {}")
        page.locator("#reported_at").locator("xpath=..").locator("[data-wbz-pick]").click()
        page.eval_on_selector(
            ".wbz-when input.wbz-picker",
            "(el, v) => { el.value = v; el.dispatchEvent(new Event('change')); }",
            f"{dates.input_datetime(picked).replace(' ', 'T')}",
        )
        expect(box).to_have_value(dates.input_datetime(picked))
        # …and typing over it by hand still wins.
        typed = when.minutes_ago(75)
        box.fill("")
        box.press_sequentially(when.typed(typed))
        page.locator("#reported_note").fill("晚8时许来电")
        expect(box).to_have_value(when.typed(typed))
        page.click("input[type=submit][value=保存]")
        expect(page.locator(".alert-success").first).to_be_visible()
        report = MandatoryReport.objects.get()
        assert report.reported_at == typed and report.reported_note == "晚8时许来电"
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []
