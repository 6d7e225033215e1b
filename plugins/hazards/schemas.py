"""Marshmallow schemas (API, export). Inspections are made on the portal and hazards move
through the workflow (any path notifies the district safety office of a major hazard), their
lifecycle fields written only by workflow steps; premises are kept through the API as in the
admin; photos, re-checks, campaigns, schedules, tasks and statistics are read only (a photo's
file is served by the scoped portal view)."""

from __future__ import annotations

from marshmallow import Schema, fields

from .models import (
    PHOTO_STAGES,
    Campaign,
    Hazard,
    Inspection,
    InspectionTask,
    Photo,
    Premises,
    Recheck,
    Schedule,
    StatisticsReport,
)

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
    name = fields.String(required=True)
    kind = fields.String()
    address = fields.String()
    responsible = fields.String()
    phone = fields.String()
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


# == hz-manage: lifecycle fields, campaigns, schedules, tasks, statistics (read-only) ======


class ManagedHazardSchema(HazardSchema):
    """The hazard with its extension, supervision (挂牌督办) and acceptance fields; all are
    written only by workflow steps."""

    class Meta:
        model = Hazard

    funds_amount = fields.Decimal(dump_only=True, as_string=True)
    extensions = fields.Integer(dump_only=True)
    extension_reason = fields.String(dump_only=True)
    requested_deadline = fields.Date(dump_only=True)
    supervision_level = fields.String(dump_only=True)
    supervising_unit = fields.String(dump_only=True)
    supervision_deadline = fields.Date(dump_only=True)
    supervised_on = fields.Date(dump_only=True)
    supervision_lifted_on = fields.Date(dump_only=True)
    rectified_by = fields.Integer(attribute="rectified_by_id", dump_only=True)
    accepted_by = fields.Integer(attribute="accepted_by_id", dump_only=True)
    accepted_on = fields.Date(dump_only=True)
    acceptance_opinion = fields.String(dump_only=True)


class CampaignSchema(Stamped):
    class Meta:
        model = Campaign

    linli_operations = ("read",)
    title = fields.String(dump_only=True)
    year = fields.Integer(dump_only=True)
    checklists = fields.String(dump_only=True)
    self_check_from = fields.Date(dump_only=True)
    self_check_until = fields.Date(dump_only=True)
    supervision_until = fields.Date(dump_only=True)
    acceptance_until = fields.Date(dump_only=True)
    launched_on = fields.Date(dump_only=True)


class ScheduleSchema(Stamped):
    class Meta:
        model = Schedule

    linli_operations = ("read",)
    title = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    checklist = fields.String(dump_only=True)
    frequency = fields.String(dump_only=True)
    every_days = fields.Integer(dump_only=True)
    next_due = fields.Date(dump_only=True)
    lead_days = fields.Integer(dump_only=True)
    assignee = fields.Integer(attribute="assignee_id", dump_only=True)
    active = fields.Boolean(dump_only=True)


class TaskSchema(Stamped):
    class Meta:
        model = InspectionTask

    linli_operations = ("read",)
    title = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    checklist = fields.String(dump_only=True)
    due = fields.Date(dump_only=True)
    schedule = fields.Integer(attribute="schedule_id", dump_only=True)
    campaign = fields.Integer(attribute="campaign_id", dump_only=True)
    assignee = fields.Integer(attribute="assignee_id", dump_only=True)
    state = fields.String(dump_only=True)
    inspection = fields.Integer(attribute="inspection_id", dump_only=True)
    done_on = fields.Date(dump_only=True)


class StatisticsSchema(Stamped):
    """Submitted statistics are evidence: read-only here as everywhere."""

    class Meta:
        model = StatisticsReport

    linli_operations = ("read",)
    period = fields.String(dump_only=True)
    year = fields.Integer(dump_only=True)
    quarter = fields.Integer(dump_only=True)
    state = fields.String(dump_only=True)
    number = fields.Integer(dump_only=True)
    corrects = fields.Integer(attribute="corrects_id", dump_only=True)
    figures = fields.String(dump_only=True)
    submitted_on = fields.Date(dump_only=True)


SCHEMAS = [
    InspectionSchema,
    ManagedHazardSchema,
    PremisesSchema,
    PhotoSchema,
    RecheckSchema,
    CampaignSchema,
    ScheduleSchema,
    TaskSchema,
    StatisticsSchema,
]
