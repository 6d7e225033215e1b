"""The service record's workflow (服务记录流程) on the core engine (:mod:`core.workflow`).

::

    登记 log ──► 待服务对象确认 ──确认 confirm (QR code) / 组织者确认──► 待审核 ──审核通过──► 已通过
    草稿 draft ─提交 submit─┘                                          │ └初审通过─► 待复核 ─┘
    模块上报 report ────────────────────────────────────────────────────┘
    驳回 reject: from any open state ──► 已驳回        冲销 reverse: 已通过 ──► 已冲销

Who may take each step: the volunteer logs and submits their own service (no role needed);
the person served, or a proxy (家属、楼栋长), confirms with the code of the QR link the
volunteer shows; the organiser who logged a service may confirm it (at a check-out, not
when they also checked the volunteer in, where duties are separated: see
``services.check_out``); staff holding
``timebank:approve`` approve, reject and reverse. Nobody confirms or approves their own
service; a record logged long after the service (``second_approval_days``) needs a second
approver (复核) other than the first. Approval posts to the ledger and reversal takes the
posting back, inside the step's transaction. Every step is a row of the workflow history
(``core_workflow_history``), and two people acting on a record at once cannot both succeed.
"""

from __future__ import annotations

from core.access import resource_of
from core.duties import same_hand
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import utcnow
from core.workflow import Deadline, State, Transition, Workflow

from . import services
from .models import PLUGIN, ServiceRecord, Volunteer
from .services import OPEN_RECORD_STATES, needs_second_approval, record_policy, record_problem

RECORD = resource_of(PLUGIN, ServiceRecord)  # timebank.record

CREATE = (PLUGIN, "create")
APPROVE = (PLUGIN, "approve")
NOT_WAITING = _l("This service record is not waiting for approval.")

# The time limits of the steps (时限), per district: shown on the record, counted as overdue.
CONFIRM = Deadline(
    "confirm_days",
    7,
    "服务对象确认时限",
    "Time to confirm a service",
    "服务结束后，服务对象（或代确认人）应在此期限内扫码确认。",
    working=False,
    counted_from="ended_at",
)
REVIEW = Deadline(
    "review_days",
    5,
    "审核时限",
    "Time to review a confirmed service",
    "服务确认后，街道（社区）应在此期限内审核。",
)
SECOND_REVIEW = Deadline(
    "second_review_days",
    5,
    "复核时限",
    "Time for the second approval",
    "补录的服务记录初审通过后，由另一人在此期限内复核。",
)


# -- who may (instead of a role permission) -----------------------------------------------------


def _volunteer(record) -> Volunteer | None:
    return Volunteer.get_or_none(Volunteer.id == record.volunteer_id)


def _is_the_volunteer(record, actor) -> bool:
    vol = _volunteer(record)
    actor_id = getattr(actor, "id", None)
    return bool(vol and vol.user_id is not None and vol.user_id == actor_id)


def may_log(record, actor, access):
    """The volunteer logs their own service; staff log a volunteer's service in their scope."""
    if _is_the_volunteer(record, actor):
        return None
    if access is None:
        return _("You can only log your own service.")
    if not access.can(RECORD, "create"):  # timebank.record:create (timebank:create covers it)
        return _("You are not allowed to do this.")
    in_scope = (
        Volunteer.select(Volunteer.id)
        .where(
            (Volunteer.id == record.volunteer_id)
            & access.scope_condition(Volunteer, PLUGIN, "create", resource=RECORD)
        )
        .exists()
    )
    return None if in_scope else _("This record is outside your data scope.")


def own_record(record, actor, access):
    if not _is_the_volunteer(record, actor):
        return _("You can only log your own service.")
    return None


# -- guards and validators --------------------------------------------------------------------


def active_volunteer(record, actor, access):
    vol = _volunteer(record)
    if vol is None:
        return _("Please choose the volunteer.")
    if vol.status != "active":
        return _("Only an active volunteer can do this.")
    return None


def valid_record(record, values, actor, access):
    """The period, the minutes, overlaps and the daily maximum (:func:`record_problem`)."""
    return record_problem(record, record_policy(record))


def not_own_confirmation(record, actor, access):
    if _is_the_volunteer(record, actor):
        return _("You cannot confirm your own service.")
    return None


def not_own_approval(record, actor, access):
    if _is_the_volunteer(record, actor):
        return _("You cannot approve your own service.")
    if same_hand(record, actor, record.created_by_id, record.confirmed_by_id):
        return _(
            "Separation of duties: the person who logged or confirmed this service cannot "
            "approve it (职责分离)."
        )
    return None


def not_logged_by_the_confirmer(record, actor, access):
    """职责分离 for a check-out: its log is the check-in (the volunteer's own, or the
    organiser's who checked them in); whoever checked the volunteer in does not also
    confirm the record as the organiser, where the district separates duties (see
    :func:`plugins.timebank.services.check_out`)."""
    if record.source != "checkout" or record.signup_id is None:
        return None
    signup = record.signup
    if signup.checked_by_id == signup.volunteer.user_id:
        return None  # the volunteer checked in: their log, the organiser's confirmation
    if same_hand(record, actor, signup.checked_by_id):
        return _(
            "Separation of duties: the person who checked the volunteer in logged this "
            "service and cannot also confirm it (职责分离)."
        )
    return None


def logged_by_this_organiser(record, actor, access):
    """The organiser's confirmation is given by the staff member who logged the service (at
    a check-out or by hand), never on a record the volunteer logged."""
    if record.source not in ("organiser", "checkout") or record.created_by_id != getattr(
        actor, "id", None
    ):
        return _("Only the organiser who logged this service can confirm it.")
    return None


def confirmer_named(record, values, actor, access):
    if not (values.get("confirmed_name") or "").strip():
        return _("Please give the name of the person confirming.")
    if values.get("confirm_method") not in ("served", "proxy"):
        return _("Unknown confirmation method.")
    return None


def not_confirmable(record) -> str:
    if record.confirmed_at is not None:
        return _("This service has already been confirmed.")
    return _("This service record is not waiting for confirmation.")


def second_approval_needed(record, actor, access):
    if not needs_second_approval(record):
        return _("This service record does not need a second approval.")
    return None


def single_approval_enough(record, actor, access):
    if record.status == "pending_review" and needs_second_approval(record):
        return _(
            "This service was logged more than %(days)s days after it took place: after your "
            "approval, someone else gives the second approval (初审通过，待复核).",
            days=record_policy(record).second_approval_days,
        )
    return None


def not_the_first_approver(record, actor, access):
    if record.status == "pending_second" and record.reviewed_by_id == getattr(actor, "id", None):
        return _("The second approval must be given by someone else.")
    return None


# -- what a step writes, and what it does after the move ---------------------------------------


def _confirmed(record, values, actor):
    return {"confirmed_by": actor, "confirmed_at": utcnow()}


def _confirmed_by_organiser(record, values, actor):
    name = (getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:64]
    return {
        "confirm_method": "organiser",
        "confirmed_name": name,
        "confirmed_by": actor,
        "confirmed_at": utcnow(),
    }


def _first_approval(record, values, actor):
    return {"reviewed_by": actor}


def _approved(record, values, actor):
    who = "second_reviewer" if record.status == "pending_second" else "reviewed_by"
    return {who: actor, "decided_at": utcnow()}


def _decided(record, values, actor):
    return {"decided_at": utcnow()}


def post_to_ledger(record, step):
    """An approved record posts its hours (and credits, per the policy) to the ledger."""
    services.post_service(record, step.actor, record_policy(record))


def take_back_posting(record, step):
    """A reversed record takes back what it posted; refused (and the step undone) when the
    credits have been spent."""
    services.reverse_service(record, step.actor, step.comment)


RECORD_FLOW = Workflow(
    PLUGIN,
    name="timebank_record",
    state_field="status",
    start=[
        Transition(
            "log",
            "登记",
            "Log",
            (),
            "pending_confirmation",
            permission=None,
            allow=may_log,
            guards=(active_volunteer,),
            validators=(valid_record,),
            deadline=CONFIRM,
        ),
        Transition(
            "draft",
            "保存草稿",
            "Save as draft",
            (),
            "draft",
            permission=None,
            allow=may_log,
            guards=(active_volunteer,),
            validators=(valid_record,),
        ),
        Transition(
            "report",
            "模块上报",
            "Reported by a module",
            (),
            "pending_review",
            permission=CREATE,
            guards=(active_volunteer,),
            validators=(valid_record,),
            deadline=REVIEW,
        ),
    ],
    states=[
        State("draft", "草稿", "Draft"),
        State("pending_confirmation", "待服务对象确认", "Awaiting confirmation"),
        State("pending_review", "待审核", "Awaiting review"),
        State("pending_second", "待复核", "Awaiting second approval"),
        State("approved", "已通过", "Approved"),
        State("rejected", "已驳回", "Rejected", terminal=True),
        State("reversed", "已冲销", "Reversed", terminal=True),
    ],
    transitions=[
        Transition(
            "submit",
            "提交确认",
            "Submit for confirmation",
            ("draft",),
            "pending_confirmation",
            permission=None,
            allow=own_record,
            guards=(active_volunteer,),
            validators=(valid_record,),
            deadline=CONFIRM,
            wrong_state=_l("Only a draft can be submitted."),
        ),
        Transition(
            "confirm",
            "服务对象确认",
            "Confirm the service",
            ("pending_confirmation",),
            "pending_review",
            permission=None,
            token_field="confirm_token",
            guards=(not_own_confirmation,),
            fields=("confirm_method", "confirmed_name"),
            validators=(confirmer_named,),
            effect=_confirmed,
            deadline=REVIEW,
            wrong_state=not_confirmable,
        ),
        Transition(
            "confirm_organiser",
            "组织者确认",
            "Confirm as the organiser",
            ("pending_confirmation",),
            "pending_review",
            permission=CREATE,
            guards=(not_own_confirmation, logged_by_this_organiser, not_logged_by_the_confirmer),
            effect=_confirmed_by_organiser,
            deadline=REVIEW,
            wrong_state=not_confirmable,
        ),
        Transition(
            "approve",
            "审核通过",
            "Approve",
            ("pending_review", "pending_second"),
            "approved",
            permission=APPROVE,
            guards=(not_own_approval, not_the_first_approver, single_approval_enough),
            effect=_approved,
            after=(post_to_ledger,),
            wrong_state=NOT_WAITING,
            style="success",
        ),
        Transition(
            "approve_first",
            "初审通过（待复核）",
            "Approve, for a second approval",
            ("pending_review",),
            "pending_second",
            permission=APPROVE,
            guards=(not_own_approval, second_approval_needed),
            effect=_first_approval,
            deadline=SECOND_REVIEW,
            wrong_state=NOT_WAITING,
            style="success",
        ),
        Transition(
            "reject",
            "驳回",
            "Reject",
            OPEN_RECORD_STATES,
            "rejected",
            permission=APPROVE,
            comment_required=True,
            comment_message=_l("Please give a reason."),
            comment_field="reject_reason",
            effect=_decided,
            wrong_state=NOT_WAITING,
            style="warning",
        ),
        Transition(
            "reverse",
            "冲销",
            "Reverse",
            ("approved",),
            "reversed",
            permission=APPROVE,
            comment_required=True,
            comment_message=_l("Please give a reason."),
            after=(take_back_posting,),
            wrong_state=_l("Only an approved service record can be reversed."),
            style="danger",
            todo=False,
        ),
    ],
)
RECORD_FLOW.bind(ServiceRecord)
