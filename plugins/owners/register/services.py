"""Register operations (业主名册服务): the compound of a record, the units of a compound as the
rules see them (:class:`~.rules.Holding`), and the checks of owners, units and ownerships
made on every path that writes them. A refusal raises :class:`~core.errors.ServiceError`
and writes nothing."""

from __future__ import annotations

import peewee as pw

from core import territory
from core.models import TerritoryUnit

from ..shared.services import compound_chosen
from . import rules
from .models import Owner, Ownership, Premises


def compound_of_unit(unit_id) -> TerritoryUnit:
    """The compound (小区) with id ``unit_id``; refused, naming the field ``unit``, for any
    other territory unit or none."""
    return compound_chosen(
        TerritoryUnit.get_or_none(TerritoryUnit.id == unit_id) if unit_id else None
    )


def compound_of_premises(premises: Premises) -> TerritoryUnit:
    building = TerritoryUnit.get_by_id(premises.unit_id)
    return TerritoryUnit.get_by_id(building.parent_id)


def premises_in(compound: TerritoryUnit) -> pw.ModelSelect:
    return Premises.select().where(Premises.unit.in_(territory.subtree_ids(compound)))


def compound_of(record) -> TerritoryUnit:
    """The compound (小区) a meeting, request or committee belongs to (its ``unit``)."""
    return TerritoryUnit.get_by_id(record.unit_id)


def holdings(compound: TerritoryUnit) -> list[rules.Holding]:
    """Every exclusive unit in the compound's buildings, as the rules see it."""
    owners: dict[int, set[int]] = {}
    developer: set[int] = set()
    inside = Premises.unit.in_(territory.subtree_ids(compound))
    premises = list(Premises.select(Premises.id, Premises.area).where(inside).tuples())
    links = (
        Ownership.select(Ownership.premises, Ownership.owner, Owner.is_developer)
        .join(Owner)
        .join_from(Ownership, Premises)
        .where(inside)
        .tuples()
    )
    for premises_id, owner_id, is_developer in links:
        owners.setdefault(premises_id, set()).add(owner_id)
        if is_developer:
            developer.add(premises_id)
    return [
        rules.Holding(pid, area, frozenset(owners.get(pid, ())), developer_unsold=pid in developer)
        for pid, area in premises
    ]


def premises_of(owner: Owner, compound: TerritoryUnit) -> list[Premises]:
    return list(
        Premises.select()
        .join(Ownership)
        .where((Ownership.owner == owner.id) & Premises.unit.in_(territory.subtree_ids(compound)))
        .order_by(Premises.number)
    )


def check_in_compound(record) -> None:
    """Owners and meetings belong to a compound (小区)."""
    compound_of_unit(record.unit_id)
