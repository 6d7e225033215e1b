"""Maintenance fund operations (住宅专项维修资金): deposits, interest, use proposals and their
vote, the emergency path, disbursements and reversals (the statement: :mod:`.reports`).

《住宅专项维修资金管理办法》(建设部、财政部令第165号) and 《民法典》第二百七十八条、第二百八十一条、
第二百八十三条:

- The fund is kept per exclusive unit (分户账): every movement is a :class:`FundEntry` row of
  one unit, in integer fen, never changed; a correction is a reversing row.
- A use proposal (使用方案) names the works, the budget and the units that bear the cost (列支范围);
  the cost is split among them by exclusive area, exactly, the shares summing to the budget
  to the fen (:func:`rules.split_fen`).
- It is put to an owners' meeting as a matter: using the fund is item 5 (more than half of
  the participating area and heads), voted on by the owners of the affected units
  (办法第二十二、二十三条: "列支范围内" owners); raising (续筹) the fund is item 6 (three quarters),
  voted on by the whole compound. The tally approves or rejects the proposal.
- Money leaves the fund only for an approved proposal, or on the emergency path (应急使用: lift
  faults, leaks, fire-safety facilities...) once the residents' committee or street office
  has confirmed it, without a prior vote; the emergency use is then published as a public
  notice (民法典第二百八十一条第二款). A disbursement never exceeds the budget nor any unit's
  balance.

Every command takes the caller's :class:`~core.commands.Context` first. A refusal raises
:class:`~core.errors.ServiceError` in the user's language; nothing is written.
"""

from __future__ import annotations

import datetime as dt
import secrets

import peewee as pw

from core.commands import Context, refuse
from core.db import db
from core.events import Event, emit
from core.models import TerritoryUnit

from ..assembly.models import Matter, Meeting
from ..assembly.services import add_matter
from ..register.models import Premises
from ..register.services import compound_of_premises, compound_of_unit, premises_in
from ..shared.services import PLUGIN, announce, require_update
from . import rules
from .models import EMERGENCY_REASONS, FundAccount, FundEntry, FundProposal, FundShare


def balances(premises_ids=None, compound: TerritoryUnit | None = None, before=None) -> dict:
    """The balance in fen per unit id (entries booked before ``before``, when given)."""
    query = FundEntry.select(FundEntry.premises, pw.fn.SUM(FundEntry.amount_fen))
    if premises_ids is not None:
        query = query.where(FundEntry.premises.in_(list(premises_ids) or [0]))
    if compound is not None:
        query = query.where(FundEntry.unit == compound.id)
    if before is not None:
        query = query.where(FundEntry.booked_on < before)
    return {pid: int(total or 0) for pid, total in query.group_by(FundEntry.premises).tuples()}


def _account(compound: TerritoryUnit) -> FundAccount:
    account = FundAccount.get_or_none(FundAccount.unit == compound.id)
    if account is None:
        raise refuse("Open the compound's maintenance-fund account first.")
    return account


def _book(rows: list[dict], actor, summary: str) -> list[FundEntry]:
    batch = secrets.token_hex(8)
    actor_id = getattr(actor, "id", None)
    created = [FundEntry.create(batch=batch, actor=actor_id, **row) for row in rows]
    first = created[0]
    emit(
        Event(
            "fund_booked",
            plugin=PLUGIN,
            record=first,
            actor=actor,
            district_id=TerritoryUnit.get_by_id(first.unit_id).district_id,
            summary=summary[:255],
            data={"batch": batch, "rows": len(created)},
        )
    )
    return created


def _amount(amount_fen) -> int:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise refuse("The amount must be more than zero yuan, with at most two decimals.")
    return amount_fen


# -- deposits and interest --------------------------------------------------------------------


def deposit(
    ctx: Context,
    premises: Premises,
    amount_fen: int,
    on: dt.date | None = None,
    memo: str = "",
    proposal: FundProposal | None = None,
) -> FundEntry:
    """交存 A deposit for one unit (the first deposit, or a top-up raised by ``proposal``)."""
    require_update(ctx, FundEntry)
    amount = _amount(amount_fen)
    compound = compound_of_premises(premises)
    _account(compound)
    if proposal is not None and (
        proposal.kind != "raise" or proposal.status != "approved" or proposal.unit_id != compound.id
    ):
        raise refuse("Top-ups can only be booked against an approved raising proposal.")
    with db.atomic():
        (row,) = _book(
            [
                {
                    "unit": compound.id,
                    "premises": premises.id,
                    "kind": "deposit",
                    "amount_fen": amount,
                    "booked_on": on or ctx.today(),
                    "proposal": proposal.id if proposal else None,
                    "memo": memo[:200],
                }
            ],
            ctx.actor,
            f"维修资金交存: {premises.number} {rules.yuan(amount)}",
        )
    return row


def post_interest(
    ctx: Context,
    compound: TerritoryUnit,
    amount_fen: int,
    on: dt.date | None = None,
    memo: str = "",
) -> list[FundEntry]:
    """结息 Interest for the compound, shared among its units by their balances on ``on``
    (the shares sum to the amount to the fen)."""
    require_update(ctx, FundEntry)
    amount = _amount(amount_fen)
    compound = compound_of_unit(compound.id)
    _account(compound)
    on = on or ctx.today()
    held = {k: v for k, v in balances(compound=compound, before=on).items() if v > 0}
    if not held:
        raise refuse("No unit of this compound holds money in the fund yet.")
    shares = rules.split_fen(amount, held)
    with db.atomic():
        return _book(
            [
                {
                    "unit": compound.id,
                    "premises": pid,
                    "kind": "interest",
                    "amount_fen": fen,
                    "booked_on": on,
                    "memo": memo[:200],
                }
                for pid, fen in sorted(shares.items())
                if fen
            ],
            ctx.actor,
            f"维修资金结息: {compound.name} {rules.yuan(amount)}",
        )


# -- proposals --------------------------------------------------------------------------------


def premises_numbered(compound: TerritoryUnit, text: str) -> list[Premises] | None:
    """The units of the compound named by their numbers (one per line, or separated by
    commas), in that order; None when none is named."""
    numbers = [n.strip() for n in (text or "").replace(",", "\n").splitlines() if n.strip()]
    if not numbers:
        return None
    inside = {p.number: p for p in premises_in(compound)}
    for number in numbers:
        if number not in inside:
            raise refuse(
                "Unit %(number)s is not in this compound; the cost can only be split among "
                "the compound's own units.",
                number=number,
            )
    return [inside[number] for number in numbers]


def unit_numbered(compound: TerritoryUnit, number: str) -> Premises:
    """The unit of the compound with the number ``number``."""
    number = (number or "").strip()
    premises = premises_in(compound).where(Premises.number == number).first()
    if premises is None:
        raise refuse("There is no unit %(number)s in this compound.", number=number)
    return premises


def _shares_for(compound: TerritoryUnit, premises: list[Premises], budget: int) -> dict:
    if not premises:
        raise refuse("Choose the units that bear the cost.")
    inside = {p.id for p in premises_in(compound)}
    seen = set()
    for p in premises:
        if p.id not in inside:
            raise refuse(
                "Unit %(number)s is not in this compound; the cost can only be split among "
                "the compound's own units.",
                number=p.number,
            )
        if p.id in seen:
            raise refuse("Unit %(number)s is listed twice.", number=p.number)
        seen.add(p.id)
    return rules.split_fen(budget, {p.id: p.area for p in premises})


def create_proposal(
    ctx: Context,
    compound: TerritoryUnit,
    title: str,
    budget_fen: int,
    premises: list[Premises] | None,
    scope: str = "",
    kind: str = "use",
    emergency_reason: str = "",
) -> FundProposal:
    """A use (or raising) proposal with its cost split by exclusive area among ``premises``
    (for raising: every unit of the compound when ``premises`` is None)."""
    require_update(ctx, FundProposal)
    actor = ctx.actor
    compound = compound_of_unit(compound.id)
    if not (title or "").strip():
        raise refuse("Please fill in the title.")
    if kind not in ("use", "raise"):
        raise refuse("Unknown kind of proposal.")
    budget = _amount(budget_fen)
    if premises is None and kind == "raise":
        premises = list(premises_in(compound))
    shares = _shares_for(compound, list(premises or []), budget)
    areas = {p.id: p.area for p in premises}
    with db.atomic():
        proposal = FundProposal.create(
            unit=compound.id,
            title=title.strip()[:200],
            scope=scope or "",
            kind=kind,
            budget_fen=budget,
            emergency_reason=emergency_reason,
            created_by=actor,
            updated_by=actor,
        )
        for pid, fen in shares.items():
            FundShare.create(
                unit=compound.id,
                proposal=proposal,
                premises=pid,
                area=areas[pid],
                share_fen=fen,
                created_by=actor,
                updated_by=actor,
            )
        announce("created", proposal, actor, summary=f"维修资金方案: {proposal.title}")
    return proposal


def put_to_vote(ctx: Context, proposal: FundProposal, meeting: Meeting | None) -> Matter:
    """Put a draft proposal on the agenda of a draft meeting of the same compound: item 5
    (using the fund, ordinary, the affected units vote) or item 6 (raising, special)."""
    require_update(ctx, FundProposal)
    if proposal.status != "draft" or proposal.emergency_reason:
        raise refuse("Only a draft proposal can be put to the vote.")
    if meeting is None or meeting.unit_id != proposal.unit_id:
        raise refuse("The meeting must be a meeting of the proposal's compound.")
    with db.atomic():
        matter = add_matter(
            ctx,
            meeting,
            proposal.title,
            rules.vote_kind_of_proposal(proposal.kind),
            description=f"{proposal.scope}\n预算 {rules.yuan(proposal.budget_fen)} 元".strip(),
        )
        changed = (
            FundProposal.update(status="voting", matter=matter, updated_by=ctx.actor)
            .where((FundProposal.id == proposal.id) & (FundProposal.status == "draft"))
            .execute()
        )
        if changed != 1:
            raise refuse("Someone else has just changed this proposal; reload the page.")
    return matter


def on_event(event) -> None:
    """When a meeting is tallied, its fund proposals become approved or rejected."""
    record = getattr(event, "record", None)
    if (
        event.plugin != PLUGIN
        or event.name != "state_changed"
        or not isinstance(record, Meeting)
        or record.status != "tallied"
    ):
        return
    matters = Matter.select(Matter.id, Matter.result).where(Matter.meeting == record.id)
    for matter in matters:
        status = "approved" if matter.result == "passed" else "rejected"
        FundProposal.update(status=status).where(
            (FundProposal.matter == matter.id) & (FundProposal.status == "voting")
        ).execute()


def confirm_emergency(
    ctx: Context,
    compound: TerritoryUnit,
    title: str,
    budget_fen: int,
    premises: list[Premises],
    reason: str,
    confirmed_by: str,
    confirmed_on: dt.date | None = None,
    scope: str = "",
):
    """应急使用 An emergency use, confirmed by the residents' committee or the street office
    (``confirmed_by``), without a prior vote; published at once as a public notice."""
    from core.publicity import publish

    require_update(ctx, FundProposal)
    if reason not in dict(EMERGENCY_REASONS):
        raise refuse("Choose the kind of emergency.")
    if not (confirmed_by or "").strip():
        raise refuse("Name the residents' committee or street office that confirmed the emergency.")
    now = ctx.today()
    confirmed_on = confirmed_on or now
    if confirmed_on > now:
        raise refuse("The confirmation date cannot be in the future.")
    with db.atomic():
        proposal = create_proposal(
            ctx,
            compound,
            title,
            budget_fen,
            premises,
            scope=scope,
            emergency_reason=reason,
        )
        notice = publish(
            Context.trusted(actor=ctx.actor),
            f"维修资金应急使用公示：{proposal.title}"[:200],
            TerritoryUnit.get_by_id(proposal.unit_id),
            body=emergency_notice_body(proposal, confirmed_by.strip(), confirmed_on),
            record=proposal,
            plugin=PLUGIN,
        )
        FundProposal.update(
            status="emergency",
            confirmed_by=confirmed_by.strip()[:100],
            confirmed_on=confirmed_on,
            publication_id=notice.id,
        ).where(FundProposal.id == proposal.id).execute()
    return FundProposal.get_by_id(proposal.id)


def emergency_notice_body(proposal: FundProposal, confirmed_by: str, on: dt.date) -> str:
    lines = [
        f"紧急情况：{dict(EMERGENCY_REASONS)[proposal.emergency_reason]}",
        f"工程内容：{proposal.scope}",
        f"预算：{rules.yuan(proposal.budget_fen)} 元，按专有部分面积分摊",
        f"确认单位：{confirmed_by}（{on.isoformat()}）",
        "分摊明细：",
    ]
    for share in shares_of(proposal):
        lines.append(
            f"  {share.premises.number}  {share.area} m²  {rules.yuan(share.share_fen)} 元"
        )
    return "\n".join(lines)


def shares_of(proposal: FundProposal) -> list[FundShare]:
    return list(
        FundShare.select(FundShare, Premises)
        .join(Premises)
        .where(FundShare.proposal == proposal.id)
        .order_by(Premises.number)
    )


def spent(proposal: FundProposal) -> int:
    """What has been paid out for the proposal, in fen (reversals deducted)."""
    total = (
        FundEntry.select(pw.fn.SUM(FundEntry.amount_fen))
        .where((FundEntry.proposal == proposal.id) & (FundEntry.kind == "spending"))
        .scalar()
    )
    return -int(total or 0)


def may_spend(proposal: FundProposal) -> bool:
    return proposal.kind == "use" and proposal.status in ("approved", "emergency")


def disburse(
    ctx: Context,
    proposal: FundProposal,
    amount_fen: int,
    on: dt.date | None = None,
    memo: str = "",
) -> list[FundEntry]:
    """拨付 Pay ``amount_fen`` for an approved (or emergency) proposal, charged to the affected
    units by area. Refused beyond the budget or beyond any affected unit's balance."""
    require_update(ctx, FundEntry)
    proposal = FundProposal.get_by_id(proposal.id)
    if not may_spend(proposal):
        raise refuse(
            "The fund can only be spent for a proposal the owners have approved, or on the "
            "emergency path once confirmed."
        )
    amount = _amount(amount_fen)
    left = proposal.budget_fen - spent(proposal)
    if amount > left:
        raise refuse(
            "The amount exceeds what is left of the budget (%(left)s yuan).",
            left=rules.yuan(left),
        )
    shares = shares_of(proposal)
    parts = rules.split_fen(amount, {s.premises_id: s.area for s in shares})
    held = balances(parts.keys())
    numbers = {s.premises_id: s.premises.number for s in shares}
    for pid, fen in sorted(parts.items(), key=lambda kv: numbers[kv[0]]):
        if fen > held.get(pid, 0):
            raise refuse(
                "The fund balance of unit %(number)s (%(balance)s yuan) is less than its share "
                "(%(share)s yuan); nothing was paid.",
                number=numbers[pid],
                balance=rules.yuan(held.get(pid, 0)),
                share=rules.yuan(fen),
            )
    with db.atomic():
        return _book(
            [
                {
                    "unit": proposal.unit_id,
                    "premises": pid,
                    "kind": "spending",
                    "amount_fen": -fen,
                    "booked_on": on or ctx.today(),
                    "proposal": proposal.id,
                    "memo": memo[:200],
                }
                for pid, fen in sorted(parts.items())
                if fen
            ],
            ctx.actor,
            f"维修资金拨付: {proposal.title} {rules.yuan(amount)}",
        )


def reverse(ctx: Context, batch: str, reason: str, on: dt.date | None = None):
    """冲正 Reverse every row of a booking with rows of the opposite amount; the original rows
    stay. Refused twice, for a reversal itself, or when a balance would fall below zero."""
    require_update(ctx, FundEntry)
    if not (reason or "").strip():
        raise refuse("Please give the reason for the correction.")
    rows = list(FundEntry.select().where(FundEntry.batch == batch).order_by(FundEntry.id))
    if not rows:
        raise refuse("There is no such booking.")
    if any(r.reverses_id for r in rows):
        raise refuse("A correction cannot itself be reversed; book the amount again instead.")
    if FundEntry.select().where(FundEntry.reverses.in_([r.id for r in rows])).exists():
        raise refuse("This booking has already been reversed.")
    held = balances([r.premises_id for r in rows])
    for r in rows:
        if held.get(r.premises_id, 0) - r.amount_fen < 0:
            raise refuse(
                "Reversing this booking would leave unit %(number)s with a negative balance.",
                number=Premises.get_by_id(r.premises_id).number,
            )
    with db.atomic():
        return _book(
            [
                {
                    "unit": r.unit_id,
                    "premises": r.premises_id,
                    "kind": r.kind,
                    "amount_fen": -r.amount_fen,
                    "booked_on": on or ctx.today(),
                    "proposal": r.proposal_id,
                    "reverses": r.id,
                    "memo": f"冲正: {reason.strip()}"[:200],
                }
                for r in rows
            ],
            ctx.actor,
            f"维修资金冲正: {reason.strip()}",
        )
