"""The time ledger (时间账本): double-entry, in integer minutes.

A transfer is a header (:class:`~plugins.timebank.models.Transfer`) and two or more movements
that sum to zero in each ledger (service hours, time credits); each account caches its
balance, always recomputable from its movements (:func:`verify`). Transfers and movements are
append-only: a correction is a reversal (:func:`reverse_transfer`), never an edit.

The operations that use it (approval, redemption, gifts, donations, grants, expiry) are in
:mod:`plugins.timebank.services` and :mod:`plugins.timebank.flows`; this module holds the
postings and the reads, and imports neither.
"""

from __future__ import annotations

import peewee as pw

from core.commands import refuse
from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.services import ServiceError

from . import rules
from .models import PLUGIN, Account, Movement, ServiceRecord, Transfer, Volunteer
from .policy import district_id as _district_id


def ensure_accounts(vol: Volunteer) -> None:
    for kind in ("hours", "credits"):
        Account.get_or_create(
            volunteer=vol, kind=kind, defaults={"unit": vol.unit_id, "role": "person"}
        )


class LedgerError(ServiceError):
    """A posting refused by the ledger (not enough balance, a broken transfer)."""


def system_account(unit_id: int, role: str, kind: str) -> Account:
    """The community's issuing, redeemed, pool or expired account (created on first use)."""
    key = f"{unit_id}:{role}:{kind}"
    account = Account.get_or_none(Account.system_key == key)
    if account is None:
        try:
            with db.atomic():
                account = Account.create(unit=unit_id, role=role, kind=kind, system_key=key)
        except pw.IntegrityError:
            account = Account.get(Account.system_key == key)
    return account


def person_account(vol: Volunteer, kind: str) -> Account:
    account = Account.get_or_none((Account.volunteer == vol.id) & (Account.kind == kind))
    if account is None:
        ensure_accounts(vol)
        account = Account.get((Account.volunteer == vol.id) & (Account.kind == kind))
    return account


# Accounts that may go below zero: the issuing account is the source of everything posted.
MAY_GO_NEGATIVE = ("issue",)


def post(
    unit_id: int,
    kind: str,
    lines: list[tuple[Account, int]],
    actor=None,
    record=None,
    memo: str = "",
    reverses=None,
) -> Transfer:
    """Write one transfer: ``lines`` of (account, minutes) that sum to zero in each ledger.

    Debits check and update the cached balance in one statement (``balance >= amount``), so
    concurrent postings can never overdraw an account or lose an update; accounts are updated
    in id order so two transfers cannot deadlock.
    """
    lines = [(account, int(amount)) for account, amount in lines if int(amount) != 0]
    if len(lines) < 2:
        raise LedgerError(_("A transfer needs at least two lines."))
    for ledger in {account.kind for account, _amount in lines}:
        if sum(a for acc, a in lines if acc.kind == ledger) != 0:
            raise LedgerError(_("The lines of a transfer must sum to zero."))
    with db.atomic():
        transfer = Transfer.create(
            unit=unit_id,
            kind=kind,
            record=record,
            memo=(memo or "")[:200],
            reverses=reverses,
            created_by=actor if getattr(actor, "id", None) else None,
        )
        for account, amount in sorted(lines, key=lambda line: line[0].id):
            query = Account.update(balance=Account.balance + amount).where(Account.id == account.id)
            if amount < 0 and account.role not in MAY_GO_NEGATIVE:
                query = query.where(Account.balance >= -amount)
            if query.execute() != 1:
                raise LedgerError(
                    _(
                        "Not enough balance: %(needed)s needed (hours:minutes).",
                        needed=rules.format_minutes(-amount),
                    )
                )
        Movement.insert_many(
            [
                {"transfer": transfer.id, "account": acc.id, "amount": amount}
                for acc, amount in lines
            ]
        ).execute()
        emit(
            Event(
                "created",
                plugin=PLUGIN,
                record=transfer,
                actor=actor,
                district_id=_district_id(transfer),
                summary=f"{kind}: " + ", ".join(f"{acc.id}:{amount:+d}" for acc, amount in lines),
            )
        )
    return transfer


def post_service(record: ServiceRecord, actor, pol: rules.Policy) -> Transfer:
    """An approved record posts its minutes to the volunteer's service hours and, as the
    policy says, time credits to their credits account; credits above the storage cap go
    to the community pool (南京: hours above 1,500 go to donation)."""
    vol = record.volunteer
    unit = vol.unit_id
    hours = person_account(vol, "hours")
    lines = [(system_account(unit, "issue", "hours"), -record.minutes), (hours, record.minutes)]
    credits = rules.credits_for(record.minutes, pol)
    if credits:
        account = person_account(vol, "credits")
        current = Account.select(Account.balance).where(Account.id == account.id).scalar()
        kept, excess = rules.split_at_cap(int(current), credits, pol)
        lines += [(system_account(unit, "issue", "credits"), -credits), (account, kept)]
        if excess:
            lines.append((system_account(unit, "pool", "credits"), excess))
    return post(unit, "service", lines, actor, record=record, memo=record.content[:100])


def reverse_transfer(transfer: Transfer, actor, memo: str) -> Transfer:
    """Reverse a transfer (冲正): a new transfer with every line negated. A transfer is reversed
    at most once; a reversal that would overdraw an account (credits already spent) is
    refused."""
    if transfer.kind == "reversal":
        raise refuse("A reversal cannot itself be reversed.")
    if Transfer.select().where(Transfer.reverses == transfer.id).exists():
        raise refuse("This transfer has already been reversed.")
    lines = [
        (m.account, -m.amount)
        for m in Movement.select(Movement, Account)
        .join(Account)
        .where(Movement.transfer == transfer.id)
    ]
    return post(
        transfer.unit_id, "reversal", lines, actor, transfer.record_id, memo, reverses=transfer
    )


def reverse_service(record: ServiceRecord, actor, memo: str) -> Transfer | None:
    """Take back what an approved record posted (冲销): the reversal of its service transfer
    (None when it posted nothing)."""
    original = Transfer.get_or_none((Transfer.record == record.id) & (Transfer.kind == "service"))
    if original is None:
        return None
    return reverse_transfer(original, actor, memo)


def balances(vol: Volunteer) -> dict[str, int]:
    """The volunteer's balances in minutes: one indexed read per account, whatever the size
    of the ledger."""
    rows = Account.select(Account.kind, Account.balance).where(Account.volunteer == vol.id)
    found = {row.kind: int(row.balance) for row in rows}
    return {"hours": found.get("hours", 0), "credits": found.get("credits", 0)}


def statement(vol: Volunteer, limit: int = 50) -> list[Movement]:
    return list(
        Movement.select(Movement, Transfer, Account)
        .join(Transfer)
        .switch(Movement)
        .join(Account)
        .where(Account.volunteer == vol.id)
        .order_by(Movement.id.desc())
        .limit(limit)
    )


def verify() -> list[str]:
    """Check the whole ledger: every cached balance equals the sum of its movements, and the
    movements of every transfer sum to zero in each ledger. Returns the problems found."""
    problems = []
    sums = (
        Account.select(
            Account.id,
            Account.balance,
            pw.fn.COALESCE(pw.fn.SUM(Movement.amount), 0).alias("total"),
        )
        .join(Movement, pw.JOIN.LEFT_OUTER)
        .group_by(Account.id, Account.balance)
        .having(Account.balance != pw.fn.COALESCE(pw.fn.SUM(Movement.amount), 0))
    )
    for row in sums.objects():
        problems.append(
            f"account {row.id}: cached balance {row.balance} != sum of movements {row.total}"
        )
    unbalanced = (
        Movement.select(Movement.transfer, Account.kind, pw.fn.SUM(Movement.amount).alias("total"))
        .join(Account)
        .group_by(Movement.transfer, Account.kind)
        .having(pw.fn.SUM(Movement.amount) != 0)
    )
    for row in unbalanced.objects():
        problems.append(
            f"transfer {row.transfer_id}: {row.kind} movements sum to {row.total}, not 0"
        )
    short = (
        Transfer.select(Transfer.id, pw.fn.COUNT(Movement.id).alias("n"))
        .join(Movement, pw.JOIN.LEFT_OUTER)
        .group_by(Transfer.id)
        .having(pw.fn.COUNT(Movement.id) < 2)
    )
    for row in short.objects():
        problems.append(f"transfer {row.id}: {row.n} movement(s), at least 2 needed")
    return problems
