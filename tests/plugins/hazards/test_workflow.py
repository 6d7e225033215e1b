"""The closed loop 登记 → 评估 → 整改 → 验收 → 销号 on the core engine, the 五落实 guard,
the notice to the district safety office and derived overdue."""

from __future__ import annotations

import datetime as dt

import pytest

from core import workdays
from core.commands import Context
from core.notifications import Notification
from core.workflow import WorkflowError, history
from plugins.hazards import services
from plugins.hazards.models import Hazard

from .conftest import FIRE, answers


def found(hz, item="extinguishers_ok"):
    inspection = services.inspect(
        Context(hz.inspector, hz.access(hz.inspector)),
        hz.community,
        FIRE,
        "8号楼",
        answers(**{item: "no"}),
    )
    return inspection.hazards.get()


def assessed(hz, grade, item="extinguishers_ok"):
    hazard = found(hz, item)
    staff = hz.access(hz.staff)
    services.move(Context(hz.staff, staff), hazard, "register")
    services.move(Context(hz.staff, staff), hazard, "assess", data={"grade": grade})
    return Hazard.get_by_id(hazard.id)


def snapshot(hazard):
    row = Hazard.get_by_id(hazard.id)
    return (row.state, row.version, row.responsible, row.deadline, len(history(row)))


def test_general_hazard_full_loop_with_failed_acceptance(hz):
    hazard = assessed(hz, "general")
    staff, boss = hz.access(hz.staff), hz.access(hz.approver)
    services.move(
        Context(hz.staff, staff),
        hazard,
        "rectify",
        data={"responsible": "王强", "measures": "更换"},
    )
    assert hazard.state == "rectifying"
    assert hazard.deadline == workdays.today() + dt.timedelta(days=15)  # district default
    services.move(
        Context(hz.staff, staff), hazard, "submit_acceptance", data={"rectification": "已更换"}
    )
    services.move(Context(hz.approver, boss), hazard, "reject", comment="仍有一具过期")
    assert hazard.state == "rectifying"
    services.move(
        Context(hz.staff, staff), hazard, "submit_acceptance", data={"rectification": "已补齐"}
    )
    services.move(Context(hz.approver, boss), hazard, "accept")
    row = Hazard.get_by_id(hazard.id)
    assert row.state == "closed" and row.closed_on == workdays.today()
    assert [h.transition for h in history(row)] == [
        "report",
        "register",
        "assess",
        "rectify",
        "submit_acceptance",
        "reject",
        "submit_acceptance",
        "accept",
    ]


def test_staff_cannot_accept_their_own_community_work(hz):
    hazard = assessed(hz, "general")
    staff = hz.access(hz.staff)
    services.move(
        Context(hz.staff, staff),
        hazard,
        "rectify",
        data={"responsible": "王强", "measures": "更换"},
    )
    services.move(
        Context(hz.staff, staff), hazard, "submit_acceptance", data={"rectification": "已更换"}
    )
    before = snapshot(hazard)
    with pytest.raises(WorkflowError):
        services.move(Context(hz.staff, staff), hazard, "accept")
    assert snapshot(hazard) == before


def test_major_hazard_needs_the_five_assurances(hz):
    hazard = assessed(hz, "major", "major_exits_clear")
    staff = hz.access(hz.staff)
    before = snapshot(hazard)
    partial = {"responsible": "物业经理 王强", "measures": "清理楼道杂物"}
    with pytest.raises(WorkflowError) as exc:
        services.move(Context(hz.staff, staff), hazard, "rectify", data=partial)
    message = str(exc.value)
    assert "五落实" in message and "资金" in message and "时限" in message and "预案" in message
    assert "责任" not in message.split("尚未落实")[1]
    assert snapshot(hazard) == before
    full = {
        **partial,
        "funds": "物业维修资金 2万元",
        "deadline": (workdays.today() + dt.timedelta(days=30)).isoformat(),
        "contingency": "整改期间安排专人值守，保持另一楼梯畅通",
    }
    services.move(Context(hz.staff, staff), hazard, "rectify", data=full)
    row = Hazard.get_by_id(hazard.id)
    assert row.state == "rectifying" and row.funds.startswith("物业维修资金")


@pytest.mark.awkward_days
def test_major_deadline_beyond_the_district_limit_is_refused(hz):
    hazard = assessed(hz, "major", "major_exits_clear")
    before = snapshot(hazard)
    data = {
        "responsible": "王强",
        "measures": "清理",
        "funds": "自筹",
        "deadline": (workdays.today() + dt.timedelta(days=181)).isoformat(),
        "contingency": "专人值守",
    }
    with pytest.raises(WorkflowError) as exc:
        services.move(Context(hz.staff, hz.access(hz.staff)), hazard, "rectify", data=data)
    assert "180" in str(exc.value)
    assert snapshot(hazard) == before


@pytest.mark.awkward_days
def test_past_deadline_is_refused(hz):
    hazard = assessed(hz, "general")
    reported = hazard.created_at - dt.timedelta(days=10)  # reported ten days ago
    Hazard.update(created_at=reported).where(Hazard.id == hazard.id).execute()
    hazard = Hazard.get_by_id(hazard.id)
    before = snapshot(hazard)
    yesterday = workdays.today() - dt.timedelta(days=1)
    data = {"responsible": "王强", "measures": "更换", "deadline": yesterday.isoformat()}
    with pytest.raises(WorkflowError) as exc:
        services.move(Context(hz.staff, hz.access(hz.staff)), hazard, "rectify", data=data)
    assert "整改期限不能早于今天" in str(exc.value)
    assert snapshot(hazard) == before


def test_major_assessment_notifies_the_district_safety_office(hz):
    assessed(hz, "general")
    assert not Notification.select().where(Notification.user == hz.office.id).exists()
    hazard = assessed(hz, "major", "major_exits_clear")
    notes = list(Notification.select().where(Notification.user == hz.office.id))
    assert len(notes) == 1 and "重大隐患" in notes[0].title
    assert str(hazard.id) in notes[0].link
    assert not (
        Notification.select()
        .where((Notification.user == hz.staff.id) & (Notification.kind == "hazard_major"))
        .exists()
    )


def test_false_report_needs_a_comment(hz):
    hazard = found(hz)
    before = snapshot(hazard)
    with pytest.raises(WorkflowError):
        services.move(Context(hz.staff, hz.access(hz.staff)), hazard, "invalidate")
    assert snapshot(hazard) == before
    services.move(
        Context(hz.staff, hz.access(hz.staff)), hazard, "invalidate", comment="物业已当场更换"
    )
    assert Hazard.get_by_id(hazard.id).state == "invalid"


def test_cannot_skip_assessment(hz):
    hazard = found(hz)
    before = snapshot(hazard)
    with pytest.raises(WorkflowError):
        services.move(
            Context(hz.staff, hz.access(hz.staff)),
            hazard,
            "rectify",
            data={"responsible": "王", "measures": "x"},
        )
    assert snapshot(hazard) == before


@pytest.mark.awkward_days
def test_overdue_is_derived_from_the_deadline(hz):
    hazard = assessed(hz, "general")
    services.move(
        Context(hz.staff, hz.access(hz.staff)),
        hazard,
        "rectify",
        data={"responsible": "王强", "measures": "更换"},
    )
    assert not services.is_overdue(hazard)
    later = hazard.deadline + dt.timedelta(days=1)
    assert services.is_overdue(hazard, later)
    overdue = Hazard.select().where(services.overdue_condition(later) & (Hazard.id == hazard.id))
    assert overdue.exists()


def test_major_assessment_by_any_path_notifies_the_office(hz):
    """The report listens to the step's event, so a step taken directly through the workflow
    engine (as the REST API does) notifies the office too."""
    from core.workflow import transition

    hazard = found(hz, "major_exits_clear")
    staff = hz.access(hz.staff)
    transition(hazard, "register", hz.staff, staff)
    transition(hazard, "assess", hz.staff, staff, data={"grade": "major"})
    notes = list(Notification.select().where(Notification.user == hz.office.id))
    assert len(notes) == 1 and str(hazard.id) in notes[0].link
