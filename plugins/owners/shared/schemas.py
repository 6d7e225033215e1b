"""The base of the plugin's marshmallow schemas (API, export): every record of the plugin
belongs to a territory unit and carries its creation and change times."""

from __future__ import annotations

from marshmallow import Schema, fields


class Owned(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(dump_only=True, attribute="unit_id", data_key="unit")
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
