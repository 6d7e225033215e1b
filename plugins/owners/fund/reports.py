"""The maintenance fund's statement (维修资金对账单), writing nothing: per exclusive unit, the
opening balance, deposits, interest, spending and the closing balance of a period, the units
below the top-up line flagged (续交), and the same as a CSV file with a BOM for Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

import peewee as pw

from core.commands import refuse
from core.models import TerritoryUnit

from ..register.models import Premises
from ..register.services import compound_of_unit, premises_in
from ..shared.services import setting
from . import rules
from .models import FundEntry
from .services import balances


@dataclass
class StatementRow:
    premises_id: int
    number: str
    area: Decimal
    opening: int = 0
    deposit: int = 0
    interest: int = 0
    spending: int = 0
    first_deposit: int = 0
    low: bool = False

    @property
    def closing(self) -> int:
        return self.opening + self.deposit + self.interest + self.spending


@dataclass
class Statement:
    compound: TerritoryUnit
    start: dt.date
    end: dt.date
    rows: list[StatementRow] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(r, name) for r in self.rows)


def statement(compound: TerritoryUnit, start: dt.date, end: dt.date) -> Statement:
    """对账单 The compound's statement for ``start``..``end`` (inclusive): per unit, the
    opening balance, deposits, interest, spending (negative) and the closing balance; units
    below the top-up line (``fund_topup_percent`` of their first deposit) are flagged."""
    compound = compound_of_unit(compound.id)
    if end < start:
        raise refuse("The period must end on or after the day it starts.")
    result = Statement(compound, start, end)
    query = premises_in(compound).select(Premises.id, Premises.number, Premises.area)
    rows = {
        pid: StatementRow(pid, number, area)
        for pid, number, area in query.order_by(Premises.number).tuples()
    }
    for pid, fen in balances(compound=compound, before=start).items():
        if pid in rows:
            rows[pid].opening = fen
    period = (
        FundEntry.select(
            FundEntry.premises, FundEntry.kind, pw.fn.SUM(FundEntry.amount_fen).alias("total")
        )
        .where(
            (FundEntry.unit == compound.id)
            & (FundEntry.booked_on >= start)
            & (FundEntry.booked_on <= end)
        )
        .group_by(FundEntry.premises, FundEntry.kind)
    )
    for pid, kind, total in period.tuples():
        if pid in rows:
            setattr(rows[pid], kind, int(total or 0))
    first = (
        FundEntry.select(pw.fn.MIN(FundEntry.id))
        .where(
            (FundEntry.unit == compound.id)
            & (FundEntry.kind == "deposit")
            & FundEntry.reverses.is_null()
        )
        .group_by(FundEntry.premises)
    )
    firsts = FundEntry.select(FundEntry.premises, FundEntry.amount_fen).where(
        FundEntry.id.in_(first)
    )
    for pid, amount in firsts.tuples():
        if pid in rows:
            rows[pid].first_deposit = amount
    percent = int(setting(compound, "fund_topup_percent"))
    for r in rows.values():
        r.low = bool(percent and r.first_deposit and r.closing * 100 < r.first_deposit * percent)
    result.rows = list(rows.values())
    return result


STATEMENT_HEADERS = (
    "单元号",
    "专有面积(m²)",
    "期初余额(元)",
    "交存(元)",
    "利息(元)",
    "使用支出(元)",
    "期末余额(元)",
    "低于续交线",
)


def statement_csv(st: Statement) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{st.compound.name} 住宅专项维修资金对账单 {st.start} 至 {st.end}"])
    writer.writerow(STATEMENT_HEADERS)
    for r in st.rows:
        writer.writerow(
            [
                r.number,
                f"{Decimal(r.area):.2f}",
                rules.yuan(r.opening),
                rules.yuan(r.deposit),
                rules.yuan(r.interest),
                rules.yuan(r.spending),
                rules.yuan(r.closing),
                "是" if r.low else "",
            ]
        )
    writer.writerow(
        [
            "合计",
            f"{sum((Decimal(r.area) for r in st.rows), Decimal(0)):.2f}",
            *(
                rules.yuan(st.total(n))
                for n in ("opening", "deposit", "interest", "spending", "closing")
            ),
            "",
        ]
    )
    return "\ufeff" + out.getvalue()
