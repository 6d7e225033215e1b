"""The password policy of 等保2.0 (GB/T 22239-2019, 身份鉴别): length, three of four kinds of
character, no username, none of the last five, changed every 90 days. One check on every
path: the change-password page, the admin's new-user form and `linli users create`."""

import datetime as dt

import pytest
import time_machine

from core import services
from core.commands import Context
from core.errors import ServiceError
from core.models import PasswordHistory, User
from core.testing import COMMUNITY_A, USER_PASSWORD
from tests.conftest import csrf_token, login, make_user

THREE_OF_FOUR = "密码须包含大写字母、小写字母、数字、符号这四类字符中的至少三类。"


def change(client, current, new):
    token = csrf_token(client.get("/auth/password").get_data(as_text=True))
    return client.post(
        "/auth/password",
        data={"current": current, "new": new, "confirm": new, "csrf_token": token},
    )


@pytest.mark.parametrize(
    "password, message",
    [
        ("Ab-1234", "密码至少需要 8 个字符。"),
        ("aaaaaaaaa1", THREE_OF_FOUR),
        ("ALLCAPSANDLONG", THREE_OF_FOUR),
        ("12345678-90", THREE_OF_FOUR),
        ("My-clerk-2026", "密码不能包含用户名。"),
    ],
)
def test_a_weak_password_is_refused_on_the_page_and_nothing_changes(app, demo, password, message):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    before = User.get(User.username == "clerk").password_hash
    client = app.test_client()
    login(client, "clerk", USER_PASSWORD)
    page = change(client, USER_PASSWORD, password)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert User.get(User.username == "clerk").password_hash == before


def test_three_kinds_of_eight_characters_are_enough(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    client = app.test_client()
    login(client, "clerk", USER_PASSWORD)
    current = USER_PASSWORD
    for accepted in ("desk-work-26", "DESK-WORK-26", "Deskwork26"):
        assert change(client, current, accepted).status_code == 302, accepted
        current = accepted
    assert login(app.test_client(), "clerk", "Deskwork26").status_code == 302


def test_the_admin_new_user_form_applies_the_same_policy(app, demo):
    client = app.test_client()
    login(client, "admin", "Admin-pass-123")
    form = client.get("/admin/core/user/new/").get_data(as_text=True)
    users = User.select().count()
    page = client.post(
        "/admin/core/user/new/",
        data={
            "username": "newcomer",
            "display_name": "新同事",
            "password": "aaaaaaaaa1",
            "role": "4",
            "unit": "1",
            "scope": "subtree",
            "csrf_token": csrf_token(form),
        },
    )
    assert THREE_OF_FOUR in page.get_data(as_text=True)
    assert User.select().count() == users


def test_none_of_the_last_five_passwords_comes_back(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
        user = User.get(User.username == "clerk")
        passwords = [USER_PASSWORD] + [f"Round-{n}-desk" for n in range(1, 6)]
        for old, new in zip(passwords, passwords[1:], strict=False):
            if new == passwords[5]:
                break
            services.change_password(Context.of(user), old, new, new)
        # now the last five are the initial one and Round-1..4: none may return
        for old in passwords[:5]:
            with pytest.raises(ServiceError) as refused:
                check = User.get_by_id(user.id)
                services.check_password_policy(old, check.username, check)
            assert str(refused.value) == "新密码不能与最近 5 次使用过的密码相同。"
        again = Context.of(User.get_by_id(user.id))
        services.change_password(again, passwords[4], passwords[5], passwords[5])
        # the initial password is now the sixth back: allowed again
        services.check_password_policy(USER_PASSWORD, "clerk", User.get_by_id(user.id))
    assert PasswordHistory.select().where(PasswordHistory.user == user.id).count() == 6


@pytest.mark.parametrize(
    "today",
    [dt.datetime(2026, 12, 31, 1, 0), dt.datetime(2027, 2, 28, 23, 0)],
    ids=["new-year-eve", "end-of-february"],
)
def test_a_password_older_than_90_days_must_be_changed_at_login(app, demo, today):
    with app.app_context():
        make_user("old", "community_staff", COMMUNITY_A)
        make_user("recent", "community_staff", COMMUNITY_A)
    User.update(password_changed_at=today - dt.timedelta(days=90, minutes=1)).where(
        User.username == "old"
    ).execute()
    User.update(password_changed_at=today - dt.timedelta(days=89, hours=23)).where(
        User.username == "recent"
    ).execute()
    with time_machine.travel(today.replace(tzinfo=dt.UTC), tick=False):
        old, recent = app.test_client(), app.test_client()
        assert login(old, "old", USER_PASSWORD).headers["Location"].endswith("/auth/password")
        assert old.get("/admin/core/case/").status_code in (302, 403)
        assert login(recent, "recent", USER_PASSWORD).headers["Location"] == "/admin/"
        assert change(old, USER_PASSWORD, "Fresh-desk-27").status_code == 302
        assert old.get("/admin/core/case/").status_code == 200
    stored = User.get(User.username == "old")
    assert stored.password_changed_at == today and not stored.must_change_password
