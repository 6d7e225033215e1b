"""Register operations (业主名册服务): the compound of a record, the units of a compound as the
rules see them (:class:`~.rules.Holding`), and the checks of owners, units and ownerships
made on every path that writes them. A refusal raises :class:`~core.errors.ServiceError`
and writes nothing."""

from __future__ import annotations

import peewee as pw

from core import territory
from core.models import TerritoryUnit

from ..shared.services import refuse
from . import rules
from .models import Owner, Ownership, Premises


def compound_of_unit(unit_id) -> TerritoryUnit:
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == unit_id)
    if unit is None or unit.level != "compound":
        raise refuse("Please choose a compound.")
    return unit


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


def _level(unit_id) -> str | None:
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == unit_id)
    return unit.level if unit else None


def check_in_compound(record) -> None:
    """Owners and meetings belong to a compound (小区)."""
    compound_of_unit(record.unit_id)


def check_premises(premises: Premises) -> None:
    """A unit lies in a building and has a positive exclusive area."""
    if _level(premises.unit_id) != "building":
        raise refuse("A unit must be registered in a building.")
    if premises.area is None or premises.area <= 0:
        raise refuse("The exclusive area must be more than zero.")


def check_ownership(link: Ownership) -> None:
    """The owner and the unit belong to the same compound; the link lies with the unit."""
    premises = Premises.get_by_id(link.premises_id)
    owner = Owner.get_by_id(link.owner_id)
    building = TerritoryUnit.get_by_id(premises.unit_id)
    if building.parent_id != owner.unit_id:
        raise refuse("The owner and the unit must belong to the same compound.")
    link.unit = premises.unit_id
