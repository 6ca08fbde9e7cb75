"""用户管理: accounts only inside one's own place, roles only at or below one's own."""

from datetime import timedelta

from admin_app.core import clock
from admin_app.documents import AuditEntry, User
from tests.conftest import AuthActions, login_as, text
from tests.factories import PASSWORD, make_user


def _new(c, **data):
    form = {
        "username": "zz_clerk",
        "display_name": "掌政镇督导员",
        "role": "station",
        "place_key": "640104100000",
        "phone": "",
        "active": "y",
        "password": "Init#pass2026",
    }
    form.update(data)
    return c.post("/users/new/", data=form)


def test_county_creates_a_station_account(app, users):
    c = login_as(app, users["county"])
    r = _new(c)
    assert r.status_code == 302, text(r)
    u = User.objects.get(username="zz_clerk")
    assert (u.role, u.place, u.must_change_password, u.created_by) == (
        "station",
        "640104100000",
        True,
        "u_county",
    )
    assert u.password_hash.startswith("$argon2") and "Init#pass2026" not in u.password_hash
    fresh = app.test_client()
    r = AuthActions(fresh).login("zz_clerk", "Init#pass2026")
    assert r.headers["Location"] == "/password"


def test_county_cannot_create_higher_roles_or_outside_places(app, users):
    c = login_as(app, users["county"])
    page = text(c.get("/users/new/"))
    assert "自治区民政厅儿童福利处" not in page.split('id="role"')[1].split("</select>")[0]
    assert "原州区" not in page
    for data in (
        {"role": "province", "place_key": "640000000000"},
        {"role": "city", "place_key": "640100000000"},
        {"role": "county", "place_key": "640402000000"},
        {"role": "station", "place_key": "640402100000"},
    ):
        r = _new(c, **data)
        assert r.status_code == 200, data
    assert not User.objects(username="zz_clerk").first()


def test_role_must_match_the_place_level(app, users):
    c = login_as(app, users["county"])
    r = _new(c, role="village", place_key="640104100000")
    assert "角色与所属地区的层级不符" in text(r)
    r = _new(c, role="station", place_key="640104100000", password="short")
    assert "密码至少 10 位" in text(r)
    assert 'value="zz_clerk"' in r.get_data(as_text=True)
    r = _new(c, password="")
    assert "须设置初始密码" in text(r)
    r = _new(c, username="bad name!")
    assert r.status_code == 200
    assert not User.objects(username__in=["zz_clerk", "bad name!"]).first()


def test_duplicate_username_is_refused(app, users):
    c = login_as(app, users["county"])
    assert _new(c).status_code == 302
    r = _new(c, display_name="另一个人")
    assert "该用户名已被使用" in text(r)


def test_password_hash_is_never_shown(app, users):
    c = login_as(app, users["province"])
    for url in (
        "/users/",
        f"/users/details/?id={users['county'].pk}",
        f"/users/edit/?id={users['county'].pk}",
        "/users/export/csv/",
    ):
        body = c.get(url).get_data(as_text=True)
        assert "argon2" not in body and "session_nonce" not in body, url


def test_cannot_demote_or_deactivate_oneself(app, users):
    me = users["county"]
    c = login_as(app, me)
    r = c.post(
        f"/users/edit/?id={me.pk}",
        data={
            "row_version": "0",
            "username": me.username,
            "display_name": "x",
            "role": "station",
            "place_key": "640104100000",
            "active": "y",
        },
    )
    assert "不能修改自己的角色" in text(r)
    assert User.objects.get(pk=me.pk).role == "county"


def test_deactivating_logs_the_user_out(app, users):
    target = users["station"]
    victim = login_as(app, target)
    c = login_as(app, users["county"])
    r = c.post(
        f"/users/edit/?id={target.pk}",
        data={
            "row_version": "0",
            "username": target.username,
            "display_name": "停用",
            "role": "station",
            "place_key": "640104100000",
        },
    )
    assert r.status_code == 302, text(r)
    assert victim.get("/").status_code == 302


def test_reset_password_and_unlock(app, users):
    target = users["station"]
    User.objects(pk=target.pk).update(set__locked_until=clock.now() + timedelta(days=30))
    c = login_as(app, users["county"])
    r = c.post("/users/action/", data={"action": "unlock", "rowid": str(target.pk)})
    assert r.status_code == 302
    assert User.objects.get(pk=target.pk).locked_until is None
    r = c.post(
        f"/users/edit/?id={target.pk}",
        data={
            "row_version": "0",
            "username": target.username,
            "display_name": "x",
            "role": "station",
            "place_key": "640104100000",
            "active": "y",
            "password": "Reset#pass2026",
        },
    )
    assert r.status_code == 302
    u = User.objects.get(pk=target.pk)
    assert (
        u.must_change_password
        and u.check_password("Reset#pass2026")
        and not u.check_password(PASSWORD)
    )


def test_create_admin_cli(app):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["create-admin", "root1", "--password", "weak"])
    assert "密码至少 10 位" in r.output and r.exit_code != 0
    r = runner.invoke(args=["create-admin", "root1", "--password", "Strong#pass2026"])
    assert r.exit_code == 0, r.output
    u = User.objects.get(username="root1")
    assert (u.role, u.place, u.must_change_password) == ("province", "640000000000", True)
    r = runner.invoke(args=["create-admin", "root1", "--password", "Strong#pass2026"])
    assert "已存在" in r.output


def test_a_lost_phone_is_logged_out_everywhere_by_the_county(app, users):
    target = users["station"]
    phone = login_as(app, target)
    assert phone.get("/children/").status_code == 200
    outsider = make_user("yz_station", "station", "640402100000")
    outsider_phone = login_as(app, outsider)
    c = login_as(app, users["county"])
    r = c.post(
        "/users/action/",
        data={"action": "end_sessions", "rowid": [str(target.pk), str(outsider.pk)]},
        follow_redirects=True,
    )
    assert "已让 1 个账号在所有设备上退出登录" in text(r)  # the outsider is not the county's
    r = phone.get("/children/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert outsider_phone.get("/children/").status_code == 200
    assert login_as(app, target).get("/children/").status_code == 200  # may log in again
    entry = AuditEntry.objects(action="update", target_id=str(target.pk)).first()
    assert entry.detail.startswith("强制下线") and entry.actor == users["county"].username
