"""The pure rules: failed items, proposed grade, five assurances, deadlines, overdue."""

from __future__ import annotations

import datetime as dt

from plugins.hazards import rules

TODAY = dt.date(2026, 11, 22)


def test_failed_items_are_the_no_answers_only():
    answers = {"a": "no", "b": "yes", "c": "na", "major_d": "no"}
    assert rules.failed_items(["a", "b", "c", "major_d", "e"], answers) == ["a", "major_d"]


def test_major_items_propose_major_grade():
    assert rules.proposed_grade("major_exits_clear") == "major"
    assert rules.proposed_grade("hydrant_ok") == "general"
    assert rules.is_major_item("major_x") and not rules.is_major_item("x_major")


def test_missing_assurances():
    full = {
        "responsible": "王强",
        "measures": "更换",
        "funds": "2万元",
        "deadline": TODAY,
        "contingency": "预案",
    }
    assert rules.missing_assurances(full) == []
    partial = {**full, "funds": " ", "contingency": ""}
    assert rules.missing_assurances(partial) == ["funds", "contingency plan"]
    assert len(rules.missing_assurances({})) == 5


def test_deadline_problems():
    assert rules.deadline_problem(None, TODAY) is None
    assert rules.deadline_problem(TODAY, TODAY) is None
    assert "past" in rules.deadline_problem(TODAY - dt.timedelta(days=1), TODAY)
    assert rules.deadline_problem(TODAY + dt.timedelta(days=10), TODAY, max_days=10) is None
    assert "limit" in rules.deadline_problem(TODAY + dt.timedelta(days=11), TODAY, max_days=10)
    assert rules.default_deadline(TODAY, 15) == dt.date(2026, 12, 7)


def test_overdue_is_derived_from_state_and_deadline():
    past = TODAY - dt.timedelta(days=1)
    assert rules.is_overdue("rectifying", past, TODAY)
    assert not rules.is_overdue("rectifying", TODAY, TODAY)
    assert not rules.is_overdue("awaiting_acceptance", past, TODAY)
    assert not rules.is_overdue("closed", past, TODAY)
    assert not rules.is_overdue("rectifying", None, TODAY)
