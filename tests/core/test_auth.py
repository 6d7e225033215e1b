"""Logging in and out: policy, first-login password change, throttling, sessions, headers."""

import datetime as dt

import pytest
import time_machine

from core.models import LoginAttempt, User
from tests.conftest import csrf_token, login, make_user


def flashed(response):
    return response.get_data(as_text=True)


def test_wrong_password_and_unknown_user_say_the_same(app, demo):
    client = app.test_client()
    a = login(client, "admin", "not-the-password1")
    b = login(client, "nobody", "not-the-password1")
    assert a.status_code == b.status_code == 200
    for page in (a, b):
        assert "用户名或密码错误。" in flashed(page)
    assert client.get("/admin/").status_code == 302
    log = list(LoginAttempt.select().order_by(LoginAttempt.id))
    assert [(x.username, x.success, x.reason) for x in log] == [
        ("admin", False, "wrong_password"),
        ("nobody", False, "wrong_password"),
    ]


def from_address(app, ip):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def test_an_account_is_locked_after_five_failures_until_a_stated_time(app, demo):
    # 23:50 in Beijing on New Year's Eve: the lock ends at 00:05 on 1 January
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, 50, tzinfo=dt.UTC), tick=False) as t:
        client = app.test_client()
        for _ in range(5):
            login(client, "admin", "wrong-password-1")
        page = login(client, "admin", "Admin-pass-123")  # right password, but locked
        assert page.status_code == 200
        assert "登录失败次数过多，账号已锁定至 2027-01-01 00:05。安全管理员可提前解锁。" in flashed(
            page
        )
        assert client.get("/admin/").status_code == 302
        t.shift(dt.timedelta(minutes=15, seconds=1))  # the window is over: it opens again
        assert login(client, "admin", "Admin-pass-123").status_code == 302


def test_failures_on_one_account_never_lock_another_of_the_same_address(app, demo):
    with app.app_context():
        make_user("colleague", "community_staff", "990101001001")
    office = app.test_client()
    for _ in range(6):
        login(office, "admin", "wrong-password-1")
    assert "账号已锁定" in flashed(login(office, "admin", "Admin-pass-123"))
    assert login(app.test_client(), "colleague", "Passw0rd-long").status_code == 302


def test_an_address_that_fails_too_often_is_slowed_not_locked(app, demo):
    app.config["LINLI"]["LOGIN_IP_MAX_FAILURES"] = 3
    with time_machine.travel(dt.datetime(2027, 2, 5, 2, 0, tzinfo=dt.UTC), tick=False) as t:
        nat = app.test_client()
        for name in ("u1", "u2", "u3"):
            login(nat, name, "wrong-password-1")
        page = login(nat, "admin", "Admin-pass-123")
        assert "此地址登录失败次数过多，请 10 秒后再试。" in flashed(page)
        t.shift(dt.timedelta(seconds=10))
        assert login(nat, "admin", "Admin-pass-123").status_code == 302  # not locked
        elsewhere = from_address(app, "10.2.3.4")
        assert login(elsewhere, "u1", "wrong-password-1").status_code == 200
    reasons = [row.reason for row in LoginAttempt.select().order_by(LoginAttempt.id)]
    assert reasons == ["wrong_password"] * 3 + ["slowed", "", "wrong_password"]


def test_a_security_administrator_unlocks_an_account(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", "990101001001")
    clerk = from_address(app, "10.9.9.9")
    for _ in range(5):
        login(clerk, "clerk", "wrong-password-1")
    assert "账号已锁定" in flashed(login(clerk, "clerk", "Passw0rd-long"))
    admin = app.test_client()
    login(admin, "admin", "Admin-pass-123")
    listing = admin.get("/admin/core/user/").get_data(as_text=True)
    user = User.get(User.username == "clerk")
    done = admin.post(
        "/admin/core/user/action/",
        data={"action": "unlock", "rowid": str(user.id), "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert "已解锁 1 个账号。" in done.get_data(as_text=True)
    again = admin.post(
        "/admin/core/user/action/",
        data={"action": "unlock", "rowid": str(user.id), "csrf_token": csrf_token(listing)},
        follow_redirects=True,
    )
    assert "clerk 未被锁定。" in again.get_data(as_text=True)
    assert login(clerk, "clerk", "Passw0rd-long").status_code == 302
    log = admin.get("/admin/core/login_attempt/").get_data(as_text=True)
    assert "管理员已解锁" in log


def test_disabled_account_cannot_log_in(app, demo):
    with app.app_context():
        make_user("leaver", "community_staff", "990101001001")
    User.update(is_active=False).where(User.username == "leaver").execute()
    page = login(app.test_client(), "leaver", "Passw0rd-long")
    assert "该账号已停用，请联系管理员。" in flashed(page)


def test_first_login_forces_a_password_change(app, demo):
    with app.app_context():
        make_user("newbie", "community_staff", "990101001001")
    User.update(must_change_password=True).where(User.username == "newbie").execute()
    client = app.test_client()
    response = login(client, "newbie", "Passw0rd-long")
    assert response.headers["Location"].endswith("/auth/password")
    assert client.get("/admin/").status_code == 302  # dashboard refused until changed
    token = csrf_token(client.get("/auth/password").get_data(as_text=True))
    weak = client.post(
        "/auth/password",
        data={"current": "Passw0rd-long", "new": "abc", "confirm": "abc", "csrf_token": token},
    )
    assert "密码至少需要 8 个字符。" in flashed(weak)
    assert User.get(User.username == "newbie").must_change_password
    ok = client.post(
        "/auth/password",
        data={
            "current": "Passw0rd-long",
            "new": "Better-pass-42",
            "confirm": "Better-pass-42",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 302
    assert not User.get(User.username == "newbie").must_change_password
    assert client.get("/admin/").status_code == 200


def test_logout_requires_post_with_token(app, demo):
    client = app.test_client()
    login(client, "admin", "Admin-pass-123")
    assert client.post("/auth/logout").status_code == 400  # no CSRF token
    assert client.get("/admin/").status_code == 200
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/admin/").status_code == 302


def test_tampered_session_cookie_is_ignored(app, demo):
    client = app.test_client()
    login(client, "admin", "Admin-pass-123")
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-3] + "abc")
    response = client.get("/admin/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_session_cookie_flags_and_lifetime(app, demo):
    client = app.test_client()
    response = login(client, "admin", "Admin-pass-123")
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Expires=" in header
    assert app.permanent_session_lifetime == dt.timedelta(minutes=480)


def test_security_headers_on_every_page(app):
    response = app.test_client().get("/auth/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_login_never_redirects_off_site(app, demo, target):
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    response = client.post(
        f"/auth/login?next={target}",
        data={"username": "admin", "password": "Admin-pass-123", "csrf_token": token},
    )
    assert response.headers["Location"] == "/admin/"


def test_expired_session_sends_the_user_back_to_login(app, demo, monkeypatch):
    import time as real_time

    import itsdangerous.timed

    client = app.test_client()
    login(client, "admin", "Admin-pass-123")
    assert client.get("/admin/").status_code == 200

    class Later:
        @staticmethod
        def time():
            return real_time.time() + 9 * 3600  # past the 480-minute lifetime

    monkeypatch.setattr(itsdangerous.timed, "time", Later)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_after_the_forced_password_change_the_user_goes_where_they_were_going(app, demo):
    with app.app_context():
        make_user("fieldworker", "grid_worker", "990101001001G01")
    User.update(must_change_password=True).where(User.username == "fieldworker").execute()
    client = app.test_client()
    token = csrf_token(client.get("/auth/login?next=/portal/").get_data(as_text=True))
    response = client.post(
        "/auth/login?next=/portal/",
        data={"username": "fieldworker", "password": "Passw0rd-long", "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/auth/password")
    token = csrf_token(client.get("/auth/password").get_data(as_text=True))
    response = client.post(
        "/auth/password",
        data={
            "current": "Passw0rd-long",
            "new": "Field-work-2026",
            "confirm": "Field-work-2026",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/portal/"
