"""Ballots (表决票): the electorate of a matter, the one ballot per unit cast by the owner, a
proxy (委托投票, with an uploaded authorisation 委托书) or on paper keyed in twice by two people
and reconciled (书面表决票双人录入); the hash-chained append-only log of every ballot and its
verification (``linli owners verify``); the anonymised ballot list published with the results
(匿名表决票明细), from which anyone can recompute the tally.

Each refusal raises :class:`~core.services.ServiceError` and writes nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import secrets

import peewee as pw

from core.db import db
from core.events import Event, emit
from core.models import TerritoryUnit, User, utcnow
from core.workdays import today

from ..fund.models import FundProposal, FundShare
from ..register import rules as register_rules
from ..register.services import compound_of, holdings, premises_of
from ..shared.services import PLUGIN, announce, refuse, require_update, setting
from . import rules
from .models import BallotLog, Matter, Meeting, Owner, PaperEntry, Premises, Proxy

# -- the electorate (列支范围 of the maintenance fund) ---------------------------------------------


def affected_unit_ids(matter: Matter) -> set[int] | None:
    """The units that vote on ``matter`` when it uses the maintenance fund (the proposal's
    列支范围), or None when every unit of the compound votes."""
    proposal = FundProposal.get_or_none(
        (FundProposal.matter == matter.id) & (FundProposal.kind == "use")
    )
    if proposal is None:
        return None
    return {s.premises_id for s in FundShare.select().where(FundShare.proposal == proposal.id)}


def electorate(matter: Matter, units: list[register_rules.Holding]) -> list[register_rules.Holding]:
    """The units that vote on ``matter``: for using the maintenance fund, the units
    that bear the cost (列支范围, 《住宅专项维修资金管理办法》第二十二、二十三条); otherwise every
    unit of the compound."""
    ids = affected_unit_ids(matter)
    return units if ids is None else [h for h in units if h.unit_id in ids]


def in_electorate(matter: Matter, premises_id: int) -> bool:
    ids = affected_unit_ids(matter)
    return ids is None or premises_id in ids


# -- the ballot log --------------------------------------------------------------------------------


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


# -- who may vote for a unit -----------------------------------------------------------------


def active_proxy(meeting: Meeting, owner: Owner) -> Proxy | None:
    return (
        Proxy.select()
        .where(
            (Proxy.meeting == meeting.id) & (Proxy.owner == owner.id) & (Proxy.status == "active")
        )
        .first()
    )


def check_voter(owner: Owner, meeting: Meeting, actor: User, proxy, access) -> None:
    """The owner votes as themselves (no active proxy), or their active proxy votes (the
    proxy's login, or staff entering the proxy's ballot)."""
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
    by_staff = access is not None and access.can(PLUGIN, "update")
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


# -- proxies (委托投票, 《物业管理条例》第十二条) ------------------------------------------------


def _allowed_types(record) -> list[str]:
    return [t.strip() for t in str(setting(record, "proxy_types")).split(",") if t.strip()]


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
    meeting: Meeting,
    owner: Owner,
    proxy_name: str,
    actor: User,
    file: tuple[bytes, str, str] | None,
    proxy_user: User | None = None,
    access=None,
) -> Proxy:
    """Record a proxy: ``file`` is (bytes, file name, declared type) of the authorisation."""
    require_update(access)
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


def proxy_has_voted(proxy: Proxy) -> bool:
    return BallotLog.select().where(BallotLog.proxy_id == proxy.id).exists()


def revoke(proxy: Proxy, actor: User, on: dt.date | None = None, access=None) -> Proxy:
    """Revoke a proxy before the proxy has voted (and while voting is not closed)."""
    require_update(access)
    proxy = Proxy.get_by_id(proxy.id)
    if proxy.status != "active":
        raise refuse("This proxy has been revoked.")
    if proxy_has_voted(proxy):
        raise refuse("The proxy has already voted; the authorisation can no longer be revoked.")
    meeting = Meeting.get_by_id(proxy.meeting_id)
    if meeting.status in ("voting_closed", "tallied", "published", "filed"):
        raise refuse("Voting on this meeting is not open.")
    with db.atomic():
        Proxy.update(status="revoked", revoked_on=on or today(), updated_by=actor).where(
            (Proxy.id == proxy.id) & (Proxy.status == "active")
        ).execute()
        proxy = Proxy.get_by_id(proxy.id)
        announce("state_changed", proxy, actor, summary=f"撤销委托: {proxy.proxy_name}")
    return proxy


def proxies_for_user(user: User) -> list[Proxy]:
    return list(
        Proxy.select()
        .where((Proxy.proxy_user == user.id) & (Proxy.status == "active"))
        .order_by(Proxy.id)
    )


# -- paper ballots keyed in twice (书面表决票双人录入) -----------------------------------------


def _entry_dict(entry: PaperEntry) -> dict:
    return {
        "premises": entry.premises_id,
        "owner": entry.owner_id,
        "proxy": entry.proxy_id,
        "signed_on": entry.signed_on.isoformat()
        if isinstance(entry.signed_on, dt.date)
        else str(entry.signed_on),
        "choices": {str(k): v for k, v in json.loads(entry.choices).items()},
    }


def sheet_entries(meeting: Meeting, sheet: str) -> list[PaperEntry]:
    return list(
        PaperEntry.select()
        .where((PaperEntry.meeting == meeting.id) & (PaperEntry.sheet == sheet))
        .order_by(PaperEntry.round)
    )


def sheet_state(entries: list[PaperEntry]) -> str:
    """'first' (waiting for the second entry), 'counted', 'mismatch' (waiting for a third
    person) or 'resolved'."""
    if len(entries) == 1:
        return "first"
    if len(entries) == 2:
        same = rules.paper_key(_entry_dict(entries[0])) == rules.paper_key(_entry_dict(entries[1]))
        return "counted" if same else "mismatch"
    return "resolved"


def sheets(meeting: Meeting) -> list[dict]:
    """Every sheet of the meeting with its entries, state and differences."""
    grouped: dict[str, list[PaperEntry]] = {}
    for e in (
        PaperEntry.select()
        .where(PaperEntry.meeting == meeting.id)
        .order_by(PaperEntry.sheet, PaperEntry.round)
    ):
        grouped.setdefault(e.sheet, []).append(e)
    out = []
    for sheet, entries in grouped.items():
        state = sheet_state(entries)
        diff = []
        if len(entries) >= 2:
            diff = rules.paper_differences(_entry_dict(entries[0]), _entry_dict(entries[1]))
        out.append({"sheet": sheet, "entries": entries, "state": state, "differences": diff})
    return out


def enter_paper(
    meeting: Meeting,
    sheet: str,
    premises: Premises,
    owner: Owner,
    signed_on: dt.date,
    choices: dict,
    actor: User,
    proxy: Proxy | None = None,
    access=None,
) -> tuple[PaperEntry, list[BallotLog]]:
    """Key in one paper ballot sheet. The first entry waits; the second, by another person, is
    compared: if it matches, the sheet's choices become the unit's ballots through the
    hash-chained log; if not, the sheet waits for a third person (:func:`resolve_paper`)."""
    require_update(access)
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
        if entries and rules.paper_key(_entry_dict(entries[0])) == rules.paper_key(entry):
            ballots = _count_sheet(meeting, premises, owner, proxy, entry["choices"], actor)
    return row, ballots


def resolve_paper(
    meeting: Meeting,
    sheet: str,
    premises: Premises,
    owner: Owner,
    signed_on: dt.date,
    choices: dict,
    actor: User,
    proxy: Proxy | None = None,
    access=None,
) -> tuple[PaperEntry, list[BallotLog]]:
    """A third person, who made neither entry, settles a mismatched sheet from the paper."""
    require_update(access)
    entries = sheet_entries(meeting, sheet)
    if sheet_state(entries) != "mismatch":
        raise refuse("Only a sheet whose two entries differ can be resolved.")
    if any(e.entered_by_id == actor.id for e in entries):
        raise refuse("A mismatch must be resolved by a third person who made neither entry.")
    entry = _check_sheet(meeting, premises, owner, signed_on, choices, proxy)
    with db.atomic():
        row = _write_entry(meeting, sheet, 3, entry, actor)
        ballots = _count_sheet(meeting, premises, owner, proxy, entry["choices"], actor)
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


def _count_sheet(meeting, premises, owner, proxy, choices, actor) -> list[BallotLog]:
    rows = []
    for key, choice in sorted(choices.items()):
        matter = Matter.get_by_id(int(key))
        rows += record_ballots(
            owner, matter, meeting, [premises], choice, actor, "paper", proxy, same_ok=True
        )
    return rows


# -- the published anonymised ballot list (匿名表决票明细) ------------------------------------

CSV_COLUMNS = (
    "matter",
    "matter_title",
    "kind",
    "total_area",
    "total_heads",
    "receipt",
    "area",
    "head",
    "choice",
)


def head_label(meeting: Meeting, key) -> str:
    """An opaque label of a head for one meeting: a keyed hash, stable for the meeting, that
    cannot be linked to the owner or across meetings without the server's secret."""
    from flask import current_app

    secret = str(current_app.secret_key or "linli").encode()
    digest = hmac.new(secret, f"owners|{meeting.id}|{key}".encode(), hashlib.sha256)
    return "H" + digest.hexdigest()[:10].upper()


def anonymised_rows(meeting: Meeting) -> list[dict]:
    """One row per counted ballot: the receipt code, the unit's area, an opaque head label
    (units of the same head share it, so heads can be recounted) and the choice; no names,
    no unit numbers. Rows are sorted by receipt code, so their order reveals nothing."""
    compound = compound_of(meeting)
    everyone = holdings(compound)
    labels = {h: head_label(meeting, h) for h in {register_rules.head_key(u) for u in everyone}}
    out = []
    for matter in Matter.select().where(Matter.meeting == meeting.id).order_by(Matter.id):
        # the totals of the units that vote on the matter (a use of the maintenance fund
        # is voted among the units that bear its cost), as in the tally
        units = electorate(matter, everyone)
        total_area = register_rules.total_area(units)
        total_heads = register_rules.headcount(units)
        by_id = {h.unit_id: h for h in units}
        latest: dict[int, BallotLog] = {}
        for row in BallotLog.select().where(BallotLog.matter == matter.id).order_by(BallotLog.id):
            latest[row.premises_id] = row
        rows = []
        for premises_id, row in latest.items():
            holding = by_id.get(premises_id)
            if holding is None:
                continue
            rows.append(
                {
                    "matter": matter.id,
                    "matter_title": matter.title,
                    "kind": matter.kind,
                    "total_area": register_rules.area_text(total_area),
                    "total_heads": total_heads,
                    "receipt": row.receipt,
                    "area": register_rules.area_text(holding.area),
                    "head": labels[register_rules.head_key(holding)],
                    "choice": row.choice,
                }
            )
        out += sorted(rows, key=lambda r: r["receipt"])
    return out


def anonymised_csv(meeting: Meeting) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in anonymised_rows(meeting):
        writer.writerow(row)
    return buffer.getvalue()
