"""Marshmallow schemas (API, export): read and workflow steps only. Inspections are made on
the portal; hazards move through the workflow (the admin's steps also notify the district
safety office of a major hazard, the API's do not yet)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .models import Hazard, Inspection

READ_ONLY = ("read", "transition")  # steps run the workflow rules (五落实 included)


class Stamped(Schema):
    id = fields.Integer(dump_only=True)
    unit = fields.Integer(attribute="unit_id", dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


class InspectionSchema(Stamped):
    class Meta:
        model = Inspection

    linli_operations = READ_ONLY
    place = fields.String(dump_only=True)
    checklist = fields.String(dump_only=True)
    checklist_title = fields.String(dump_only=True)
    inspected_on = fields.Date(dump_only=True)
    failed_count = fields.Integer(dump_only=True)
    note = fields.String(dump_only=True)


class HazardSchema(Stamped):
    class Meta:
        model = Hazard

    linli_operations = READ_ONLY
    inspection = fields.Integer(attribute="inspection_id", dump_only=True)
    item = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    basis = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    proposed_grade = fields.String(dump_only=True)
    grade = fields.String(dump_only=True)
    responsible = fields.String(dump_only=True)
    measures = fields.String(dump_only=True)
    funds = fields.String(dump_only=True)
    deadline = fields.Date(dump_only=True)
    contingency = fields.String(dump_only=True)
    rectification = fields.String(dump_only=True)
    closed_on = fields.Date(dump_only=True)
    state = fields.String(dump_only=True)


SCHEMAS = [InspectionSchema, HazardSchema]
