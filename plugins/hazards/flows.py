"""The hazard's closed loop on the core workflow engine (:mod:`core.workflow`):
上报 → 登记 → 评估（一般/重大）→ 整改 → 待验收 → 销号; failed acceptance returns to 整改;
误报 ends as 无效. A major hazard enters 整改 only with the five assurances (五落实)."""

from __future__ import annotations

from core import workdays
from core.duties import same_hand
from core.i18n import gettext as _
from core.workflow import State, Transition, Workflow
from forms.validators import N_

from . import rules
from .models import Hazard

PLUGIN = "hazards"
CREATE = (PLUGIN, "create")
UPDATE = (PLUGIN, "update")
APPROVE = (PLUGIN, "approve")

ASSURANCE_LABELS = {
    "responsibility": N_("responsibility"),
    "measures": N_("measures"),
    "funds": N_("funds"),
    "time limit": N_("time limit"),
    "contingency plan": N_("contingency plan"),
}


def setting(district_id: int | None, key: str):
    from core.registry import kernel_state

    registry = kernel_state().settings
    if district_id is None:
        return registry.declared(PLUGIN, key).default
    return registry.get(district_id, PLUGIN, key)


def _district(record) -> int | None:
    return record.unit.district_id if record.unit_id else None


def _default_deadline(record, values, actor):
    """A general hazard without a deadline gets the district's default period."""
    if record.grade == "general" and values.get("deadline") is None:
        days = setting(_district(record), "rectify_days_general")
        return {"deadline": rules.default_deadline(workdays.today(), days)}
    return None


def five_assurances(record, values, actor, access):
    """五落实: a major hazard enters rectification only with responsibility, measures,
    funds, time limit and contingency plan all given."""
    if record.grade != "major":
        return None
    merged = {name: values.get(name, getattr(record, name)) for name, _w in rules.FIVE_ASSURANCES}
    missing = rules.missing_assurances(merged)
    if missing:
        return _(
            "A major hazard needs the five assurances (responsibility, measures, funds, time "
            "limit, contingency plan) before rectification; missing: %(missing)s.",
            missing="、".join(_(ASSURANCE_LABELS[m]) for m in missing),
        )
    return None


def valid_deadline(record, values, actor, access):
    deadline = values.get("deadline", record.deadline)
    reported = rules.reported_on(record.created_at, workdays.SHANGHAI)
    problem = rules.report_date_problem(deadline, reported)
    if problem:
        return _(problem, day=reported.isoformat())
    limit = setting(_district(record), "rectify_days_major") if record.grade == "major" else None
    problem = rules.deadline_problem(deadline, workdays.today(), limit)
    return _(problem, days=limit) if problem else None


def _closed(record, values, actor):
    """销号 by acceptance: who accepted and when; a 挂牌督办 is lifted on closure."""
    today = workdays.today()
    done = {"closed_on": today, "accepted_by": actor, "accepted_on": today}
    if record.supervision_level and record.supervision_lifted_on is None:
        done["supervision_lifted_on"] = today
    return done


# -- hz-manage: extension (延期), escalation (挂牌督办), acceptance by another person ------------


def _rectified(record, values, actor):
    return {"rectified_by": actor}


def not_the_rectifier(record, values, actor, access):
    """验收 must be by a different person from the one who did the rectification."""
    if rules.same_person(record.rectified_by_id, getattr(actor, "id", None)):
        return _(
            "Acceptance must be done by someone other than the person who did the rectification."
        )
    if same_hand(record, actor, record.created_by_id):
        return _(
            "Separation of duties: the person who reported this hazard cannot accept its "
            "rectification (职责分离)."
        )
    return None


def major_acceptance(record, values, actor, access):
    """A major hazard is closed only with a written acceptance opinion (验收意见)."""
    if record.grade != "major":
        return None
    opinion = values.get("acceptance_opinion", record.acceptance_opinion)
    if not (opinion or "").strip():
        return _("A major hazard can only be closed with the acceptance opinion (验收意见).")
    return None


def valid_extension(record, values, actor, access):
    requested = values.get("requested_deadline")
    problem = rules.extension_problem(record.deadline, requested, workdays.today())
    if problem:
        return _(problem, day=record.deadline.isoformat() if record.deadline else "")
    limit = setting(_district(record), "extension_days_max")
    if record.deadline is not None and (requested - record.deadline).days > limit:
        return _("An extension may add at most %(days)s days.", days=limit)
    return None


def _extended(record, values, actor):
    return {
        "deadline": record.requested_deadline,
        "extensions": (record.extensions or 0) + 1,
    }


def _extension_refused(record, values, actor):
    return {"requested_deadline": None}


def not_yet_supervised(record, values, actor, access):
    if record.supervision_level and record.supervision_lifted_on is None:
        return _("This hazard is already under supervision (挂牌督办).")
    deadline = values.get("supervision_deadline")
    if deadline is not None and deadline < workdays.today():
        return _("The supervision deadline cannot be in the past.")
    return None


def _supervised(record, values, actor):
    return {"supervised_on": workdays.today(), "supervision_lifted_on": None}


HAZARD_FLOW = Workflow(
    PLUGIN,
    name="hazards_hazard",
    start=Transition("report", "上报", "Report", (), "reported", permission=CREATE),
    states=[
        State("reported", "已上报", "Reported"),
        State("registered", "已登记", "Registered"),
        State("assessed", "已评估", "Assessed"),
        State("rectifying", "整改中", "Rectifying"),
        State("extension_requested", "延期待审批", "Extension requested"),
        State("awaiting_acceptance", "待验收", "Awaiting acceptance"),
        State("closed", "已销号", "Closed", True),
        State("invalid", "误报", "Invalid (false report)", True),
    ],
    transitions=[
        Transition("register", "登记", "Register", ("reported",), "registered", permission=UPDATE),
        Transition(
            "assess",
            "评估",
            "Assess",
            ("registered",),
            "assessed",
            permission=UPDATE,
            fields=("grade",),
            required=("grade",),
        ),
        Transition(
            "rectify",
            "下达整改",
            "Order rectification",
            ("assessed",),
            "rectifying",
            permission=UPDATE,
            fields=("responsible", "measures", "funds", "funds_amount", "deadline", "contingency"),
            required=("responsible", "measures"),
            effect=_default_deadline,
            validators=(five_assurances, valid_deadline),
        ),
        Transition(
            "submit_acceptance",
            "整改完成申请验收",
            "Rectified: ask for acceptance",
            ("rectifying",),
            "awaiting_acceptance",
            permission=UPDATE,
            fields=("rectification",),
            required=("rectification",),
            effect=_rectified,
        ),
        Transition(
            "accept",
            "验收通过并销号",
            "Accept and close",
            ("awaiting_acceptance",),
            "closed",
            permission=APPROVE,
            fields=("acceptance_opinion",),
            effect=_closed,
            validators=(not_the_rectifier, major_acceptance),
            style="success",
        ),
        Transition(
            "reject",
            "验收不通过",
            "Acceptance failed",
            ("awaiting_acceptance",),
            "rectifying",
            permission=APPROVE,
            comment_required=True,
            style="warning",
        ),
        Transition(
            "request_extension",
            "申请延期",
            "Request an extension",
            ("rectifying",),
            "extension_requested",
            permission=UPDATE,
            fields=("extension_reason", "requested_deadline"),
            required=("extension_reason", "requested_deadline"),
            validators=(valid_extension,),
            style="secondary",
            todo=False,
        ),
        Transition(
            "approve_extension",
            "批准延期",
            "Approve the extension",
            ("extension_requested",),
            "rectifying",
            permission=APPROVE,
            effect=_extended,
            style="success",
        ),
        Transition(
            "refuse_extension",
            "不予延期",
            "Refuse the extension",
            ("extension_requested",),
            "rectifying",
            permission=APPROVE,
            comment_required=True,
            effect=_extension_refused,
            style="warning",
        ),
        Transition(
            "escalate",
            "挂牌督办",
            "Put under supervision (挂牌督办)",
            ("rectifying",),
            "rectifying",
            permission=APPROVE,
            fields=("supervision_level", "supervising_unit", "supervision_deadline"),
            required=("supervision_level", "supervising_unit"),
            validators=(not_yet_supervised,),
            effect=_supervised,
            style="danger",
            todo=False,
        ),
        Transition(
            "invalidate",
            "认定误报",
            "Mark as false report",
            ("reported", "registered"),
            "invalid",
            permission=UPDATE,
            comment_required=True,
            style="danger",
        ),
    ],
)
HAZARD_FLOW.bind(Hazard)
