"""Case operations (事项服务): receive, edit the description, move through the flow; and the
queries for the portal (my cases) and the notifier (overdue cases)."""

from __future__ import annotations

import peewee as pw

from core import commands, workflow
from core.cases.flow import CASE_FLOW, PLUGIN, candidates, responsible_id, transfer_units
from core.cases.models import SOURCES, Case
from core.commands import Context
from core.db import db
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.models import TerritoryUnit, User
from core.records import stamp
from core.workflow import WorkflowError

__all__ = [
    "EDITABLE",
    "candidates",
    "details_url",
    "edit",
    "move",
    "my_cases",
    "overdue_cases",
    "receive",
    "responsible_id",
    "transfer_units",
]

EDITABLE = ("title", "description", "source", "requester_name", "requester_mobile")


def _check_details(case: Case) -> None:
    case.title = (case.title or "").strip()
    if not case.title:
        raise WorkflowError(
            _("Please fill in “%(field)s”.", field=workflow.field_label(Case, "title"))
        )
    if len(case.title) > 200:
        raise WorkflowError(
            _(
                "%(field)s: at most %(max)s characters.",
                field=workflow.field_label(Case, "title"),
                max=200,
            )
        )
    if case.source not in {code for code, _label in SOURCES}:
        raise WorkflowError(
            _(
                "%(field)s: “%(value)s” is not one of the choices.",
                field=workflow.field_label(Case, "source"),
                value=case.source,
            )
        )


def receive(ctx: Context, case: Case, comment: str = "") -> Case:
    """Receive (受理) a new case: the actor becomes its first-contact person (首问负责人)."""
    actor = ctx.actor
    if case.unit_id is None:
        raise WorkflowError(_("A territory unit is required."))
    _check_details(case)
    case.receiver = actor
    with db.atomic():
        commands.start(ctx, case, comment)
        emit(
            Event(
                "created",
                plugin=PLUGIN,
                record=case,
                actor=actor,
                district_id=workflow.district_of(case),
                changes=diff({}, snapshot(case)),
            )
        )
    return case


def edit(ctx: Context, case: Case, values: dict) -> Case:
    """Correct a case's description (事由、情况、诉求人); its state, people and results change
    only through the flow, so an edit never undoes a step someone else just took."""
    actor, access = ctx.actor, ctx.access
    if CASE_FLOW.is_terminal(case.state):
        raise WorkflowError(_("An archived case cannot be changed."))
    if access is None or not access.can(PLUGIN, "update"):
        raise WorkflowError(_("You are not allowed to do this."))
    visible = Case.select().where(
        (Case.id == case.id) & access.scope_condition(Case, PLUGIN, "update")
    )
    if not visible.exists():
        raise WorkflowError(_("This record is outside your data scope."))
    before = snapshot(case)
    for name in EDITABLE:
        if name in values:
            setattr(case, name, values[name])
    _check_details(case)
    stamp(case, False, getattr(actor, "id", None))
    with db.atomic():
        updated = (
            Case.update(
                {
                    getattr(Case, n): getattr(case, n)
                    for n in (*EDITABLE, "updated_by", "updated_at")
                }
            )
            .where((Case.id == case.id) & Case.state.not_in(["archived"]))
            .execute()
        )
        if updated != 1:
            raise WorkflowError(_("An archived case cannot be changed."))
        changes = diff(before, snapshot(case))
        changes.pop("updated_at", None)
        emit(
            Event(
                "updated",
                plugin=PLUGIN,
                record=case,
                actor=actor,
                district_id=workflow.district_of(case),
                changes=changes,
            )
        )
    return case


def move(ctx: Context, case: Case, code: str, comment: str = "", data=None, attachments=()):
    """Take a step of the community service flow (see :mod:`core.cases.flow`); a step that
    makes someone else the handler (转办 to a person) tells them in their inbox."""
    before = case.handler_id
    case = commands.transition(ctx, case, code, comment, data, attachments)
    tell_new_handler(case, before, ctx.actor)
    return case


def tell_new_handler(case: Case, before: int | None, actor) -> None:
    """A notification (分派) to the case's new handler, unless they took it themselves."""
    from core.notifications import notify

    handler = case.handler_id
    if handler is None or handler == before or handler == getattr(actor, "id", None):
        return
    notify(
        User.get_by_id(handler),
        "assignment",
        _("A case was assigned to you: %(title)s", title=case.title),
        _("Deadline: %(due)s", due=case.due.isoformat() if case.due else "—"),
        details_url(case),
        district_id=workflow.district_of(case),
        key=f"case:assigned:{case.id}:{handler}:{case.version}",
    )


# -- lists -------------------------------------------------------------------------------------


def in_district(district_id: int):
    return Case.unit.in_(
        TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district_id)
    )


def my_cases(user: User, access, district_id: int) -> pw.ModelSelect:
    """Open cases ``user`` has to act on: received by them (until a transfer), handled by
    them, or transferred to a unit where they may update cases."""
    units = TerritoryUnit.select(TerritoryUnit.id).where(access.unit_condition(PLUGIN, "update"))
    transferred = Case.handling_mode == "transfer"
    mine = (
        (~transferred & ((Case.receiver == user.id) | (Case.handler == user.id)))
        | (transferred & (Case.handler == user.id))
        | (transferred & Case.handler.is_null() & Case.handler_unit.in_(units))
    )
    return (
        Case.select()
        .where(
            mine
            & Case.state.in_(CASE_FLOW.open_states())
            & access.scope_condition(Case, PLUGIN, "read", district_id)
        )
        .order_by(Case.due.asc(nulls="LAST"), Case.id)
    )


def overdue_cases(district_id: int) -> pw.ModelSelect:
    """Every open case of the district past the deadline of its current step (for the
    notifier, which escalates to the supervising unit)."""
    return (
        Case.select()
        .where(in_district(district_id) & workflow.overdue_condition(Case))
        .order_by(Case.due, Case.id)
    )


def details_url(case: Case) -> str:
    return f"/admin/core/case/details/?id={case.id}"
