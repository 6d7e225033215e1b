"""Users, custom roles and role assignments in the admin; no privilege escalation; audited."""

import pytest

from core.models import AuditLog, Role, RoleAssignment, RolePermission, TerritoryUnit, User
from tests.conftest import csrf_token, login, make_user


def unit(code):
    return TerritoryUnit.get(TerritoryUnit.code == code)


def role(code):
    return Role.get(Role.code == code)


def post(client, url, data):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


@pytest.fixture
def staff(app, demo, client_for):
    with app.app_context():
        make_user("staff", "street_staff", "990101001")  # 东湖街道: may manage its users
    return client_for("staff")


def test_admin_creates_a_user_who_must_change_the_password(admin):
    page = post(
        admin,
        "/admin/core/user/new/",
        {
            "username": "zhangsan",
            "display_name": "张三",
            "password": "Start-2026-pw",
            "role": role("grid_worker").id,
            "unit": unit("990101001001G01").id,
            "scope": "unit",
        },
    )
    assert page.status_code == 200
    user = User.get(User.username == "zhangsan")
    assert user.must_change_password and user.display_name == "张三"
    assignment = RoleAssignment.get(RoleAssignment.user == user)
    assert (assignment.role.code, assignment.unit.code, assignment.scope) == (
        "grid_worker",
        "990101001001G01",
        "unit",
    )
    assert "张三" in admin.get("/admin/core/user/").get_data(as_text=True)


def test_staff_cannot_grant_a_role_stronger_than_their_own(staff):
    page = post(
        staff,
        "/admin/core/user/new/",
        {
            "username": "boss",
            "password": "Start-2026-pw",
            "role": role("district_admin").id,
            "unit": unit("990101001001").id,
            "scope": "subtree",
        },
    ).get_data(as_text=True)
    assert "该角色包含您本人没有的权限" in page
    assert User.get_or_none(User.username == "boss") is None


def test_staff_cannot_assign_outside_their_community(app, staff):
    with app.app_context():
        make_user("insider", "grid_worker", "990101001001G01")
        make_user("outsider", "grid_worker", "990101002001G01")
    form = staff.get("/admin/core/role_assignment/new/").get_data(as_text=True)
    assert "长青社区" not in form and "outsider" not in form  # not even offered
    page = post(
        staff,
        "/admin/core/role_assignment/new/",
        {
            "user": User.get(User.username == "insider").id,
            "role": role("grid_worker").id,
            "unit": unit("990101002001").id,
            "scope": "unit",
        },
    ).get_data(as_text=True)
    assert 'class="form-control is-invalid" id="unit"' in page
    assert RoleAssignment.select().join(User).where(User.username == "insider").count() == 1


def test_only_platform_admin_grants_scope_all(app, demo):
    with app.app_context():
        make_user("dadmin", "district_admin", "990101", "subtree")
    client = app.test_client()
    login(client, "dadmin", "Passw0rd-long")
    page = post(
        client,
        "/admin/core/user/new/",
        {
            "username": "wide",
            "password": "Start-2026-pw",
            "role": role("grid_worker").id,
            "unit": unit("990101").id,
            "scope": "all",
        },
    ).get_data(as_text=True)
    assert "只有平台管理员才能授予“全部”数据权限。" in page
    assert User.get_or_none(User.username == "wide") is None


def test_custom_role_with_permissions_is_created_and_audited(admin):
    post(
        admin,
        "/admin/core/role/new/",
        {
            "code": "notice_clerk",
            "name_zh": "公告员",
            "name_en": "Notice clerk",
            "permissions": ["noticeboard:read", "noticeboard:create"],
        },
    )
    clerk = role("notice_clerk")
    assert not clerk.builtin
    assert {(p.plugin, p.action) for p in clerk.permissions} == {
        ("noticeboard", "read"),
        ("noticeboard", "create"),
    }
    assert AuditLog.select().where(AuditLog.action == "permissions_changed").exists()
    # and a user holding it sees the notice board but not the territory admin
    page = post(
        admin,
        "/admin/core/user/new/",
        {
            "username": "clerk1",
            "password": "Start-2026-pw",
            "role": clerk.id,
            "unit": unit("990101001001").id,
            "scope": "subtree",
        },
    )
    assert page.status_code == 200
    assert User.get(User.username == "clerk1")


def test_builtin_roles_cannot_be_changed(admin):
    grid = role("grid_worker")
    before = {(p.plugin, p.action) for p in grid.permissions}
    page = post(
        admin,
        f"/admin/core/role/edit/?id={grid.id}",
        {
            "code": "grid_worker",
            "name_zh": "网格员",
            "name_en": "Grid worker",
            "permissions": ["*:*"],
        },
    ).get_data(as_text=True)
    assert "内置角色是模板，不能修改" in page
    assert {(p.plugin, p.action) for p in role("grid_worker").permissions} == before


def test_staff_cannot_give_a_custom_role_permissions_they_lack(staff):
    page = post(
        staff,
        "/admin/core/role/new/",
        {
            "code": "sneaky",
            "name_zh": "越权",
            "name_en": "Sneaky",
            "permissions": ["core:configure"],
        },
    ).get_data(as_text=True)
    assert "您不能授予自己没有的权限：core:configure。" in page
    assert Role.get_or_none(Role.code == "sneaky") is None
    assert (
        not RolePermission.select()
        .where(RolePermission.action == "configure")
        .join(Role)
        .where(Role.code == "sneaky")
        .exists()
    )


def test_revoking_an_assignment_is_audited(app, admin):
    with app.app_context():
        make_user("temp", "grid_worker", "990101001001G01")
    assignment = RoleAssignment.select().join(User).where(User.username == "temp").get()
    token = csrf_token(admin.get("/admin/core/role_assignment/").get_data(as_text=True))
    admin.post(
        "/admin/core/role_assignment/delete/", data={"id": str(assignment.id), "csrf_token": token}
    )
    assert RoleAssignment.get_or_none(RoleAssignment.id == assignment.id) is None
    row = AuditLog.get(AuditLog.action == "role_revoked")
    assert "grid_worker" in row.changes and row.actor.username == "admin"


def test_accounts_are_disabled_in_bulk_but_not_your_own(app, admin):
    with app.app_context():
        make_user("leaving", "grid_worker", "990101001001G01")
    leaving = User.get(User.username == "leaving")
    me = User.get(User.username == "admin")
    token = csrf_token(admin.get("/admin/core/user/").get_data(as_text=True))
    page = admin.post(
        "/admin/core/user/action/",
        data={"action": "disable", "rowid": [str(leaving.id), str(me.id)], "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "您不能停用自己的账号。" in page
    assert not User.get_by_id(leaving.id).is_active
    assert User.get_by_id(me.id).is_active
    assert login(app.test_client(), "leaving", "Passw0rd-long").status_code == 200  # refused


def test_login_log_is_browsable(app, admin):
    login(app.test_client(), "admin", "bad-password-9")
    page = admin.get("/admin/core/login_attempt/").get_data(as_text=True)
    assert "用户名或密码错误" in page and "admin" in page
