"""End to end in Chromium: an anonymous mandatory report becomes a 中高危 case with an
intervention and a referral; the 附件6 Word file names the reporter only for those allowed."""

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from admin_app.core import dates
from admin_app.documents.case import Case, MandatoryReport
from tests import when
from tests.browser import log_in
from tests.factories import make_user
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing

FAILURE_SCREENSHOT = "/tmp/browser_cases_failure.png"  # noqa: S108


def word_text(page, link_selector) -> str:
    with page.expect_download() as info:
        page.click(link_selector)
    doc = Docx(io.BytesIO(Path(info.value.path()).read_bytes()))
    return "\n".join(cell.text for t in doc.tables for row in t.rows for cell in row.cells)


def advance(page, to, **selects):
    page.select_option("#advance-to", to)
    for name, value in selects.items():
        page.select_option(f"#advance-{name}", value)
    return page


@pytest.mark.browser
def test_anonymous_report_to_high_risk_case_with_referral(browser):
    page = browser.page
    make_user("zz_clerk", "station", "640104100000", display_name="掌政镇督导员")
    make_user("zz_worker", "social_worker", "640104100000", display_name="掌政镇社工")
    try:
        log_in(page, "zz_clerk")
        page.goto("/mandatory_reports/new/")
        page.uncheck("#reporter_public")
        page.fill("#reporter_name", "王阿姨")
        page.fill("#reporter_contact", "13800001111")
        page.select_option("#reporter_identity", "community")
        page.select_option("#report_method", "phone")
        reported = when.minutes_ago(95)  # typed key by key, as a clerk does
        page.locator("#reported_at").press_sequentially(when.typed(reported))
        page.fill("#child_info-name", "小刚")
        page.fill("#child_info-age", "10")
        page.fill("#account", "听到哭喊 & <打骂>\n第二行")
        page.fill("#physical_state", "手臂有淤青")
        page.check("#serious_harm")
        page.click("input[type=submit][value=保存]")
        expect(page.locator(".alert-success").first).to_contain_text("已立案")
        report = MandatoryReport.objects.get()
        assert report.reporter_name is None and report.reporter_name_enc

        case = Case.objects.get()
        page.goto(f"/cases/details/?id={case.pk}")
        assert report.reported_at == reported and case.reported_at == reported
        due = dates.cn_datetime(reported + timedelta(hours=24))
        expect(page.locator("#first-visit-alert")).to_contain_text(f"24 小时内（{due} 前）")
        advance(page, "classified", klass="report").click("#advance-form button[type=submit]")
        expect(page.locator(".badge-info")).to_have_text("2 分类转介")
        advance(page, "assessed", harm="suspected", risk="mid_high")
        page.check("#advance-form input[value=police_110]")
        page.click("#advance-form button[type=submit]")
        expect(page.locator(".badge-info")).to_have_text("3 危机评估")
        advance(page, "intervention")
        page.check("#advance-form input[value=report_up]")
        page.check("#advance-form input[value=shelter]")
        page.fill("#advance-form textarea[name=note]", "已报告县民政局，儿童安置在亲属家")
        page.click("#advance-form button[type=submit]")
        expect(page.locator(".badge-info")).to_have_text("4 强制干预")
        expect(page.locator("#case-timeline")).to_contain_text("紧急庇护")

        page.click("text=新建转介（附件7）")
        expect(page).to_have_url(re.compile(r"/referrals/new/"))
        expect(page.locator("#child_info-name")).to_have_value("小刚")
        page.fill("#reason", "需要心理疏导")
        page.fill("#unit_name", "兴庆区心理服务中心")
        page.fill("#follow_up_plan", "一周内回访")
        page.click("input[type=submit][value=保存]")
        page.goto(f"/cases/details/?id={case.pk}")
        expect(page.locator("#case-referrals")).to_contain_text("兴庆区心理服务中心")

        page.goto(f"/mandatory_reports/details/?id={report.pk}")
        expect(page.locator("#reporter-identity")).to_contain_text("王阿姨")
        allowed = word_text(page, "#word-download")
        assert "王阿姨" in allowed and "13800001111" in allowed and "听到哭喊 & <打骂>" in allowed

        log_in(page, "zz_worker")
        page.goto(f"/mandatory_reports/details/?id={report.pk}")
        expect(page.locator("body")).not_to_contain_text("王阿姨")
        expect(page.locator("body")).to_contain_text("匿名")
        refused = word_text(page, "#word-download")
        assert "王阿姨" not in refused and "13800001111" not in refused and "匿名" in refused
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []
