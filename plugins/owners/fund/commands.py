"""The rules of the maintenance fund's records (维修资金的记录规则), run by :mod:`core.commands`
on every write path — the admin form, the REST API, the spreadsheet import.

Only the account is a plain record: proposals, their shares and the ledger are written by the
operations of :mod:`.services` (a split to the fen, a vote, an append-only ledger).
"""

from __future__ import annotations

from core.commands import Rules, refuse

from ..register.services import compound_of_unit
from .models import FundAccount


class FundAccountRules(Rules):
    """维修资金账户: one account per compound (小区)."""

    model = FundAccount

    def validate(self, ctx, record, before):
        compound_of_unit(record.unit_id)
        other = FundAccount.select().where(FundAccount.unit == record.unit_id)
        if record.id is not None:
            other = other.where(FundAccount.id != record.id)
        if other.exists():
            raise refuse("This compound already has a maintenance-fund account.", field="unit")


RULES = [FundAccountRules]
