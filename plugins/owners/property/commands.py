"""The rules of the property service's records (物业服务的记录规则), run by :mod:`core.commands`
on every write path — the admin form, the REST API, the spreadsheet import — so that none of
them can skip one.

Complaints are filed and handled, disputes referred to mediation and joint meetings'
decisions published by the operations of :mod:`.services`; these are the rules of the records
written as such.
"""

from __future__ import annotations

from core.checks import not_negative
from core.commands import Rules, refuse
from core.events import jsonable
from core.i18n import lazy_gettext as _l
from forms.validators import N_, uscc_problem

from ..register.services import compound_of_unit
from ..shared.services import STEPS_ONLY
from .models import CompoundService, Dispute, JointMeeting, PropertyCompany, ServiceContract

PUBLISHED = N_("The decisions have been published; the meeting can no longer be changed.")


class PropertyCompanyRules(Rules):
    """物业服务企业: a name and a valid unified social credit code (统一社会信用代码, GB 32100),
    kept in capitals without spaces."""

    model = PropertyCompany

    def derive(self, ctx, record, created):
        record.name = (record.name or "").strip()
        record.uscc = (record.uscc or "").strip().upper().replace(" ", "")

    def validate(self, ctx, record, before):
        problem = uscc_problem(record.uscc)
        if problem:
            raise refuse(problem, field="uscc")


class ServiceContractRules(Rules):
    """物业服务合同: the contract of a compound (小区), ending after it starts, terminated no
    earlier than it starts, with a fee that is not negative."""

    model = ServiceContract
    checks = {"fee_fen_per_m2": (not_negative(_l("The fee cannot be negative.")),)}

    def validate(self, ctx, record, before):
        compound_of_unit(record.unit_id)
        if record.ends_on <= record.starts_on:
            raise refuse("The contract must end after it starts.", field="ends_on")
        if record.terminated_on and record.terminated_on < record.starts_on:
            raise refuse(
                "The contract cannot be terminated before it starts.", field="terminated_on"
            )


class CompoundServiceRules(Rules):
    """物业服务模式: one of the four service models, one record per compound (小区)."""

    model = CompoundService
    messages = {"model": N_("Choose one of the four service models.")}

    def validate(self, ctx, record, before):
        compound_of_unit(record.unit_id)
        other = CompoundService.select().where(CompoundService.unit == record.unit_id)
        if record.id is not None:
            other = other.where(CompoundService.id != record.id)
        if other.exists():
            raise refuse(
                "This compound's service model is already recorded; change that record.",
                field="unit",
            )


class DisputeRules(Rules):
    """物业纠纷: a dispute about a compound (小区); its mediation case is set only by the
    referral (:func:`.services.refer_to_mediation`)."""

    model = Dispute

    def validate(self, ctx, record, before):
        compound_of_unit(record.unit_id)
        was = before.get("case_id") if before is not None else None
        if jsonable(record.case_id) != was:
            raise refuse(STEPS_ONLY, field="case_id")


class JointMeetingRules(Rules):
    """联席会议: a meeting about a compound (小区) with a topic; once its decisions are
    published (:func:`.services.publish_decisions`) it is neither changed nor deleted."""

    model = JointMeeting

    def validate(self, ctx, record, before):
        was = before.get("publication_id") if before is not None else None
        if was:
            raise refuse(PUBLISHED)
        if record.publication_id != was:
            raise refuse(STEPS_ONLY, field="publication_id")
        compound_of_unit(record.unit_id)

    def before_delete(self, ctx, record):
        if record.publication_id:
            raise refuse(PUBLISHED)


RULES = [
    PropertyCompanyRules,
    ServiceContractRules,
    CompoundServiceRules,
    DisputeRules,
    JointMeetingRules,
]
