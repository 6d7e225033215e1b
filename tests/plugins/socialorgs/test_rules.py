"""The rules alone: no application, no database."""

import datetime as dt
from decimal import Decimal

import pytest

from plugins.socialorgs import rules


def test_a_valid_code_passes_and_bad_ones_are_named():
    from plugins.socialorgs.demo import credit_code

    code = credit_code("990101", "social_group", 1)
    assert rules.credit_code_problem(code) is None
    assert rules.credit_code_problem(" " + code.lower() + " ") is None  # normalised
    assert "18 characters" in rules.credit_code_problem(code[:-1])
    for letter in "IOSVZ":
        assert "except I, O, S, V, Z" in rules.credit_code_problem(code[:5] + letter + code[6:])
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert "check character" in rules.credit_code_problem(wrong)
    # real codes of overseas NGO offices listed by org-id.guide (CN-USCI)
    for real in ("G1610000713522976L", "G1330000MCW06863XQ", "G11100007178352756"):
        assert rules.credit_code_problem(real) is None, real


def test_identifiers_follow_org_id():
    assert rules.org_identifier("G11100007178352756", None) == "CN-USCI-G11100007178352756"
    assert rules.org_identifier(None, "备990101-2026-0001").startswith("CN-LINLI-BA-")
    assert rules.filing_number("990101", 2026, 7) == "备990101-2026-0007"


def test_annual_report_deadlines_and_years():
    assert rules.report_deadlines(2025, "03-31", "05-31") == (
        dt.date(2026, 3, 31),
        dt.date(2026, 5, 31),
    )
    today = dt.date(2026, 11, 22)
    assert rules.report_year_problem(2026, today)  # not finished
    assert rules.report_year_problem(2027, today)  # future
    assert rules.report_year_problem(2025, today) is None
    assert rules.years_due(dt.date(2023, 6, 1), None, today) == [2023, 2024, 2025]
    assert rules.years_due(dt.date(2023, 6, 1), dt.date(2025, 1, 10), today) == [2023, 2024]


def test_legal_rep_and_membership():
    assert rules.legal_rep_conflict("social_group", "registered", ["甲协会"]) == "甲协会"
    assert rules.legal_rep_conflict("social_service", "registered", ["甲"]) is None
    assert rules.legal_rep_conflict("social_group", "filed", ["甲"]) is None
    assert rules.membership_problem(50, 0, 50, 30) is None
    assert rules.membership_problem(0, 30, 50, 30) is None
    assert rules.membership_problem(20, 10, 50, 30) is not None
    assert rules.membership_problem(20, 0, 20, 10) is None  # 扬州's lowered threshold


def test_removal_timers_and_months():
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert rules.removable_on("abnormal", dt.date(2026, 1, 15), 6, 2) == dt.date(2026, 7, 15)
    assert rules.removable_on("dishonest", dt.date(2026, 1, 15), 6, 2) == dt.date(2028, 1, 15)
    assert rules.abnormal_too_long(dt.date(2024, 1, 1), dt.date(2026, 1, 1))
    assert not rules.abnormal_too_long(dt.date(2024, 1, 2), dt.date(2026, 1, 1))


def test_letters_20_to_60_days_apart():
    d = dt.date(2026, 1, 1)
    assert rules.letters_unreachable([d, d + dt.timedelta(days=10)], 20, 60) is None
    assert rules.letters_unreachable([d, d + dt.timedelta(days=61)], 20, 60) is None
    second = d + dt.timedelta(days=30)
    assert rules.letters_unreachable([second, d], 20, 60) == second


def test_sanction_triggers():
    day = dt.date(2026, 3, 1)
    later = dt.date(2027, 2, 1)
    today = dt.date(2027, 6, 1)
    small = [("warning", day, Decimal(0))]
    kinds = [(t.list_kind, t.reason) for t in rules.sanction_triggers(small, today)]
    assert kinds == [("abnormal", "A warning or a fine under 50,000 yuan")]
    big = rules.sanction_triggers([("fine", day, Decimal("50000"))], today)
    assert [t.list_kind for t in big] == ["dishonest"]
    twice = rules.sanction_triggers(small + [("fine", later, Decimal("1000"))], today)
    assert ("dishonest", later) in [(t.list_kind, t.on) for t in twice]
    far = rules.sanction_triggers(
        small + [("warning", dt.date(2029, 3, 2), 0)], dt.date(2030, 1, 1)
    )
    assert "dishonest" not in [t.list_kind for t in far]  # more than 3 years apart
    future = rules.sanction_triggers([("warning", dt.date(2030, 1, 1), 0)], today)
    assert future == []


BANDS = {"5A": 900, "4A": 800, "3A": 700, "2A": 600, "1A": 500}


@pytest.mark.parametrize(
    "score,grade", [(950, "5A"), (900, "5A"), (899, "4A"), (700, "3A"), (600, "2A"), (499, "")]
)
def test_grade_bands(score, grade):
    assert rules.grade_for(score, BANDS) == grade


def test_evaluation_eligibility_and_review():
    today = dt.date(2026, 11, 22)
    two_years = dt.date(2024, 11, 22)
    assert rules.evaluation_problem(two_years, today, False, True, None) is None
    assert "two full years" in rules.evaluation_problem(
        dt.date(2025, 1, 1), today, False, True, None
    )
    assert "credit list" in rules.evaluation_problem(two_years, today, True, True, None)
    assert "annual report" in rules.evaluation_problem(two_years, today, False, False, None)
    assert "two years after" in rules.evaluation_problem(
        two_years, today, False, True, dt.date(2025, 6, 1)
    )
    assert rules.review_carried(9, 5) and not rules.review_carried(10, 5)
    assert not rules.review_carried(9, 10) and not rules.review_carried(0, 0)


def test_priority_three_party_and_inactivity():
    today = dt.date(2026, 11, 22)
    assert rules.is_priority("3A", dt.date(2027, 1, 1), today)
    assert not rules.is_priority("2A", dt.date(2027, 1, 1), today)
    assert not rules.is_priority("5A", dt.date(2026, 1, 1), today)  # expired
    assert rules.three_party_score(90, 80, 70, (40, 30, 30)) == 81.0
    assert rules.three_party_score(90, None, 70, (40, 30, 30)) is None
    assert rules.inactive(dt.date(2025, 11, 22), None, today, 12)
    assert not rules.inactive(dt.date(2025, 11, 23), None, today, 12)
    assert rules.inactive(None, dt.date(2025, 1, 1), today, 12)
    assert not rules.inactive(None, None, today, 12)


def test_inactivity_cutoff_counts_back():
    assert rules.inactivity_cutoff(dt.date(2026, 3, 31), 12) == dt.date(2025, 3, 31)
    assert rules.add_months(dt.date(2026, 3, 31), -1) == dt.date(2026, 2, 28)
