"""Marshmallow schemas of the owners' assembly (API, export). All read-only: the register
and meetings change through the admin and the services; ballots, proxies and paper entries
are not exposed."""

from __future__ import annotations

from marshmallow import Schema, fields

from .models import (
    Committee,
    CommitteeMember,
    Matter,
    Meeting,
    Owner,
    Premises,
    PreparatoryGroup,
    ProvisionalRequest,
    ResidentsCommitteeNotice,
)


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


# -- branch ow-ballots: committees and meeting records, read-only -------------------------------


class ResidentsCommitteeNoticeSchema(Owned):
    meeting = fields.Integer(dump_only=True, attribute="meeting_id", data_key="meeting")
    committee_name = fields.String(dump_only=True)
    notified_on = fields.Date(dump_only=True)
    opinion_on = fields.Date(dump_only=True)
    opinion = fields.String(dump_only=True)


class ProvisionalRequestSchema(Owned):
    title = fields.String(dump_only=True)
    status = fields.String(dump_only=True)
    accepted_on = fields.Date(dump_only=True)
    meeting = fields.Integer(dump_only=True, attribute="meeting_id", data_key="meeting")


class PreparatoryGroupSchema(Owned):
    name = fields.String(dump_only=True)
    formed_on = fields.Date(dump_only=True)
    posted_on = fields.Date(dump_only=True)
    due_on = fields.Date(dump_only=True)
    completed_on = fields.Date(dump_only=True)


class CommitteeSchema(Owned):
    kind = fields.String(dump_only=True)
    name = fields.String(dump_only=True)
    meeting = fields.Integer(dump_only=True, attribute="meeting_id", data_key="meeting")
    seats = fields.Integer(dump_only=True)
    formed_on = fields.Date(dump_only=True)
    term_ends = fields.Date(dump_only=True)
    filing_due = fields.Date(dump_only=True)
    filed_on = fields.Date(dump_only=True)
    ended_on = fields.Date(dump_only=True)


class CommitteeMemberSchema(Owned):
    committee = fields.Integer(dump_only=True, attribute="committee_id", data_key="committee")
    name = fields.String(dump_only=True)
    role = fields.String(dump_only=True)
    source = fields.String(dump_only=True)
    started_on = fields.Date(dump_only=True)
    ended_on = fields.Date(dump_only=True)
    replaces = fields.Integer(dump_only=True, attribute="replaces_id", data_key="replaces")


SCHEMAS = {
    Owner: OwnerSchema,
    Premises: PremisesSchema,
    Meeting: MeetingSchema,
    Matter: MatterSchema,
    ResidentsCommitteeNotice: ResidentsCommitteeNoticeSchema,
    ProvisionalRequest: ProvisionalRequestSchema,
    PreparatoryGroup: PreparatoryGroupSchema,
    Committee: CommitteeSchema,
    CommitteeMember: CommitteeMemberSchema,
}
