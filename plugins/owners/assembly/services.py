"""Meetings of the owners' assembly (业主大会会议): the agenda (表决事项, frozen once noticed),
the steps of a meeting from draft to filed, each a compare-and-set move announced as an
event (:func:`_move` and the transitions below it), the tally, the publication of the results
on the community's notice board (公告) and its deadline, the filing of the decisions (备案),
provisional meetings requested by owners (临时会议), and the dry-run calculator (试算).
Each refusal raises :class:`~core.services.ServiceError` in the user's language and writes
nothing. The voting rules are in :mod:`.rules`; ballots in :mod:`.ballots`.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

from core.db import db
from core.events import snapshot
from core.models import TerritoryUnit, User, utcnow
from core.workdays import today

from ..committees.services import check_residents_committee_told
from ..register import rules as register_rules
from ..register.services import check_in_compound, compound_of, holdings
from ..shared.services import PLUGIN, announce, district_units, refuse, require_update, setting
from . import rules
from .ballots import electorate, latest_ballots
from .models import Matter, Meeting, Owner, ProvisionalRequest, ProvisionalRequester

# -- the agenda (表决事项) -------------------------------------------------------------------------


def check_matter_change(meeting: Meeting) -> None:
    """The agenda is frozen once noticed (不得就公告以外的事项表决)."""
    if meeting.status != "draft":
        raise refuse("The agenda is frozen once the meeting has been noticed.")


def add_matter(
    meeting: Meeting, title: str, item: str, actor: User, description: str = "", access=None
) -> Matter:
    require_update(access)
    check_matter_change(meeting)
    if not (title or "").strip():
        raise refuse("Please fill in the title.")
    if item not in rules.ITEMS:
        raise refuse("Unknown Civil Code item: %(item)s.", item=item)
    with db.atomic():
        matter = Matter.create(
            unit=meeting.unit_id,
            meeting=meeting,
            title=title.strip(),
            item=item,
            kind=rules.kind_of(item),
            description=description,
            created_by=actor,
            updated_by=actor,
        )
        announce("created", matter, actor, summary=f"表决事项: {matter.title}")
    return matter


# -- the steps of a meeting: draft → noticed → voting open → voting closed → tallied →
#    published → filed -----------------------------------------------------------------------------


def _move(meeting: Meeting, to: str, actor: User, **values) -> Meeting:
    before = snapshot(meeting)
    with db.atomic():
        changed = (
            Meeting.update(status=to, updated_by=actor, updated_at=utcnow(), **values)
            .where((Meeting.id == meeting.id) & (Meeting.status == meeting.status))
            .execute()
        )
        if changed != 1:
            raise refuse("Someone else has just changed this meeting; reload the page.")
        meeting = Meeting.get_by_id(meeting.id)
        announce(
            "state_changed", meeting, actor, before, summary=f"业主大会: {meeting.title} → {to}"
        )
    return meeting


def _expect(meeting: Meeting, status: str) -> None:
    if meeting.status != status:
        raise refuse("This step is not possible in the meeting's current status.")


def notice(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    """draft → noticed: the notice goes out at least ``notice_days`` days before voting opens."""
    require_update(access)
    _expect(meeting, "draft")
    on = on or today()
    if not Matter.select().where(Matter.meeting == meeting.id).exists():
        raise refuse("Add at least one matter to the agenda first.")
    if meeting.closes_on < meeting.opens_on:
        raise refuse("Voting must close on or after the day it opens.")
    days = int(setting(meeting, "notice_days"))
    if rules.notice_problem(on, meeting.opens_on, days):
        raise refuse(
            "The notice must be given at least %(days)s days before voting opens.", days=days
        )
    check_residents_committee_told(meeting, on)
    return _move(meeting, "noticed", actor, noticed_on=on)


def open_voting(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    require_update(access)
    _expect(meeting, "noticed")
    on = on or today()
    if not rules.in_window(on, meeting.opens_on, meeting.closes_on):
        raise refuse(
            "Voting can only be opened between %(start)s and %(end)s.",
            start=meeting.opens_on.isoformat(),
            end=meeting.closes_on.isoformat(),
        )
    return _move(meeting, "voting_open", actor)


def close_voting(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    require_update(access)
    _expect(meeting, "voting_open")
    on = on or today()
    if on <= meeting.closes_on:
        raise refuse(
            "Voting stays open until the end of %(end)s.", end=meeting.closes_on.isoformat()
        )
    return _move(meeting, "voting_closed", actor)


def tally_meeting(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    """voting_closed → tallied: counts every matter (area and heads separately)."""
    require_update(access)
    _expect(meeting, "voting_closed")
    on = on or today()
    units = holdings(compound_of(meeting))
    with db.atomic():
        for matter in Matter.select().where(Matter.meeting == meeting.id):
            result = rules.tally(matter.kind, electorate(matter, units), latest_ballots(matter))
            Matter.update(
                result=result.result, tally=json.dumps(result.as_dict(), ensure_ascii=False)
            ).where(Matter.id == matter.id).execute()
        days = int(setting(meeting, "publish_days"))
        meeting = _move(
            meeting, "tallied", actor, tallied_on=on, publish_due=on + dt.timedelta(days=days)
        )
    return meeting


def publish(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    """tallied → published: the results go on the community's notice board (core publicity,
    《物业管理条例》第二十条 / 北京条例第三十七条); a publication after ``publish_due`` stays
    visible as late."""
    require_update(access)
    _expect(meeting, "tallied")
    with db.atomic():
        meeting = _move(meeting, "published", actor, published_on=on or today())
        publish_results(meeting, actor)
    return meeting


def file_decisions(
    meeting: Meeting, actor: User, on: dt.date | None = None, access=None
) -> Meeting:
    """published → filed (备案): the published decisions are told to the residents' committee
    and filed with the street office (《物业管理条例》第二十条); both are the compound's parent
    units, recorded by name. Due ``decision_filing_days`` after publication (see reports)."""
    require_update(access)
    _expect(meeting, "published")
    on = on or today()
    if meeting.published_on and on < meeting.published_on:
        raise refuse("The decisions cannot be filed before they were published.")
    compound = compound_of(meeting)
    offices = []
    unit = compound.parent
    while unit is not None:
        if unit.level in ("community", "street"):
            offices.append(unit.name)
        unit = unit.parent
    if not offices:
        raise refuse("The compound has no community or street above it to file with.")
    return _move(meeting, "filed", actor, filed_on=on, filed_with="、".join(offices)[:200])


# -- provisional meetings (《物业管理条例》第十三条) --------------------------------------------


def request_provisional(
    compound: TerritoryUnit, title: str, actor: User, reason: str = "", access=None
) -> ProvisionalRequest:
    require_update(access)
    if not (title or "").strip():
        raise refuse("Please fill in the title.")
    record = ProvisionalRequest(unit=compound.id, title=title.strip(), reason=reason or "")
    check_in_compound(record)
    with db.atomic():
        record.created_by = record.updated_by = actor
        record.save()
        announce("created", record, actor, summary=f"临时会议提议: {record.title}")
    return record


def add_requester(
    request: ProvisionalRequest, owner: Owner, on: dt.date, actor: User, access=None
) -> ProvisionalRequester:
    """Record one owner who signed the request."""
    require_update(access)
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


def request_support(request: ProvisionalRequest) -> dict:
    """The requesting owners' area and heads against the compound's totals, and whether the
    request reaches the threshold (setting ``provisional_percent`` on ``provisional_basis``)."""
    compound = TerritoryUnit.get_by_id(request.unit_id)
    units = holdings(compound)
    owners = {r.owner_id for r in request.requesters}
    theirs = [h for h in units if h.owners & owners]
    area = register_rules.total_area(theirs)
    heads = len({register_rules.head_key(h) for h in theirs})
    total_area = register_rules.total_area(units)
    total_heads = register_rules.headcount(units)
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
    require_update(access)
    if request.status != "collecting":
        raise refuse("This request has already been accepted.")
    support = request_support(request)
    if not support["accepted"]:
        raise refuse(
            "The request has %(heads)s of %(total_heads)s owners (%(area)s of %(total_area)s"
            " m²); a provisional meeting needs %(percent)s%% of the owners.",
            heads=support["heads"],
            total_heads=support["total_heads"],
            area=register_rules.area_text(support["area"]),
            total_area=register_rules.area_text(support["total_area"]),
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
        announce("created", meeting, actor, summary=f"临时会议: {meeting.title}")
    return meeting


# -- publication (公告) ----------------------------------------------------------------------

RESULT_WORDS = {"passed": "通过", "rejected": "未通过", "not_quorate": "参与表决未达法定比例"}


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

    units = district_units(district)
    days = int(kernel_state().settings.get(district.id, PLUGIN, "decision_filing_days"))
    late = Meeting.select().where(
        (Meeting.status == "published")
        & (Meeting.published_on < today() - dt.timedelta(days=days))
        & Meeting.unit.in_(units)
    )
    return [(m, m.published_on + dt.timedelta(days=days)) for m in late]


def overdue_publications(district) -> list[Meeting]:
    units = district_units(district)
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
    return register_rules.total_area(units), register_rules.headcount(units)


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
