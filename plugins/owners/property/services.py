"""Property service operations (物业服务): companies, service contracts with their notice
timers, the compound's service model, complaints with deadlines and ratings, disputes
referred to mediation (a core case), and joint meetings (联席会议) whose decisions are
published as public notices.

- Contracts: 《民法典》第九百四十六条 (owners dismissing the company give 60 days' written
  notice) and 第九百四十七条 (a company not renewing tells the owners 90 days before expiry);
  both numbers are per-district settings.
- Service models: the four models of the source documents [seeds 004:315]: professional
  property company (专业型物业公司服务), community paid low-profit (社区型有偿微利服务), employer
  (单位型物业服务) and owners' self-governed (自治型业主物业服务).
- Disputes: the property-service dispute mediation system (物业服务纠纷人民调解制度) [004:313],
  using the core dispute flow (:mod:`core.cases`, category 矛盾纠纷).

Every command takes the caller's :class:`~core.commands.Context` first.
"""

from __future__ import annotations

import datetime as dt

from core.commands import Context, refuse
from core.db import db
from core.events import snapshot
from core.models import TerritoryUnit, User, utcnow
from core.workdays import today

from ..shared.services import (
    PLUGIN,
    announce,
    compound_chosen,
    require_update,
    setting,
)
from . import rules
from .models import (
    Complaint,
    Dispute,
    JointMeeting,
    ServiceContract,
)

# -- companies and contracts ------------------------------------------------------------------


def contract_notices(contract: ServiceContract) -> dict:
    """The renewal and dismissal notice dates of a contract and whether each is near (within
    ``contract_alert_days``) or past, seen from today."""
    dates = rules.notice_dates(
        contract.ends_on,
        int(setting(contract, "renewal_notice_days")),
        int(setting(contract, "dismissal_notice_days")),
    )
    alert = dt.timedelta(days=int(setting(contract, "contract_alert_days")))
    now = today()
    running = contract.terminated_on is None and now <= contract.ends_on
    return {
        name: {
            "due": due,
            "alert": running and now >= due - alert,
            "past": running and now > due,
        }
        for name, due in dates.items()
    }


# -- complaints -------------------------------------------------------------------------------


def file_complaint(
    ctx: Context,
    compound: TerritoryUnit | None,
    title: str,
    body: str,
    on: dt.date | None = None,
) -> Complaint:
    """A resident (``ctx.actor``, the complainant) files a complaint about the property
    service of a compound (one where they are a registered owner, chosen on the portal); it
    must be handled within ``complaint_days`` days."""
    complainant = ctx.actor
    compound = compound_chosen(compound)
    if complainant is None or not getattr(complainant, "id", None):
        raise refuse("Please log in first.")
    title = (title or "").strip()
    if not title:
        raise refuse("Please fill in the subject.")
    if len(title) > 200:
        raise refuse("The subject can have at most 200 characters.")
    on = on or ctx.today()
    with db.atomic():
        complaint = Complaint(
            unit=compound.id,
            complainant=complainant,
            title=title,
            body=(body or "").strip(),
            filed_on=on,
            created_by=complainant,
            updated_by=complainant,
        )
        complaint.due_on = on + dt.timedelta(days=int(setting(complaint, "complaint_days")))
        complaint.save()
        announce("created", complaint, complainant, summary=f"物业投诉: {title}")
    return complaint


def _change(complaint: Complaint, expected: str, actor: User, **values) -> Complaint:
    before = snapshot(complaint)
    with db.atomic():
        changed = (
            Complaint.update(updated_by=actor, updated_at=utcnow(), **values)
            .where((Complaint.id == complaint.id) & (Complaint.status == expected))
            .execute()
        )
        if changed != 1:
            raise refuse("Someone else has just changed this complaint; reload the page.")
        complaint = Complaint.get_by_id(complaint.id)
        announce("updated", complaint, actor, before, summary=f"物业投诉: {complaint.title}")
    return complaint


def handle_complaint(
    ctx: Context, complaint: Complaint, handling: str, on: dt.date | None = None
) -> Complaint:
    """Record how an open complaint was handled."""
    require_update(ctx, Complaint)
    if complaint.status != "open":
        raise refuse("This complaint has already been handled.")
    if not (handling or "").strip():
        raise refuse("Describe how the complaint was handled.")
    return _change(
        complaint,
        "open",
        ctx.actor,
        status="handled",
        handling=handling.strip(),
        handled_on=on or ctx.today(),
    )


def rate_complaint(ctx: Context, complaint: Complaint, rating, comment: str = "") -> Complaint:
    """The complainant (``ctx.actor``) rates the handling (1-5), once, after it has been
    handled."""
    actor = ctx.actor
    if actor is None or complaint.complainant_id != getattr(actor, "id", None):
        raise refuse("Only the resident who filed the complaint can rate its handling.")
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = None
    if value not in rules.RATINGS or str(rating).strip() not in {str(r) for r in rules.RATINGS}:
        raise refuse("The rating must be a whole number from 1 to 5.")
    if complaint.status != "handled":
        raise refuse("A complaint can be rated once, after it has been handled.")
    return _change(
        complaint, "handled", actor, status="rated", rating=value, rating_comment=comment.strip()
    )


def is_overdue(complaint: Complaint, on: dt.date | None = None) -> bool:
    return rules.complaint_overdue(complaint.status, complaint.due_on, on or today())


# -- disputes and joint meetings --------------------------------------------------------------


def refer_to_mediation(ctx: Context, dispute: Dispute) -> Dispute:
    """Refer a property dispute to mediation: a core case (矛盾纠纷) received by ``ctx.actor``,
    who becomes its first-contact person; the case follows the core dispute flow."""
    from core.cases.models import Case
    from core.cases.services import receive
    from core.workflow import WorkflowError

    require_update(ctx, Dispute)
    actor = ctx.actor
    if dispute.case_id:
        raise refuse("This dispute has already been referred to mediation.")
    case = Case(
        unit=dispute.unit_id,
        title=f"物业纠纷：{dispute.title}"[:200],
        description=f"当事方：{dispute.parties}\n{dispute.description}".strip(),
        category="dispute",
        source="window",
        requester_name=(dispute.parties or "")[:64],
    )
    before = snapshot(dispute)
    with db.atomic():
        try:
            receive(ctx, case, comment="物业纠纷调解")
        except WorkflowError as exc:
            raise refuse(str(exc)) from None
        changed = (
            Dispute.update(case_id=case.id, updated_by=actor, updated_at=utcnow())
            .where((Dispute.id == dispute.id) & Dispute.case_id.is_null())
            .execute()
        )
        if changed != 1:
            raise refuse("This dispute has already been referred to mediation.")
        dispute = Dispute.get_by_id(dispute.id)
        announce("updated", dispute, actor, before, summary=f"物业纠纷转调解: {dispute.title}")
    return dispute


def publish_decisions(ctx: Context, meeting: JointMeeting) -> JointMeeting:
    """Publish the decisions of a joint meeting as a public notice (公示) on the community's
    board; the meeting is then frozen."""
    from core.publicity import publish

    require_update(ctx, JointMeeting)
    actor = ctx.actor
    if meeting.publication_id:
        raise refuse("The decisions of this meeting have already been published.")
    if not (meeting.decisions or "").strip():
        raise refuse("Write down the decisions before publishing them.")
    before = snapshot(meeting)
    with db.atomic():
        notice = publish(
            Context.trusted(actor=actor),
            f"联席会议决定：{meeting.topic}"[:200],
            TerritoryUnit.get_by_id(meeting.unit_id),
            body=f"会议日期：{meeting.held_on.isoformat()}\n参会：{meeting.attendees}\n\n"
            f"决定事项：\n{meeting.decisions}",
            record=meeting,
            plugin=PLUGIN,
        )
        JointMeeting.update(publication_id=notice.id, updated_by=actor, updated_at=utcnow()).where(
            JointMeeting.id == meeting.id
        ).execute()
        meeting = JointMeeting.get_by_id(meeting.id)
        announce("updated", meeting, actor, before, summary=f"联席会议决定公示: {meeting.topic}")
    return meeting
