"""Register models (业主名册): :class:`Owner` (业主, a person or the developer), :class:`Premises`
(专有部分, an exclusive unit in a building, with its area and the area's source) and
:class:`Ownership` (who holds a unit; several rows = co-owners). Table names start with
``owners_``."""

from __future__ import annotations

import peewee as pw

from core.fields import PersonalField
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import DistrictOwnedModel, User

AREA_SOURCES = [
    ("register", _l("Property register")),  # 不动产登记簿
    ("survey", _l("Survey")),  # 实测
    ("contract", _l("Sale contract")),  # 合同
]


class Owner(DistrictOwnedModel):
    """业主 An owner of units in a compound (``unit``), or the developer (建设单位)."""

    name = pw.CharField(max_length=64, verbose_name=lazy_pgettext("person", "Name"))
    user = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Login")
    )
    is_developer = pw.BooleanField(default=False, verbose_name=_l("Developer"))
    # 证件号码 (resident ID, passport or, for the developer, the credit code): the key that
    # matches an owner across the rows of a register import
    id_number = PersonalField(max_length=32, null=True, index=True, verbose_name=_l("ID number"))

    class Meta:
        table_name = "owners_owner"
        verbose_name = _l("Owners")

    def __str__(self) -> str:
        return self.name


class Premises(DistrictOwnedModel):
    """专有部分 An exclusive unit in a building (``unit``): its number, the area that counts
    and where the area comes from (登记簿 > 实测 > 合同). Unsold units belong to the developer."""

    number = pw.CharField(max_length=32, verbose_name=_l("Unit number"))
    area = pw.DecimalField(max_digits=10, decimal_places=2, verbose_name=_l("Exclusive area (m²)"))
    area_source = pw.CharField(
        max_length=16, default="register", choices=AREA_SOURCES, verbose_name=_l("Area source")
    )

    class Meta:
        table_name = "owners_premises"
        verbose_name = _l("Units")
        indexes = ((("unit", "number"), True),)

    def __str__(self) -> str:
        return self.number


class Ownership(DistrictOwnedModel):
    """Who holds a unit; several rows for one unit are its co-owners (共有人)."""

    premises = pw.ForeignKeyField(
        Premises, backref="ownerships", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    owner = pw.ForeignKeyField(
        Owner, backref="ownerships", on_delete="RESTRICT", verbose_name=_l("Owner")
    )

    class Meta:
        table_name = "owners_ownership"
        verbose_name = _l("Ownerships")
        indexes = ((("premises", "owner"), True),)


MODELS = [Owner, Premises, Ownership]
