"""End to end in Chromium on a phone: the village 儿童主任 records visits without signal.

"Without signal" is real here: the browser context is set offline *and* the server is
stopped (Playwright's offline mode does not reach a service worker's own requests), so
the page can only open from what the phone kept.
"""

import os
import re
import threading
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from admin_app.documents import Child, User, VisitBook
from admin_app.documents.attachment import Attachment
from admin_app.services.children import roster
from tests.browser import log_in
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port
from tests.factories import actor, make_child, make_user
from tests.places import CHUNLIN
from tests.test_browser import pytestmark  # noqa: F401 - skipped where Chromium is missing

FAILURE_SCREENSHOT = "/tmp/browser_field_failure.png"  # noqa: S108
PHOTO = (Path(__file__).parent.parent / "admin_app/static/field/icon-192.png").read_bytes()
PHONE = {"width": 390, "height": 844}
SYNC = 20_000  # a send waits for the server, slower when the suite runs beside it (ms)


class Server:
    """The app on one port that can be stopped (no signal) and started again."""

    def __init__(self, app):
        self.app, self.port, self.server = app, free_port(), None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def phone(app):
    csrf_before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    server = Server(app)
    server.start()
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(
            base_url=server.url,
            locale="zh-CN",
            viewport=PHONE,
            has_touch=True,
            is_mobile=True,
            service_workers="allow",
        )
        context.set_default_timeout(15_000)
        problems = []
        try:
            yield context, server, problems
        finally:
            context.close()
            chromium.close()
            if server.server is not None:
                try:
                    server.stop()
                except Exception:  # noqa: S110 - already stopped by the test
                    pass
            app.config["WTF_CSRF_ENABLED"] = csrf_before


def shot(page, name):
    """With WBZ_SHOTS=<folder>, keep a picture of the phone at this point (to look at)."""
    folder = os.environ.get("WBZ_SHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def new_page(context, problems):
    page = context.new_page()
    page.on("pageerror", lambda exc: problems.append(f"JS: {exc}"))
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None
    )
    return page


def open_field(page):
    page.goto("/field/")
    expect(page.locator("body[data-ready='1']")).to_have_count(1)
    for _ in range(100):  # the service worker took the page (wait_for_function needs eval)
        if page.evaluate("() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"):
            break
        page.wait_for_timeout(100)
    else:
        raise AssertionError("the service worker never took the page")


def record_visit(page, name, finding, risk=""):
    page.locator(".card", has_text=name).tap()
    expect(page.locator("#visit-view")).to_be_visible()
    page.fill("#f-guardianship", finding)
    if risk:
        page.select_option("#f-risk_level", risk)
        page.fill("#f-risk_reason", "父母失联，无人照料")
    page.set_input_files(
        "#f-photos", files=[{"name": "走访.png", "mimeType": "image/png", "buffer": PHOTO}]
    )
    page.click("#save-visit")
    expect(page.locator("#list-view")).to_be_visible()


def visits_of(child):
    book = VisitBook.objects(pk=str(child.pk)).first()
    return list(book.visits) if book else []


@pytest.mark.browser
def test_three_visits_offline_arrive_once_each_with_their_photos(phone):
    context, server, problems = phone
    make_user("cl_director", "village", CHUNLIN, display_name="春林村儿童主任")
    children = [make_child(CHUNLIN, n) for n in ("马小花", "王强", "海小燕")]
    page = new_page(context, problems)
    try:
        log_in(page, "cl_director")
        open_field(page)
        expect(page.locator(".card")).to_have_count(3)
        # Phone first: nothing scrolls sideways, every card and button is a 44 px target.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        heights = page.evaluate(
            "[...document.querySelectorAll('.card, .btn')]"
            ".map(e => e.getBoundingClientRect().height).filter(h => h > 0)"
        )
        assert min(heights) >= 44, heights
        page.locator(".card").first.tap()  # one tap: the form is at the top
        assert page.evaluate("document.getElementById('f-date').getBoundingClientRect().top") < 844
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.click("#back")

        context.set_offline(True)  # no signal: the phone's network and the server are gone
        server.stop()
        for child in children:
            record_visit(page, child.name, f"{child.name}：祖母监护，照料到位")
        expect(page.locator("#counts")).to_have_text("待发送 3 条 · 已发送 0 条")
        expect(page.locator("#net")).to_have_text("离线")
        shot(page, "1_offline_three_queued")

        page.close()  # the browser closed; opened again, still without signal
        page = new_page(context, problems)
        page.goto("/field/")
        expect(page.locator("body[data-ready='1']")).to_have_count(1)
        expect(page.locator("#counts")).to_have_text("待发送 3 条 · 已发送 0 条")
        expect(page.locator(".card")).to_have_count(3)
        assert all(visits_of(c) == [] for c in children)

        server.start()  # the signal returns
        started = time.monotonic()
        context.set_offline(False)
        expect(page.locator("#counts")).to_have_text("待发送 0 条 · 已发送 3 条", timeout=SYNC)
        shot(page, "2_online_all_sent")
        took = time.monotonic() - started
        print(f"reconnect to all sent: {took:.2f} s")  # noqa: T201 - the issue's figure
        for child in children:
            (visit,) = visits_of(child)
            assert visit.guardianship == f"{child.name}：祖母监护，照料到位"
            assert visit.recorded_by == "cl_director" and visit.made_at is not None
            (photo,) = Attachment.objects(child=str(child.pk), visit=visit.id)
            assert photo.content_type in ("image/jpeg", "image/png")

        # The same record sent again (a retry the phone did not see answered) is stored once.
        sent = page.evaluate(
            """async () => {
                const db = await idb.openDB('wbz-field', 1);
                const q = (await db.getAll('queue'))[0];
                const state = await (await fetch('/field/api/state')).json();
                const form = new FormData();
                form.append('payload', JSON.stringify(Object.assign({}, q.payload,
                    {client_id: q.client_id, child: q.child, base_version: q.base_version})));
                const r = await fetch('/field/api/visit', {method: 'POST', body: form,
                    headers: {'X-CSRFToken': state.csrf}});
                return [r.status, (await r.json()).status];
            }"""
        )
        assert sent == [200, "duplicate"]
        assert sum(len(visits_of(c)) for c in children) == 3

        # The list is kept for its days only: past them, opened without signal, it is gone.
        context.set_offline(True)
        server.stop()
        page.evaluate(
            """async () => {
                const db = await idb.openDB('wbz-field', 1);
                for (const r of await db.getAll('registers')) {
                    r.keep_until = '2000-01-01';
                    await db.put('registers', r);
                }
            }"""
        )
        page.reload()
        expect(page.locator("body[data-ready='1']")).to_have_count(1)
        expect(page.locator(".card")).to_have_count(0)
        expect(page.locator("#cards")).to_contain_text("手机上还没有名单")
        server.start()
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert problems == []


@pytest.mark.browser
def test_a_conflict_is_shown_not_overwritten_and_log_out_clears_the_phone(phone):
    context, server, problems = phone
    make_user("cl_director", "village", CHUNLIN, display_name="春林村儿童主任")
    child = make_child(CHUNLIN, "马小花", risk_level="low")
    page = new_page(context, problems)
    try:
        log_in(page, "cl_director")
        open_field(page)
        expect(page.locator(".card")).to_have_count(1)
        context.set_offline(True)
        # Meanwhile the township re-assesses the child.
        fresh = Child.objects.get(pk=child.pk)
        fresh.risk_level = "medium"
        fresh.save_versioned(actor())
        roster.put(fresh)  # as the archive's edit form does after saving
        record_visit(page, "马小花", "父母外出，祖母年迈", risk="high")
        context.set_offline(False)
        item = page.locator("#queue li[data-status=conflict]")
        expect(item).to_contain_text("有冲突，未保存")
        expect(item).to_contain_text("中风险")
        shot(page, "3_conflict")
        assert visits_of(child) == []
        assert Child.objects.get(pk=child.pk).risk_level == "medium"  # not overwritten
        expect(page.locator(".card", has_text="马小花")).to_contain_text("中风险")  # list renewed

        # The person corrects it knowing the change: keeps the township's assessment.
        item.locator("a", has_text="修改后重发").click()
        expect(page.locator("#f-guardianship")).to_have_value("父母外出，祖母年迈")
        page.select_option("#f-risk_level", "")
        page.click("#save-visit")
        expect(page.locator("#counts")).to_have_text("待发送 0 条 · 已发送 1 条", timeout=SYNC)
        assert len(visits_of(child)) == 1
        assert Child.objects.get(pk=child.pk).risk_level == "medium"

        context.set_offline(True)  # one more visit that will not be sent before log-out
        record_visit(page, "马小花", "再次走访")
        context.set_offline(False)
        server.stop()
        page.once("dialog", lambda d: d.accept())  # 还有 1 条走访未发送…确定退出？
        server.start()
        page.click("#logout")
        expect(page).to_have_url(re.compile(r"/login"))
        kept = page.evaluate(
            """async () => [(await indexedDB.databases()).map(d => d.name),
                            await caches.keys()]"""
        )
        assert kept == [[], []], kept
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert problems == []


@pytest.mark.browser
def test_a_revoked_sessions_queue_is_refused(phone):
    context, server, problems = phone
    director = make_user("cl_director", "village", CHUNLIN, display_name="春林村儿童主任")
    child = make_child(CHUNLIN, "马小花")
    page = new_page(context, problems)
    try:
        log_in(page, "cl_director")
        open_field(page)
        context.set_offline(True)
        record_visit(page, "马小花", "祖母监护")
        User.objects.get(pk=director.pk).end_sessions()  # 强制下线: the phone was lost
        context.set_offline(False)
        page.click("#send-now")
        expect(page.locator("#queue li[data-status=login]")).to_contain_text("等待重新登录")
        expect(page.locator("#login-link")).to_be_visible()
        assert visits_of(child) == []
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert problems == []


@pytest.mark.browser
def test_a_report_filed_offline_reaches_the_station_and_a_todo_opens_the_visit(phone):
    from admin_app.documents.case import Case, MandatoryReport

    context, server, problems = phone
    make_user("cl_director", "village", CHUNLIN, display_name="春林村儿童主任")
    child = make_child(CHUNLIN, "马小花")
    page = new_page(context, problems)
    try:
        log_in(page, "cl_director")
        # A to-do row on the landing page opens the phone's cards it concerns (7 天内应走访:
        # a new archive's first planned visit is today), one tap more opens the form.
        page.click("#todo-visit_soon")
        expect(page.locator("#todo-filter")).to_contain_text("7 天内应走访（1 名）")
        shot(page, "0_todo_cards")
        page.wait_for_timeout(200)
        page.locator(".card", has_text="马小花").tap()
        expect(page.locator("#visit-view")).to_be_visible()
        page.click("#back")
        open_field(page)

        context.set_offline(True)
        server.stop()
        page.locator(".card", has_text="马小花").tap()
        page.click("#report-child")
        expect(page.locator("#report-view")).to_be_visible()
        expect(page.locator("#r-child-known")).to_contain_text("马小花")
        page.fill("#r-account", "孩子脸上有伤，说是被继父打的")
        page.fill("#r-scene", "家中")
        page.check("#r-serious_harm")
        shot(page, "4_report_form")
        page.click("#save-report")
        expect(page.locator("#counts")).to_have_text("待发送 1 条 · 已发送 0 条")
        assert Case.objects.count() == 0

        server.start()
        context.set_offline(False)
        expect(page.locator("#counts")).to_have_text("待发送 0 条 · 已发送 1 条", timeout=SYNC)
        expect(page.locator("#queue li[data-type=report]")).to_contain_text("首次家访")
        form = MandatoryReport.objects.get()
        case = Case.objects.get()
        assert form.child_info.child == str(child.pk) and case.serious_harm
        assert case.first_visit_due is not None
    except BaseException:
        page.screenshot(path=FAILURE_SCREENSHOT, full_page=True)
        raise
    assert problems == []
