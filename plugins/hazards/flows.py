"""The hazard's closed loop on the core workflow engine (:mod:`core.workflow`):
上报 → 登记 → 评估（一般/重大）→ 整改 → 待验收 → 销号; failed acceptance returns to 整改;
误报 ends as 无效. A major hazard enters 整改 only with the five assurances (五落实)."""

from __future__ import annotations

from core import workdays
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
    from core.app import kernel_state

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
    limit = setting(_district(record), "rectify_days_major") if record.grade == "major" else None
    problem = rules.deadline_problem(deadline, workdays.today(), limit)
    return _(problem, days=limit) if problem else None


def _closed(record, values, actor):
    return {"closed_on": workdays.today()}


HAZARD_FLOW = Workflow(
    PLUGIN,
    name="hazards_hazard",
    start=Transition("report", "上报", "Report", (), "reported", permission=CREATE),
    states=[
        State("reported", "已上报", "Reported"),
        State("registered", "已登记", "Registered"),
        State("assessed", "已评估", "Assessed"),
        State("rectifying", "整改中", "Rectifying"),
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
            fields=("responsible", "measures", "funds", "deadline", "contingency"),
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
        ),
        Transition(
            "accept",
            "验收通过并销号",
            "Accept and close",
            ("awaiting_acceptance",),
            "closed",
            permission=APPROVE,
            effect=_closed,
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
