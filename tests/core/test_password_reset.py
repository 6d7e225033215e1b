"""Password reset (密码重置) without e-mail: a security administrator (or the operator's CLI)
issues a one-time code, shown once and stored hashed, valid 30 minutes; the person sets a
new password with it and every session of theirs ends."""

import datetime as dt
import re

import time_machine

from core.cli import main
from core.models import AuditLog, LoginAttempt, PasswordReset, User, UserSession
from core.testing import ADMIN_PASSWORD, COMMUNITY_A, USER_PASSWORD
from tests.conftest import csrf_token, login, make_user

WRONG = "用户名或重置码错误，或重置码已过期。"
CODE = re.compile(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")


def issue_in_admin(app, username):
    admin = app.test_client()
    login(admin, "admin", ADMIN_PASSWORD)
    listing = admin.get("/admin/core/user/").get_data(as_text=True)
    user = User.get(User.username == username)
    page = admin.post(
        "/admin/core/user/action/",
        data={"action": "reset_code", "rowid": str(user.id), "csrf_token": csrf_token(listing)},
    )
    return page


def reset(client, username, code, new, confirm=None):
    form = client.get("/auth/reset").get_data(as_text=True)
    return client.post(
        "/auth/reset",
        data={
            "username": username,
            "code": code,
            "new": new,
            "confirm": confirm or new,
            "csrf_token": csrf_token(form),
        },
        follow_redirects=True,
    )


def test_a_code_from_the_admin_sets_a_new_password_and_ends_all_sessions(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    elsewhere = app.test_client()
    login(elsewhere, "clerk", USER_PASSWORD)
    page = issue_in_admin(app, "clerk")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "clerk 的重置码：" in html
    code = CODE.search(html).group(0)
    row = PasswordReset.get()
    assert code not in row.code_hash and len(row.code_hash) == 64  # stored hashed
    assert row.expires_at - row.created_at == dt.timedelta(minutes=30)

    person = app.test_client()
    assert "忘记密码？凭重置码设置新密码" in person.get("/auth/login").get_data(as_text=True)
    done = reset(person, "clerk", code.lower().replace("-", " "), "Fresh-start-26")
    assert "新密码已设置，请用新密码登录。" in done.get_data(as_text=True)
    assert login(app.test_client(), "clerk", "Fresh-start-26").status_code == 302
    assert elsewhere.get("/admin/core/case/").status_code == 302  # logged out
    clerk = User.get(User.username == "clerk")
    ended = UserSession.select().where(UserSession.user == clerk).order_by(UserSession.id)
    assert [s.end_reason for s in ended] == ["password", ""]  # the one before, the new login
    assert "password_reset" in {a.action for a in AuditLog.select()}
    assert not any(code in (a.summary + a.changes) for a in AuditLog.select())
    # the code works once
    again = reset(app.test_client(), "clerk", code, "Another-go-27")
    assert WRONG in again.get_data(as_text=True)


def test_a_code_expires_after_30_minutes_and_a_new_one_replaces_the_old(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    start = dt.datetime(2026, 12, 31, 15, 45, tzinfo=dt.UTC)  # 23:45 in Beijing, New Year's Eve
    with time_machine.travel(start, tick=False) as t:
        first = CODE.search(issue_in_admin(app, "clerk").get_data(as_text=True)).group(0)
        second = CODE.search(issue_in_admin(app, "clerk").get_data(as_text=True)).group(0)
        before = User.get(User.username == "clerk").password_hash
        assert WRONG in reset(app.test_client(), "clerk", first, "Fresh-start-26").text
        t.shift(dt.timedelta(minutes=30, seconds=1))
        assert WRONG in reset(app.test_client(), "clerk", second, "Fresh-start-26").text
    assert User.get(User.username == "clerk").password_hash == before


def test_the_new_password_follows_the_policy_and_a_refusal_keeps_the_code(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    code = CODE.search(issue_in_admin(app, "clerk").get_data(as_text=True)).group(0)
    person = app.test_client()
    weak = reset(person, "clerk", code, "aaaaaaaaa1")
    assert "密码须包含大写字母、小写字母、数字、符号这四类字符中的至少三类。" in weak.text
    same = reset(person, "clerk", code, USER_PASSWORD)
    assert "新密码不能与最近 5 次使用过的密码相同。" in same.text
    differ = reset(person, "clerk", code, "Fresh-start-26", "Fresh-start-27")
    assert "两次输入的新密码不一致。" in differ.text
    assert PasswordReset.get().used_at is None
    assert "新密码已设置" in reset(person, "clerk", code, "Fresh-start-26").text


def test_wrong_codes_count_as_failed_logins_and_lock_the_account(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    code = CODE.search(issue_in_admin(app, "clerk").get_data(as_text=True)).group(0)
    guesser = app.test_client()
    for _ in range(5):
        assert WRONG in reset(guesser, "clerk", "AAAA-BBBB-CCCC", "Fresh-start-26").text
    locked = reset(guesser, "clerk", code, "Fresh-start-26")
    assert "账号已锁定" in locked.text
    assert LoginAttempt.select().where(LoginAttempt.reason == "wrong_code").count() == 5
    assert PasswordReset.get().used_at is None


def test_the_operator_issues_a_code_from_the_command_line(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    runner = app.test_cli_runner()
    result = runner.invoke(main, ["users", "reset-password", "clerk"])
    assert result.exit_code == 0, result.output
    code = CODE.search(result.output).group(0)
    assert result.output.startswith("reset code for clerk: ")
    assert "新密码已设置" in reset(app.test_client(), "clerk", code, "Fresh-start-26").text
    unknown = runner.invoke(main, ["users", "reset-password", "nobody"])
    assert unknown.exit_code == 1 and "unknown user: nobody" in unknown.output


def test_staff_without_user_management_cannot_issue_codes(app, demo):
    with app.app_context():
        make_user("grid", "grid_worker", COMMUNITY_A + "G01")
        make_user("clerk", "community_staff", COMMUNITY_A)
    client = app.test_client()
    login(client, "grid", USER_PASSWORD)
    assert client.get("/admin/core/user/").status_code == 403
    token = csrf_token(client.get("/portal/").get_data(as_text=True))
    clerk = User.get(User.username == "clerk")
    response = client.post(
        "/admin/core/user/action/",
        data={"action": "reset_code", "rowid": str(clerk.id), "csrf_token": token},
    )
    assert response.status_code == 403 and PasswordReset.select().count() == 0
