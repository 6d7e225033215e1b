"""Separation of duties (职责分离): who logged or confirmed a service record does not approve
it, in a district that separates duties (the default); switched off, the street approver who
logged a record by hand may approve it. The volunteer never approves their own service."""

from __future__ import annotations

import pytest

from core.commands import Context
from core.registry import kernel_state
from core.workflow import WorkflowError
from plugins.timebank import services
from plugins.timebank.models import ServiceRecord


def logged_by_the_approver(tb):
    vol = tb.volunteer(0)
    record = tb.record(vol, actor=tb.approver)
    services.confirm_record(Context.of(tb.staff), record.confirm_token, "赵奶奶", "served")
    return ServiceRecord.get_by_id(record.id)


def test_who_logged_a_record_cannot_approve_it(tb):
    record = logged_by_the_approver(tb)
    assert (record.created_by_id, record.status) == (tb.approver.id, "pending_review")
    with pytest.raises(WorkflowError) as refused:
        services.approve(Context.of(tb.approver), record)
    assert "职责分离：登记或确认该服务记录的人不能审核它。" in str(refused.value)
    row = ServiceRecord.get_by_id(record.id)
    assert (row.status, row.reviewed_by_id) == ("pending_review", None)
    services.approve(Context.of(tb.second), row)
    assert ServiceRecord.get_by_id(record.id).status == "approved"


def test_who_confirmed_a_record_cannot_approve_it(tb):
    vol = tb.volunteer(1)
    record = tb.record(vol, actor=tb.staff)
    services.confirm_record(Context.of(tb.approver), record.confirm_token, "赵奶奶", "served")
    with pytest.raises(WorkflowError):
        services.approve(Context.of(tb.approver), ServiceRecord.get_by_id(record.id))
    assert ServiceRecord.get_by_id(record.id).status == "pending_review"


def test_a_district_may_switch_it_off(tb):
    record = logged_by_the_approver(tb)
    kernel_state().settings.set(tb.community.district_id, "core", "separation_of_duties", False)
    services.approve(Context.of(tb.approver), record)
    assert ServiceRecord.get_by_id(record.id).status == "approved"


def test_a_grant_of_the_record_resource_approves_and_another_resource_does_not(tb):
    """Per-resource grants reach the workflow's steps: ``timebank.record:approve`` approves
    a service record; ``timebank.volunteer:approve`` does not."""
    from core import services as core_services
    from core.models import Role
    from tests.conftest import make_user

    from .conftest import STREET

    for code, resource in (
        ("record_reviewer", "timebank.record"),
        ("vol_reviewer", "timebank.volunteer"),
    ):
        role = Role.create(code=code, name_zh=code, name_en=code)
        core_services.set_role_permissions(
            Context.trusted(), role, {(resource, "read"), (resource, "approve")}
        )
        make_user(code, code, STREET, "subtree")
    record = tb.confirmed(tb.volunteer(2))
    from core.models import User

    with pytest.raises(WorkflowError):
        services.approve(Context.of(User.get(User.username == "vol_reviewer")), record)
    assert ServiceRecord.get_by_id(record.id).status == "pending_review"
    services.approve(Context.of(User.get(User.username == "record_reviewer")), record)
    assert ServiceRecord.get_by_id(record.id).status == "approved"
