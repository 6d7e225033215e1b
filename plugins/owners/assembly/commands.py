"""The rules of the assembly's records (业主大会的记录规则), run by :mod:`core.commands` on every
write path — the admin form, the REST API, the spreadsheet import and the services of
:mod:`.services` — so that none of them can skip one.

A meeting, its agenda and a provisional-meeting request are written as records while they
are drafts; a new meeting enters its workflow (:data:`.flows.MEETING_FLOW`) as a draft, and
from then on it moves only through the workflow's steps (:func:`.services.notice` and the
steps after it), which these rules keep a plain write from imitating.
"""

from __future__ import annotations

from core.commands import Rules, refuse
from core.events import jsonable

from ..register.services import compound_of_unit
from ..shared.services import STEPS_ONLY
from . import rules
from .flows import MEETING_FLOW
from .models import Matter, Meeting, ProvisionalRequest

# the fields a meeting's steps set (notice, tally, publication, filing): never by a plain write
STEP_FIELDS = (
    MEETING_FLOW.state_field,
    "noticed_on",
    "tallied_on",
    "publish_due",
    "published_on",
    "filed_on",
    "filed_with",
)


def _stepped(record, before: dict | None, names) -> str | None:
    """The first of ``names`` that a plain write changed (from the defaults, on a create)."""
    for name in names:
        field = type(record)._meta.fields[name]
        was = before.get(name) if before is not None else jsonable(field.default)
        if jsonable(record.__data__.get(name)) != was:
            return name
    return None


class MeetingRules(Rules):
    """业主大会会议: a meeting of a compound (小区), voting between two days in order; it is
    changed only while it is a draft (the agenda and the dates are frozen by the notice,
    不得就公告以外的事项表决), and its steps are the services'."""

    model = Meeting

    def validate(self, ctx, record, before):
        if before is not None and before.get("status") != "draft":
            raise refuse("The meeting can only be changed while it is a draft.")
        stepped = _stepped(record, before, STEP_FIELDS)
        if stepped:
            raise refuse(STEPS_ONLY, field=stepped)
        compound_of_unit(record.unit_id)
        if record.closes_on < record.opens_on:
            raise refuse("Voting must close on or after the day it opens.", field="closes_on")


def _draft_meeting(meeting_id) -> None:
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None or meeting.status != "draft":
        raise refuse("The agenda is frozen once the meeting has been noticed.", field="meeting")


class MatterRules(Rules):
    """表决事项: a matter on the agenda of a draft meeting, in the meeting's compound; its
    Civil Code item (民法典第二百七十八条) decides its kind — the threshold — and its result
    is the tally's."""

    model = Matter

    def derive(self, ctx, record, created):
        meeting = Meeting.get_or_none(Meeting.id == record.meeting_id)
        if meeting is not None:
            record.unit = meeting.unit_id
        if record.item in rules.ITEMS:
            record.kind = rules.kind_of(record.item)

    def validate(self, ctx, record, before):
        _draft_meeting(record.meeting_id)
        if before is not None and before.get("meeting") != record.meeting_id:
            _draft_meeting(before.get("meeting"))
        stepped = _stepped(record, before, ("result", "tally"))
        if stepped:
            raise refuse(STEPS_ONLY, field=stepped)

    def before_delete(self, ctx, record):
        _draft_meeting(record.meeting_id)


class ProvisionalRequestRules(Rules):
    """临时会议提议: owners of a compound ask for a provisional meeting; the request is
    accepted (and its meeting made) only by :func:`.services.accept_provisional`."""

    model = ProvisionalRequest

    def validate(self, ctx, record, before):
        if before is not None and before.get("status") != "collecting":
            raise refuse("This request has already been accepted.")
        stepped = _stepped(record, before, ("status", "accepted_on", "meeting"))
        if stepped:
            raise refuse(STEPS_ONLY, field=stepped)
        compound_of_unit(record.unit_id)


RULES = [MeetingRules, MatterRules, ProvisionalRequestRules]
