"""Pure rules of hazard inspection and governance (no database, no Flask).

- 《安全生产事故隐患排查治理暂行规定》(国家安监总局令第16号) art. 3: 一般事故隐患 (small harm,
  fixed at once) and 重大事故隐患 (hard to fix, or needs a stop or outside help).
- 重大隐患 治理方案 and 五落实 (责任、措施、资金、时限、预案).
- A checklist item whose key starts with ``major_`` proposes 重大 when it fails (the naming
  convention works for every definition, including those districts build themselves).
"""

from __future__ import annotations

import datetime as dt

from forms.validators import N_

MAJOR_PREFIX = "major_"
FAILED = "no"

# The five assurances (五落实) of a major hazard: field of Hazard -> what it assures.
FIVE_ASSURANCES = (
    ("responsible", "responsibility"),
    ("measures", "measures"),
    ("funds", "funds"),
    ("deadline", "time limit"),
    ("contingency", "contingency plan"),
)


def is_major_item(key: str) -> bool:
    return key.startswith(MAJOR_PREFIX)


def proposed_grade(key: str) -> str:
    return "major" if is_major_item(key) else "general"


def failed_items(items, answers: dict) -> list:
    """The items (objects with ``key``, or plain keys) answered "no" (不合格); "na" and
    "yes" pass, and unanswered items are not failures."""
    found = []
    for item in items:
        key = getattr(item, "key", item)
        if answers.get(key) == FAILED:
            found.append(item)
    return found


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def missing_assurances(values: dict) -> list[str]:
    """Which of the five assurances are missing (as the English words, to translate)."""
    return [what for name, what in FIVE_ASSURANCES if _blank(values.get(name))]


def default_deadline(start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=days)


def deadline_problem(deadline: dt.date | None, today: dt.date, max_days: int | None = None):
    """Why a rectification deadline is not acceptable (an English message), or None."""
    if deadline is None:
        return None
    if deadline < today:
        return N_("The rectification deadline cannot be in the past.")
    if max_days is not None and deadline > today + dt.timedelta(days=max_days):
        return N_("The rectification deadline is beyond the district's limit of %(days)s days.")
    return None


OPEN_STATES = ("reported", "registered", "assessed", "rectifying", "awaiting_acceptance")


def is_overdue(state: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Past the rectification deadline and not yet rectified (derived, never stored)."""
    return state == "rectifying" and deadline is not None and deadline < today
