"""Owners' assembly operations (业主大会服务): everything that changes state, each in one
transaction, each announced with an event. A refusal raises
:class:`~core.services.ServiceError` with a message in the user's language, and nothing is
written. The rules are in :mod:`plugins.owners.rules`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

import peewee as pw

from core import territory
from core.db import db
from core.events import Event, diff, emit, snapshot
from core.i18n import gettext as _
from core.models import TerritoryUnit, User, utcnow
from core.services import ServiceError
from core.workdays import today

from . import rules
from .models import PLUGIN, BallotLog, Matter, Meeting, Owner, Ownership, Premises


def refuse(message: str, **values) -> ServiceError:
    return ServiceError(_(message, **values))


def setting(record, key: str):
    from core.app import kernel_state

    district_id = TerritoryUnit.get_by_id(record.unit_id).district_id
    return kernel_state().settings.get(district_id, PLUGIN, key)


def _announce(name: str, record, actor, before=None, summary: str = "", data=None) -> None:
    emit(
        Event(
            name,
            plugin=PLUGIN,
            record=record,
            actor=actor,
            district_id=TerritoryUnit.get_by_id(record.unit_id).district_id,
            changes=diff(before or {}, snapshot(record)),
            summary=summary[:255],
            data=data or {},
        )
    )


def _require(access) -> None:
    if access is not None and not access.can(PLUGIN, "update"):
        raise refuse("You are not allowed to do this.")


# -- register ----------------------------------------------------------------------------------


def compound_of(meeting: Meeting) -> TerritoryUnit:
    return TerritoryUnit.get_by_id(meeting.unit_id)


def holdings(compound: TerritoryUnit) -> list[rules.Holding]:
    """Every exclusive unit in the compound's buildings, as the rules see it."""
    owners: dict[int, set[int]] = {}
    developer: set[int] = set()
    inside = Premises.unit.in_(territory.subtree_ids(compound))
    premises = list(Premises.select(Premises.id, Premises.area).where(inside).tuples())
    links = (
        Ownership.select(Ownership.premises, Ownership.owner, Owner.is_developer)
        .join(Owner)
        .join_from(Ownership, Premises)
        .where(inside)
        .tuples()
    )
    for premises_id, owner_id, is_developer in links:
        owners.setdefault(premises_id, set()).add(owner_id)
        if is_developer:
            developer.add(premises_id)
    return [
        rules.Holding(pid, area, frozenset(owners.get(pid, ())), developer_unsold=pid in developer)
        for pid, area in premises
    ]


def premises_of(owner: Owner, compound: TerritoryUnit) -> list[Premises]:
    return list(
        Premises.select()
        .join(Ownership)
        .where((Ownership.owner == owner.id) & Premises.unit.in_(territory.subtree_ids(compound)))
        .order_by(Premises.number)
    )


def _level(unit_id) -> str | None:
    unit = TerritoryUnit.get_or_none(TerritoryUnit.id == unit_id)
    return unit.level if unit else None


def check_in_compound(record) -> None:
    """Owners and meetings belong to a compound (小区)."""
    if _level(record.unit_id) != "compound":
        raise refuse("Please choose a compound.")


def check_premises(premises: Premises) -> None:
    """A unit lies in a building and has a positive exclusive area."""
    if _level(premises.unit_id) != "building":
        raise refuse("A unit must be registered in a building.")
    if premises.area is None or premises.area <= 0:
        raise refuse("The exclusive area must be more than zero.")


def check_ownership(link: Ownership) -> None:
    """The owner and the unit belong to the same compound; the link lies with the unit."""
    premises = Premises.get_by_id(link.premises_id)
    owner = Owner.get_by_id(link.owner_id)
    building = TerritoryUnit.get_by_id(premises.unit_id)
    if building.parent_id != owner.unit_id:
        raise refuse("The owner and the unit must belong to the same compound.")
    link.unit = premises.unit_id


# -- meetings ----------------------------------------------------------------------------------


def check_matter_change(meeting: Meeting) -> None:
    """The agenda is frozen once noticed (不得就公告以外的事项表决)."""
    if meeting.status != "draft":
        raise refuse("The agenda is frozen once the meeting has been noticed.")


def add_matter(
    meeting: Meeting, title: str, item: str, actor: User, description: str = "", access=None
) -> Matter:
    _require(access)
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
        _announce("created", matter, actor, summary=f"表决事项: {matter.title}")
    return matter


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
        _announce(
            "state_changed", meeting, actor, before, summary=f"业主大会: {meeting.title} → {to}"
        )
    return meeting


def _expect(meeting: Meeting, status: str) -> None:
    if meeting.status != status:
        raise refuse("This step is not possible in the meeting's current status.")


def notice(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    """draft → noticed: the notice goes out at least ``notice_days`` days before voting opens."""
    _require(access)
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
    from .meetings import check_residents_committee_told

    check_residents_committee_told(meeting, on)
    return _move(meeting, "noticed", actor, noticed_on=on)


def open_voting(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    _require(access)
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
    _require(access)
    _expect(meeting, "voting_open")
    on = on or today()
    if on <= meeting.closes_on:
        raise refuse(
            "Voting stays open until the end of %(end)s.", end=meeting.closes_on.isoformat()
        )
    return _move(meeting, "voting_closed", actor)


def tally_meeting(meeting: Meeting, actor: User, on: dt.date | None = None, access=None) -> Meeting:
    """voting_closed → tallied: counts every matter (area and heads separately)."""
    _require(access)
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
    _require(access)
    _expect(meeting, "tallied")
    from .meetings import publish_results

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
    _require(access)
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


def electorate(matter: Matter, units: list[rules.Holding]) -> list[rules.Holding]:
    """The units that vote on ``matter`` (ow-fund): for using the maintenance fund, the units
    that bear the cost (列支范围, 《住宅专项维修资金管理办法》第二十二、二十三条); otherwise every
    unit of the compound."""
    from .fund import affected_unit_ids

    ids = affected_unit_ids(matter)
    return units if ids is None else [h for h in units if h.unit_id in ids]


def in_electorate(matter: Matter, premises_id: int) -> bool:
    from .fund import affected_unit_ids

    ids = affected_unit_ids(matter)
    return ids is None or premises_id in ids


# -- ballots -----------------------------------------------------------------------------------


def latest_ballots(matter: Matter) -> dict[int, str]:
    """The current choice per unit: the latest row of the log for each unit."""
    query = (
        BallotLog.select(BallotLog.premises, BallotLog.choice)
        .where(BallotLog.matter == matter.id)
        .order_by(BallotLog.id)
        .tuples()
    )
    return dict(query)  # later rows replace earlier ones


def row_hash(
    prev_hash: str | None,
    matter_id,
    premises_id,
    owner_id,
    choice,
    receipt,
    at,
    channel=None,
    proxy_id=None,
) -> str:
    values = [
        prev_hash or "",
        matter_id,
        premises_id,
        owner_id,
        choice,
        receipt,
        at.replace(microsecond=0).isoformat(),
    ]
    if channel:  # ow-ballots: proxy and paper ballots also seal how they came in
        values += [channel, proxy_id or ""]
    text = "|".join(str(v) for v in values)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cast(
    owner: Owner,
    matter: Matter,
    choice: str,
    actor: User,
    on: dt.date | None = None,
    proxy=None,
    access=None,
) -> list[BallotLog]:
    """The owner votes ``choice`` on ``matter`` for each unit they hold in the compound (one
    ballot per unit; a new ballot replaces the unit's previous one, which stays in the log).

    With ``proxy`` (an active :class:`~plugins.owners.models.Proxy` of this owner and
    meeting) the proxy votes for the owner: ``actor`` is the proxy's login, or staff entering
    the proxy's ballot (``access`` with update rights)."""
    meeting = Meeting.get_by_id(matter.meeting_id)
    from .ballots import check_voter

    check_voter(owner, meeting, actor, proxy, access)
    if choice not in rules.CHOICES:
        raise refuse("Unknown choice: %(choice)s.", choice=choice)
    on = on or today()
    if meeting.status != "voting_open" or not rules.in_window(
        on, meeting.opens_on, meeting.closes_on
    ):
        raise refuse("Voting on this meeting is not open.")
    units = premises_of(owner, compound_of(meeting))
    if not units:
        raise refuse("You hold no unit in this compound.")
    channel = "proxy" if proxy is not None else None
    return record_ballots(owner, matter, meeting, units, choice, actor, channel, proxy)


def record_ballots(
    owner, matter, meeting, units, choice, actor, channel=None, proxy=None, same_ok=False
) -> list[BallotLog]:
    """Append the ballots of ``owner`` (through ``proxy`` if given) for ``units``, refusing a
    second ballot for a unit that someone else has already voted for (a change by the same
    voter is allowed). With ``same_ok``, an unchanged ballot is no refusal (paper entry).

    Only units in the matter's electorate vote (ow-fund: a use of the maintenance fund is
    voted by the units that bear its cost, 列支范围), on every path: portal, proxy, paper."""
    from .ballots import check_second_ballot
    from .fund import affected_unit_ids

    ids = affected_unit_ids(matter)
    units = [p for p in units if ids is None or p.id in ids]
    if not units:
        raise refuse("None of your units bears the cost of this matter, so you do not vote on it.")
    current = latest_ballots(matter)
    check_second_ballot(matter, units, owner, proxy)
    if all(current.get(p.id) == choice for p in units):
        if same_ok:
            return []
        raise refuse("You have already cast this ballot.")
    for _attempt in range(5):
        try:
            return _append(owner, matter, meeting, units, current, choice, actor, channel, proxy)
        except pw.IntegrityError:  # another ballot extended the chain first: try again
            continue
    raise refuse("Many owners are voting at this moment; please try again.")


def _append(
    owner, matter, meeting, units, current, choice, actor, channel=None, proxy=None
) -> list[BallotLog]:
    rows = []
    proxy_id = proxy.id if proxy is not None else None
    with db.atomic():
        last = BallotLog.select(BallotLog.hash).order_by(BallotLog.id.desc()).first()
        prev = last.hash if last else None
        for p in units:
            if current.get(p.id) == choice:
                continue
            at = utcnow().replace(microsecond=0)
            receipt = secrets.token_hex(6).upper()
            digest = row_hash(
                prev, matter.id, p.id, owner.id, choice, receipt, at, channel, proxy_id
            )
            rows.append(
                BallotLog.create(
                    unit=meeting.unit_id,
                    matter=matter,
                    premises=p,
                    owner=owner,
                    choice=choice,
                    receipt=receipt,
                    at=at,
                    prev_hash=prev,
                    hash=digest,
                    channel=channel,
                    proxy_id=proxy_id,
                )
            )
            prev = digest
        emit(
            Event(
                "ballot_cast",
                plugin=PLUGIN,
                record=matter,
                actor=actor,
                district_id=TerritoryUnit.get_by_id(meeting.unit_id).district_id,
                summary=f"表决票: {matter.title}",
            )
        )
    return rows


def verify() -> list[str]:
    """Recompute the hash chain of the ballot log; a list of problems (empty: intact)."""
    problems = []
    prev = None
    for row in BallotLog.select().order_by(BallotLog.id):
        if row.prev_hash != prev:
            problems.append(f"ballot {row.id}: chain broken (previous hash does not match)")
        expected = row_hash(
            row.prev_hash,
            row.matter_id,
            row.premises_id,
            row.owner_id,
            row.choice,
            row.receipt,
            row.at,
            row.channel,
            row.proxy_id,
        )
        if row.hash != expected:
            problems.append(f"ballot {row.id}: hash does not match its contents")
        prev = row.hash
    return problems
