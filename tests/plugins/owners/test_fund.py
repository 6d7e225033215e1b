"""The maintenance fund (住宅专项维修资金): exact cost split, the vote among the affected units,
the emergency path, disbursements, reversals, statements; every refusal has a Chinese
message and changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee as pw
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import territory
from core.commands import Context
from core.db import db
from core.models import AppendOnlyError
from core.publicity.models import Publication
from core.services import ServiceError
from plugins.owners.assembly import services
from plugins.owners.assembly.models import Matter, Meeting
from plugins.owners.committees.services import tell_residents_committee
from plugins.owners.fund import reports as fund_reports
from plugins.owners.fund import rules
from plugins.owners.fund import services as fund
from plugins.owners.fund.models import FundAccount, FundEntry, FundProposal, FundShare

from .conftest import DAY, own_ballots, reload, trusted


def refused(call, contains):
    with pytest.raises(ServiceError) as exc:
        call()
    assert contains in str(exc.value), str(exc.value)


def counts(world):
    """Rows of the test compound (the demo compound lives in another community)."""
    here = world.compound.id
    return (
        FundProposal.select().where(FundProposal.unit == here).count(),
        FundShare.select().where(FundShare.unit == here).count(),
        FundEntry.select().where(FundEntry.unit == here).count(),
        Matter.select().where(Matter.unit == here).count(),
        Publication.select().where(Publication.unit == here).count(),
    )


# -- the split ------------------------------------------------------------------------------


def test_split_by_area_sums_to_the_budget_with_the_largest_remainder_rule():
    assert rules.split_fen(100, {1: 1, 2: 1, 3: 1}) == {1: 34, 2: 33, 3: 33}
    # 1000.01 yuan over 100, 100 and 50 m²: 400.004, 400.004, 200.002 yuan
    assert rules.split_fen(100001, {1: Decimal("100"), 2: Decimal("100"), 3: Decimal("50")}) == {
        1: 40001,
        2: 40000,
        3: 20000,
    }
    # the fen left over goes to the largest remainder, not to the first unit
    assert rules.split_fen(10, {"a": Decimal("1.00"), "b": Decimal("2.00")}) == {"a": 3, "b": 7}


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=10**12),
    st.lists(st.decimals(min_value="0.01", max_value="100000", places=2), min_size=1, max_size=30),
)
def test_split_always_sums_exactly_and_each_share_is_within_a_fen(total, areas):
    weights = dict(enumerate(areas))
    shares = rules.split_fen(total, weights)
    assert sum(shares.values()) == total
    whole = sum(areas)
    for key, area in weights.items():
        exact = Decimal(total) * area / whole
        assert abs(Decimal(shares[key]) - exact) < 1


def test_yuan_and_parse():
    assert rules.yuan(123456) == "1234.56" and rules.yuan(-5) == "-0.05"
    assert rules.parse_yuan("1,234.5") == 123450
    assert rules.parse_yuan("1.234") is None and rules.parse_yuan("abc") is None


# -- helpers --------------------------------------------------------------------------------


def funded(world, amounts=(500000, 500000, 250000, 250000)):
    """Open the account and deposit 5000, 5000, 2500 and 2500 yuan on the four units."""
    FundAccount.create(unit=world.compound, bank="建设银行", account_no="6217")
    for unit, amount in zip(world.units, amounts, strict=True):
        fund.deposit(Context(world.staff, world.access), unit, amount, on=DAY)


def vote(world, proposal, choices):
    """Put ``proposal`` to a meeting, cast ``choices`` (owner index -> choice), tally."""
    meeting = Meeting.create(
        unit=world.compound,
        title="维修资金表决",
        opens_on=DAY + dt.timedelta(15),
        closes_on=DAY + dt.timedelta(20),
    )
    matter = fund.put_to_vote(Context(world.staff, world.access), proposal, meeting)
    tell_residents_committee(trusted(world.staff), meeting, "长青社区居委会", DAY)
    meeting = services.notice(trusted(world.staff), meeting, on=DAY)
    meeting = services.open_voting(trusted(world.staff), meeting, on=meeting.opens_on)
    for index, choice in choices.items():
        services.cast(
            trusted(world.users[index]), world.owners[index], matter, choice, on=meeting.opens_on
        )
    meeting = services.close_voting(
        trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(1)
    )
    services.tally_meeting(trusted(world.staff), meeting, on=meeting.closes_on + dt.timedelta(2))
    return reload(matter)


def balance(unit):
    return fund.balances([unit.id]).get(unit.id, 0)


# -- deposits ---------------------------------------------------------------------------------


def test_a_deposit_needs_the_compound_account_and_a_positive_amount(world):
    refused(
        lambda: fund.deposit(trusted(world.staff), world.units[0], 100),
        "请先开立本小区的维修资金账户",
    )
    FundAccount.create(unit=world.compound)
    refused(lambda: fund.deposit(trusted(world.staff), world.units[0], 0), "金额须大于零")
    refused(lambda: fund.deposit(trusted(world.staff), world.units[0], -5), "金额须大于零")
    assert counts(world)[2] == 0
    fund.deposit(trusted(world.staff), world.units[0], 12345, on=DAY)
    assert balance(world.units[0]) == 12345


# -- proposals and the vote --------------------------------------------------------------------


def test_a_proposal_splits_the_budget_by_area_among_the_affected_units(world):
    funded(world)
    p = fund.create_proposal(
        Context(world.staff, world.access),
        world.compound,
        "1号楼屋面防水",
        100001,
        [world.units[0], world.units[1], world.units[2]],
        scope="屋面防水层翻修",
    )
    shares = {s.premises.number: s.share_fen for s in fund.shares_of(p)}
    assert shares == {"101室": 40001, "102室": 40000, "201室": 20000}
    assert sum(shares.values()) == p.budget_fen


def test_a_cost_split_over_a_unit_outside_the_compound_is_refused(world):
    funded(world)
    other = territory.create_unit("T-XQ2", "别的小区", "compound", world.compound.parent)
    building = territory.create_unit("T-XQ2-1", "1号楼", "building", other)
    stranger = type(world.units[0]).create(unit=building, number="9-9", area=Decimal("80"))
    before = counts(world)
    refused(
        lambda: fund.create_proposal(
            trusted(world.staff), world.compound, "外墙", 10000, [world.units[0], stranger]
        ),
        "单元 9-9 不属于本小区",
    )
    refused(
        lambda: fund.create_proposal(trusted(world.staff), world.compound, "外墙", 10000, []),
        "请选择分摊费用的单元",
    )
    refused(
        lambda: fund.create_proposal(
            trusted(world.staff), world.compound, "外墙", 10000, [world.units[0], world.units[0]]
        ),
        "单元 101室 重复列出",
    )
    assert counts(world) == before


def test_spending_without_an_approved_proposal_is_refused(world):
    funded(world)
    p = fund.create_proposal(
        trusted(world.staff), world.compound, "电梯维修", 10000, [world.units[0]]
    )
    before = counts(world)
    refused(lambda: fund.disburse(trusted(world.staff), p, 5000), "只能用于业主表决通过的方案")
    assert counts(world) == before and balance(world.units[0]) == 500000


def test_the_affected_owners_vote_and_approval_unlocks_disbursement(world):
    funded(world)
    # units 0 (owner 0, 100 m²) and 2 (owners 1 and 2, 50 m²) bear the cost: 150 m², 2 heads
    p = fund.create_proposal(
        trusted(world.staff),
        world.compound,
        "1号楼电梯更换",
        300000,
        [world.units[0], world.units[2]],
    )
    matter = vote(world, p, {0: "agree", 1: "agree"})
    assert matter.item == "5" and matter.kind == "ordinary"
    tally = __import__("json").loads(matter.tally)
    # the denominators are the affected units only (the whole compound is 300 m², 3 heads)
    assert tally["total_area"] == "150" and tally["total_heads"] == 2
    assert matter.result == "passed"
    assert reload(p).status == "approved"
    rows = fund.disburse(trusted(world.staff), p, 150000, on=DAY + dt.timedelta(30))
    assert {r.premises_id: r.amount_fen for r in rows} == {
        world.units[0].id: -100000,
        world.units[2].id: -50000,
    }
    assert balance(world.units[0]) == 400000 and balance(world.units[2]) == 200000
    assert balance(world.units[1]) == 500000  # not affected, not charged
    assert fund.spent(p) == 150000


def test_an_owner_outside_the_affected_units_cannot_vote(world):
    funded(world)
    p = fund.create_proposal(
        trusted(world.staff), world.compound, "2单元水泵", 10000, [world.units[2]]
    )
    meeting = Meeting.create(
        unit=world.compound,
        title="水泵",
        opens_on=DAY + dt.timedelta(15),
        closes_on=DAY + dt.timedelta(20),
    )
    matter = fund.put_to_vote(trusted(world.staff), p, meeting)
    tell_residents_committee(trusted(world.staff), meeting, "长青社区居委会", DAY)
    meeting = services.open_voting(
        trusted(world.staff),
        services.notice(trusted(world.staff), meeting, on=DAY),
        on=meeting.opens_on,
    )
    refused(
        lambda: services.cast(
            trusted(world.users[0]), world.owners[0], matter, "agree", on=meeting.opens_on
        ),
        "您的单元不在本事项的费用分摊范围内",
    )

    assert own_ballots().count() == 0


def test_a_rejected_proposal_cannot_be_spent(world):
    funded(world)
    p = fund.create_proposal(
        trusted(world.staff), world.compound, "绿化改造", 100000, [world.units[0], world.units[2]]
    )
    matter = vote(world, p, {0: "disagree", 1: "agree"})
    assert matter.result == "rejected" and reload(p).status == "rejected"
    before = counts(world)
    refused(
        lambda: fund.disburse(trusted(world.staff), reload(p), 100), "只能用于业主表决通过的方案"
    )
    assert counts(world) == before


def test_raising_the_fund_is_a_special_matter_of_the_whole_compound(world):
    funded(world)
    p = fund.create_proposal(
        trusted(world.staff), world.compound, "续筹维修资金", 600000, None, kind="raise"
    )
    assert FundShare.select().where(FundShare.proposal == p.id).count() == 4
    matter = vote(world, p, {0: "agree", 1: "agree"})
    assert matter.item == "6" and matter.kind == "special"
    assert matter.result == "passed" and reload(p).status == "approved"
    refused(
        lambda: fund.disburse(trusted(world.staff), reload(p), 100), "只能用于业主表决通过的方案"
    )
    fund.deposit(trusted(world.staff), world.units[0], 200000, proposal=reload(p))
    assert balance(world.units[0]) == 700000


def test_overspending_the_budget_or_a_units_balance_is_refused(world):
    funded(world, amounts=(500000, 500000, 1000, 250000))
    p = fund.create_proposal(
        trusted(world.staff), world.compound, "1号楼电梯", 300000, [world.units[0], world.units[2]]
    )
    vote(world, p, {0: "agree", 1: "agree"})
    p = reload(p)
    before = counts(world)
    refused(lambda: fund.disburse(trusted(world.staff), p, 300001), "超出预算余额（3000.00 元）")
    # unit 201室 holds 10 yuan but its share of 300 yuan is 100 yuan
    refused(
        lambda: fund.disburse(trusted(world.staff), p, 30000),
        "单元 201室 的维修资金余额（10.00 元）不足以支付其分摊额（100.00 元）",
    )
    assert counts(world) == before
    assert balance(world.units[0]) == 500000 and balance(world.units[2]) == 1000


def test_the_emergency_path_needs_a_confirmation_and_is_published(world):
    funded(world)
    before = counts(world)
    refused(
        lambda: fund.confirm_emergency(
            trusted(world.staff), world.compound, "电梯困人", 50000, [world.units[0]], "lift", ""
        ),
        "请填写确认紧急情况的居委会或街道办事处",
    )
    refused(
        lambda: fund.confirm_emergency(
            trusted(world.staff),
            world.compound,
            "电梯困人",
            50000,
            [world.units[0]],
            "",
            "长青社区居委会",
        ),
        "请选择紧急情况的类型",
    )
    assert counts(world) == before
    p = fund.confirm_emergency(
        trusted(world.staff),
        world.compound,
        "1号楼电梯故障抢修",
        50000,
        [world.units[0], world.units[1]],
        "lift",
        "长青社区居委会",
        scope="更换曳引机制动器",
    )
    assert p.status == "emergency" and p.matter_id is None
    notice = Publication.get_by_id(p.publication_id)
    assert notice.target_table == "owners_fund_proposal" and notice.target_id == str(p.id)
    assert "长青社区居委会" in notice.body and "101室" in notice.body and "250.00" in notice.body
    fund.disburse(trusted(world.staff), p, 50000)
    assert balance(world.units[0]) == 475000


def test_a_reversal_restores_the_balance_once_and_the_ledger_stays(world):
    funded(world)
    p = fund.confirm_emergency(
        trusted(world.staff),
        world.compound,
        "屋面渗漏",
        20000,
        [world.units[0]],
        "roof_leak",
        "街道办",
    )
    rows = fund.disburse(trusted(world.staff), p, 20000)
    assert balance(world.units[0]) == 480000
    refused(lambda: fund.reverse(trusted(world.staff), rows[0].batch, ""), "请填写更正原因")
    back = fund.reverse(trusted(world.staff), rows[0].batch, "重复拨付")
    assert back[0].reverses_id == rows[0].id and back[0].amount_fen == 20000
    assert balance(world.units[0]) == 500000 and fund.spent(p) == 0
    before = counts(world)
    refused(lambda: fund.reverse(trusted(world.staff), rows[0].batch, "再冲"), "该笔记账已经冲正")
    refused(
        lambda: fund.reverse(trusted(world.staff), back[0].batch, "再冲"), "冲正记录本身不能再冲正"
    )
    assert counts(world) == before


def test_the_ledger_is_append_only_in_code_and_in_the_database(world):
    funded(world)
    entry = FundEntry.select().where(FundEntry.unit == world.compound.id).first()
    with pytest.raises(AppendOnlyError):
        FundEntry.update(amount_fen=1).execute()
    with pytest.raises(pw.DatabaseError):
        with db.atomic():
            db.execute_sql("UPDATE owners_fund_entry SET amount_fen = 1")
    with pytest.raises(pw.DatabaseError):
        with db.atomic():
            db.execute_sql("DELETE FROM owners_fund_entry")
    assert reload(entry).amount_fen == 500000


def test_interest_is_shared_by_balance_to_the_fen(world):
    funded(world)
    rows = fund.post_interest(trusted(world.staff), world.compound, 1001, on=DAY + dt.timedelta(1))
    assert sum(r.amount_fen for r in rows) == 1001
    assert sorted(r.amount_fen for r in rows) == [167, 167, 333, 334]


def test_the_statement_per_unit_and_its_csv(world):
    funded(world)
    p = fund.confirm_emergency(
        trusted(world.staff),
        world.compound,
        "消防泵",
        30000,
        [world.units[0], world.units[2]],
        "fire",
        "街道办",
    )
    start = DAY + dt.timedelta(1)
    fund.disburse(trusted(world.staff), p, 30000, on=start)
    fund.post_interest(trusted(world.staff), world.compound, 400, on=start + dt.timedelta(2))
    fund.deposit(
        trusted(world.staff), world.units[3], 100, on=start + dt.timedelta(40)
    )  # after the period
    st = fund_reports.statement(world.compound, start, start + dt.timedelta(30))
    row = {r.number: r for r in st.rows}
    assert row["101室"].opening == 500000 and row["101室"].spending == -20000
    assert row["201室"].spending == -10000
    assert st.total("opening") == 1500000 and st.total("interest") == 400
    assert st.total("closing") == 1500000 - 30000 + 400
    assert row["202室"].deposit == 0
    text = fund_reports.statement_csv(st)
    assert "住宅专项维修资金对账单" in text and "101室,100.00,5000.00,0.00," in text
    assert "合计" in text
    refused(
        lambda: fund_reports.statement(world.compound, start, DAY), "期间的结束日期不能早于开始日期"
    )


def test_units_below_the_top_up_line_are_flagged(world):
    funded(world)
    p = fund.confirm_emergency(
        trusted(world.staff),
        world.compound,
        "外墙脱落",
        400000,
        [world.units[0]],
        "facade",
        "街道办",
    )
    fund.disburse(trusted(world.staff), p, 400000, on=DAY)
    st = fund_reports.statement(world.compound, DAY, DAY)
    low = {r.number for r in st.rows if r.low}
    assert low == {"101室"}  # 1000 of 5000 yuan left: below 30 %
