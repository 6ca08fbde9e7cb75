"""Security headers, request ids, the per-address log-in limit and the idle time-out."""

from datetime import timedelta

import pytest
from flask import request

from admin_app.core import clock
from admin_app.hardening import limiter
from tests.conftest import login_as, text
from tests.factories import PASSWORD


def test_every_answer_carries_the_security_headers(app, users, client):
    for response in (client.get("/login"), login_as(app, users["station"]).get("/children/")):
        h = response.headers
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert "default-src 'self'" in h["Content-Security-Policy"]
        assert h["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in h  # plain HTTP: no HSTS promise
        assert len(h["X-Request-Id"]) >= 8


def test_hsts_only_over_https(client):
    r = client.get("/login", base_url="https://weibao.example")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_request_id_is_kept_only_when_it_is_sane(client):
    assert (
        client.get("/health", headers={"X-Request-Id": "nginx-abc12345"}).headers["X-Request-Id"]
        == "nginx-abc12345"
    )
    forged = client.get("/health", headers={"X-Request-Id": "<script>马小明 13900000000</script>"})
    assert forged.headers["X-Request-Id"] != "<script>马小明 13900000000</script>"
    assert len(forged.headers["X-Request-Id"]) == 16


@pytest.fixture
def login_limit(app):
    limiter.reset()
    before = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    yield
    app.config["LOGIN_RATE_LIMIT"] = before
    limiter.reset()


def test_log_ins_from_one_address_are_limited(app, users, login_limit):
    c = app.test_client()
    names = ["nobody1", "nobody2", "nobody3", "nobody4", "nobody5"]  # no account locks
    for name in names:
        r = c.post("/login", data={"username": name, "password": "wrong"})
        assert r.status_code == 200 and "用户名或密码错误" in text(r)
    r = c.post("/login", data={"username": users["station"].username, "password": PASSWORD})
    assert r.status_code == 429
    assert "登录尝试过于频繁" in text(r) and r.headers["Retry-After"] == "60"
    assert c.get("/login").status_code == 200  # the page itself still opens
    other = app.test_client()  # another address is not held back
    r = other.post(
        "/login",
        data={"username": users["station"].username, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    assert r.status_code == 302


@pytest.fixture
def idle_limit(app):
    app.config["IDLE_TIMEOUT_MINUTES"] = 30
    yield
    app.config["IDLE_TIMEOUT_MINUTES"] = None


def test_an_idle_session_is_ended(app, users, idle_limit, time_travel):
    c = login_as(app, users["station"])
    assert c.get("/children/").status_code == 200
    time_travel.shift(timedelta(minutes=29))
    assert c.get("/children/").status_code == 200  # used: the 30 minutes start again
    time_travel.shift(timedelta(minutes=29))
    assert c.get("/children/").status_code == 200
    time_travel.shift(timedelta(minutes=31))
    r = c.get("/children/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    page = text(c.get(r.headers["Location"]))
    assert "超过 30 分钟未操作，已自动退出" in page
    assert c.get("/children/").status_code == 302  # the old cookie opens nothing now


def test_typed_text_is_cleaned_where_it_enters(app):
    pasted = "春林村\x0b三组\r\n马家\x00院\t东"
    with app.test_request_context(
        "/x", method="POST", data={"address": pasted, "n": ["a\x0c", "b"]}
    ):
        assert request.form["address"] == "春林村三组\n马家院\t东"
        assert request.form.getlist("n") == ["a", "b"]


def _bomb(path, unpacked_mb: int) -> bytes:
    """A real .xlsx whose one sheet unpacks to `unpacked_mb` MB of blanks."""
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["姓名"])
    wb.save(path)
    out = path.with_name("bomb.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with z.open(item.filename, "w", force_zip64=True) as sheet:
                    sheet.write(src.read(item).replace(b"</sheetData>", b""))
                    for _ in range(unpacked_mb):
                        sheet.write(b" " * (1024 * 1024))
                    sheet.write(b"</sheetData></worksheet>")
            else:
                z.writestr(item, src.read(item))
    return out.read_bytes()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    import tracemalloc

    from admin_app.core import sheets
    from admin_app.documents import DomainError

    data = _bomb(tmp_path / "t.xlsx", 200)
    assert len(data) < 2 * 1024 * 1024  # small on the wire
    tracemalloc.start()
    try:
        with pytest.raises(DomainError, match="解压后超过 64 MB"):
            sheets.read_rows("台账.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024 * 1024, peak


def test_an_upload_with_too_many_rows_is_refused(monkeypatch):
    from admin_app.core import sheets
    from admin_app.documents import DomainError

    monkeypatch.setattr(sheets, "MAX_READ_ROWS", 50)
    body = "\n".join(f"儿童{i},男" for i in range(60)).encode()
    with pytest.raises(DomainError, match="表格超过 50 行"):
        sheets.read_rows("台账.csv", body)


def test_a_photo_that_is_also_html_cannot_run_and_its_name_cannot_read_backwards(app, users):
    from admin_app.services.children import attachments
    from tests.factories import make_child

    child = make_child()
    polyglot = b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>" + b"\x00" * 64
    att = attachments.store(child, "照片\u202egpj.exe", polyglot, users["station"])
    c = login_as(app, users["station"])
    for query in (f"id={att.pk}", f"id={att.pk}&download=1"):
        r = c.get(f"/children/attachment/?{query}")
        assert r.status_code == 200
        assert r.mimetype == "image/jpeg"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in r.headers["Content-Security-Policy"]
        assert "\u202e" not in r.headers.get("Content-Disposition", "")


def test_bidirectional_overrides_never_enter():
    from admin_app.core import text as text_rules

    assert text_rules.clean("马\u202e小明") == "马小明"
    assert "\u202e" not in text_rules.file_name("照片\u202egpj.exe")


# ---- the limits count in the database, for every worker at once ---------------------


def test_the_limits_count_in_the_products_database(app):
    from admin_app.ratelimit import SCHEME, SharedCounters

    assert app.config["RATELIMIT_STORAGE_URI"].startswith(f"{SCHEME}://")
    limiter.reset()
    assert isinstance(limiter.limiter.storage, SharedCounters)


def test_two_workers_share_one_count(app, time_travel):
    """Two processes' storages on the same database (as gunicorn's workers): a limit of
    3 lets 3 through in all, not 3 each; the window opens again once it has passed."""
    from limits import RateLimitItemPerMinute
    from limits.strategies import FixedWindowRateLimiter

    from admin_app.ratelimit import SharedCounters

    uri, options = app.config["RATELIMIT_STORAGE_URI"], app.config["RATELIMIT_STORAGE_OPTIONS"]
    one, two = SharedCounters(uri, **options), SharedCounters(uri, **options)
    one.reset()
    a, b = FixedWindowRateLimiter(one), FixedWindowRateLimiter(two)
    limit = RateLimitItemPerMinute(3)
    assert [a.hit(limit, "addr"), b.hit(limit, "addr"), a.hit(limit, "addr")] == [True] * 3
    assert not b.hit(limit, "addr") and not a.hit(limit, "addr")
    assert b.hit(limit, "another address")
    assert a.get_window_stats(limit, "addr").remaining == 0
    time_travel.move_to(clock.now() + timedelta(seconds=61))
    assert b.hit(limit, "addr") and a.get_window_stats(limit, "addr").remaining == 2
    one.reset()
