"""Data scope (数据权限) per assignment, several assignments, and what menus and buttons show."""

import pytest

from core.access import Access
from core.commands import Context
from core.models import TerritoryUnit, User
from tests.conftest import make_user
from tests.sample_plugins.noticeboard.models import Notice


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


@pytest.fixture
def notices(ctx, demo):
    made = {}
    for code in ("990101001001", "990101001001G01", "990101001001G02", "990101002001"):
        made[code] = Notice.create(unit=unit(code), title=f"通知-{code}")
    return made


def visible(username, district="990101"):
    access = Access(User.get(User.username == username))
    condition = access.scope_condition(Notice, "noticeboard", "read", unit(district).id)
    rows = Notice.select().where(condition & Notice.title.startswith("通知-"))
    return {n.title.split("-", 1)[1] for n in rows}


def test_subtree_scope_sees_the_unit_and_below(notices):
    make_user("sub", "community_staff", "990101001001", "subtree")
    assert visible("sub") == {"990101001001", "990101001001G01", "990101001001G02"}


def test_unit_scope_sees_only_the_unit(notices):
    make_user("only", "community_staff", "990101001001", "unit")
    assert visible("only") == {"990101001001"}


def test_own_scope_sees_only_own_records(notices):
    me = make_user("mine", "grid_worker", "990101001001G01", "own")
    Notice.update(created_by=me).where(Notice.id == notices["990101001001G02"].id).execute()
    assert visible("mine") == {"990101001001G02"}


def test_all_scope_is_still_limited_to_the_district_worked_in(notices):
    other = TerritoryUnit.create(code="X", name="x", level="district", path="9" * 10)
    make_user("everything", "platform_admin", "990101", "all")
    assert visible("everything") == set(notices)
    assert visible("everything", district="990101") == set(notices)
    Notice.create(unit=other, title="通知-X")
    assert "X" not in visible("everything")


def test_several_assignments_add_up(notices):
    from core import services, territory
    from core.models import Role

    user = make_user("double", "grid_worker", "990101001001G01", "unit")
    services.assign_role(
        Context.of(User.get(User.username == "admin")),
        user,
        Role.get(Role.code == "volunteer"),
        territory.by_code("990101002001"),
        "subtree",
    )
    # the volunteer role grants nothing on the notice board: only the grid is visible
    assert visible("double") == {"990101001001G01"}
    services.assign_role(
        Context.of(User.get(User.username == "admin")),
        user,
        Role.get(Role.code == "grid_worker"),
        territory.by_code("990101002001"),
        "subtree",
    )
    assert visible("double") == {"990101001001G01", "990101002001"}


def test_no_role_sees_nothing(notices):
    user = User.create(username="nobody", password_hash="x")
    access = Access(user)
    assert not access.can("noticeboard", "read")
    assert Notice.select().where(access.scope_condition(Notice, "noticeboard")).count() == 0


def test_menus_and_buttons_follow_permissions(app, demo, client_for):
    with app.app_context():
        make_user("gridder", "grid_worker", "990101001001G01")
        make_user("vol", "volunteer", "990101001001")
    grid = client_for("gridder")
    page = grid.get("/admin/noticeboard/notice/").get_data(as_text=True)
    assert "/admin/noticeboard/notice/new/" in page  # may create
    assert "/admin/noticeboard/notice/delete/" not in page  # may not delete
    assert "export/csv" not in page  # may not export
    assert 'value="delete"' not in page  # no bulk delete
    menu = grid.get("/admin/").get_data(as_text=True)
    assert "/admin/core/modules/" not in menu and "/admin/core/role/" not in menu
    vol = client_for("vol")
    menu = vol.get("/admin/").get_data(as_text=True)
    assert "/admin/noticeboard/notice/" not in menu
    assert vol.get("/admin/noticeboard/notice/").status_code == 403
    assert vol.get("/admin/core/modules/").status_code == 403
