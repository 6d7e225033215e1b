"""Helpers and fixtures shared by the API tests (tests/core/test_api*.py)."""

from __future__ import annotations

import pytest

from core.api.tokens import create_token
from core.commands import Context
from core.models import AuditLog, Role, RoleAssignment, RolePermission, TerritoryUnit, User
from tests.conftest import make_user
from tests.sample_plugins.noticeboard.models import Notice

A, B = "990101001001", "990101002001"  # 幸福社区, 长青社区
GRID_A = "990101001001G01"
URL = "/api/v1/noticeboard/notice"
ID = "11010519491231002X"
PHONE = "13800138000"


def unit_id(code):
    return TerritoryUnit.get(TerritoryUnit.code == code).id


def token_for(app, username, write=True, days=30):
    with app.app_context():
        _row, token = create_token(
            Context.trusted(), User.get(User.username == username), "test", write, days
        )
    return token


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def notice(code, title="通知", **values):
    return Notice.create(unit=unit_id(code), title=title, **values)


def counts():
    return Notice.select().count(), AuditLog.select().count()


@pytest.fixture
def api_people(app, demo):
    """Staff of A and B, a grid worker of A (no personal data), a resident, a district
    administrator working at A, and a clerk (read, create, import, export notices)."""
    with app.app_context():
        make_user("staff_a", "community_staff", A)
        make_user("staff_b", "community_staff", B)
        make_user("gridder", "grid_worker", GRID_A)
        make_user("viewer", "resident", A)
        make_user("boss_a", "district_admin", A)
        role = Role.create(code="clerk", name_zh="导入导出员", name_en="Clerk")
        for action in ("read", "create", "import", "export"):
            RolePermission.create(role=role, plugin="noticeboard", action=action)
        clerk = make_user("clerk", "resident", GRID_A)
        RoleAssignment.create(user=clerk, role=role, unit=unit_id(GRID_A), scope="subtree")
    return app


@pytest.fixture
def api(app, api_people):
    """(client, headers) for staff_a with a read-write token."""
    return app.test_client(), bearer(token_for(app, "staff_a"))
