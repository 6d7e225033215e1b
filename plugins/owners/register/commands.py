"""The rules of the register's records (业主名册的记录规则), run by :mod:`core.commands` on every
write path — the admin form, the REST API, the spreadsheet import — so that none of them can
skip one. The register import (:mod:`.importer`) applies the same rules to every row (a unit
in a building of the compound, an area above zero, a number unique in its building, owners of
the compound) before it writes a whole file.
"""

from __future__ import annotations

from core.checks import positive
from core.commands import Rules, refuse
from core.i18n import lazy_gettext as _l
from core.models import TerritoryUnit

from .models import Owner, Ownership, Premises
from .services import compound_of_unit


class OwnerRules(Rules):
    """业主: an owner (or the developer) is registered in a compound (小区)."""

    model = Owner

    def validate(self, ctx, record, before):
        compound_of_unit(record.unit_id)


class PremisesRules(Rules):
    """专有部分: a unit lies in a building (楼栋), has an exclusive area above zero, and its
    number is unique in the building."""

    model = Premises
    checks = {"area": (positive(_l("The exclusive area must be more than zero.")),)}

    def validate(self, ctx, record, before):
        building = TerritoryUnit.get_or_none(TerritoryUnit.id == record.unit_id)
        if building is None or building.level != "building":
            raise refuse("A unit must be registered in a building.", field="unit")
        taken = Premises.select().where(
            (Premises.unit == record.unit_id) & (Premises.number == record.number)
        )
        if record.id is not None:
            taken = taken.where(Premises.id != record.id)
        if taken.exists():
            raise refuse(
                "Unit %(number)s is already registered in this building.",
                field="number",
                number=record.number,
            )


class OwnershipRules(Rules):
    """Who holds a unit (co-owners are several rows): the owner and the unit belong to the
    same compound, an owner holds a unit once, and the row lies in the unit's building."""

    model = Ownership

    def derive(self, ctx, record, created):
        premises = Premises.get_or_none(Premises.id == record.premises_id)
        if premises is not None:
            record.unit = premises.unit_id

    def validate(self, ctx, record, before):
        premises = Premises.get_by_id(record.premises_id)
        owner = Owner.get_by_id(record.owner_id)
        building = TerritoryUnit.get_by_id(premises.unit_id)
        if building.parent_id != owner.unit_id:
            raise refuse("The owner and the unit must belong to the same compound.", field="owner")
        held = Ownership.select().where(
            (Ownership.premises == premises.id) & (Ownership.owner == owner.id)
        )
        if record.id is not None:
            held = held.where(Ownership.id != record.id)
        if held.exists():
            raise refuse("This owner already holds this unit.", field="owner")


RULES = [OwnerRules, PremisesRules, OwnershipRules]
