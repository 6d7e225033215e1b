"""三员分立 (GB/T 22239-2019, 安全管理中心): the system administrator manages accounts, modules
and settings and cannot read the audit; the security administrator manages roles, grants,
unlocks, reset codes and sessions and cannot change business data or accounts; the audit
administrator reads the audit and login logs only. Nobody grants roles to themselves."""

from __future__ import annotations

import pytest

from core import services
from core.commands import Context
from core.models import AuditLog, RoleAssignment, User
from core.testing import builtin_plugins, csrf_token, make_user

DISTRICT = "990101"
COMMUNITY = "990101001001"


@pytest.fixture
def app(make_app):
    return make_app(plugins=builtin_plugins())


@pytest.fixture
def three(app, demo):
    with app.app_context():
        make_user("sysadmin", "system_admin", DISTRICT)
        make_user("secadmin", "security_admin", DISTRICT)
        make_user("auditor", "audit_admin", DISTRICT)
        make_user("clerk", "resident", COMMUNITY)
    return app


def ctx_of(app, username):
    from core.access import Access

    user = User.get(User.username == username)
    return Context(actor=user, access=Access(user), district_id=None)


def test_the_system_administrator_runs_accounts_and_modules_but_not_the_audit(three, client_for):
    client = client_for("sysadmin")
    assert client.get("/admin/core/user/").status_code == 200
    assert client.get("/admin/core/user/new/").status_code == 200
    assert client.get("/admin/core/modules/").status_code == 200
    assert client.get("/admin/core/audit_log/").status_code == 403
    assert client.get("/admin/core/login_attempt/").status_code == 403
    assert client.get("/admin/core/role/").status_code == 403
    assert client.get("/admin/core/role_assignment/").status_code == 403
    assert client.get("/admin/hazards/hazard/").status_code == 403


def test_the_security_administrator_grants_roles_but_changes_no_data(three, client_for):
    client = client_for("secadmin")
    assert client.get("/admin/core/role/").status_code == 200
    assert client.get("/admin/core/user/").status_code == 200  # to unlock and reset
    assert client.get("/admin/core/user/new/").status_code != 200  # no new accounts
    assert client.get("/admin/core/audit_log/").status_code == 403
    assert client.get("/admin/hazards/hazard/").status_code == 403
    assert client.get("/admin/owners/owner/").status_code == 403
    with three.app_context():
        clerk = User.get(User.username == "clerk")
        from core import territory

        unit = territory.by_code(COMMUNITY)
        # grants a staff role the security administrator does not hold itself
        from core.models import Role

        services.assign_role(
            ctx_of(three, "secadmin"), clerk, Role.get(Role.code == "grid_worker"), unit, "unit"
        )
        assert RoleAssignment.select().where(RoleAssignment.user == clerk).count() == 2
        with pytest.raises(services.ServiceError) as refused:
            services.create_user(
                ctx_of(three, "secadmin"), "newbie", "Passw0rd-long", "resident", unit
            )
        assert str(refused.value) == "您无权执行此操作。"
        assert not User.select().where(User.username == "newbie").exists()


def test_nobody_grants_roles_to_themselves(three):
    from core import territory
    from core.models import Role

    with three.app_context():
        me = User.get(User.username == "secadmin")
        before = RoleAssignment.select().where(RoleAssignment.user == me).count()
        with pytest.raises(services.ServiceError) as refused:
            services.assign_role(
                ctx_of(three, "secadmin"),
                me,
                Role.get(Role.code == "district_admin"),
                territory.by_code(DISTRICT),
                "subtree",
            )
        assert str(refused.value) == "不能为自己的账号授予或撤销角色（三员分立）。"
        assert RoleAssignment.select().where(RoleAssignment.user == me).count() == before


def test_the_system_administrator_cannot_grant_what_it_does_not_hold(three):
    from core import territory
    from core.models import Role

    with three.app_context():
        clerk = User.get(User.username == "clerk")
        with pytest.raises(services.ServiceError):
            services.assign_role(
                ctx_of(three, "sysadmin"),
                clerk,
                Role.get(Role.code == "audit_admin"),
                territory.by_code(COMMUNITY),
                "unit",
            )
        # a new account may start with a portal role; staff roles come from the security
        # administrator
        user = services.create_user(
            ctx_of(three, "sysadmin"),
            "newbie",
            "Passw0rd-long",
            "resident",
            territory.by_code(COMMUNITY),
        )
        assert user.username == "newbie"


def test_the_audit_administrator_reads_the_logs_only(three, client_for):
    client = client_for("auditor")
    assert client.get("/admin/core/audit_log/").status_code == 200
    assert client.get("/admin/core/login_attempt/").status_code == 200
    assert client.get("/admin/core/audit_log/export/csv/").status_code == 200
    for url in (
        "/admin/core/user/",
        "/admin/core/role/",
        "/admin/core/modules/",
        "/admin/hazards/hazard/",
    ):
        assert client.get(url).status_code == 403, url
    with three.app_context():
        count = AuditLog.select().count()
    page = client.get("/admin/core/audit_log/")
    response = client.post(
        "/admin/core/audit_log/delete/",
        data={"id": "1", "csrf_token": csrf_token(page.get_data(as_text=True))},
    )
    assert response.status_code in (302, 403, 404, 405)
    with three.app_context():
        assert AuditLog.select().count() >= count
