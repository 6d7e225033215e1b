"""Marshmallow schemas (API, export). Inspections are made on the portal and hazards move
through the workflow (any path notifies the district safety office of a major hazard);
premises are kept through the API as in the admin; photos and re-checks are evidence, read
only (a photo's file is served by the scoped portal view)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .models import PHOTO_STAGES, PREMISES_KINDS, Hazard, Inspection, Photo, Premises, Recheck

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
    premises = fields.Integer(attribute="premises_id", dump_only=True)
    reinspection_of = fields.Integer(attribute="reinspection_of_id", dump_only=True)
    checklist_version = fields.Integer(dump_only=True)
    score = fields.Decimal(as_string=True, dump_only=True)
    latitude = fields.Decimal(as_string=True, dump_only=True)
    longitude = fields.Decimal(as_string=True, dump_only=True)


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
    premises = fields.Integer(attribute="premises_id", dump_only=True)
    source = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    instance = fields.String(dump_only=True)


class PremisesSchema(Stamped):
    """场所: the register of inspected places, kept through the API as in the admin."""

    class Meta:
        model = Premises

    linli_operations = ("read", "create", "update")
    unit = fields.Integer(attribute="unit_id", required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(validate=validate.OneOf([k for k, _l in PREMISES_KINDS]))
    address = fields.String(validate=validate.Length(max=200))
    responsible = fields.String(validate=validate.Length(max=64))
    phone = fields.String(validate=validate.Length(max=32))
    active = fields.Boolean()


class PhotoSchema(Stamped):
    """照片 (evidence, read only): the file itself is served by the scoped portal view."""

    class Meta:
        model = Photo

    linli_operations = ("read",)
    inspection = fields.Integer(attribute="inspection_id", dump_only=True)
    hazard = fields.Integer(attribute="hazard_id", dump_only=True)
    item = fields.String(dump_only=True)
    stage = fields.String(dump_only=True, metadata={"enum": [k for k, _l in PHOTO_STAGES]})
    name = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    content_type = fields.String(dump_only=True)


class RecheckSchema(Stamped):
    """复查结果 (evidence, read only)."""

    class Meta:
        model = Recheck

    linli_operations = ("read",)
    hazard = fields.Integer(attribute="hazard_id", dump_only=True)
    inspection = fields.Integer(attribute="inspection_id", dump_only=True)
    passed = fields.Boolean(dump_only=True)
    checked_on = fields.Date(dump_only=True)


SCHEMAS = [InspectionSchema, HazardSchema, PremisesSchema, PhotoSchema, RecheckSchema]
