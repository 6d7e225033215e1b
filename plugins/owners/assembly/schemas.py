"""Marshmallow schemas of the owners' assembly (API, export), read-only: meetings and matters
change through the admin and the services; ballots, proxies and paper entries are not
exposed."""

from __future__ import annotations

from marshmallow import fields

from ..shared.schemas import Owned
from .models import Matter, Meeting, ProvisionalRequest


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


class ProvisionalRequestSchema(Owned):
    title = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    accepted_on = fields.Date(dump_only=True)
    meeting = fields.Integer(dump_only=True, attribute="meeting_id", data_key="meeting")


SCHEMAS = {
    Meeting: MeetingSchema,
    Matter: MatterSchema,
    ProvisionalRequest: ProvisionalRequestSchema,
}
