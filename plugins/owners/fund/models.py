"""Maintenance-fund models (住宅专项维修资金): :class:`FundAccount` (账户), :class:`FundProposal`
(使用方案 / 筹集方案) with its :class:`FundShare` rows (列支范围), and the append-only ledger
:class:`FundEntry` (分户账). Table names start with ``owners_``."""

from __future__ import annotations

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext
from core.models import AppendOnlyModel, DistrictOwnedModel, TerritoryUnit, User, utcnow

from ..assembly.models import Matter
from ..register.models import Premises

ENTRY_KINDS = [
    ("deposit", _l("Deposit")),  # 交存
    ("interest", _l("Interest")),  # 利息
    ("spending", _l("Spending")),  # 使用支出
]

PROPOSAL_KINDS = [
    ("use", _l("Use of the fund")),  # 使用 (民法典第二百七十八条第五项)
    ("raise", _l("Raising the fund")),  # 筹集、续筹 (第六项)
]

PROPOSAL_STATES = [
    ("draft", _l("Draft")),
    ("voting", _l("Put to the vote")),
    ("approved", _l("Approved")),
    ("rejected", _l("Rejected")),
    ("emergency", _l("Emergency use confirmed")),
]

EMERGENCY_REASONS = [
    ("lift", _l("Lift fault")),  # 电梯故障
    ("roof_leak", _l("Roof or wall leak")),  # 屋面、外墙渗漏
    ("fire", _l("Fire-safety facilities out of order")),  # 消防设施故障
    ("facade", _l("Facade at risk of falling")),  # 外墙墙面有脱落危险
    ("water", _l("Water supply pump stopped")),  # 二次供水水泵运行中断
    ("drainage", _l("Drainage blocked or burst")),  # 排水设施堵塞、爆裂
    ("other", _l("Other danger to safety")),  # 其他危及房屋使用和人身财产安全的紧急情况
]


class FundAccount(DistrictOwnedModel):
    """住宅专项维修资金账户 The maintenance-fund account of a compound (``unit``): where the
    money is held. Its movements are :class:`FundEntry` rows, per exclusive unit (分户账)."""

    bank = pw.CharField(max_length=100, default="", verbose_name=_l("Bank"))
    account_no = pw.CharField(max_length=40, default="", verbose_name=_l("Account number"))
    custodian = pw.CharField(max_length=100, default="", verbose_name=_l("Custodian"))
    opened_on = pw.DateField(null=True, verbose_name=_l("Opened on"))

    class Meta:
        table_name = "owners_fund_account"
        verbose_name = _l("Fund accounts")

    def __str__(self) -> str:
        return f"{self.bank} {self.account_no}".strip() or str(self.id)


class FundProposal(DistrictOwnedModel):
    """使用方案 / 筹集方案 A plan to use (or raise) the maintenance fund of a compound
    (``unit``): the works, the budget in fen, the units that bear the cost (列支范围,
    :class:`FundShare`). Approved by the owners' vote (``matter``) or, on the emergency path,
    confirmed by the residents' committee or street office and then publicised."""

    title = pw.CharField(max_length=200, verbose_name=_l("Title"))
    scope = pw.TextField(default="", verbose_name=_l("Works"))
    kind = pw.CharField(
        max_length=8, default="use", choices=PROPOSAL_KINDS, verbose_name=_l("Kind")
    )
    budget_fen = pw.BigIntegerField(verbose_name=_l("Budget (fen)"))
    status = pw.CharField(
        max_length=16,
        default="draft",
        choices=PROPOSAL_STATES,
        index=True,
        verbose_name=_l("Status"),
    )
    matter = pw.ForeignKeyField(
        Matter, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Matter")
    )
    emergency_reason = pw.CharField(
        max_length=16,
        default="",
        choices=EMERGENCY_REASONS,
        verbose_name=_l("Emergency"),
    )
    confirmed_by = pw.CharField(
        max_length=100, default="", verbose_name=lazy_pgettext("organisation", "Confirmed by")
    )
    confirmed_on = pw.DateField(null=True, verbose_name=_l("Confirmed on"))
    publication_id = pw.IntegerField(null=True, verbose_name=_l("Public notice"))

    class Meta:
        table_name = "owners_fund_proposal"
        verbose_name = _l("Fund proposals")

    def __str__(self) -> str:
        return self.title


class FundShare(DistrictOwnedModel):
    """列支范围 A unit that bears part of a proposal's cost, with its exclusive area and its
    share in fen (split by area, 民法典第二百八十三条; the shares sum to the budget)."""

    proposal = pw.ForeignKeyField(
        FundProposal, backref="shares", on_delete="CASCADE", verbose_name=_l("Proposal")
    )
    premises = pw.ForeignKeyField(
        Premises, backref="+", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    area = pw.DecimalField(max_digits=10, decimal_places=2, verbose_name=_l("Exclusive area (m²)"))
    share_fen = pw.BigIntegerField(verbose_name=_l("Share (fen)"))

    class Meta:
        table_name = "owners_fund_share"
        verbose_name = _l("Fund shares")
        indexes = ((("proposal", "premises"), True),)


class FundEntry(AppendOnlyModel):
    """分户账 A movement of the maintenance fund on one exclusive unit, in fen (deposits and
    interest positive, spending negative). Never changed: a correction is a new row that
    reverses an earlier one (``reverses``) with the opposite amount. Rows written by one
    operation share a ``batch``."""

    unit = pw.ForeignKeyField(
        TerritoryUnit, backref="+", on_delete="RESTRICT", verbose_name=_l("Territory unit")
    )
    premises = pw.ForeignKeyField(
        Premises, backref="+", on_delete="RESTRICT", verbose_name=_l("Unit")
    )
    kind = pw.CharField(max_length=8, choices=ENTRY_KINDS, verbose_name=_l("Kind"))
    amount_fen = pw.BigIntegerField(verbose_name=_l("Amount (fen)"))
    booked_on = pw.DateField(index=True, verbose_name=_l("Date"))
    proposal = pw.ForeignKeyField(
        FundProposal, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Proposal")
    )
    reverses = pw.ForeignKeyField(
        "self", null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Reverses")
    )
    batch = pw.CharField(max_length=32, index=True, verbose_name=_l("Batch"))
    memo = pw.CharField(max_length=200, default="", verbose_name=_l("Memo"))
    actor = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("Booked by")
    )
    at = pw.DateTimeField(default=utcnow, verbose_name=_l("Time"))

    class Meta:
        table_name = "owners_fund_entry"
        verbose_name = _l("Fund ledger")
        indexes = ((("premises", "booked_on"), False),)


MODELS = [FundAccount, FundProposal, FundShare, FundEntry]
