"""Service helpers shared by every subject (业主大会插件公共服务): a refusal raises
:class:`~core.errors.ServiceError` with a message in the user's language and nothing is
written; a per-district setting is read for a record's district; every change is announced
as an event; a staff step needs the plugin's update permission."""

from __future__ import annotations

from core.errors import ServiceError
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.registry import kernel_state

PLUGIN = "owners"


def refuse(message: str, **values) -> ServiceError:
    return ServiceError(_(message, **values))


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


def require_update(access) -> None:
    if access is not None and not access.can(PLUGIN, "update"):
        raise refuse("You are not allowed to do this.")


def district_units(district):
    """The ids of the territory units of ``district`` (a sub-query)."""
    return TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
