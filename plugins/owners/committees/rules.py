"""The rules of owners' committees (业主委员会规则), as pure functions: the lawful size of a
committee and the end of a term."""

from __future__ import annotations

import datetime as dt


def committee_size_problem(
    seats: int, households: int, minimum: int, maximum: int, small_households: int
) -> str | None:
    """Why ``seats`` is not a lawful size of an owners' committee, or None: an odd number from
    ``minimum`` to ``maximum`` (指导规则第三十一条: 5-11), or 3 where the compound has at most
    ``small_households`` households (北京条例第三十九条)."""
    if seats % 2 == 0:
        return "even"
    low = 3 if small_households and households <= small_households else minimum
    if seats < low or seats > maximum:
        return "range"
    return None


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def term_end(start: dt.date, years: int) -> dt.date:
    """The last day of a term of ``years`` years starting on ``start``."""
    return add_years(start, years) - dt.timedelta(days=1)
