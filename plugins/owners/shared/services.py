"""Service helpers shared by every subject (业主大会插件公共服务): the plugin id, a per-district
setting read for a record's district, the event that announces a change, the permission a
staff step needs, and the units of a district.

Every command of the subjects takes the caller's :class:`core.commands.Context` first (who
acts, with what access, in which district, on which clock); a trusted context
(``ctx.system``: the demo, the operator's CLI, a job) needs no permission, and every rule of
the records still holds.

A refusal is :func:`core.commands.refuse` (a :class:`~core.errors.Refused` in the user's
language, naming the field at fault where there is one); nothing is written."""

from __future__ import annotations

from core.access import resource_of
from core.commands import Context, refuse
from core.errors import Forbidden
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.registry import kernel_state
from forms.validators import N_

PLUGIN = "owners"

# the refusal of a plain write to a field that only a step of a service sets (a meeting's
# notice, a request's acceptance, a dispute's referral, a joint meeting's publication)
STEPS_ONLY = N_("This field changes only through workflow steps.")


def found(record):
    """``record``, or a refusal when it was not found or lies outside the user's scope (the
    two look the same, so that another community's records stay unknown)."""
    if record is None:
        raise refuse("This record does not exist or you may not change it.")
    return record


def compound_chosen(unit: TerritoryUnit | None) -> TerritoryUnit:
    """``unit`` if it is a compound (小区), else a refusal naming the field ``unit``."""
    if unit is None or unit.level != "compound":
        raise refuse("Please choose a compound.", field="unit")
    return unit


def setting(record, key: str):
    """The district's setting ``key`` for ``record`` (a record with a territory unit, or the
    territory unit itself)."""
    unit_id = record.id if isinstance(record, TerritoryUnit) else record.unit_id
    district_id = TerritoryUnit.get_by_id(unit_id).district_id
    return kernel_state().settings.get(district_id, PLUGIN, key)


def announce(name: str, record, actor, before=None, summary: str = "", data=None) -> None:
    emit(
        Event(
            name,
            plugin=PLUGIN,
            record=record,
            actor=actor,
            district_id=TerritoryUnit.get_by_id(record.unit_id).district_id,
            changes=diff(before or {}, snapshot(record)),
            summary=summary[:255],
            data=data or {},
        )
    )


def access_of(ctx: Context):
    """The access whose rights a step checks: None for a trusted context (``ctx.system``),
    which the engine and the checks trust."""
    return None if ctx.system else ctx.access


def require_update(ctx: Context, model) -> None:
    """A staff step needs the update permission on the resource it writes (``model``: a
    meeting's step ``owners.meeting:update``, a proxy ``owners.proxy:update``, a fund entry
    ``owners.fund_entry:update``); ``owners:update`` covers every one. A trusted context
    needs none."""
    if ctx.system:
        return
    if ctx.access is None or not ctx.access.can(resource_of(PLUGIN, model), "update"):
        raise Forbidden(_("You are not allowed to do this."))


def district_units(district):
    """The ids of the territory units of ``district`` (a sub-query)."""
    return TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
