"""Chinese identifiers: GB 11643 ID numbers and mobile numbers; masking."""

import datetime as dt

import pytest

from forms.validators import (
    id_card_check_char,
    id_card_problem,
    mask_id_card,
    mask_mobile,
    mobile_problem,
)


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "110105200002291235", "11010519491231002x"]
)
def test_valid_id_numbers(number):
    assert id_card_problem(number) is None


@pytest.mark.parametrize(
    "number, problem",
    [
        ("11010519491231002", "18 characters"),
        ("1101051949123100XX", "17 digits followed by"),
        ("01010519491231002X", "17 digits followed by"),
        ("110105194902300021", "not a real date"),
        ("110105200102290021", "not a real date"),  # 2001 is not a leap year
        ("440524188001010014", "not plausible"),
        ("110105194912310021", "check digit"),
        ("", "18 characters"),
    ],
)
def test_invalid_id_numbers_say_why(number, problem):
    assert problem in id_card_problem(number)


def test_future_birth_date_is_not_plausible():
    base = "11010520991231001"
    assert "not plausible" in id_card_problem(base + id_card_check_char(base), dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    "number, ok",
    [
        ("13800138000", True),
        ("19912345678", True),
        ("12800138000", False),
        ("1380013800", False),
        ("138001380001", False),
        ("+8613800138000", False),
    ],
)
def test_mobile_numbers(number, ok):
    assert (mobile_problem(number) is None) is ok


def test_masks_keep_only_what_identifies_nobody():
    assert mask_id_card("11010519491231002X") == "110105********002X"
    assert mask_mobile("13800138000") == "138****8000"
    assert mask_id_card("") == "" and mask_mobile(None) == ""
