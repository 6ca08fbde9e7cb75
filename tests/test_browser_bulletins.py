"""End to end in Chromium: a station clerk downloads the two flowcharts for the wall."""

import io
from pathlib import Path

import pytest
from docx import Document as Docx
from playwright.sync_api import expect

from tests.browser import log_in
from tests.factories import make_station, make_user
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing

FAILURE_SCREENSHOT = "/tmp/browser_bulletins_failure.png"  # noqa: S108


def downloaded_text(page, kind) -> str:
    with page.expect_download() as info:
        page.locator(f"#bulletins tr[data-kind='{kind}'] a").click()
    doc = Docx(io.BytesIO(Path(info.value.path()).read_bytes()))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    parts += [p.text for s in doc.sections for p in s.footer.paragraphs]
    return "\n".join(parts)


@pytest.mark.browser
def test_station_clerk_downloads_the_two_flowcharts(browser):
    page = browser.page
    make_station(
        "640104100000",
        build_status="built",
        build_year=2023,
        phone="0951-6071234",
        address="掌政镇政府路1号",
    )
    make_user("zz_clerk", "station", "640104100000", display_name="掌政镇督导员")
    try:
        log_in(page, "zz_clerk")
        page.goto("/bulletins/")
        expect(page.locator("#bulletins")).to_contain_text("掌政镇未成年人保护工作站")
        workflow = downloaded_text(page, "workflow")
        assert "掌政镇未成年人保护工作站工作流程图" in workflow
        for box in (
            "制定年度工作计划",
            "接待服务",
            "日常管理",
            "组卷归档",
            "工作总结",
            "0951-6071234",
        ):
            assert box in workflow, box
        disposal = downloaded_text(page, "disposal")
        for box in (
            "发现报告",
            "分类转介",
            "危机评估",
            "强制干预",
            "协助安置",
            "跟踪转介",
            "跟踪回访",
            "组卷归档",
        ):
            assert box in disposal, box
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert browser.problems == []
