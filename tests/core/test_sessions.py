"""Login sessions kept on the server (等保2.0): logout, a password change, disabling the
account and a change of roles end them everywhere, so a copied cookie is worthless; idleness
and age end them; a security administrator lists them and ends them by hand."""

import datetime as dt

import time_machine

from core import services, sessions
from core.access import Access
from core.commands import Context
from core.errors import ServiceError
from core.models import Role, TerritoryUnit, User, UserSession
from core.testing import ADMIN_PASSWORD, COMMUNITY_A, COMMUNITY_B, USER_PASSWORD
from tests.conftest import csrf_token, login, make_user

CASES = "/admin/core/case/"


def logged_in(app, username, password=USER_PASSWORD):
    client = app.test_client()
    assert login(client, username, password).status_code == 302
    return client


def copy_of(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def logged_out(client) -> bool:
    response = client.get(CASES)
    return response.status_code == 302 and "/auth/login" in response.headers["Location"]


def reasons(username):
    user = User.get(User.username == username)
    rows = UserSession.select().where(UserSession.user == user).order_by(UserSession.id)
    return [row.end_reason for row in rows]


def test_a_cookie_copied_before_logout_is_worthless_after_it(app, demo):
    client = logged_in(app, "admin", ADMIN_PASSWORD)
    thief = copy_of(app, client)
    assert thief.get(CASES).status_code == 200
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert logged_out(thief) and logged_out(client)
    assert reasons("admin") == ["logout"]


def test_a_password_change_ends_every_other_session(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    here, elsewhere = logged_in(app, "clerk"), logged_in(app, "clerk")
    old_copy = copy_of(app, here)
    token = csrf_token(here.get("/auth/password").get_data(as_text=True))
    response = here.post(
        "/auth/password",
        data={"current": USER_PASSWORD, "new": "Desk-work-2026", "confirm": "Desk-work-2026"}
        | {"csrf_token": token},
    )
    assert response.status_code == 302
    assert here.get(CASES).status_code == 200  # the one who changed it goes on, afresh
    assert logged_out(elsewhere) and logged_out(old_copy)
    assert reasons("clerk") == ["password", "password", ""]


def test_disabling_an_account_ends_its_sessions(app, demo):
    with app.app_context():
        make_user("leaver", "community_staff", COMMUNITY_A)
    client = logged_in(app, "leaver")
    assert client.get(CASES).status_code == 200
    admin = User.get(User.username == "admin")
    with app.test_request_context():
        services.set_active(
            Context(admin, Access(admin)), User.get(User.username == "leaver"), False
        )
    assert logged_out(client)
    assert reasons("leaver") == ["disabled"]


def test_a_change_of_roles_ends_the_persons_sessions(app, demo):
    with app.app_context():
        make_user("mover", "community_staff", COMMUNITY_A)
    client = logged_in(app, "mover")
    admin = User.get(User.username == "admin")
    with app.test_request_context():
        services.assign_role(
            Context(admin, Access(admin)),
            User.get(User.username == "mover"),
            Role.get(Role.code == "grid_worker"),
            TerritoryUnit.get(TerritoryUnit.code == COMMUNITY_A),
            "unit",
        )
    assert logged_out(client)
    again = logged_in(app, "mover")  # logs in again with the new roles
    assert again.get(CASES).status_code == 200
    assert reasons("mover") == ["roles", ""]


def test_an_idle_session_ends_after_the_idle_minutes(app, demo):
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 50, tzinfo=dt.UTC), tick=False) as t:
        client = logged_in(app, "admin", ADMIN_PASSWORD)
        for _ in range(3):  # active every 14 minutes: stays (across midnight and New Year)
            t.shift(dt.timedelta(minutes=14))
            assert client.get(CASES).status_code == 200
        t.shift(dt.timedelta(minutes=15, seconds=1))
        assert logged_out(client)
    assert reasons("admin") == ["idle"]


def test_a_session_ends_at_its_lifetime_however_active(app, demo):
    with time_machine.travel(dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC), tick=False) as t:
        client = logged_in(app, "admin", ADMIN_PASSWORD)
        for _ in range(34):  # 34 × 14 = 476 minutes: still within the 480
            t.shift(dt.timedelta(minutes=14))
            assert client.get(CASES).status_code == 200
        t.shift(dt.timedelta(minutes=5))
        assert logged_out(client)
    assert reasons("admin") == ["expired"]


def test_the_security_administrator_lists_and_ends_sessions(app, demo):
    with app.app_context():
        make_user("clerk", "community_staff", COMMUNITY_A)
    clerk = logged_in(app, "clerk")
    admin = logged_in(app, "admin", ADMIN_PASSWORD)
    listing = admin.get("/admin/core/user_session/")
    html = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "登录会话" in html and "clerk" in html
    row = UserSession.get(UserSession.user == User.get(User.username == "clerk"))
    response = admin.post(
        "/admin/core/user_session/action/",
        data={"action": "end", "rowid": str(row.id), "csrf_token": csrf_token(html)},
        follow_redirects=True,
    )
    assert "已结束 1 个会话。" in response.get_data(as_text=True)
    assert logged_out(clerk) and admin.get(CASES).status_code == 200
    assert reasons("clerk") == ["forced"]


def test_sessions_of_people_one_does_not_manage_cannot_be_ended(app, demo):
    with app.app_context():
        make_user("east_manager", "street_staff", COMMUNITY_A[:9])
        make_user("west_clerk", "community_staff", COMMUNITY_B)
        make_user("clerk", "grid_worker", COMMUNITY_A)
    west = logged_in(app, "west_clerk")
    row = UserSession.get(UserSession.user == User.get(User.username == "west_clerk"))
    manager = User.get(User.username == "east_manager")
    with app.test_request_context():
        try:
            sessions.force_end(Context.of(manager), [row.id])
        except ServiceError as exc:
            message = str(exc)
        else:
            message = ""
    assert message == "您无权结束这些会话。"
    assert west.get(CASES).status_code == 200 and reasons("west_clerk") == [""]
    # a grid worker (no user management) may not even see the list
    assert logged_in(app, "clerk").get("/admin/core/user_session/").status_code == 403
