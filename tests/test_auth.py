"""Log-in, lock-out, forced password change, log-out, CSRF, cookies, redirects."""

from admin_app.documents import AuditEntry, Child, User
from tests.conftest import AuthActions, audit_actions, text
from tests.factories import PASSWORD, make_user


def test_anonymous_is_sent_to_login(client):
    r = client.get("/stations/")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")


def test_login_page_is_chinese(client):
    page = text(client.get("/login"))
    assert "用户名" in page and "密码" in page and "登录" in page


def test_login_and_logout(app, users, client, auth):
    r = auth.login("u_county")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert "银川市兴庆区" in text(client.get("/"))
    assert client.get("/logout").status_code == 405  # log-out is a POST (CSRF-protected)
    auth.logout()
    assert client.get("/").status_code == 302
    assert audit_actions(actor="u_county") == ["login", "logout"]


def test_a_session_cookie_replayed_after_log_out_opens_nothing(app, users, client, auth):
    """Log-out ends the session on the server: the cookie taken before it, replayed,
    neither opens a page nor creates an archive (issue 12)."""
    auth.login("u_station")
    assert client.get("/children/").status_code == 200
    stolen = client.get_cookie("session").value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    page = replay.get("/children/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    before = Child.objects.count()
    created = replay.post("/children/new/", data={"name": "重放", "gender": "M"})
    assert created.status_code in (302, 400) and "/children/" not in created.headers.get(
        "Location", ""
    )
    assert Child.objects.count() == before


def test_wrong_password_is_refused_and_logged(users, client, auth):
    r = auth.login("u_county", "wrong-password")
    assert r.status_code == 200
    assert "用户名或密码错误" in text(r)
    assert audit_actions(actor="u_county") == ["login_failed"]
    r = auth.login("nobody", "whatever")
    assert "用户名或密码错误" in text(r)  # same message: no user enumeration
    entry = AuditEntry.objects(actor="nobody").first()
    assert entry.action == "login_failed" and entry.ip == "127.0.0.1"


def test_lockout_after_repeated_failures(app, users, client, auth):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        auth.login("u_station", "wrong-password")
    assert User.objects.get(username="u_station").is_locked()
    r = auth.login("u_station", PASSWORD)  # even the right password is refused now
    assert "锁定" in text(r)
    assert client.get("/").status_code == 302
    assert "lockout" in audit_actions(actor="u_station")


def test_first_login_forces_password_change(app, client, auth):
    make_user("newbie", "county", "640104000000", must_change=True)
    r = auth.login("newbie")
    assert r.headers["Location"] == "/password"
    # every other page sends the user back to the password form
    assert client.get("/stations/").headers["Location"] == "/password"
    r = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "short"})
    assert "至少 10 位" in text(r)
    r = client.post(
        "/password", data={"current": PASSWORD, "new": "Newpass#2026x", "confirm": "Newpass#2026y"}
    )
    assert "两次输入的新密码不一致" in text(r)
    r = client.post(
        "/password", data={"current": PASSWORD, "new": "Newpass#2026x", "confirm": "Newpass#2026x"}
    )
    assert r.status_code == 302
    assert client.get("/stations/").status_code == 200
    assert User.objects.get(username="newbie").must_change_password is False


def test_password_change_logs_out_other_sessions(app, users):
    a, b = app.test_client(), app.test_client()
    AuthActions(a).login("u_county")
    AuthActions(b).login("u_county")
    a.post(
        "/password", data={"current": PASSWORD, "new": "Another#pass1", "confirm": "Another#pass1"}
    )
    assert a.get("/").status_code == 200
    assert b.get("/").status_code == 302  # the old session no longer works


def test_only_local_next_is_followed(users, client, auth):
    r = client.post(
        "/login?next=https://evil.example/x", data={"username": "u_county", "password": PASSWORD}
    )
    assert r.headers["Location"] == "/"
    AuthActions(client).logout()
    r = client.post(
        "/login?next=//evil.example/x", data={"username": "u_county", "password": PASSWORD}
    )
    assert r.headers["Location"] == "/"
    AuthActions(client).logout()
    r = client.post("/login?next=/stations/", data={"username": "u_county", "password": PASSWORD})
    assert r.headers["Location"] == "/stations/"


def test_session_cookie_flags(users, client, auth):
    r = auth.login("u_county")
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_csrf_is_enforced_on_posts(app, users):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        c = app.test_client()
        r = c.post("/login", data={"username": "u_county", "password": PASSWORD})
        assert r.status_code == 400 and "页面已过期" in text(r)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_deactivated_user_cannot_log_in(users, auth):
    User.objects(username="u_county").update(set__active=False)
    r = auth.login("u_county")
    assert r.status_code == 200 and "停用" in text(r)


def test_passwords_are_hashed_with_argon2(users):
    u = User.objects.get(username="u_county")
    assert u.password_hash.startswith("$argon2id$")
    assert PASSWORD not in u.password_hash
