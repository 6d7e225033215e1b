"""The inspection commands ask the permission on the resource they write (按资源授权): a role
holding only ``hazards.inspection:create`` (and the reads it needs) records an inspection,
on the portal as in the service, and is refused a hazard report (``hazards.hazard:create``)
in Chinese, with nothing written; the inspector's plugin-wide ``hazards:create`` does both."""

from __future__ import annotations

import pytest

from core import services as core_services
from core.commands import Context
from core.errors import ServiceError
from core.models import Role
from plugins.hazards import services
from plugins.hazards.models import Hazard, Inspection
from tests.conftest import make_user

from .conftest import COMMUNITY, FIRE, answers

GRANTS = {
    ("hazards.inspection", "create"),
    ("hazards.inspection", "read"),
    ("hazards.premises", "read"),
    ("hazards.portal", "read"),
}


@pytest.fixture
def recorder(hz):
    role = Role.create(code="recorder", name_zh="检查记录员", name_en="Inspection recorder")
    core_services.set_role_permissions(Context.trusted(), role, GRANTS)
    return make_user("recorder", "recorder", COMMUNITY, "subtree")


def counts():
    return Inspection.select().count(), Hazard.select().count()


def test_an_inspection_grant_records_an_inspection_and_no_hazard_report(hz, recorder):
    ctx = Context.of(recorder)
    inspection = services.inspect(ctx, hz.community, FIRE, "3号楼", answers())
    assert inspection.created_by_id == recorder.id and inspection.place == "3号楼"
    before = counts()
    with pytest.raises(ServiceError) as refused:
        services.report_hazard(
            ctx, source="patrol", title="楼道堆物", unit=hz.community, place="3号楼"
        )
    assert "您没有上报隐患的权限。" in str(refused.value)
    # an inspection with a failed item reports a hazard, which the grant does not cover
    with pytest.raises(ServiceError):
        services.inspect(ctx, hz.community, FIRE, "4号楼", answers(extinguishers_ok="no"))
    assert counts() == before


def test_the_portal_pages_follow_the_same_grants(hz, recorder, client_for):
    client = client_for("recorder")
    index = client.get("/portal/hazards/").get_data(as_text=True)
    assert f"/portal/hazards/inspect/{FIRE}" in index
    before = counts()
    page = client.get("/portal/hazards/report", follow_redirects=True).get_data(as_text=True)
    assert "您没有上报隐患的权限。" in page and "楼道堆物" not in page
    assert counts() == before


def test_the_inspectors_plugin_wide_grant_covers_both(hz):
    ctx = Context.of(hz.inspector)
    services.inspect(ctx, hz.community, FIRE, "5号楼", answers())
    hazard = services.report_hazard(
        ctx, source="patrol", title="楼道堆物", unit=hz.community, place="5号楼"
    )
    assert hazard.created_by_id == hz.inspector.id
