"""Meetings, the parts added on branch ow-ballots (业主大会会议): the residents' committee told
of a meeting and its opinion (告知居委会并听取意见), provisional meetings requested by owners
(临时会议), the results published on the community's notice board (公告), and the overdue
publication. Each refusal raises :class:`~core.services.ServiceError` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

from core.db import db
from core.models import TerritoryUnit, User
from core.workdays import today

from . import rules
from .models import (
    PLUGIN,
    Matter,
    Meeting,
    Owner,
    ProvisionalRequest,
    ProvisionalRequester,
    ResidentsCommitteeNotice,
)
from .services import (
    _announce,
    _require,
    check_in_compound,
    compound_of,
    holdings,
    refuse,
    setting,
)

RESULT_WORDS = {"passed": "通过", "rejected": "未通过", "not_quorate": "参与表决未达法定比例"}

# -- the residents' committee (《物业管理条例》第十四条; 北京条例第三十五条) --------------------


def notices_of(meeting: Meeting) -> list[ResidentsCommitteeNotice]:
    return list(
        ResidentsCommitteeNotice.select()
        .where(ResidentsCommitteeNotice.meeting == meeting.id)
        .order_by(ResidentsCommitteeNotice.id)
    )


def tell_residents_committee(
    meeting: Meeting, committee_name: str, on: dt.date, actor: User, access=None
) -> ResidentsCommitteeNotice:
    """Record that the residents' committee was told of the meeting (before the notice)."""
    _require(access)
    if not (committee_name or "").strip():
        raise refuse("Please name the residents' committee that was told.")
    if on is None:
        raise refuse("Please give the date the residents' committee was told.")
    if meeting.status not in ("draft", "noticed"):
        raise refuse("This step is not possible in the meeting's current status.")
    with db.atomic():
        record = ResidentsCommitteeNotice.create(
            unit=meeting.unit_id,
            meeting=meeting,
            committee_name=committee_name.strip(),
            notified_on=on,
            created_by=actor,
            updated_by=actor,
        )
        _announce("created", record, actor, summary=f"告知居委会: {meeting.title}")
    return record


def record_opinion(
    notice: ResidentsCommitteeNotice, text: str, on: dt.date, actor: User, access=None
) -> ResidentsCommitteeNotice:
    """The residents' committee's opinion (听取意见): once, with its date."""
    _require(access)
    if not (text or "").strip():
        raise refuse("Please write down the residents' committee's opinion.")
    if notice.opinion_on is not None:
        raise refuse("The opinion has already been recorded.")
    if on is None or on < notice.notified_on:
        raise refuse("The opinion cannot be dated before the committee was told.")
    with db.atomic():
        ResidentsCommitteeNotice.update(
            opinion=text.strip(), opinion_on=on, updated_by=actor
        ).where(ResidentsCommitteeNotice.id == notice.id).execute()
        notice = ResidentsCommitteeNotice.get_by_id(notice.id)
        _announce("updated", notice, actor, summary="居委会意见")
    return notice


def check_residents_committee_told(meeting: Meeting, on: dt.date) -> None:
    """《物业管理条例》第十四条: the notice goes out and the residents' committee is told at the
    same time, so a notice without a record of telling it (on or before the notice day) is
    refused."""
    told = [n for n in notices_of(meeting) if n.notified_on <= on]
    if not told:
        raise refuse(
            "Tell the residents' committee of the meeting and record it before giving notice."
        )


# -- provisional meetings (《物业管理条例》第十三条) --------------------------------------------


def request_provisional(
    compound: TerritoryUnit, title: str, actor: User, reason: str = "", access=None
) -> ProvisionalRequest:
    _require(access)
    if not (title or "").strip():
        raise refuse("Please fill in the title.")
    record = ProvisionalRequest(unit=compound.id, title=title.strip(), reason=reason or "")
    check_in_compound(record)
    with db.atomic():
        record.created_by = record.updated_by = actor
        record.save()
        _announce("created", record, actor, summary=f"临时会议提议: {record.title}")
    return record


def add_requester(
    request: ProvisionalRequest, owner: Owner, on: dt.date, actor: User, access=None
) -> ProvisionalRequester:
    """Record one owner who signed the request."""
    _require(access)
    if request.status != "collecting":
        raise refuse("This request has already been accepted.")
    if owner.unit_id != request.unit_id:
        raise refuse("The owner and the unit must belong to the same compound.")
    if (
        ProvisionalRequester.select()
        .where(
            (ProvisionalRequester.request == request.id) & (ProvisionalRequester.owner == owner.id)
        )
        .exists()
    ):
        raise refuse("This owner has already signed the request.")
    with db.atomic():
        return ProvisionalRequester.create(
            unit=request.unit_id,
            request=request,
            owner=owner,
            signed_on=on or today(),
            created_by=actor,
            updated_by=actor,
        )


def area_text(value) -> str:
    """An area to two decimals, the same on every database."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def request_support(request: ProvisionalRequest) -> dict:
    """The requesting owners' area and heads against the compound's totals, and whether the
    request reaches the threshold (setting ``provisional_percent`` on ``provisional_basis``)."""
    compound = TerritoryUnit.get_by_id(request.unit_id)
    units = holdings(compound)
    owners = {r.owner_id for r in request.requesters}
    theirs = [h for h in units if h.owners & owners]
    area = rules.total_area(theirs)
    heads = len({rules.head_key(h) for h in theirs})
    total_area = rules.total_area(units)
    total_heads = rules.headcount(units)
    percent = int(setting(request, "provisional_percent"))
    basis = str(setting(request, "provisional_basis"))
    ok, by_area, by_heads = rules.provisional_accepted(
        basis, percent, total_area, total_heads, area, heads
    )
    return {
        "accepted": ok,
        "by_area": by_area,
        "by_heads": by_heads,
        "area": area,
        "heads": heads,
        "total_area": total_area,
        "total_heads": total_heads,
        "percent": percent,
        "basis": basis,
    }


def accept_provisional(
    request: ProvisionalRequest,
    opens_on: dt.date,
    closes_on: dt.date,
    actor: User,
    on: dt.date | None = None,
    access=None,
) -> Meeting:
    """Accept the request once the owners reach the threshold: a draft provisional meeting is
    created for it (the committee then convenes it with the usual notice)."""
    _require(access)
    if request.status != "collecting":
        raise refuse("This request has already been accepted.")
    support = request_support(request)
    if not support["accepted"]:
        raise refuse(
            "The request has %(heads)s of %(total_heads)s owners (%(area)s of %(total_area)s"
            " m²); a provisional meeting needs %(percent)s%% of the owners.",
            heads=support["heads"],
            total_heads=support["total_heads"],
            area=area_text(support["area"]),
            total_area=area_text(support["total_area"]),
            percent=support["percent"],
        )
    if opens_on is None or closes_on is None or closes_on < opens_on:
        raise refuse("Voting must close on or after the day it opens.")
    with db.atomic():
        meeting = Meeting.create(
            unit=request.unit_id,
            title=request.title,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=actor,
            updated_by=actor,
        )
        ProvisionalRequest.update(
            status="accepted", accepted_on=on or today(), meeting=meeting, updated_by=actor
        ).where(
            (ProvisionalRequest.id == request.id) & (ProvisionalRequest.status == "collecting")
        ).execute()
        _announce("created", meeting, actor, summary=f"临时会议: {meeting.title}")
    return meeting


# -- publication (公告) ----------------------------------------------------------------------


def results_text(meeting: Meeting) -> str:
    lines = []
    for matter in Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id):
        counts = json.loads(matter.tally or "{}")
        if not counts:
            continue
        lines.append(
            f"{matter.title}：{RESULT_WORDS.get(matter.result, matter.result)}。"
            f"参与表决面积 {counts['participating']['area']} / {counts['total_area']} 平方米，"
            f"人数 {counts['participating']['heads']} / {counts['total_heads']} 人；"
            f"同意面积 {counts['agree']['area']} 平方米，人数 {counts['agree']['heads']} 人。"
        )
    return "\n".join(lines)


def publish_results(meeting: Meeting, actor: User):
    """Put the results on the community's board through core publicity; the body links the
    anonymised ballot list from which anyone can recompute the tally."""
    from core import publicity

    compound = compound_of(meeting)
    district = TerritoryUnit.get_by_id(compound.district_id)
    body = (
        results_text(meeting)
        + f"\n表决票明细（匿名）：/public/owners/ballots/{meeting.id}?district={district.code}"
    )
    return publicity.publish(
        f"业主大会表决结果公告：{meeting.title}",
        compound,
        body=body,
        starts_on=max(meeting.published_on or today(), today()),
        record=meeting,
        plugin="owners",
        actor=actor,
    )


def publication_state(meeting: Meeting, on: dt.date | None = None) -> str:
    """'' (nothing due), 'due', 'overdue' (tallied, deadline passed), 'late' (published after
    the deadline) or 'on_time'."""
    on = on or today()
    if meeting.publish_due is None:
        return ""
    if meeting.status == "tallied":
        return "overdue" if on > meeting.publish_due else "due"
    if meeting.published_on is not None:
        return "late" if meeting.published_on > meeting.publish_due else "on_time"
    return ""


def unfiled_decisions(district) -> list[tuple[Meeting, dt.date]]:
    """Published meetings whose decisions were not filed within ``decision_filing_days``,
    each with its due date."""
    from core.app import kernel_state

    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    days = int(kernel_state().settings.get(district.id, PLUGIN, "decision_filing_days"))
    late = Meeting.select().where(
        (Meeting.status == "published")
        & (Meeting.published_on < today() - dt.timedelta(days=days))
        & Meeting.unit.in_(units)
    )
    return [(m, m.published_on + dt.timedelta(days=days)) for m in late]


def overdue_publications(district) -> list[Meeting]:
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    return list(
        Meeting.select().where(
            (Meeting.status == "tallied")
            & (Meeting.publish_due < today())
            & Meeting.unit.in_(units)
        )
    )


# -- the dry-run calculator (试算) -----------------------------------------------------------


def compound_totals(compound: TerritoryUnit) -> tuple[Decimal, int]:
    units = holdings(compound)
    return rules.total_area(units), rules.headcount(units)


def calculate(kind: str, total_area, total_heads, part_area, part_heads, agree_area, agree_heads):
    """The calculator page's work: refuse impossible numbers in Chinese, else the verdicts."""
    try:
        values = [Fraction(str(v).strip()) for v in (total_area, part_area, agree_area)]
        heads = [int(str(v).strip()) for v in (total_heads, part_heads, agree_heads)]
    except (TypeError, ValueError, ZeroDivisionError):
        raise refuse("Please enter numbers.") from None
    if any(v < 0 for v in values) or any(h < 0 for h in heads):
        raise refuse("Please enter numbers.")
    if not (values[2] <= values[1] <= values[0]) or not (heads[2] <= heads[1] <= heads[0]):
        raise refuse(
            "Agreeing cannot exceed participating, and participating cannot exceed the total."
        )
    if kind not in ("ordinary", "special"):
        raise refuse("Please choose the kind of matter.")
    return rules.dry_run(kind, values[0], heads[0], values[1], heads[1], values[2], heads[2])
