"""The time bank's rules as plain functions (no database)."""

import datetime as dt

import pytest

from plugins.timebank import rules

P = rules.Policy()


def test_one_hour_earns_one_credit_rounded_down_to_the_step():
    assert rules.credits_for(60, P) == 60
    assert rules.credits_for(47, rules.Policy(rounding_minutes=15)) == 45
    assert rules.credits_for(60, rules.Policy(credits_per_hour=1.5)) == 90
    assert rules.credits_for(60, rules.Policy(post_credits=False)) == 0
    assert rules.credits_for(0, P) == 0


def test_credits_above_the_storage_cap_go_to_the_pool():
    cap = rules.Policy(storage_cap_hours=1500)
    assert rules.split_at_cap(1500 * 60 - 30, 60, cap) == (30, 30)
    assert rules.split_at_cap(0, 60, cap) == (60, 0)
    assert rules.split_at_cap(10**9, 60, rules.Policy(storage_cap_hours=0)) == (60, 0)


def test_star_levels_at_100_300_600_1000_1500_hours():
    levels = P.star_levels
    assert [rules.star_level(h * 60, levels) for h in (99, 100, 299, 300, 600, 1000, 1500)] == [
        0,
        1,
        1,
        2,
        3,
        4,
        5,
    ]
    assert rules.parse_levels("10，30,60") == (10, 30, 60)
    for bad in ("", "300,100", "0,10", "a,b"):
        with pytest.raises(ValueError):
            rules.parse_levels(bad)


def test_periods_and_minutes():
    now = dt.datetime(2026, 11, 22, 10, 0)
    start = dt.datetime(2026, 11, 22, 8, 0)
    assert (
        rules.check_period(start, start, now) == "The end of the service must be after its start."
    )
    assert rules.check_period(start, start - dt.timedelta(hours=1), now) is not None
    assert rules.check_period(start, now + dt.timedelta(hours=1), now) == (
        "A service cannot be recorded before it has happened."
    )
    assert rules.check_period(start, now, now) is None
    end = start + dt.timedelta(hours=1)
    assert rules.check_minutes(0, start, end) is not None
    assert rules.check_minutes(-5, start, end) is not None
    assert rules.check_minutes(61, start, end) is not None
    assert rules.check_minutes(45, start, end) is None  # travel is not counted


def test_age_redeem_and_transfer_policy():
    assert rules.age_on("11010519491231002X", dt.date(2026, 12, 30)) == 76
    assert rules.age_on("11010519491231002X", dt.date(2026, 12, 31)) == 77
    assert rules.gender_of("11010519491231002X") == "female"
    assert rules.redeem_problem("110105199001010037", dt.date(2026, 1, 1), P) is not None
    assert rules.redeem_problem("11010519491231002X", dt.date(2026, 1, 1), P) is None
    assert rules.transfer_problem("child", P) is None
    assert rules.transfer_problem("other", P) is not None
    assert rules.transfer_problem("other", rules.Policy(transfer_policy="anyone")) is None
    assert rules.transfer_problem("child", rules.Policy(transfer_policy="none")) is not None


def test_expiry_is_first_in_first_out():
    assert rules.expiring(earned_before_cutoff=120, debited_so_far=30) == 90
    assert rules.expiring(earned_before_cutoff=120, debited_so_far=200) == 0
    assert rules.months_before(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert rules.months_before(dt.date(2026, 1, 15), 13) == dt.date(2024, 12, 15)


def test_display_and_numbers():
    assert rules.format_minutes(1234) == "20:34"
    assert rules.format_minutes(-75) == "-1:15"
    assert rules.certificate_number("990101", 2026, 12) == "ZM990101-2026-000012"
    assert rules.needs_second_approval(dt.date(2026, 1, 1), dt.date(2026, 3, 1), P)
    assert not rules.needs_second_approval(dt.date(2026, 2, 20), dt.date(2026, 3, 1), P)
