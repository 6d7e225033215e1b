"""The optional TOTP second factor (动态口令): enrolment confirmed by a code, a login that waits
for the code before any session exists, wrong codes counted for the lock, a code used once,
administrators sent to enrol when it is required, a reset by a security administrator or the
CLI, and a secret that no page shows after enrolment."""

import datetime as dt
import re

import pyotp
import pytest
import time_machine

from core import totp
from core.cli import main
from core.commands import Context
from core.models import AuditLog, LoginAttempt, User, UserSession, UserTotp
from core.services import ServiceError
from core.testing import ADMIN_PASSWORD, COMMUNITY_A, USER_PASSWORD
from tests.conftest import csrf_token, login, make_user
from tests.sample_plugins import noticeboard, noticeboard_extra

# 23:45 in Beijing on New Year's Eve; the step boundaries are at :00 and :30 of each minute
START = dt.datetime(2026, 12, 31, 15, 45, 5, tzinfo=dt.UTC)
SECRET_ON_PAGE = re.compile(r'<code class="totp-secret">([A-Z2-7]+)</code>')
WRONG_AT_ENROLMENT = "动态口令错误。请检查手机时间后重试。"
WRONG = "动态口令错误或已被使用。"
LOCKED = "登录失败次数过多，账号已锁定至"


def wrong_code(secret: str) -> str:
    """A code of none of the steps accepted now (the current one and its neighbours)."""
    now = pyotp.TOTP(secret)
    accepted = {now.at(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in accepted)


def post_code(client, url, code, **extra):
    page = client.get(url).get_data(as_text=True)
    return client.post(
        url, data={"code": code, "csrf_token": csrf_token(page), **extra}, follow_redirects=True
    )


def enrol(client) -> str:
    page = client.get("/auth/totp").get_data(as_text=True)
    secret = SECRET_ON_PAGE.search(page).group(1)
    done = post_code(client, "/auth/totp", pyotp.TOTP(secret).now())
    assert "已开启二次验证：今后登录需输入动态口令。" in done.get_data(as_text=True)
    return secret


def enrolled(username, t) -> str:
    """``username`` (a staff member) with a second factor on; the clock moves on one step so
    that the next code is a new one."""
    user = User.get(User.username == username)
    secret, _uri = totp.begin_enrolment(Context.of(user))
    totp.confirm_enrolment(Context.of(user), pyotp.TOTP(secret).now())
    t.shift(30)
    return secret


def test_enrolment_shows_the_secret_and_turns_on_only_with_a_right_code(app, demo, client_for):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False):
        client = client_for("clerk")
        page = client.get("/auth/totp")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        secret = SECRET_ON_PAGE.search(html).group(1)
        assert f"otpauth://totp/Linli:clerk?secret={secret}" in html.replace("&amp;", "&")
        assert '<img src="data:image/svg+xml' in html  # the QR code
        assert client.get("/auth/totp").get_data(as_text=True).count(secret) >= 1  # same one

        refused = post_code(client, "/auth/totp", wrong_code(secret)).get_data(as_text=True)
        assert WRONG_AT_ENROLMENT in refused
        row = UserTotp.get()
        assert row.enabled_at is None and row.last_step is None  # nothing is on
        assert "password_ok" not in {a.reason for a in LoginAttempt.select()}

        done = post_code(client, "/auth/totp", pyotp.TOTP(secret).now())
        assert "已开启二次验证：今后登录需输入动态口令。" in done.get_data(as_text=True)
        assert UserTotp.get().enabled_at is not None
        again = client.get("/auth/totp").get_data(as_text=True)
        assert secret not in again and "otpauth://" not in again
        assert "关闭二次验证" in again
    assert "totp_enabled" in {a.action for a in AuditLog.select()}


def test_a_portal_account_cannot_enrol(app, demo, client_for):
    with app.app_context():
        make_user("neighbour", "resident", COMMUNITY_A)
    client = client_for("neighbour")
    assert client.get("/auth/totp").status_code == 403
    assert UserTotp.select().count() == 0


def test_login_waits_for_the_code_before_any_session_exists(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        with app.app_context():
            secret = enrolled("clerk", t)
        client = app.test_client()
        first = login(client, "clerk", USER_PASSWORD)
        assert first.status_code == 302 and first.headers["Location"].endswith("/auth/login/code")
        assert client.get("/admin/").status_code == 302  # not logged in: to the login page
        assert "请输入身份验证器应用显示的 6 位动态口令。" in client.get(
            "/auth/login/code"
        ).get_data(as_text=True)
        clerk = User.get(User.username == "clerk")
        assert UserSession.select().where(UserSession.user == clerk).count() == 0
        assert clerk.last_login_at is None

        done = post_code(client, "/auth/login/code", pyotp.TOTP(secret).now())
        assert done.status_code == 200 and done.request.path == "/admin/"
        assert UserSession.select().where(UserSession.user == clerk).count() == 1
        reasons = [(a.success, a.reason) for a in LoginAttempt.select().order_by(LoginAttempt.id)]
        assert reasons == [(False, "password_ok"), (True, "")]


def test_the_code_step_expires_after_five_minutes(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        with app.app_context():
            secret = enrolled("clerk", t)
        client = app.test_client()
        login(client, "clerk", USER_PASSWORD)
        t.shift(5 * 60 + 1)
        page = client.get("/auth/login/code", follow_redirects=True).get_data(as_text=True)
        assert "请重新登录。" in page
        code = pyotp.TOTP(secret).now()
        client.post("/auth/login/code", data={"code": code})
        assert client.get("/admin/").status_code == 302


def test_wrong_codes_count_as_failed_logins_and_lock_the_account(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        with app.app_context():
            secret = enrolled("clerk", t)
        guesser = app.test_client()
        login(guesser, "clerk", USER_PASSWORD)
        bad = wrong_code(secret)
        for _ in range(3):
            assert WRONG in post_code(guesser, "/auth/login/code", bad).get_data(as_text=True)
        # a right password again does not wipe the failures out
        login(guesser, "clerk", USER_PASSWORD)
        assert WRONG in post_code(guesser, "/auth/login/code", bad).get_data(as_text=True)
        locked = post_code(guesser, "/auth/login/code", bad).get_data(as_text=True)
        assert LOCKED in locked  # the fifth failure (LOGIN_MAX_FAILURES)
        right = post_code(guesser, "/auth/login/code", pyotp.TOTP(secret).now())
        assert LOCKED in right.get_data(as_text=True)
        assert guesser.get("/admin/").status_code == 302
        again = app.test_client()
        page = again.get("/auth/login").get_data(as_text=True)
        refused = again.post(
            "/auth/login",
            data={"username": "clerk", "password": USER_PASSWORD, "csrf_token": csrf_token(page)},
        )
        assert LOCKED in refused.get_data(as_text=True)
        reasons = [a.reason for a in LoginAttempt.select()]
        assert reasons.count("wrong_totp") == 5
        assert "login_failed" in {a.action for a in AuditLog.select()}
        # the lock ends after LOGIN_WINDOW_MINUTES, and the right code works then
        t.shift(16 * 60)
        client = app.test_client()
        login(client, "clerk", USER_PASSWORD)
        done = post_code(client, "/auth/login/code", pyotp.TOTP(secret).now())
        assert done.request.path == "/admin/"


def test_a_code_is_accepted_once(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        with app.app_context():
            secret = enrolled("clerk", t)
        code = pyotp.TOTP(secret).now()
        first = app.test_client()
        login(first, "clerk", USER_PASSWORD)
        assert post_code(first, "/auth/login/code", code).request.path == "/admin/"
        second = app.test_client()  # someone who saw the code over the shoulder
        login(second, "clerk", USER_PASSWORD)
        replay = post_code(second, "/auth/login/code", code).get_data(as_text=True)
        assert WRONG in replay
        assert second.get("/admin/").status_code == 302
        # the code of the step before is no better, even within the drift allowed
        t.shift(30)
        earlier = pyotp.TOTP(secret).at(dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60))
        assert WRONG in post_code(second, "/auth/login/code", earlier).get_data(as_text=True)
        assert (
            post_code(second, "/auth/login/code", pyotp.TOTP(secret).now()).request.path
            == "/admin/"
        )
        assert [a.reason for a in LoginAttempt.select()].count("wrong_totp") == 2


def test_turning_it_off_needs_the_password_and_a_code(app, demo, client_for):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        client = client_for("clerk")
        secret = enrol(client)
        t.shift(30)
        code = pyotp.TOTP(secret).now()
        wrong = post_code(client, "/auth/totp", code, password="not-my-password")
        assert "当前密码错误" in wrong.get_data(as_text=True)
        bad = post_code(client, "/auth/totp", wrong_code(secret), password=USER_PASSWORD)
        assert WRONG in bad.get_data(as_text=True)
        assert UserTotp.select().where(UserTotp.enabled_at.is_null(False)).count() == 1
        off = post_code(client, "/auth/totp", code, password=USER_PASSWORD)
        assert "已关闭二次验证。" in off.get_data(as_text=True)
        assert UserTotp.select().count() == 0
    assert login(app.test_client(), "clerk", USER_PASSWORD).headers["Location"] == "/admin/"


@pytest.fixture
def strict(make_app):
    """等保 level 3: administrators must use a second factor."""
    return make_app(plugins=[noticeboard, noticeboard_extra], TOTP_REQUIRED_FOR_ADMINS=True)


def test_required_for_administrators_they_can_only_enrol(strict):
    from core import demo
    from core.access import hash_password

    app = strict
    with app.app_context():
        demo.load()
        User.update(password_hash=hash_password(ADMIN_PASSWORD), must_change_password=False).where(
            User.username == "admin"
        ).execute()
        make_user("security", "street_staff", COMMUNITY_A)  # manages users: an administrator
        make_user("clerk", "community_staff", COMMUNITY_A)  # not an administrator
    with time_machine.travel(START, tick=False) as t:
        for username, password in (("admin", ADMIN_PASSWORD), ("security", USER_PASSWORD)):
            client = app.test_client()
            assert login(client, username, password).status_code == 302
            for path in ("/admin/", "/admin/core/user/", "/portal/"):
                answer = client.get(path)
                assert answer.status_code == 302, path
                assert answer.headers["Location"].endswith("/auth/totp"), path
            assert client.get("/api/v1/").status_code == 403
            page = client.get("/auth/totp").get_data(as_text=True)
            assert "管理员必须使用二次验证：请先完成绑定再继续。" in page
            enrol(client)
            assert client.get("/admin/core/user/").status_code == 200
            assert client.get("/api/v1/").status_code == 200
            t.shift(30)
            # and an administrator may not turn it off while it is required
            secret = UserTotp.get(UserTotp.user == User.get(User.username == username)).secret
            kept = post_code(client, "/auth/totp", pyotp.TOTP(secret).now(), password=password)
            assert "管理员必须保留二次验证。" in kept.get_data(as_text=True)
        clerk = app.test_client()
        login(clerk, "clerk", USER_PASSWORD)
        assert clerk.get("/admin/").status_code == 200  # staff, no administrator: optional


def test_administrator_roles_by_name_and_by_permission(app, demo):
    with app.app_context():
        make_user("security", "street_staff", COMMUNITY_A)
        make_user("clerk", "community_staff", COMMUNITY_A)
        assert totp.is_administrator(Context.of(User.get(User.username == "admin")).access)
        assert totp.is_administrator(Context.of(User.get(User.username == "security")).access)
        assert not totp.is_administrator(Context.of(User.get(User.username == "clerk")).access)
        assert {"system_admin", "security_admin", "audit_admin"} <= set(totp.ADMIN_ROLES)
        # off by default (等保 level 2): nobody must enrol
        assert not totp.must_enrol(Context.of(User.get(User.username == "admin")).access)


def test_a_security_administrator_resets_a_lost_second_factor(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
        make_user("grid", "grid_worker", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        with app.app_context():
            enrolled("clerk", t)
            clerk = User.get(User.username == "clerk")
            with pytest.raises(ServiceError, match="无权"):
                totp.reset_totp(Context.of(User.get(User.username == "grid")), clerk)
            assert UserTotp.select().count() == 1
        admin = app.test_client()
        login(admin, "admin", ADMIN_PASSWORD)
        listing = admin.get("/admin/core/user/").get_data(as_text=True)
        assert "重置二次验证" in listing
        done = admin.post(
            "/admin/core/user/action/",
            data={
                "action": "reset_totp",
                "rowid": str(clerk.id),
                "csrf_token": csrf_token(listing),
            },
            follow_redirects=True,
        )
        assert "已重置 1 个账号的二次验证。" in done.get_data(as_text=True)
        assert UserTotp.select().count() == 0
        assert login(app.test_client(), "clerk", USER_PASSWORD).headers["Location"] == "/admin/"
        assert "totp_reset" in {a.action for a in AuditLog.select()}


def test_the_cli_resets_a_second_factor(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        with app.app_context():
            enrolled("clerk", t)
        runner = app.test_cli_runner()
        result = runner.invoke(main, ["users", "reset-totp", "clerk"])
        assert result.exit_code == 0 and "second factor of clerk reset" in result.output
        assert UserTotp.select().count() == 0
        again = runner.invoke(main, ["users", "reset-totp", "clerk"])
        assert again.exit_code != 0 and "未开启二次验证" in again.output
        unknown = runner.invoke(main, ["users", "reset-totp", "nobody"])
        assert unknown.exit_code != 0 and "unknown user: nobody" in unknown.output


def test_the_secret_is_on_no_page_after_enrolment(app, demo, client_for):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    with time_machine.travel(START, tick=False) as t:
        client = client_for("clerk")
        secret = enrol(client)
        t.shift(30)
        admin = app.test_client()
        login(admin, "admin", ADMIN_PASSWORD)
        clerk = User.get(User.username == "clerk")
        pages = [
            client.get("/auth/totp"),
            client.get("/auth/password"),
            admin.get("/admin/core/user/"),
            admin.get(f"/admin/core/user/details/?id={clerk.id}"),
            admin.get(f"/admin/core/user/edit/?id={clerk.id}"),
            admin.get("/admin/core/user/export/csv/"),
            admin.get("/admin/core/auditlog/"),
            admin.get("/admin/core/loginattempt/"),
        ]
        assert any(p.status_code == 200 for p in pages[2:])
        for page in pages:
            assert secret not in page.get_data(as_text=True), page.request.path
    logged = [f"{a.summary} {a.changes}" for a in AuditLog.select()]
    assert logged and not any(secret in row for row in logged)
