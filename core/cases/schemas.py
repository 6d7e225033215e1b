"""Case (事项) as the API, import and export see it: read and moved through the flow's
steps (``POST .../transitions/<code>``); cases are received and edited in the admin, where
the first-contact rules apply (:mod:`core.cases.services`)."""

from __future__ import annotations

from marshmallow import Schema, fields


class CaseSchema(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    source = fields.String(dump_only=True)
    requester_name = fields.String(dump_only=True)
    requester_mobile = fields.String(dump_only=True, allow_none=True)
    receiver = fields.Integer(dump_only=True)
    handler = fields.Integer(dump_only=True, allow_none=True)
    handler_unit = fields.Integer(dump_only=True, allow_none=True)
    handling_mode = fields.String(dump_only=True)
    result = fields.String(dump_only=True)
    rating = fields.Integer(dump_only=True, allow_none=True)
    state = fields.String(dump_only=True)
    version = fields.Integer(dump_only=True)
    due = fields.Date(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
