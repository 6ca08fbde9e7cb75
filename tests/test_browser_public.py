"""Issue 15 end to end in Chromium on a phone: a neighbour opens a station's public page
(its QR code's address), sends a report with a photo, keeps the receipt code; the clerk of
that station finds it in the inbox and accepts it; the receipt then still says only the
state. CSRF protection is on, as in production."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from admin_app.documents.case import Case
from admin_app.documents.public_report import PublicReport
from admin_app.services.cases import public
from tests.browser import log_in
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.factories import make_station, make_user
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing

PHOTO = (Path(__file__).parent.parent / "admin_app/static/field/icon-192.png").read_bytes()
PHONE = {"width": 390, "height": 844}
ZHANGZHENG, TONGGUI = "640104100000", "640104200000"


def shot(page, name):
    folder = os.environ.get("WBZ_SHOTS")  # WBZ_SHOTS=<folder>: keep pictures to look at
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_a_neighbour_reports_on_the_phone_and_the_station_takes_it_in_hand(
    app, users, live_server, tmp_path
):
    station = make_station(ZHANGZHENG, phone="0951-1234567")
    make_station(TONGGUI)
    make_user("tg_station", "station", TONGGUI)
    photo = tmp_path / "门口.png"
    photo.write_bytes(PHOTO)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = chromium.new_context(
                base_url=live_server,
                locale="zh-CN",
                viewport=PHONE,
                is_mobile=True,
                has_touch=True,
            )
            phone.set_default_timeout(15_000)
            page = phone.new_page()
            problems = []
            page.on("pageerror", lambda exc: problems.append(f"JS: {exc}"))
            page.goto(f"/report/{public.token_of(station)}")
            expect(page.locator("header")).to_contain_text("掌政镇未成年人保护工作站")
            assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
            shot(page, "public-form")
            page.fill("#what", "隔壁孩子晚上总是哭喊，身上有伤 <b>&</b>")
            page.check("input[name=danger_now]")
            page.fill("#where", "春林村三组")
            page.select_option("#relation", "neighbour")
            page.set_input_files("#photos", str(photo))
            page.click("#send")
            expect(page.locator("#receipt")).to_be_visible()
            code = page.locator("#receipt").inner_text().strip()
            assert re.fullmatch(r"[A-Z0-9]{12}", code)
            shot(page, "public-sent")
            page.goto("/report/status")
            page.fill("#code", code)
            page.click("button[type=submit]")
            expect(page.locator("#state")).to_have_text("受理中")
            assert problems == []
            phone.close()

            desk = chromium.new_context(base_url=live_server, locale="zh-CN")
            desk.set_default_timeout(15_000)
            clerk = desk.new_page()
            log_in(clerk, users["station"].username)
            expect(clerk.locator("#case-todos")).to_contain_text("【仍有危险】群众报告待受理")
            clerk.locator("#case-todos a", has_text="群众报告待受理").click()
            expect(clerk.locator("#report-what")).to_contain_text("身上有伤 <b>&</b>")
            expect(clerk.locator("#danger-now")).to_be_visible()
            shot(clerk, "public-inbox")
            clerk.on("dialog", lambda d: d.accept())
            clerk.click("#accept-button")
            expect(clerk.locator("#first-visit-alert")).to_be_visible()  # serious: 24 hours
            # Another township's clerk sees none of it.
            log_in(clerk, "tg_station")
            expect(clerk.locator("#case-todos")).to_have_count(0)
            clerk.goto("/public_reports/")
            expect(clerk.locator("body")).not_to_contain_text("春林村三组")
            desk.close()
        finally:
            chromium.close()
    report = PublicReport.objects.get()
    assert report.status == "accepted" and len(report.photo_ids) == 1
    assert Case.objects.get().reported_at == report.sent_at
    assert public.state_of(code) == "受理中"  # the case is open: still in hand
