"""Marshmallow schemas of the committees (API, export), read-only: the residents' committee
notices, preparatory groups, committees and their members change through the admin pages and
the services."""

from __future__ import annotations

from marshmallow import fields

from ..shared.schemas import Owned
from .models import Committee, CommitteeMember, PreparatoryGroup, ResidentsCommitteeNotice


class ResidentsCommitteeNoticeSchema(Owned):
    meeting = fields.Integer(dump_only=True, attribute="meeting_id", data_key="meeting")
    committee_name = fields.String(dump_only=True)
    notified_on = fields.Date(dump_only=True)
    opinion_on = fields.Date(dump_only=True)
    opinion = fields.String(dump_only=True)


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
    ResidentsCommitteeNotice: ResidentsCommitteeNoticeSchema,
    PreparatoryGroup: PreparatoryGroupSchema,
    Committee: CommitteeSchema,
    CommitteeMember: CommitteeMemberSchema,
}
