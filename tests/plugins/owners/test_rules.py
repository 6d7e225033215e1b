"""The voting rules of 《民法典》第二百七十八条 and the headcount rule of 司法解释第九条, at
their boundaries, with exact fractions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from plugins.owners.assembly import rules
from plugins.owners.register import rules as register_rules
from plugins.owners.register.rules import Holding


def H(unit_id, area, owners=(), developer=False):
    return Holding(unit_id, Decimal(area), frozenset(owners), developer)


@pytest.mark.parametrize(
    ("part", "total", "expected"),
    [
        (2, 3, True),  # exactly two thirds: 以上 includes the boundary
        (Fraction(199999, 100000), 3, False),
        (200, 300, True),
        (Fraction(19999, 100), 300, False),
        (6, 9, True),
        (5, 9, False),
        (7, 10, True),
        (6, 10, False),
        (0, 0, False),
    ],
)
def test_participation_needs_at_least_two_thirds(part, total, expected):
    assert rules.quorate(Fraction(part), Fraction(total)) is expected


@pytest.mark.parametrize(
    ("agree", "part", "expected"),
    [
        (50, 100, False),  # exactly half is not 过半数
        (Fraction(5001, 100), 100, True),
        (2, 4, False),
        (3, 4, True),
        (3, 5, True),
        (1, 1, True),
        (0, 0, False),
    ],
)
def test_ordinary_needs_more_than_half(agree, part, expected):
    assert rules.approved("ordinary", Fraction(agree), Fraction(part)) is expected


@pytest.mark.parametrize(
    ("agree", "part", "expected"),
    [
        (75, 100, True),  # exactly three quarters: 以上 includes the boundary
        (Fraction(7499, 100), 100, False),
        (3, 4, True),
        (5, 8, False),
        (6, 8, True),
        (2, 3, False),
        (0, 0, False),
    ],
)
def test_special_needs_at_least_three_quarters(agree, part, expected):
    assert rules.approved("special", Fraction(agree), Fraction(part)) is expected


def test_items_six_to_eight_are_special_and_using_the_fund_is_ordinary():
    assert [rules.kind_of(i) for i in rules.ITEMS] == [
        "ordinary",
        "ordinary",
        "ordinary",
        "ordinary",
        "ordinary",  # 5: using the fund
        "special",
        "special",
        "special",
        "ordinary",
    ]


def test_area_source_follows_register_then_survey_then_contract():
    d = Decimal
    assert register_rules.best_area(d("90.1"), d("91"), d("92")) == (d("90.1"), "register")
    assert register_rules.best_area(None, d("91"), d("92")) == (d("91"), "survey")
    assert register_rules.best_area(None, None, d("92")) == (d("92"), "contract")
    assert register_rules.best_area(d("0"), None, None) is None


def test_headcount_one_unit_one_head_developer_once_multi_unit_owner_once():
    units = [
        H(1, "80", [1]),
        H(2, "90", [1]),  # owner 1's second unit: still one head
        H(3, "70", [2, 3]),  # co-owners: one head
        H(4, "60", [9], developer=True),
        H(5, "60", [9], developer=True),  # all unsold units: one head together
        H(6, "60", [4]),
    ]
    assert register_rules.headcount(units) == 4
    assert register_rules.total_area(units) == Decimal("420")


def test_exact_fractions_not_floats():
    # 0.1 + 0.2 of 0.45 m² is exactly two thirds; floats would say otherwise
    units = [H(1, "0.1", [1]), H(2, "0.2", [2]), H(3, "0.15", [3])]
    result = rules.tally("ordinary", units, {1: "agree", 2: "agree"})
    assert result.participating.area == Fraction(3, 10)
    assert result.quorate_area  # 0.3 / 0.45 == 2/3 exactly
    assert result.quorate_heads  # 2 of 3
    assert result.passed


def test_tally_counts_area_and_heads_separately():
    units = [H(1, "100", [1]), H(2, "100", [1]), H(3, "50", [2]), H(4, "50", [3])]
    # 3 heads, 300 m². Owner 1 (200 m², 1 head) agrees, owner 2 disagrees, owner 3 abstains.
    ballots = {1: "agree", 2: "agree", 3: "disagree", 4: "abstain"}
    result = rules.tally("ordinary", units, ballots)
    assert (result.participating.area, result.participating.heads) == (300, 3)
    assert (result.agree.area, result.agree.heads) == (200, 1)
    assert result.passed_area and not result.passed_heads  # 1 of 3 heads is not > 1/2
    assert result.result == "rejected"


def test_large_holder_cannot_make_quorum_alone():
    units = [H(1, "200", [1]), H(2, "50", [2]), H(3, "50", [3])]
    result = rules.tally("ordinary", units, {1: "agree"})
    assert result.quorate_area and not result.quorate_heads
    assert result.result == "not_quorate"


def test_split_head_takes_part_but_never_agrees():
    units = [H(1, "100", [1]), H(2, "100", [1]), H(3, "100", [2])]
    result = rules.tally("ordinary", units, {1: "agree", 2: "disagree", 3: "agree"})
    assert result.participating.heads == 2
    assert result.split_heads == 1
    assert result.agree.heads == 1  # 1 of 2 is not more than half
    assert not result.passed


def test_unknown_choice_is_refused():
    with pytest.raises(ValueError):
        rules.tally("ordinary", [H(1, "1", [1])], {1: "maybe"})


def test_dry_run_calculator():
    out = rules.dry_run("special", "300", 10, "200", 7, "150", 6)
    assert out["quorate_area"] and out["quorate_heads"]  # 200/300 = 2/3, 7/10 > 2/3
    assert out["approved_area"]  # 150/200 = 3/4 exactly
    assert out["approved_heads"]  # 6/7 > 3/4
    assert out["result"] == "passed"


def test_dry_run_boundaries_and_missing_counts():
    out = rules.dry_run("special", "300", 8, "200", 8, "149.99", 6)
    assert out["approved_heads"] and not out["approved_area"]  # 6/8 = 3/4; 149.99/200 < 3/4
    assert out["result"] == "rejected"
    out = rules.dry_run("ordinary", "300", 9, "200", 6, "100.01", 4)
    assert out["result"] == "passed"  # 6/9 = 2/3 quorate; 100.01 > 100; 4 of 6 > half
    out = rules.dry_run("ordinary", "300", 9, "200", 6, "100", 4)
    assert out["result"] == "rejected"  # exactly half of the area is not 过半数
    out = rules.dry_run("ordinary", "300", 10, "100", 5, "60", 3)
    assert out["result"] == "not_quorate"
    assert out["missing_area"] == 100
    assert out["missing_heads"] == 2  # two thirds of 10 heads, rounded up, is 7
    with pytest.raises(ValueError):
        rules.dry_run("ordinary", "100", 3, "120", 2, "10", 1)
    with pytest.raises(ValueError):
        rules.dry_run("other", "100", 3, "60", 2, "10", 1)


def test_notice_period_and_voting_window():
    day = dt.date(2026, 12, 1)
    assert not rules.notice_problem(day, day + dt.timedelta(days=15), 15)
    assert rules.notice_problem(day, day + dt.timedelta(days=14), 15)
    opens, closes = day, day + dt.timedelta(days=5)
    assert rules.in_window(opens, opens, closes) and rules.in_window(closes, opens, closes)
    assert not rules.in_window(closes + dt.timedelta(1), opens, closes)
    assert not rules.in_window(opens - dt.timedelta(1), opens, closes)
