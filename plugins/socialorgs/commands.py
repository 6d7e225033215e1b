"""The rules of the registry's records (记录规则), run by :mod:`core.commands` on every write
path — admin, API, spreadsheet import, portal — so that none of them can skip one.

Organisations, applications, changes, annual reports and evaluations move through their
workflows (``flows.py``) and the operations of ``services.py``; the records below are kept
as plain records, and these are their rules.
"""

from __future__ import annotations

from core.checks import between, not_negative, positive
from core.commands import Rules, period, refuse
from core.i18n import lazy_gettext as _l

from .models import Activity, Incubation, Organisation, PurchaseProject

SCORE_RANGE = _l("Evaluation scores are between 0 and 100.")


class _OfAnOrganisation(Rules):
    """A record about one organisation lies in the organisation's territory unit."""

    def derive(self, ctx, record, created):
        if record.__data__.get("organisation") is not None:
            org = Organisation.get_or_none(Organisation.id == record.__data__["organisation"])
            if org is not None:
                record.unit = org.unit_id


class ActivityRules(_OfAnOrganisation):
    """活动记录: logged after it took place; the organisation's last activity date (read by
    the 12-month inactivity alert) follows the latest one."""

    model = Activity
    checks = {"participants": (not_negative(),)}

    def validate(self, ctx, record, before):
        if record.held_on is not None and record.held_on > ctx.today():
            raise refuse("An activity cannot be logged before it took place.", field="held_on")

    def after_write(self, ctx, record, name, changes):
        if name == "deleted":
            return
        Organisation.update(last_activity_on=record.held_on).where(
            (Organisation.id == record.organisation_id)
            & (
                Organisation.last_activity_on.is_null()
                | (Organisation.last_activity_on < record.held_on)
            )
        ).execute()


class IncubationRules(_OfAnOrganisation):
    """孵化培育: a support period that ends after it starts."""

    model = Incubation
    checks = {"subsidy": (not_negative(),)}

    def validate(self, ctx, record, before):
        period(record, "starts_on", "ends_on")


class PurchaseRules(Rules):
    """政府购买服务: a budget above zero, a period that ends after it starts, and the three
    parties' scores (采购方、服务对象、第三方) between 0 and 100."""

    model = PurchaseProject
    checks = {
        "budget": (positive(_l("The budget must be more than zero.")),),
        "purchaser_score": (between(0, 100, SCORE_RANGE),),
        "users_score": (between(0, 100, SCORE_RANGE),),
        "third_party_score": (between(0, 100, SCORE_RANGE),),
    }

    def validate(self, ctx, record, before):
        period(record, "starts_on", "ends_on")


RULES = [ActivityRules, IncubationRules, PurchaseRules]
