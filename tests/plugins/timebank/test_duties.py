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


# -- the organiser's check-out (组织者签退): the check-in is the log, the check-out confirms --


def _shift(tb):
    import datetime as dt

    from core.models import utcnow
    from plugins.timebank.models import Activity, Shift

    activity = Activity.create(unit=tb.community, title="社区义诊", service_type="other")
    start = utcnow().replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    return Shift.create(
        unit=tb.community,
        activity=activity,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=5,
    )


def _checked_in(tb, n, by_volunteer: bool):
    """Volunteer ``n`` signed up and checked in an hour into the shift, by themself or by
    the organiser (the community staff member running the shift)."""
    import datetime as dt

    from core.models import User
    from plugins.timebank.models import Shift

    vol = tb.volunteer(n, login=f"vol{n}")
    shift = _shift(tb)
    me = Context.of(User.get_by_id(vol.user_id))
    signup = services.sign_up(me, shift, vol)
    start = shift.starts_at - dt.timedelta(hours=4)  # the shift took place this morning
    Shift.update(starts_at=start, ends_at=start + dt.timedelta(hours=2)).where(
        Shift.id == shift.id
    ).execute()
    who = me if by_volunteer else Context.of(tb.staff)
    return services.check_in(who, signup, start), start + dt.timedelta(hours=1)


def test_the_organiser_checking_out_a_volunteer_who_checked_in_confirms_it(tb):
    signup, end = _checked_in(tb, 0, by_volunteer=True)
    record = services.check_out(Context.of(tb.staff), signup, end)
    row = ServiceRecord.get_by_id(record.id)
    assert (row.status, row.confirm_method, row.confirmed_by_id) == (
        "pending_review",
        "organiser",
        tb.staff.id,
    )
    with pytest.raises(WorkflowError):  # the confirmer never approves
        services.approve(Context.of(tb.staff), row)


def test_who_checked_a_volunteer_in_and_out_does_not_also_confirm(tb):
    signup, end = _checked_in(tb, 1, by_volunteer=False)
    record = services.check_out(Context.of(tb.staff), signup, end)
    row = ServiceRecord.get_by_id(record.id)
    assert (row.status, row.confirmed_by_id, row.created_by_id) == (
        "pending_confirmation",
        None,
        tb.staff.id,
    )
    with pytest.raises(WorkflowError) as refused:  # nor later, by hand
        services.move(Context.of(tb.staff), row, "confirm_organiser")
    assert "职责分离：为志愿者签到的人即登记了该服务，不能再确认它。" in str(refused.value)
    assert ServiceRecord.get_by_id(row.id).status == "pending_confirmation"
    # the person served confirms with the QR code, as for any other record
    services.confirm_record(Context.of(tb.approver), row.confirm_token, "赵奶奶", "served")
    assert ServiceRecord.get_by_id(row.id).status == "pending_review"


def test_with_separation_off_the_organisers_check_out_confirms_as_before(tb):
    kernel_state().settings.set(tb.community.district_id, "core", "separation_of_duties", False)
    signup, end = _checked_in(tb, 2, by_volunteer=False)
    record = services.check_out(Context.of(tb.staff), signup, end)
    row = ServiceRecord.get_by_id(record.id)
    assert (row.status, row.confirmed_by_id) == ("pending_review", tb.staff.id)


def test_a_volunteer_register_grant_updates_volunteers_and_issues_no_certificate(tb):
    """The time bank's commands ask on the resource they write: ``timebank.volunteer:update``
    changes a volunteer's details; a certificate needs ``timebank.certificate:approve``."""
    import datetime as dt

    from core import services as core_services
    from core.models import Role
    from plugins.timebank.models import Certificate, Volunteer
    from tests.conftest import make_user

    from .conftest import STREET

    role = Role.create(code="registrar", name_zh="登记员", name_en="Registrar")
    core_services.set_role_permissions(
        Context.trusted(), role, {("timebank.volunteer", "read"), ("timebank.volunteer", "update")}
    )
    ctx = Context.of(make_user("registrar", "registrar", STREET, "subtree"))
    vol = tb.volunteer(3)
    services.update_volunteer(ctx, vol, {"skills": "理发"})
    assert Volunteer.get_by_id(vol.id).skills == "理发"
    before = Certificate.select().count()
    today = dt.date.today()
    with pytest.raises(services.ServiceError) as refused:
        services.issue_certificate(ctx, vol, today - dt.timedelta(days=30), today, "长青社区")
    assert "您无权执行此操作。" in str(refused.value)
    assert Certificate.select().count() == before
