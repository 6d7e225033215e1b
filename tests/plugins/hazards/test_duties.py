"""Separation of duties (职责分离): the person who reported a hazard does not accept its
rectification, in a district that separates duties (the default); a district that switched
it off lets them, and the rectifier ≠ acceptor rule of the law holds either way."""

from __future__ import annotations

import pytest

from core.commands import Context
from core.registry import kernel_state
from core.workflow import WorkflowError
from plugins.hazards import services
from plugins.hazards.models import Hazard

from .conftest import FIRE, answers


def reported_by_office_rectified_by_staff(hz):
    office = Context(hz.office, hz.access(hz.office))
    inspection = services.inspect(
        office, hz.community, FIRE, "9号楼", answers(extinguishers_ok="no")
    )
    hazard = inspection.hazards.get()
    staff = Context(hz.staff, hz.access(hz.staff))
    services.move(staff, hazard, "register")
    services.move(staff, hazard, "assess", data={"grade": "general"})
    services.move(staff, hazard, "rectify", data={"responsible": "王强", "measures": "更换"})
    services.move(staff, hazard, "submit_acceptance", data={"rectification": "已换"})
    return Hazard.get_by_id(hazard.id)


def test_the_reporter_cannot_accept(hz):
    hazard = reported_by_office_rectified_by_staff(hz)
    assert hazard.created_by_id == hz.office.id
    before = (hazard.state, hazard.version, hazard.accepted_by_id)
    with pytest.raises(WorkflowError) as refused:
        services.move(Context(hz.office, hz.access(hz.office)), hazard, "accept")
    assert "职责分离：上报该隐患的人不能验收其整改。" in str(refused.value)
    row = Hazard.get_by_id(hazard.id)
    assert (row.state, row.version, row.accepted_by_id) == before
    services.move(Context(hz.approver, hz.access(hz.approver)), row, "accept")
    assert Hazard.get_by_id(hazard.id).accepted_by_id == hz.approver.id


def test_a_district_may_switch_it_off(hz):
    hazard = reported_by_office_rectified_by_staff(hz)
    kernel_state().settings.set(hz.community.district_id, "core", "separation_of_duties", False)
    services.move(Context(hz.office, hz.access(hz.office)), hazard, "accept")
    assert Hazard.get_by_id(hazard.id).state == "closed"
