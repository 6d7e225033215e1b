"""Campaigns (排查整治专项行动), recurring schedules (检查计划) and the inspection tasks (检查任务)
they generate, assigned to inspectors and grid workers.

- A campaign (e.g. 年度重大事故隐患排查整治, seed 000 plan 8) runs the stages 自查自改 → 督导检查 →
  验收 with their dates over the subtree of its unit; launching it gives each community in
  scope one self-check task per checklist, due at the end of the self-check stage.
- A schedule repeats an inspection of one place (daily patrol, monthly fire check, yearly
  elevator inspection) and gets a task for each due date, ``lead_days`` ahead; the daily run
  (``linli hazards-daily``) creates the tasks that have become due.
- A task is done when an inspection made for it on the portal is recorded; an open task past
  its due date is reported to ``linli notify`` (reminder to the assignee, escalation to the
  supervising unit's staff).

Every refusal raises :class:`core.services.ServiceError` in the user's language; nothing is
written then.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from core import workdays
from core.access import Access, resource_of
from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.models import RoleAssignment, RolePermission, TerritoryUnit, User
from core.records import audit_values
from core.territory import subtree_condition

from .. import forms as checklists
from .. import rules
from ..flows import PLUGIN
from ..models import FREQUENCIES, Campaign, Inspection, InspectionTask, Schedule

# who may record inspections (be given a task, see the open tasks): hazards.inspection:create
INSPECTION = resource_of(PLUGIN, Inspection)

STAGES = {
    "planned": ("未开始", "Not started"),
    "self_check": ("自查自改", "Self-check and rectification"),
    "supervision": ("督导检查", "Supervision"),
    "acceptance": ("验收", "Acceptance"),
    "ended": ("已结束", "Ended"),
}


# -- campaigns -----------------------------------------------------------------------------


def stage(campaign: Campaign, day: dt.date | None = None) -> str:
    """The stage a campaign is in on ``day`` (today in China)."""
    day = day or workdays.today()
    if day < campaign.self_check_from:
        return "planned"
    if day <= campaign.self_check_until:
        return "self_check"
    if day <= campaign.supervision_until:
        return "supervision"
    if day <= campaign.acceptance_until:
        return "acceptance"
    return "ended"


def _check_checklists(keys: list[str], district_id: int | None, field: str) -> None:
    for key in keys:
        if checklists.checklist_version(key, district_id) is None:
            raise refuse("Unknown checklist: %(key)s.", field=field, key=key)


STAGE_FIELDS = ("self_check_from", "self_check_until", "supervision_until", "acceptance_until")


def check_campaign(campaign: Campaign) -> None:
    """The dates follow the stages' order and the checklists exist."""
    if not (campaign.title or "").strip():
        raise refuse("Please give the campaign a title.", field="title")
    dates = (
        campaign.self_check_from,
        campaign.self_check_until,
        campaign.supervision_until,
        campaign.acceptance_until,
    )
    if any(d is None for d in dates):
        missing = next(n for n, d in zip(STAGE_FIELDS, dates, strict=True) if d is None)
        raise refuse("Please give the dates of every stage.", field=missing)
    for name, earlier, later in zip(STAGE_FIELDS[1:], dates[:-1], dates[1:], strict=True):
        if later < earlier:
            raise refuse(
                "The stages must follow each other: self-check, then supervision, then acceptance.",
                field=name,
            )
    keys = campaign.checklist_list()
    if not keys:
        raise refuse("Please name at least one checklist.", field="checklists")
    _check_checklists(
        keys, campaign.unit.district_id if campaign.unit_id else None, field="checklists"
    )


def launch(ctx: Context, campaign: Campaign) -> int:
    """Give every community in the campaign's scope one self-check task per checklist, due
    at the end of the self-check stage. Idempotent: returns how many tasks were created."""
    actor, access = ctx.actor, ctx.access
    if access is None or not access.can(resource_of(PLUGIN, Campaign), "update"):
        raise refuse("You are not allowed to do this.")
    visible = Campaign.select().where(
        (Campaign.id == campaign.id) & access.scope_condition(Campaign, PLUGIN, "update")
    )
    if not visible.exists():
        raise refuse("This record is outside your data scope.")
    check_campaign(campaign)
    communities = list(
        TerritoryUnit.select()
        .where(subtree_condition(campaign.unit) & (TerritoryUnit.level == "community"))
        .order_by(TerritoryUnit.path)
    )
    if campaign.unit.level == "community":
        communities = [campaign.unit]
    created = 0
    with db.atomic():
        for community in communities:
            for key in campaign.checklist_list():
                exists = InspectionTask.select().where(
                    (InspectionTask.campaign == campaign)
                    & (InspectionTask.unit == community)
                    & (InspectionTask.checklist == key)
                )
                if exists.exists():
                    continue
                InspectionTask.create(
                    unit=community,
                    title=f"{campaign.title} · 自查自改"[:200],
                    place=community.name[:100],
                    checklist=key,
                    due=campaign.self_check_until,
                    campaign=campaign,
                    **audit_values(InspectionTask, True, actor),
                )
                created += 1
        Campaign.update(launched_on=workdays.today()).where(
            (Campaign.id == campaign.id) & Campaign.launched_on.is_null()
        ).execute()
        emit(
            Event(
                "updated",
                plugin=PLUGIN,
                record=campaign,
                actor=actor,
                district_id=campaign.unit.district_id,
                summary=f"专项行动启动: {campaign.title} ({created})"[:255],
            )
        )
    return created


# -- schedules and tasks ---------------------------------------------------------------------


def eligible(user: User | None, unit: TerritoryUnit) -> bool:
    """Whether ``user`` may be given an inspection of ``unit``: active, and allowed to record
    inspections there (an inspector or grid worker whose scope covers the unit)."""
    if user is None or not user.is_active:
        return False
    access = Access(user)
    return (
        TerritoryUnit.select()
        .where((TerritoryUnit.id == unit.id) & access.unit_condition(INSPECTION, "create"))
        .exists()
    )


def candidates(district_id: int | None) -> pw.ModelSelect:
    """Active users who may record inspections somewhere in the district (for forms)."""
    roles = RolePermission.select(RolePermission.role).where(
        RolePermission.plugin.in_([PLUGIN, INSPECTION, "*"])
        & RolePermission.action.in_(["create", "*"])
    )
    units = TerritoryUnit.select(TerritoryUnit.id)
    if district_id is not None:
        units = units.where(TerritoryUnit.district_id == district_id)
    holders = RoleAssignment.select(RoleAssignment.user).where(
        RoleAssignment.role.in_(roles) & RoleAssignment.unit.in_(units)
    )
    return User.select().where(User.id.in_(holders) & User.is_active).order_by(User.username)


def check_assignee(user, unit) -> None:
    if user is not None and not eligible(user, unit):
        raise refuse(
            "%(user)s cannot be assigned: they may not record inspections in %(unit)s.",
            field="assignee",
            user=str(user),
            unit=unit.name,
        )


def check_schedule(schedule: Schedule) -> None:
    """A schedule names a place and a known checklist, has a valid frequency, and is assigned
    (if at all) to someone who may inspect its unit."""
    if not (schedule.place or "").strip():
        raise refuse("Please name the place inspected.", field="place")
    if schedule.frequency not in dict(FREQUENCIES):
        raise refuse("Please choose how often the inspection is due.", field="frequency")
    if schedule.frequency == "every_n_days" and not (schedule.every_days or 0) >= 1:
        raise refuse("“Every N days” needs a number of days of at least 1.", field="every_days")
    if schedule.next_due is None:
        raise refuse("Please give the next due date.", field="next_due")
    if (schedule.lead_days or 0) < 0:
        raise refuse("The days before the due date cannot be negative.", field="lead_days")
    _check_checklists([schedule.checklist], schedule.unit.district_id, field="checklist")
    check_assignee(schedule.assignee, schedule.unit)


def generate(district: TerritoryUnit, day: dt.date | None = None) -> int:
    """Create the tasks of every active schedule of ``district`` that are due (or within
    their lead time) on ``day``; advance each schedule's next due date. Idempotent per day:
    returns how many tasks were created."""
    day = day or workdays.today()
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    created = 0
    for schedule in Schedule.select().where(Schedule.active & Schedule.unit.in_(units)):
        dates, following = rules.due_dates(
            schedule.next_due, schedule.frequency, schedule.every_days, day, schedule.lead_days
        )
        if not dates:
            continue
        with db.atomic():
            for due in dates:
                exists = InspectionTask.select().where(
                    (InspectionTask.schedule == schedule) & (InspectionTask.due == due)
                )
                if exists.exists():
                    continue
                InspectionTask.create(
                    unit=schedule.unit_id,
                    title=schedule.title,
                    place=schedule.place,
                    checklist=schedule.checklist,
                    due=due,
                    schedule=schedule,
                    assignee=schedule.assignee_id,
                    **audit_values(InspectionTask, True, schedule.created_by_id),
                )
                created += 1
            Schedule.update(next_due=following).where(Schedule.id == schedule.id).execute()
    return created


def assign(ctx: Context, task: InspectionTask, user: User | None) -> InspectionTask:
    """Give ``task`` to ``user`` (None: unassigned)."""
    actor, access = ctx.actor, ctx.access
    if access is None or not access.can(resource_of(PLUGIN, InspectionTask), "update"):
        raise refuse("You are not allowed to do this.")
    visible = InspectionTask.select().where(
        (InspectionTask.id == task.id) & access.scope_condition(InspectionTask, PLUGIN, "update")
    )
    if not visible.exists():
        raise refuse("This record is outside your data scope.")
    if task.state != "open":
        raise refuse("This task is no longer open.")
    check_assignee(user, task.unit)
    with db.atomic():
        InspectionTask.update(
            assignee=user.id if user else None, **audit_values(InspectionTask, False, actor)
        ).where(InspectionTask.id == task.id).execute()
    task.assignee = user
    return task


def _now():
    from core.models import utcnow

    return utcnow()


def task_for(task_id, unit: TerritoryUnit, checklist: str, actor, access):
    """The open task an inspection is made for, checked: in the actor's scope, of the same
    unit and checklist. None when no task is given."""
    if task_id in (None, ""):
        return None
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise refuse("Unknown inspection task.") from None
    task = InspectionTask.get_or_none(
        (InspectionTask.id == pk) & access.scope_condition(InspectionTask, PLUGIN, "create")
    )
    if task is None:
        raise refuse("Unknown inspection task.")
    if task.state != "open":
        raise refuse("This task is no longer open.")
    if task.unit_id != unit.id or task.checklist != checklist:
        raise refuse("This inspection does not match its task (community or checklist).")
    return task


def fulfil(task: InspectionTask, inspection: Inspection) -> None:
    """Mark ``task`` done by ``inspection`` (inside the inspection's transaction)."""
    done = (
        InspectionTask.update(state="done", inspection=inspection.id, done_on=workdays.today())
        .where((InspectionTask.id == task.id) & (InspectionTask.state == "open"))
        .execute()
    )
    if done != 1:
        raise refuse("This task is no longer open.")


def open_tasks(user, district) -> pw.ModelSelect:
    """Open tasks for ``user`` in ``district``: assigned to them, or unassigned in a unit
    where they may record inspections."""
    access = Access(user)
    if not access.can(INSPECTION, "create"):
        return InspectionTask.select().where(pw.SQL("1 = 0"))
    units = TerritoryUnit.select(TerritoryUnit.id).where(
        (TerritoryUnit.district_id == district.id) & access.unit_condition(INSPECTION, "create")
    )
    return InspectionTask.select().where(
        (InspectionTask.state == "open")
        & InspectionTask.unit.in_(units)
        & ((InspectionTask.assignee == user.id) | InspectionTask.assignee.is_null())
    )


def overdue_tasks(district, day: dt.date | None = None) -> pw.ModelSelect:
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    return InspectionTask.select().where(
        (InspectionTask.state == "open")
        & (InspectionTask.due < (day or workdays.today()))
        & InspectionTask.unit.in_(units)
    )


def open_task_defaults(task_id, access) -> tuple[str | None, str | None]:
    """(unit id, place) to pre-fill the inspection form of a task the user may see."""
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        return None, None
    task = InspectionTask.get_or_none(
        (InspectionTask.id == pk) & access.scope_condition(InspectionTask, PLUGIN, "create")
    )
    if task is None:
        return None, None
    return str(task.unit_id), task.place
