"""Marshmallow schemas of the owners' assembly (API, export). All read-only: the register
and meetings change through the admin and the services; ballots are not exposed."""

from __future__ import annotations

from marshmallow import Schema, fields

from .models import Matter, Meeting, Owner, Premises


class Owned(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(dump_only=True, attribute="unit_id", data_key="unit")
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class OwnerSchema(Owned):
    name = fields.String(dump_only=True)
    is_developer = fields.Boolean(dump_only=True)


class PremisesSchema(Owned):
    number = fields.String(dump_only=True)
    area = fields.Decimal(dump_only=True, as_string=True)
    area_source = fields.String(dump_only=True)


class MeetingSchema(Owned):
    title = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    opens_on = fields.Date(dump_only=True)
    closes_on = fields.Date(dump_only=True)
    noticed_on = fields.Date(dump_only=True)
    published_on = fields.Date(dump_only=True)


class MatterSchema(Owned):
    meeting = fields.Integer(dump_only=True, attribute="meeting_id", data_key="meeting")
    title = fields.String(dump_only=True)
    item = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)


SCHEMAS = {
    Owner: OwnerSchema,
    Premises: PremisesSchema,
    Meeting: MeetingSchema,
    Matter: MatterSchema,
}
