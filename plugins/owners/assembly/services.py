"""Operations of the owners' assembly (业主大会): the agenda (表决事项, frozen once noticed); the
steps of a meeting from draft to filed, each a step of its workflow on the core engine
(:mod:`.flows`: compare-and-set, history, event), taken by the services below; the tally;
the publication of the results on the community's notice board (公告) and the filing of the
decisions (备案); provisional meetings requested by owners (临时会议); ballots — one per unit,
cast by the owner, by a proxy (委托投票, with an uploaded authorisation 委托书) or on paper
keyed in twice by two people and reconciled (书面表决票双人录入) — appended to the hash-chained
log; and the dry-run calculator (试算).

Every command takes the caller's :class:`~core.commands.Context` first (a trusted one, the
demo's, the CLI's or a job's, needs no permission). Each refusal raises
:class:`~core.errors.ServiceError` in the user's language and writes nothing. The voting
rules are in :mod:`.rules`; what is read and published in :mod:`.reports`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from fractions import Fraction

import peewee as pw

from core import commands, workflow
from core.access import resource_of
from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.models import TerritoryUnit, User, utcnow

from ..register import rules as register_rules
from ..register.models import Owner, Premises
from ..register.services import compound_of, premises_of
from ..shared.services import PLUGIN, access_of, announce, require_update, setting
from . import flows, rules
from .models import (
    BallotLog,
    Matter,
    Meeting,
    PaperEntry,
    ProvisionalRequest,
    ProvisionalRequester,
    Proxy,
)
from .reports import (
    active_proxy,
    affected_unit_ids,
    in_electorate,
    latest_ballots,
    paper_values,
    proxy_has_voted,
    request_support,
    sheet_entries,
    sheet_state,
)

# -- the agenda (表决事项) -------------------------------------------------------------------------


def add_matter(
    ctx: Context, meeting: Meeting, title: str, item: str, description: str = ""
) -> Matter:
    """Put a matter on the agenda of a draft meeting; its rules (the agenda frozen once noticed,
    不得就公告以外的事项表决; the kind from the Civil Code item) are
    :class:`.commands.MatterRules`, as for the admin form and the API."""
    require_update(ctx, Matter)
    values = {
        "meeting": meeting.id,
        "title": (title or "").strip(),
        "item": item,
        "description": description or "",
    }
    return commands.create(ctx, Matter, values)


# -- the steps of a meeting: draft → noticed → voting open → voting closed → tallied →
#    published → filed (their rules are the flow's, :mod:`.flows`) ----------------------------


def _step(ctx: Context, meeting: Meeting, code: str, on, comment: str = "") -> Meeting:
    """Take the step ``code`` of the meeting's workflow, as on the day ``on`` (default today).
    The actor needs the plugin's update permission and the meeting in their scope, unless the
    context is trusted (the demo, the CLI, a job). A refusal changes nothing; a move that
    someone else made first is refused by the engine's compare-and-set."""
    require_update(ctx, Meeting)
    with flows.on_day(on):
        return workflow.transition(
            meeting, code, ctx.actor, access_of(ctx), comment, trusted=ctx.system
        )


def notice(ctx: Context, meeting: Meeting, on: dt.date | None = None) -> Meeting:
    """draft → noticed: the notice goes out at least ``notice_days`` days before voting opens,
    with at least one matter and the residents' committee told."""
    return _step(ctx, meeting, "notice", on)


def open_voting(ctx: Context, meeting: Meeting, on: dt.date | None = None) -> Meeting:
    """noticed → voting open, on a day of the voting window."""
    return _step(ctx, meeting, "open", on)


def close_voting(ctx: Context, meeting: Meeting, on: dt.date | None = None) -> Meeting:
    """voting open → voting closed, once the last day of voting is over."""
    return _step(ctx, meeting, "close", on)


def tally_meeting(ctx: Context, meeting: Meeting, on: dt.date | None = None) -> Meeting:
    """voting_closed → tallied: counts every matter (area and heads separately); the results
    are due ``publish_days`` after the tally."""
    return _step(ctx, meeting, "tally", on)


def publish(ctx: Context, meeting: Meeting, on: dt.date | None = None) -> Meeting:
    """tallied → published: the results go on the community's notice board (core publicity,
    《物业管理条例》第二十条 / 北京条例第三十七条); a publication after ``publish_due`` stays
    visible as late."""
    return _step(ctx, meeting, "publish", on)


def file_decisions(ctx: Context, meeting: Meeting, on: dt.date | None = None) -> Meeting:
    """published → filed (备案): the published decisions are told to the residents' committee
    and filed with the street office (《物业管理条例》第二十条); both are the compound's parent
    units, recorded by name. Due ``decision_filing_days`` after publication (see reports)."""
    return _step(ctx, meeting, "file", on)


STEPS = {
    "notice": notice,
    "open": open_voting,
    "close": close_voting,
    "tally": tally_meeting,
    "publish": publish,
    "file": file_decisions,
}
"""The service of each step of :data:`.flows.MEETING_FLOW`, by the step's code."""


# -- provisional meetings (《物业管理条例》第十三条) --------------------------------------------


def request_provisional(
    ctx: Context, compound: TerritoryUnit, title: str, reason: str = ""
) -> ProvisionalRequest:
    """Owners ask for a provisional meeting of their compound (the rules:
    :class:`.commands.ProvisionalRequestRules`); they sign it with :func:`add_requester`."""
    require_update(ctx, ProvisionalRequest)
    values = {"unit": compound.id, "title": (title or "").strip(), "reason": reason or ""}
    return commands.create(ctx, ProvisionalRequest, values)


def add_requester(
    ctx: Context, request: ProvisionalRequest, owner: Owner, on: dt.date | None
) -> ProvisionalRequester:
    """Record one owner who signed the request (on ``on``, default today)."""
    require_update(ctx, ProvisionalRequester)
    actor = ctx.actor
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
            signed_on=on or ctx.today(),
            created_by=actor,
            updated_by=actor,
        )


def accept_provisional(
    ctx: Context,
    request: ProvisionalRequest,
    opens_on: dt.date,
    closes_on: dt.date,
    on: dt.date | None = None,
) -> Meeting:
    """Accept the request once the owners reach the threshold: a draft provisional meeting is
    created for it (the committee then convenes it with the usual notice)."""
    require_update(ctx, ProvisionalRequest)
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
    values = {
        "unit": request.unit_id,
        "title": request.title,
        "opens_on": opens_on,
        "closes_on": closes_on,
    }
    with db.atomic():
        meeting = commands.create(ctx, Meeting, values)
        accepted = (
            ProvisionalRequest.update(
                status="accepted",
                accepted_on=on or ctx.today(),
                meeting=meeting,
                updated_by=ctx.actor,
            )
            .where(
                (ProvisionalRequest.id == request.id) & (ProvisionalRequest.status == "collecting")
            )
            .execute()
        )
        if accepted != 1:
            raise refuse("This request has already been accepted.")
    return meeting


# -- who may vote for a unit -----------------------------------------------------------------


def check_voter(ctx: Context, owner: Owner, meeting: Meeting, proxy) -> None:
    """The owner votes as themselves (no active proxy), or their active proxy votes (the
    proxy's login, or staff entering the proxy's ballot: a context whose access may update;
    a trusted context is none, its actor votes only as the owner or the proxy)."""
    actor, access = ctx.actor, access_of(ctx)
    if proxy is None:
        if owner.user_id is None or actor is None or owner.user_id != actor.id:
            raise refuse("You can only vote as yourself.")
        if active_proxy(meeting, owner) is not None:
            raise refuse(
                "You have authorised a proxy for this meeting; revoke the proxy to vote yourself."
            )
        return
    proxy = Proxy.get_by_id(proxy.id)
    if proxy.meeting_id != meeting.id or proxy.owner_id != owner.id:
        raise refuse("This proxy is not for this owner and meeting.")
    if proxy.status != "active":
        raise refuse("This proxy has been revoked.")
    by_proxy = actor is not None and proxy.proxy_user_id == actor.id
    by_staff = access is not None and access.can(resource_of(PLUGIN, BallotLog), "update")
    if not (by_proxy or by_staff):
        raise refuse("You can only vote as yourself.")


def voter_of(row: BallotLog) -> tuple:
    return (row.owner_id, row.proxy_id)


def check_second_ballot(matter: Matter, units: list[Premises], owner: Owner, proxy) -> None:
    """One ballot per unit: a unit someone else (another co-owner, a proxy, the owner while a
    proxy voted) has voted for cannot get a second ballot; the same voter may change it."""
    voter = (owner.id, proxy.id if proxy is not None else None)
    latest: dict[int, BallotLog] = {}
    for row in (
        BallotLog.select()
        .where((BallotLog.matter == matter.id) & BallotLog.premises.in_([u.id for u in units]))
        .order_by(BallotLog.id)
    ):
        latest[row.premises_id] = row
    for unit in units:
        row = latest.get(unit.id)
        if row is not None and voter_of(row) != voter:
            raise refuse(
                "Unit %(unit)s already has a ballot cast by someone else; a unit has one ballot.",
                unit=unit.number,
            )


# -- casting ---------------------------------------------------------------------------------------


def cast(
    ctx: Context,
    owner: Owner,
    matter: Matter,
    choice: str,
    on: dt.date | None = None,
    proxy=None,
) -> list[BallotLog]:
    """The owner votes ``choice`` on ``matter`` for each unit they hold in the compound (one
    ballot per unit; a new ballot replaces the unit's previous one, which stays in the log).

    With ``proxy`` (an active :class:`~plugins.owners.models.Proxy` of this owner and
    meeting) the proxy votes for the owner: ``ctx.actor`` is the proxy's login, or staff
    entering the proxy's ballot (``ctx.access`` with update rights)."""
    meeting = Meeting.get_by_id(matter.meeting_id)
    check_voter(ctx, owner, meeting, proxy)
    if choice not in rules.CHOICES:
        raise refuse("Unknown choice: %(choice)s.", choice=choice)
    on = on or ctx.today()
    if meeting.status != "voting_open" or not rules.in_window(
        on, meeting.opens_on, meeting.closes_on
    ):
        raise refuse("Voting on this meeting is not open.")
    units = premises_of(owner, compound_of(meeting))
    if not units:
        raise refuse("You hold no unit in this compound.")
    channel = "proxy" if proxy is not None else None
    return record_ballots(ctx, owner, matter, meeting, units, choice, channel, proxy)


def record_ballots(
    ctx: Context, owner, matter, meeting, units, choice, channel=None, proxy=None, same_ok=False
) -> list[BallotLog]:
    """Append the ballots of ``owner`` (through ``proxy`` if given) for ``units``, refusing a
    second ballot for a unit that someone else has already voted for (a change by the same
    voter is allowed). With ``same_ok``, an unchanged ballot is no refusal (paper entry).

    Only units in the matter's electorate vote (a use of the maintenance fund is
    voted by the units that bear its cost, 列支范围), on every path: portal, proxy, paper."""
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
            return _append(
                owner, matter, meeting, units, current, choice, ctx.actor, channel, proxy
            )
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
            digest = rules.row_hash(
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


# -- proxies (委托投票, 《物业管理条例》第十二条) ------------------------------------------------


def _allowed_types(record) -> list[str]:
    return [t.strip() for t in str(setting(record, "proxy_types")).split(",") if t.strip()]


def proxy_login(login: str | None) -> User | None:
    """The login of a proxy (受托人) named by its user name, None when none is given; refused
    when there is no such user."""
    login = (login or "").strip()
    if not login:
        return None
    user = User.get_or_none(User.username == login)
    if user is None:
        raise refuse("There is no user %(name)s.", name=login)
    return user


def store_authorisation(meeting: Meeting, data: bytes | None, name: str, declared: str) -> dict:
    """Check and store the authorisation (委托书) in the upload store (size and type settings)."""
    from forms.definition import FieldDef
    from forms.engine import Invalid
    from forms.uploads import store

    if not data:
        raise refuse("A proxy needs the owner's signed authorisation (委托书) uploaded.")
    field = FieldDef(
        "authorisation",
        "file",
        "委托书",
        accept=tuple(_allowed_types(meeting)),
        max_size_kb=int(setting(meeting, "proxy_max_kb")),
    )
    try:
        return store(data, name, declared, field)
    except Invalid as exc:
        raise refuse(str(exc.message)) from None


def authorise(
    ctx: Context,
    meeting: Meeting,
    owner: Owner,
    proxy_name: str,
    file: tuple[bytes, str, str] | None,
    proxy_user: User | None = None,
) -> Proxy:
    """Record a proxy: ``file`` is (bytes, file name, declared type) of the authorisation."""
    require_update(ctx, Proxy)
    actor = ctx.actor
    meeting = Meeting.get_by_id(meeting.id)
    if not (proxy_name or "").strip():
        raise refuse("Please give the proxy's name.")
    if owner.unit_id != meeting.unit_id:
        raise refuse("The owner and the unit must belong to the same compound.")
    if meeting.status in ("voting_closed", "tallied", "published", "filed"):
        raise refuse("Voting on this meeting is not open.")
    if not premises_of(owner, compound_of(meeting)):
        raise refuse("You hold no unit in this compound.")
    if active_proxy(meeting, owner) is not None:
        raise refuse("This owner already has an active proxy for this meeting.")
    if file is None or not file[0]:
        raise refuse("A proxy needs the owner's signed authorisation (委托书) uploaded.")
    stored = store_authorisation(meeting, *file)
    with db.atomic():
        proxy = Proxy.create(
            unit=meeting.unit_id,
            meeting=meeting,
            owner=owner,
            proxy_name=proxy_name.strip(),
            proxy_user=proxy_user,
            authorisation=json.dumps(stored, ensure_ascii=False),
            created_by=actor,
            updated_by=actor,
        )
        announce("created", proxy, actor, summary=f"委托投票: {owner.name} → {proxy.proxy_name}")
    return proxy


def revoke(ctx: Context, proxy: Proxy, on: dt.date | None = None) -> Proxy:
    """Revoke a proxy before the proxy has voted (and while voting is not closed)."""
    require_update(ctx, Proxy)
    actor = ctx.actor
    proxy = Proxy.get_by_id(proxy.id)
    if proxy.status != "active":
        raise refuse("This proxy has been revoked.")
    if proxy_has_voted(proxy):
        raise refuse("The proxy has already voted; the authorisation can no longer be revoked.")
    meeting = Meeting.get_by_id(proxy.meeting_id)
    if meeting.status in ("voting_closed", "tallied", "published", "filed"):
        raise refuse("Voting on this meeting is not open.")
    with db.atomic():
        Proxy.update(status="revoked", revoked_on=on or ctx.today(), updated_by=actor).where(
            (Proxy.id == proxy.id) & (Proxy.status == "active")
        ).execute()
        proxy = Proxy.get_by_id(proxy.id)
        announce("state_changed", proxy, actor, summary=f"撤销委托: {proxy.proxy_name}")
    return proxy


# -- paper ballots keyed in twice (书面表决票双人录入) -----------------------------------------


def enter_paper(
    ctx: Context,
    meeting: Meeting,
    sheet: str,
    premises: Premises,
    owner: Owner,
    signed_on: dt.date,
    choices: dict,
    proxy: Proxy | None = None,
) -> tuple[PaperEntry, list[BallotLog]]:
    """Key in one paper ballot sheet. The first entry waits; the second, by another person, is
    compared: if it matches, the sheet's choices become the unit's ballots through the
    hash-chained log; if not, the sheet waits for a third person (:func:`resolve_paper`)."""
    require_update(ctx, PaperEntry)
    actor = ctx.actor
    sheet = (sheet or "").strip()
    if not sheet:
        raise refuse("Please give the sheet number.")
    entries = sheet_entries(meeting, sheet)
    if len(entries) >= 2:
        raise refuse("This sheet has already been entered twice.")
    if any(e.entered_by_id == actor.id for e in entries):
        raise refuse("The second entry of a paper ballot must be made by a different person.")
    entry = _check_sheet(meeting, premises, owner, signed_on, choices, proxy)
    with db.atomic():
        row = _write_entry(meeting, sheet, len(entries) + 1, entry, actor)
        ballots = []
        if entries and rules.paper_key(paper_values(entries[0])) == rules.paper_key(entry):
            ballots = _count_sheet(ctx, meeting, premises, owner, proxy, entry["choices"])
    return row, ballots


def resolve_paper(
    ctx: Context,
    meeting: Meeting,
    sheet: str,
    premises: Premises,
    owner: Owner,
    signed_on: dt.date,
    choices: dict,
    proxy: Proxy | None = None,
) -> tuple[PaperEntry, list[BallotLog]]:
    """A third person, who made neither entry, settles a mismatched sheet from the paper."""
    require_update(ctx, PaperEntry)
    actor = ctx.actor
    entries = sheet_entries(meeting, sheet)
    if sheet_state(entries) != "mismatch":
        raise refuse("Only a sheet whose two entries differ can be resolved.")
    if any(e.entered_by_id == actor.id for e in entries):
        raise refuse("A mismatch must be resolved by a third person who made neither entry.")
    entry = _check_sheet(meeting, premises, owner, signed_on, choices, proxy)
    with db.atomic():
        row = _write_entry(meeting, sheet, 3, entry, actor)
        ballots = _count_sheet(ctx, meeting, premises, owner, proxy, entry["choices"])
    return row, ballots


def _check_sheet(meeting, premises, owner, signed_on, choices, proxy) -> dict:
    meeting = Meeting.get_by_id(meeting.id)
    if meeting.status != "voting_open":
        raise refuse("Voting on this meeting is not open.")
    if signed_on is None or not rules.in_window(signed_on, meeting.opens_on, meeting.closes_on):
        raise refuse(
            "The paper ballot must be dated between %(start)s and %(end)s.",
            start=meeting.opens_on.isoformat(),
            end=meeting.closes_on.isoformat(),
        )
    if premises is None or owner is None:
        raise refuse("Please choose the unit and the owner who signed the sheet.")
    if premises.id not in {p.id for p in premises_of(owner, compound_of(meeting))}:
        raise refuse("The owner does not hold this unit.")
    if proxy is None and active_proxy(meeting, owner) is not None:
        raise refuse(
            "This owner has authorised a proxy for this meeting: enter the sheet as signed by the"
            " proxy, or revoke the proxy first."
        )
    if proxy is not None:
        proxy = Proxy.get_by_id(proxy.id)
        if proxy.owner_id != owner.id or proxy.meeting_id != meeting.id:
            raise refuse("This proxy is not for this owner and meeting.")
        if proxy.status != "active":
            raise refuse("This proxy has been revoked.")
    matters = {str(m.id): m for m in Matter.select().where(Matter.meeting == meeting.id)}
    clean = {}
    for key, value in (choices or {}).items():
        if not value:
            continue
        if str(key) not in matters:
            raise refuse("This matter is not on the meeting's agenda.")
        if value not in rules.CHOICES:
            raise refuse("Unknown choice: %(choice)s.", choice=value)
        clean[str(key)] = value
    if not clean:
        raise refuse("Please enter at least one choice from the sheet.")
    # the one-ballot rule and the electorate apply to paper too: refuse before anything is written
    for key in clean:
        if not in_electorate(matters[key], premises.id):  # 列支范围
            raise refuse(
                "This unit does not bear the cost of the matter %(title)s, so it does not vote"
                " on it.",
                title=matters[key].title,
            )
        check_second_ballot(matters[key], [premises], owner, proxy)
    return {
        "premises": premises.id,
        "owner": owner.id,
        "proxy": proxy.id if proxy is not None else None,
        "signed_on": signed_on.isoformat(),
        "choices": clean,
    }


def _write_entry(meeting, sheet, round_, entry, actor) -> PaperEntry:
    return PaperEntry.create(
        unit=meeting.unit_id,
        meeting=meeting,
        sheet=sheet,
        round=round_,
        entered_by=actor,
        choices=json.dumps(entry["choices"], sort_keys=True),
        premises=entry["premises"],
        owner=entry["owner"],
        proxy=entry["proxy"],
        signed_on=dt.date.fromisoformat(entry["signed_on"]),
    )


def _count_sheet(ctx, meeting, premises, owner, proxy, choices) -> list[BallotLog]:
    rows = []
    for key, choice in sorted(choices.items()):
        matter = Matter.get_by_id(int(key))
        rows += record_ballots(
            ctx, owner, matter, meeting, [premises], choice, "paper", proxy, same_ok=True
        )
    return rows


# -- the dry-run calculator (试算) -----------------------------------------------------------


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
