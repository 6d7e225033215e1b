"""Marshmallow schemas of the register (API, export), read-only: owners and units change
through the admin, the register import and the services. The owner's ID number is not
exposed."""

from __future__ import annotations

from marshmallow import fields

from ..shared.schemas import Owned
from .models import Owner, Premises


class OwnerSchema(Owned):
    name = fields.String(dump_only=True)
    is_developer = fields.Boolean(dump_only=True)


class PremisesSchema(Owned):
    number = fields.String(dump_only=True)
    area = fields.Decimal(dump_only=True, as_string=True)
    area_source = fields.String(dump_only=True)


SCHEMAS = {
    Owner: OwnerSchema,
    Premises: PremisesSchema,
}
