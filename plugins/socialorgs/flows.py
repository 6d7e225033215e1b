"""The workflows of the registry on the core engine (:mod:`core.workflow`), with their
statutory clocks as per-district settings (defaults from the regulations, see rules.py)."""

from __future__ import annotations

from core import workdays
from core.i18n import gettext as _
from core.workflow import Deadline, State, Transition, Workflow
from forms.validators import N_

from . import rules
from .models import AnnualReport, Application, ChangeRequest, Evaluation, Objection, Organisation

PLUGIN = "socialorgs"
APPROVE = (PLUGIN, "approve")
CREATE = (PLUGIN, "create")


def not_the_applicant(record, actor, access) -> str | None:
    """Nobody decides on what they submitted themselves (四眼原则)."""
    if record.created_by_id is not None and record.created_by_id == getattr(actor, "id", None):
        return _("The applicant cannot approve or reject their own application.")
    return None


# -- lifecycle of an organisation (组织状态) ---------------------------------------------------


def _application(state: str, message: str, kind: str | None = None):
    """A guard: the organisation has an application in ``state`` (of ``kind``); these
    lifecycle steps are taken by the application services, not by hand."""

    def guard(org, actor, access):
        condition = (Application.organisation == org.id) & (Application.state == state)
        if kind is not None:
            condition &= Application.kind == kind
        return None if Application.select().where(condition).exists() else _(message)

    return guard


def _ended(org, values, actor):
    return {"ended_on": workdays.today()}


ORG_FLOW = Workflow(
    PLUGIN,
    name="socialorgs_organisation",
    start=Transition("apply", "申请中", "Applying", (), "pending", permission=CREATE),
    states=[
        State("pending", "申请中", "Applying"),
        State("filed", "已备案", "Filed"),
        State("registered", "已登记", "Registered"),
        State("liquidating", "清算中", "In liquidation"),
        State("liquidated", "清算完毕", "Liquidated"),
        State("deregistered", "已注销", "Deregistered", True),
        State("revoked", "已撤销", "Revoked", True),
        State("refused", "未获批准", "Not approved", True),
        State("withdrawn", "已撤回申请", "Application withdrawn", True),
    ],
    transitions=[
        Transition(
            "file",
            "备案",
            "File",
            ("pending",),
            "filed",
            permission=APPROVE,
            guards=(_application("approved", N_("This needs an approved application."), "filing"),),
        ),
        Transition(
            "register",
            "登记",
            "Register",
            ("pending", "filed"),
            "registered",
            permission=APPROVE,
            guards=(
                _application("approved", N_("This needs an approved application."), "registration"),
            ),
        ),
        Transition(
            "refuse",
            "不予批准",
            "Not approved",
            ("pending",),
            "refused",
            permission=APPROVE,
            guards=(_application("rejected", N_("This needs a rejected application.")),),
        ),
        Transition(
            "withdraw",
            "撤回申请",
            "Withdraw",
            ("pending",),
            "withdrawn",
            permission=CREATE,
            guards=(_application("withdrawn", N_("Withdraw the application instead.")),),
            todo=False,
        ),
        Transition(
            "liquidate",
            "进入清算",
            "Start liquidation",
            ("filed", "registered"),
            "liquidating",
            permission=APPROVE,
            comment_required=True,
            style="warning",
            todo=False,
        ),
        Transition(
            "finish_liquidation",
            "清算完毕",
            "Liquidation finished",
            ("liquidating",),
            "liquidated",
            permission=APPROVE,
            deadline=Deadline(
                "deregistration_days",
                15,
                "清算结束后申请注销期限",
                "Apply for deregistration after liquidation within",
                "社团条例 art. 21: within 15 days after the liquidation ends.",
                working=False,
            ),
        ),
        Transition(
            "deregister",
            "注销",
            "Deregister",
            ("liquidated",),
            "deregistered",
            permission=APPROVE,
            effect=_ended,
            style="danger",
        ),
        Transition(
            "revoke",
            "撤销登记/备案",
            "Revoke",
            ("filed", "registered", "liquidating", "liquidated"),
            "revoked",
            permission=APPROVE,
            comment_required=True,
            effect=_ended,
            style="danger",
            todo=False,
        ),
    ],
)
ORG_FLOW.bind(Organisation)


# -- applications (备案 / 登记申请) --------------------------------------------------------------


def _kind(kind):
    def guard(app, actor, access):
        return None if app.kind == kind else _("This step is for another kind of application.")

    return guard


def _check_code(app, values, actor, access):
    code = rules.normalise_code(values.get("credit_code") or app.credit_code)
    if app.kind != "registration":
        return None
    if not code:
        return _("Registration needs the unified social credit code issued with it.")
    problem = rules.credit_code_problem(code)
    if problem:
        return _(problem)
    clash = (
        Organisation.select()
        .where((Organisation.credit_code == code) & (Organisation.id != app.organisation_id))
        .first()
    )
    if clash is not None:
        return _(
            "The credit code %(code)s is already used by %(name)s.", code=code, name=clash.name
        )
    values["credit_code"] = code
    return None


def _decided(app, values, actor):
    return {"decided_on": workdays.today()}


APPLICATION_FLOW = Workflow(
    PLUGIN,
    name="socialorgs_application",
    start=Transition(
        "submit",
        "提交申请",
        "Submit",
        (),
        "submitted",
        permission=CREATE,
        deadline=Deadline(
            "acceptance_days",
            5,
            "受理期限",
            "Time to accept an application",
            "Local practice: an application is accepted or returned within 5 working days.",
        ),
    ),
    states=[
        State("submitted", "待受理", "Submitted"),
        State("under_review", "审查中", "Under review"),
        State("returned", "退回补正", "Returned for correction"),
        State("approved", "已批准", "Approved", True),
        State("rejected", "不予批准", "Rejected", True),
        State("withdrawn", "已撤回", "Withdrawn", True),
    ],
    transitions=[
        Transition(
            "accept_registration",
            "受理",
            "Accept",
            ("submitted",),
            "under_review",
            guards=(_kind("registration"),),
            deadline=Deadline(
                "registration_days",
                60,
                "登记审查期限",
                "Time to decide on a registration",
                "社团条例 art. 12, 民非条例 art. 11: a decision within 60 days of acceptance.",
                working=False,
            ),
        ),
        Transition(
            "accept_filing",
            "受理",
            "Accept",
            ("submitted",),
            "under_review",
            guards=(_kind("filing"),),
            deadline=Deadline(
                "filing_days",
                30,
                "备案审查期限",
                "Time to decide on a filing",
                "Local practice (filing rules of the province); 30 days by default.",
                working=False,
            ),
        ),
        Transition(
            "return",
            "退回补正",
            "Return for correction",
            ("submitted", "under_review"),
            "returned",
            comment_required=True,
            style="warning",
            deadline=Deadline(
                "correction_days",
                30,
                "补正期限",
                "Time to correct an application",
                "Local practice; 30 days by default.",
                working=False,
            ),
        ),
        Transition(
            "resubmit",
            "补正后重新提交",
            "Resubmit",
            ("returned",),
            "submitted",
            permission=CREATE,
            fields=("materials",),
        ),
        Transition(
            "approve",
            "批准",
            "Approve",
            ("under_review",),
            "approved",
            permission=APPROVE,
            fields=("credit_code", "decision"),
            guards=(not_the_applicant,),
            validators=(_check_code,),
            effect=_decided,
        ),
        Transition(
            "reject",
            "不予批准",
            "Reject",
            ("submitted", "under_review"),
            "rejected",
            permission=APPROVE,
            fields=("decision",),
            required=("decision",),
            guards=(not_the_applicant,),
            effect=_decided,
            style="danger",
        ),
        Transition(
            "withdraw",
            "撤回",
            "Withdraw",
            ("submitted", "returned"),
            "withdrawn",
            permission=CREATE,
            style="secondary",
            todo=False,
        ),
    ],
)
APPLICATION_FLOW.bind(Application)


# -- changes (变更登记) ------------------------------------------------------------------------


CHANGE_FLOW = Workflow(
    PLUGIN,
    name="socialorgs_change",
    start=Transition("request", "申请变更", "Request", (), "requested", permission=CREATE),
    states=[
        State("requested", "待审核", "Requested"),
        State("effective", "已生效", "Effective", True),
        State("rejected", "不予变更", "Rejected", True),
    ],
    transitions=[
        Transition(
            "approve",
            "核准变更",
            "Approve",
            ("requested",),
            "effective",
            permission=APPROVE,
            guards=(not_the_applicant,),
            effect=lambda record, values, actor: {"effective_on": workdays.today()},
        ),
        Transition(
            "reject",
            "不予变更",
            "Reject",
            ("requested",),
            "rejected",
            permission=APPROVE,
            comment_required=True,
            guards=(not_the_applicant,),
            style="danger",
        ),
    ],
)
CHANGE_FLOW.bind(ChangeRequest)


# -- annual reports (年度报告) ----------------------------------------------------------------


REPORT_FLOW = Workflow(
    PLUGIN,
    name="socialorgs_annual_report",
    start=Transition("submit", "报送", "Submit", (), "submitted", permission=CREATE),
    states=[
        State("submitted", "待初审", "Submitted"),
        State("reviewed", "初审通过", "Passed the supervisor"),
        State("needs_fix", "需补正", "Needs correction"),
        State("accepted", "已通过", "Accepted", True),
    ],
    transitions=[
        Transition("first_review", "初审通过", "Pass first review", ("submitted",), "reviewed"),
        Transition(
            "accept",
            "审核通过",
            "Accept",
            ("reviewed",),
            "accepted",
            permission=APPROVE,
            guards=(not_the_applicant,),
        ),
        Transition(
            "ask_fix",
            "退回补正",
            "Ask for correction",
            ("submitted", "reviewed"),
            "needs_fix",
            comment_required=True,
            style="warning",
        ),
        Transition(
            "resubmit",
            "补正后重新报送",
            "Resubmit",
            ("needs_fix",),
            "submitted",
            permission=CREATE,
            fields=("summary",),
        ),
    ],
)
REPORT_FLOW.bind(AnnualReport)


# -- objections against a listing (异议) -----------------------------------------------------


OBJECTION_FLOW = Workflow(
    PLUGIN,
    name="socialorgs_objection",
    start=Transition(
        "submit",
        "提出异议",
        "Object",
        (),
        "submitted",
        permission=CREATE,
        deadline=Deadline(
            "objection_days",
            10,
            "异议核实期限",
            "Time to verify an objection",
            "Local practice; the listing authority verifies and answers in 10 working days.",
        ),
    ),
    states=[
        State("submitted", "核实中", "Being verified"),
        State("upheld", "异议成立", "Upheld", True),
        State("dismissed", "异议不成立", "Dismissed", True),
    ],
    transitions=[
        Transition(
            "uphold",
            "异议成立（移出名录）",
            "Uphold (remove from the list)",
            ("submitted",),
            "upheld",
            permission=APPROVE,
            fields=("answer",),
            required=("answer",),
        ),
        Transition(
            "dismiss",
            "异议不成立",
            "Dismiss",
            ("submitted",),
            "dismissed",
            permission=APPROVE,
            fields=("answer",),
            required=("answer",),
            style="danger",
        ),
    ],
)
OBJECTION_FLOW.bind(Objection)


# -- evaluation (等级评估) ---------------------------------------------------------------------


def _publicity_over(ev, actor, access):
    if ev.due is not None and not workdays.is_overdue(ev.due):
        return _("The publicity period runs until %(date)s.", date=ev.due.isoformat())
    return None


def _publicity_open(ev, actor, access):
    if ev.due is not None and workdays.is_overdue(ev.due):
        return _("A review can only be requested during the publicity period.")
    return None


def _score_range(ev, values, actor, access):
    score = values.get("score", ev.score)
    if score is None or not 0 <= score <= 1000:
        return _("The score must be between 0 and 1000.")
    return None


def _review_carried(ev, values, actor, access):
    members = values.get("review_members")
    votes = values.get("review_votes")
    if not rules.review_carried(members, votes):
        return _(
            "A review decision needs the votes of more than half of all members of the review "
            "committee."
        )
    return _score_range(ev, values, actor, access)


EVALUATION_FLOW = Workflow(
    PLUGIN,
    name="socialorgs_evaluation",
    start=Transition("apply", "申请评估", "Apply", (), "applied", permission=CREATE),
    states=[
        State("applied", "已申请", "Applied"),
        State("scored", "已评分", "Scored"),
        State("publicised", "公示中", "Publicised"),
        State("in_review", "复核中", "Under review"),
        State("graded", "已定级", "Graded", True),
    ],
    transitions=[
        Transition(
            "score",
            "专家评分",
            "Score",
            ("applied",),
            "scored",
            fields=("score",),
            required=("score",),
            validators=(_score_range,),
        ),
        Transition(
            "publicise",
            "公示",
            "Publicise",
            ("scored",),
            "publicised",
            permission=APPROVE,
            deadline=Deadline(
                "evaluation_publicity_days",
                7,
                "评估结果公示期",
                "Publicity period of an evaluation",
                "民政部令第39号: results are published before the grade is confirmed; 7 days "
                "by default.",
                working=False,
            ),
        ),
        Transition(
            "request_review",
            "申请复核",
            "Request a review",
            ("publicised",),
            "in_review",
            permission=CREATE,
            comment_required=True,
            guards=(_publicity_open,),
            deadline=Deadline(
                "review_days",
                15,
                "复核结果告知期限",
                "Time to notify the review decision",
                "民政部令第39号: the organisation is notified within 15 days.",
                working=False,
            ),
        ),
        Transition(
            "decide_review",
            "复核决定",
            "Review decision",
            ("in_review",),
            "graded",
            permission=APPROVE,
            fields=("score", "review_members", "review_votes"),
            required=("score", "review_members", "review_votes"),
            validators=(_review_carried,),
        ),
        Transition(
            "confirm",
            "确定等级",
            "Confirm the grade",
            ("publicised",),
            "graded",
            permission=APPROVE,
            guards=(_publicity_over,),
        ),
    ],
)
EVALUATION_FLOW.bind(Evaluation)

FLOWS = [ORG_FLOW, APPLICATION_FLOW, CHANGE_FLOW, REPORT_FLOW, OBJECTION_FLOW, EVALUATION_FLOW]
