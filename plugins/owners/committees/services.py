"""Owners' committees (业主委员会) and how they come about: the preparatory group (筹备组), the
election at a meeting (5-11 members, an odd number; 3 in a small compound), the term (at most 5
years) with expiry alerts, the filing (备案) with the street office within 30 days, members with
roles and their replacements, and the interim property management committee (物业管理委员会)
where no owners' committee can be elected; and the residents' committee told of a meeting
with its opinion (告知居委会并听取意见), which a meeting's notice needs. Every command takes the
caller's :class:`~core.commands.Context` first; each refusal raises
:class:`~core.errors.ServiceError` and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from core.commands import Context, refuse
from core.db import db
from core.models import TerritoryUnit

from ..assembly.models import Matter, Meeting
from ..register.models import Owner
from ..register.services import check_in_compound, premises_in
from ..shared.services import announce, require_update, setting
from . import rules
from .models import (
    Committee,
    CommitteeMember,
    PreparatoryGroup,
    PreparatoryMember,
    ResidentsCommitteeNotice,
)

# -- the residents' committee (《物业管理条例》第十四条; 北京条例第三十五条) --------------------


def notices_of(meeting: Meeting) -> list[ResidentsCommitteeNotice]:
    return list(
        ResidentsCommitteeNotice.select()
        .where(ResidentsCommitteeNotice.meeting == meeting.id)
        .order_by(ResidentsCommitteeNotice.id)
    )


def tell_residents_committee(
    ctx: Context, meeting: Meeting, committee_name: str, on: dt.date
) -> ResidentsCommitteeNotice:
    """Record that the residents' committee was told of the meeting (before the notice)."""
    require_update(ctx, ResidentsCommitteeNotice)
    actor = ctx.actor
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
        announce("created", record, actor, summary=f"告知居委会: {meeting.title}")
    return record


def record_opinion(
    ctx: Context, notice: ResidentsCommitteeNotice, text: str, on: dt.date
) -> ResidentsCommitteeNotice:
    """The residents' committee's opinion (听取意见): once, with its date."""
    require_update(ctx, ResidentsCommitteeNotice)
    actor = ctx.actor
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
        announce("updated", notice, actor, summary="居委会意见")
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


def owner_named(compound_id: int, name: str) -> Owner:
    """The one owner of the compound registered under ``name`` (a member typed by name)."""
    found = list(Owner.select().where((Owner.unit == compound_id) & (Owner.name == name)))
    if len(found) != 1:
        raise refuse("There is no single owner named %(name)s in this compound.", name=name)
    return found[0]


SOURCES = ("owner", "residents_committee", "street", "developer", "other")


def households(compound: TerritoryUnit) -> int:
    """Households of the compound: its registered exclusive units (户)."""
    return premises_in(compound).count()


def _clean_members(members: list[dict], compound_id: int) -> list[dict]:
    clean = []
    for m in members:
        name = (m.get("name") or "").strip()
        if not name:
            raise refuse("Every member needs a name.")
        source = m.get("source") or "owner"
        if source not in SOURCES:
            raise refuse("Unknown kind of member: %(source)s.", source=source)
        owner = m.get("owner")
        if owner is not None and owner.unit_id != compound_id:
            raise refuse("The owner and the unit must belong to the same compound.")
        role = m.get("role") or "member"
        if role not in ("chair", "vice_chair", "member"):
            raise refuse("Unknown role: %(role)s.", role=role)
        clean.append({"name": name, "source": source, "owner": owner, "role": role})
    return clean


def _owner_share_problem(members: list[dict]) -> bool:
    """Owners' representatives must be at least half (北京条例第三十一条、第五十三条)."""
    owners = sum(1 for m in members if m["source"] == "owner")
    return owners * 2 < len(members)


# -- the preparatory group (筹备组) -----------------------------------------------------------


def form_preparatory_group(
    ctx: Context,
    compound: TerritoryUnit,
    name: str,
    formed_on: dt.date,
    members: list[dict],
    posted_on: dt.date | None = None,
) -> PreparatoryGroup:
    """A preparatory group: an odd number of members, owners at least half, with the residents'
    committee or the street office represented; preparation due ``prep_days`` after forming."""
    require_update(ctx, PreparatoryGroup)
    actor = ctx.actor
    group = PreparatoryGroup(unit=compound.id, name=(name or "").strip(), formed_on=formed_on)
    check_in_compound(group)
    if not group.name:
        raise refuse("Please fill in the name.")
    if formed_on is None:
        raise refuse("Please give the date the group was formed.")
    members = _clean_members(members, compound.id)
    if len(members) % 2 == 0 or not members:
        raise refuse("The preparatory group must have an odd number of members.")
    if _owner_share_problem(members):
        raise refuse("Owners' representatives must be at least half of the members.")
    if not any(m["source"] in ("residents_committee", "street") for m in members):
        raise refuse(
            "The residents' committee or the street office must be represented in the group."
        )
    days = int(setting(group, "prep_days"))
    with db.atomic():
        group.posted_on = posted_on
        group.due_on = formed_on + dt.timedelta(days=days)
        group.created_by = group.updated_by = actor
        group.save()
        for m in members:
            PreparatoryMember.create(
                unit=compound.id,
                group=group,
                name=m["name"],
                source=m["source"],
                owner=m["owner"],
                created_by=actor,
                updated_by=actor,
            )
        announce("created", group, actor, summary=f"筹备组: {group.name}")
    return group


# -- committees --------------------------------------------------------------------------------


def active_committee(compound_id: int, kind: str | None = None) -> Committee | None:
    query = Committee.select().where((Committee.unit == compound_id) & Committee.ended_on.is_null())
    if kind:
        query = query.where(Committee.kind == kind)
    return query.order_by(Committee.id.desc()).first()


def _check_roles(members: list[dict]) -> None:
    if sum(1 for m in members if m["role"] == "chair") > 1:
        raise refuse("A committee has at most one chair.")


def elect_committee(
    ctx: Context,
    meeting: Meeting,
    members: list[dict],
    elected_on: dt.date,
    term_years: int,
    name: str = "",
) -> Committee:
    """Record the owners' committee elected at ``meeting`` (民法典第二百七十八条第一款第三项):
    the meeting has a passed election matter; the size is odd and within the settings; the
    term at most ``committee_term_years``; filing due ``filing_days`` after the election."""
    require_update(ctx, Committee)
    if meeting.status not in ("tallied", "published", "filed"):
        raise refuse("The committee can be recorded once the election meeting is tallied.")
    if (
        not Matter.select()
        .where((Matter.meeting == meeting.id) & (Matter.item == "3") & (Matter.result == "passed"))
        .exists()
    ):
        raise refuse("The meeting has no passed matter electing the owners' committee.")
    compound = TerritoryUnit.get_by_id(meeting.unit_id)
    members = _clean_members(members, compound.id)
    seats = len(members)
    lowest = int(setting(meeting, "committee_min"))
    highest = int(setting(meeting, "committee_max"))
    small = int(setting(meeting, "small_compound_households"))
    count = households(compound)
    problem = rules.committee_size_problem(seats, count, lowest, highest, small)
    if problem == "even":
        raise refuse(
            "An owners' committee must have an odd number of members; %(n)s is even.", n=seats
        )
    if problem == "range":
        if small and count <= small:
            raise refuse(
                "An owners' committee of a compound with %(households)s households has 3 to"
                " %(max)s members.",
                households=count,
                max=highest,
            )
        if not small:
            raise refuse(
                "An owners' committee has an odd number of %(min)s to %(max)s members.",
                min=lowest,
                max=highest,
            )
        raise refuse(
            "An owners' committee has %(min)s to %(max)s members (3 only where the compound has"
            " at most %(small)s households).",
            min=lowest,
            max=highest,
            small=small,
        )
    if any(m["owner"] is None for m in members):
        raise refuse("Members of an owners' committee must be owners of the compound.")
    _check_roles(members)
    longest = int(setting(meeting, "committee_term_years"))
    if not isinstance(term_years, int) or term_years < 1 or term_years > longest:
        raise refuse("The term may be at most %(years)s years.", years=longest)
    if elected_on is None:
        raise refuse("Please give the date of the election.")
    if active_committee(compound.id, "owners") is not None:
        raise refuse("The compound already has an owners' committee in office; end it first.")
    filing = int(setting(meeting, "filing_days"))
    return _create(
        compound,
        "owners",
        name or f"{compound.name}业主委员会",
        members,
        elected_on,
        rules.term_end(elected_on, term_years),
        elected_on + dt.timedelta(days=filing),
        ctx.actor,
        meeting,
    )


def form_interim_committee(
    ctx: Context,
    compound: TerritoryUnit,
    members: list[dict],
    formed_on: dt.date,
    term_years: int,
    name: str = "",
) -> Committee:
    """物业管理委员会 where no owners' committee can be elected: an odd number of at least
    ``interim_min`` members, owners at least half, chaired by the residents' committee's
    representative (北京条例第五十二至五十四条)."""
    require_update(ctx, Committee)
    probe = Committee(unit=compound.id)
    check_in_compound(probe)
    if active_committee(compound.id) is not None:
        raise refuse("The compound already has a committee in office; end it first.")
    members = _clean_members(members, compound.id)
    lowest = int(setting(probe, "interim_min"))
    if len(members) % 2 == 0 or len(members) < lowest:
        raise refuse(
            "A property management committee has an odd number of at least %(min)s members.",
            min=lowest,
        )
    if _owner_share_problem(members):
        raise refuse("Owners' representatives must be at least half of the members.")
    _check_roles(members)
    chair = [m for m in members if m["role"] == "chair"]
    if not chair or chair[0]["source"] != "residents_committee":
        raise refuse("The residents' committee's representative chairs the committee.")
    longest = int(setting(probe, "interim_term_years"))
    if not isinstance(term_years, int) or term_years < 1 or term_years > longest:
        raise refuse("The term may be at most %(years)s years.", years=longest)
    if formed_on is None:
        raise refuse("Please give the date the committee was formed.")
    return _create(
        compound,
        "interim",
        name or f"{compound.name}物业管理委员会",
        members,
        formed_on,
        rules.term_end(formed_on, term_years),
        None,
        ctx.actor,
        None,
    )


def _create(compound, kind, name, members, start, ends, filing_due, actor, meeting) -> Committee:
    with db.atomic():
        committee = Committee.create(
            unit=compound.id,
            kind=kind,
            name=name,
            meeting=meeting,
            seats=len(members),
            formed_on=start,
            term_ends=ends,
            filing_due=filing_due,
            created_by=actor,
            updated_by=actor,
        )
        for m in members:
            CommitteeMember.create(
                unit=compound.id,
                committee=committee,
                name=m["name"],
                owner=m["owner"],
                role=m["role"],
                source=m["source"],
                started_on=start,
                created_by=actor,
                updated_by=actor,
            )
        announce("created", committee, actor, summary=f"{name}: {len(members)}")
    return committee


def file_committee(ctx: Context, committee: Committee, on: dt.date) -> Committee:
    """备案 with the street office (《物业管理条例》第十六条); a late filing stays visible."""
    require_update(ctx, Committee)
    actor = ctx.actor
    if committee.kind != "owners":
        raise refuse("Only an owners' committee is filed.")
    if committee.filed_on is not None:
        raise refuse("The committee has already been filed.")
    if on is None or on < committee.formed_on:
        raise refuse("The filing cannot be dated before the election.")
    with db.atomic():
        Committee.update(filed_on=on, updated_by=actor).where(
            Committee.id == committee.id
        ).execute()
        committee = Committee.get_by_id(committee.id)
        announce("updated", committee, actor, summary=f"备案: {committee.name}")
    return committee


def current_members(committee: Committee) -> list[CommitteeMember]:
    return list(
        CommitteeMember.select()
        .where((CommitteeMember.committee == committee.id) & CommitteeMember.ended_on.is_null())
        .order_by(CommitteeMember.id)
    )


def replace_member(
    ctx: Context,
    member: CommitteeMember,
    name: str,
    owner: Owner | None,
    on: dt.date,
    reason: str,
    role: str | None = None,
) -> CommitteeMember:
    """The member leaves on ``on`` for ``reason``; the successor takes the seat (history kept)."""
    require_update(ctx, CommitteeMember)
    actor = ctx.actor
    member = CommitteeMember.get_by_id(member.id)
    committee = Committee.get_by_id(member.committee_id)
    if member.ended_on is not None:
        raise refuse("This member has already left the committee.")
    if committee.ended_on is not None:
        raise refuse("This committee is no longer in office.")
    if not (reason or "").strip():
        raise refuse("Please give the reason.")
    if on is None or on < member.started_on:
        raise refuse("The replacement cannot be dated before the member started.")
    clean = _clean_members(
        [{"name": name, "owner": owner, "role": role or member.role, "source": member.source}],
        committee.unit_id,
    )[0]
    if committee.kind == "owners" and clean["owner"] is None:
        raise refuse("Members of an owners' committee must be owners of the compound.")
    if clean["role"] == "chair" and any(
        m.role == "chair" and m.id != member.id for m in current_members(committee)
    ):
        raise refuse("A committee has at most one chair.")
    with db.atomic():
        CommitteeMember.update(
            ended_on=on, end_reason=reason.strip()[:200], updated_by=actor
        ).where(CommitteeMember.id == member.id).execute()
        new = CommitteeMember.create(
            unit=committee.unit_id,
            committee=committee,
            name=clean["name"],
            owner=clean["owner"],
            role=clean["role"],
            source=clean["source"],
            started_on=on,
            replaces=member,
            created_by=actor,
            updated_by=actor,
        )
        announce("created", new, actor, summary=f"{committee.name}: {member.name} → {new.name}")
    return new


def set_role(ctx: Context, member: CommitteeMember, role: str) -> CommitteeMember:
    """主任/副主任/委员, elected at the committee's first meeting."""
    require_update(ctx, CommitteeMember)
    actor = ctx.actor
    member = CommitteeMember.get_by_id(member.id)
    if role not in ("chair", "vice_chair", "member"):
        raise refuse("Unknown role: %(role)s.", role=role)
    committee = Committee.get_by_id(member.committee_id)
    if member.ended_on is not None:
        raise refuse("This member has already left the committee.")
    if role == "chair" and any(
        m.role == "chair" and m.id != member.id for m in current_members(committee)
    ):
        raise refuse("A committee has at most one chair.")
    with db.atomic():
        CommitteeMember.update(role=role, updated_by=actor).where(
            CommitteeMember.id == member.id
        ).execute()
        member = CommitteeMember.get_by_id(member.id)
        announce("updated", member, actor, summary=f"{member.name}: {role}")
    return member
