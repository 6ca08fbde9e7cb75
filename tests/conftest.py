"""Fixtures: a real FerretDB server per test run, a fresh database, emptied between tests.

Never a mock of MongoDB. With MONGODB_URI set, the tests use that server instead
(a database of their own, dropped at the end).
"""

import os
import re
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import mongoengine
import pytest
import time_machine
from playwright.sync_api import sync_playwright
from pymongo import MongoClient, monitoring
from werkzeug.serving import make_server

from admin_app import create_app, indexes
from admin_app.core.clock import TZ
from admin_app.db import EmbeddedServer
from admin_app.documents import AuditEntry, Place
from admin_app.documents.constants import PROVINCE_CODE
from tests.factories import PASSWORD, make_user

ROOT = Path(__file__).resolve().parent.parent


# ---- the frozen clock ---------------------------------------------------------------
# The whole suite runs from one instant (now, or `--today 2027-12-31T23:30` in Beijing
# time): time-machine starts there before the test modules are imported, so even their
# module-level dates are relative to it. The clock then runs as real time does (records
# made by a fixture shared between tests stay older than a test's own), and a test that
# moved the clock is put back on that course.
def pytest_addoption(parser):
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DDTHH:MM",
        help="run the suite at this Beijing date and time (default: now)",
    )


def pytest_configure(config):
    raw = config.getoption("--today") or os.environ.get("WBZ_TEST_TODAY")
    if raw:
        local = datetime.fromisoformat(raw)
        instant = (local if local.tzinfo else local.replace(tzinfo=TZ)).astimezone(UTC)
    else:
        instant = datetime.now(UTC).replace(microsecond=0)
        if _to_midnight(instant) < DAY_ROOM:  # started just before midnight: start earlier
            instant -= DAY_ROOM
    config._wbz_instant = instant
    config._wbz_started = time.monotonic()
    config._wbz_travel = time_machine.travel(instant, tick=True)
    config._wbz_traveller = config._wbz_travel.start()


# The suite stays on its first Beijing date: data built at collection (parametrize) from
# "today" must still be today when the test runs. The clock runs from the instant as the
# suite runs, but stops short of midnight (a run started at 23:57 once failed at 00:05).
DAY_ROOM = timedelta(minutes=20)


def _to_midnight(instant: datetime) -> timedelta:
    local = instant.astimezone(TZ)
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), TZ)
    return midnight - local


def pytest_unconfigure(config):
    travel = getattr(config, "_wbz_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    instant = getattr(config, "_wbz_instant", None)
    if instant is not None:
        return f"冻结时钟 / frozen clock: {instant.astimezone(TZ):%Y-%m-%d %H:%M} 北京时间"
    return None


@pytest.fixture(autouse=True)
def time_travel(request):
    """The suite's clock. A test about a calendar of its own (a hand-entered 2027 Spring
    Festival) moves it with `time_travel.move_to(...)`."""
    config = request.config
    traveller = config._wbz_traveller
    traveller.move_to(suite_now(config))
    return traveller


def suite_now(config) -> datetime:
    """The suite's clock for the next test: its instant plus the time the suite has run,
    never past the instant's Beijing date."""
    instant = config._wbz_instant
    elapsed = timedelta(seconds=time.monotonic() - config._wbz_started)
    room = max(timedelta(0), _to_midnight(instant) - timedelta(minutes=2))
    return instant + min(elapsed, room)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


FIELD_KEY = "q3Nf1cJmS0x6l0c0b1yqkQ6oY6i5m2Vb8fG3Jx7Zk1E="  # the suite's field-encryption key
EMBEDDED: list[EmbeddedServer] = []  # the suite's embedded server, when it has one


@pytest.fixture(scope="session")
def db_uri(tmp_path_factory):
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield uri
        return
    server = EmbeddedServer(
        str(ROOT / "var" / "bin" / "ferretdb-embedded"),
        str(tmp_path_factory.mktemp("ferretdb")),
        free_port(),
    )
    EMBEDDED.append(server)
    yield server.start()
    server.stop()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing():
    """Argon2 with small parameters: the same code path, a fraction of the time."""
    from argon2 import PasswordHasher

    from admin_app.documents import user as user_module

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    saved = user_module._hasher, user_module._DUMMY_HASH
    user_module._hasher, user_module._DUMMY_HASH = fast, fast.hash("no-such-user-password")
    yield
    user_module._hasher, user_module._DUMMY_HASH = saved


@pytest.fixture(scope="session")
def app(db_uri):
    name = f"test_{uuid.uuid4().hex[:12]}"
    app = create_app(
        {
            "TESTING": True,
            "MONGODB_URI": db_uri,
            "MONGODB_DB": name,
            "SECRET_KEY": "test-secret-key",
            "FIELD_ENCRYPTION_KEY": FIELD_KEY,
            "WTF_CSRF_ENABLED": False,
            "LOGIN_MAX_FAILURES": 5,
            "IDLE_TIMEOUT_MINUTES": None,  # tests that move the clock keep their session;
            "LOGIN_RATE_LIMIT": "100000 per minute",  # tests/test_hardening.py lowers both
            "PUBLIC_REPORT_LIMIT": "100000 per minute",  # tests/test_public_reports.py
            "PUBLIC_STATION_LIMIT": "100000 per minute",  # lowers them
            "PUBLIC_STATUS_LIMIT": "100000 per minute",
        }
    )
    yield app
    mongoengine.disconnect()
    with MongoClient(db_uri) as client:
        client.drop_database(name)


# A small place tree with real codes: two cities, three counties, four townships.
PLACES = [
    (PROVINCE_CODE, "宁夏回族自治区", "province", None, "自治区"),
    ("640100000000", "银川市", "city", PROVINCE_CODE, "市"),
    ("640104000000", "兴庆区", "county", "640100000000", "区"),
    ("640104100000", "掌政镇", "township", "640104000000", "镇"),
    ("640104100201", "春林村委会", "village", "640104100000", "村"),
    ("640104100200", "掌政村委会", "village", "640104100000", "村"),
    ("640104200000", "通贵乡", "township", "640104000000", "乡"),
    ("640104200201", "通西村委会", "village", "640104200000", "村"),
    ("640106000000", "金凤区", "county", "640100000000", "区"),
    ("640106001000", "满城北街街道", "township", "640106000000", "街道"),
    ("640106001001", "宝湖社区居委会", "village", "640106001000", "居"),
    ("640400000000", "固原市", "city", PROVINCE_CODE, "市"),
    ("640402000000", "原州区", "county", "640400000000", "区"),
    ("640402100000", "三营镇", "township", "640402000000", "镇"),
    ("640402100201", "三营村委会", "village", "640402100000", "村"),
]


def make_places():
    paths = {}
    docs = []
    for code, name, level, parent, kind in PLACES:
        paths[code] = (paths[parent] if parent else []) + [code]
        docs.append(
            Place(
                key=code,
                code=code,
                name=name,
                level=level,
                parent=parent,
                kind=kind,
                place=code,
                place_path=paths[code],
            )
            .synced()
            .to_mongo()
            .to_dict()
        )
    Place._get_collection().insert_many(docs)
    Place.forget_cache()


def empty_database():
    db = mongoengine.get_db()
    for name in db.list_collection_names():
        db[name].delete_many({})
    Place.forget_cache()


class _Touched(monitoring.CommandListener):
    """The collections written since the last reset, from the driver's own command events
    (the live server of the browser tests runs in this process and is seen too)."""

    WRITES = frozenset({"insert", "update", "delete", "findAndModify", "create", "drop"})

    def __init__(self):
        self.names: set[str] = set()
        self.fresh = True  # nothing known yet: empty everything once
        self.writes = 0  # write commands sent so far (a test may count its own)
        self.finds: Counter = Counter()  # find commands sent so far, by collection
        self.recording: list | None = None  # a test's list to receive the commands sent

    def started(self, event):
        if self.recording is not None:
            self.recording.append((event.command_name, dict(event.command)))
        if event.command_name == "find":
            self.finds[event.command.get("find")] += 1
        if event.command_name in self.WRITES:
            self.writes += 1
            name = event.command.get(event.command_name)
            if isinstance(name, str):
                self.names.add(name)

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


TOUCHED = _Touched()
monitoring.register(TOUCHED)  # before any client exists: every client reports to it


@pytest.fixture(autouse=True)
def clean_db(app):
    """Each test starts from the place tree alone; only what the last test wrote is reset."""
    if TOUCHED.fresh:
        empty_database()
        make_places()
        indexes.create_all(mongoengine.get_db())  # as `flask create-indexes` does
        TOUCHED.fresh = False
    else:
        db = mongoengine.get_db()
        for name in TOUCHED.names:
            db[name].delete_many({})
        if Place._get_collection_name() in TOUCHED.names:
            make_places()
        Place.forget_cache()
    TOUCHED.names.clear()
    if os.environ.get("WBZ_CHECK_RESET"):  # proof that the listener misses no write
        db = mongoengine.get_db()
        left = {n: db[n].count_documents({}) for n in db.list_collection_names()}
        left.pop(Place._get_collection_name(), None)
        assert not any(left.values()), f"not reset: {left}"
        assert Place.objects.count() == len(PLACES)
    yield


ROLE_PLACES = {
    "province": PROVINCE_CODE,
    "city": "640100000000",
    "county": "640104000000",
    "station": "640104100000",
    "social_worker": "640104100000",
    "village": "640104100201",
}


@pytest.fixture
def users():
    """One user per role, all inside 银川市兴庆区掌政镇's line (province down to a village)."""
    return {role: make_user(f"u_{role}", role, place) for role, place in ROLE_PLACES.items()}


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username, password=PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth(client):
    return AuthActions(client)


def login_as(app, user):
    """A fresh client logged in as `user`."""
    c = app.test_client()
    r = AuthActions(c).login(user.username)
    assert r.status_code == 302, r.data
    return c


def audit_actions(**filters):
    return [e.action for e in AuditEntry.objects(**filters).order_by("at")]


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def live_server(app):
    """The session app served over HTTP from a daemon thread, with CSRF protection on."""
    csrf_before = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        app.config["WTF_CSRF_ENABLED"] = csrf_before


@pytest.fixture
def browser(live_server):
    """A Chromium page whose relative URLs go to the live server, and what went wrong on it."""
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = chromium.new_context(
                base_url=live_server, locale="zh-CN", viewport={"width": 1400, "height": 900}
            )
            context.set_default_timeout(15_000)
            try:
                page = context.new_page()
                problems = []  # JavaScript errors and 5xx responses
                page.on("pageerror", lambda exc: problems.append(f"JS: {exc}"))
                page.on(
                    "response",
                    lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 500 else None,
                )
                yield SimpleNamespace(page=page, problems=problems)
            finally:
                context.close()
        finally:
            chromium.close()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def refusal(client, response) -> str:
    """The message a refused request left: it redirected, and the page it redirected to
    shows this (its flash messages, in one line)."""
    assert response.status_code == 302, (response.status_code, text(response)[:300])
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return " ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split()) for f in found)
