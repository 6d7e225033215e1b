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


# -- hz-inspect: checklist logic, position, photos --------------------------------------------

PHOTO_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def answer_flags(field, answer: str) -> set[str]:
    """The flags of an answer (photo, action, notify). An item whose definition sets no
    logic at all opens an action (a hazard) when it fails: the checklists of the first slice
    and districts' own simple definitions keep working."""
    if not field.on_answer:
        return {"action"} if answer == FAILED else set()
    return set(field.flags(answer))


def instance_name(section, values: dict, index: int) -> str:
    """How a repeat-group row is named on its hazard: its first text value (e.g. "3层"),
    else the group's label and the row number."""
    for f in section.fields:
        if f.type == "text" and str(values.get(f.key) or "").strip():
            return str(values[f.key]).strip()[:100]
    return f"{section.label_zh} #{index + 1}"[:100]


def percent(earned: float, possible: float):
    """The score in percent, one decimal; None when nothing counted (all not applicable)."""
    if possible <= 0:
        return None
    return round(earned * 100.0 / possible, 1)


def position_problem(lat, lon):
    """Why a position is not acceptable (English message), or None. Both or neither."""
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        return N_("Give both latitude and longitude, or neither.")
    if not (-90 <= lat <= 90) or not (-180 <= lon <= 180):
        return N_("The position is out of range (latitude -90 to 90, longitude -180 to 180).")
    return None


def accepted_types(setting: str) -> tuple[str, ...]:
    return tuple(PHOTO_TYPES[k.strip()] for k in setting.split(",") if k.strip() in PHOTO_TYPES)


OPEN_STATES = ("reported", "registered", "assessed", "rectifying", "awaiting_acceptance")


def is_overdue(state: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Past the rectification deadline and not yet rectified (derived, never stored)."""
    return state == "rectifying" and deadline is not None and deadline < today
