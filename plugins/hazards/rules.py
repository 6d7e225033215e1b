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


OPEN_STATES = (
    "reported",
    "registered",
    "assessed",
    "rectifying",
    "extension_requested",
    "awaiting_acceptance",
)
# Under rectification: the deadline runs (also while an extension request waits).
RECTIFYING_STATES = ("rectifying", "extension_requested")


def is_overdue(state: str, deadline: dt.date | None, today: dt.date) -> bool:
    """Past the (possibly extended) rectification deadline and not yet rectified (derived,
    never stored)."""
    return state in RECTIFYING_STATES and deadline is not None and deadline < today


# == hz-manage: deadlines, extensions, acceptance, schedules, statistics ===================


def reported_on(created_at: dt.datetime | None, tz) -> dt.date | None:
    """The report date (上报日期) in China of a record stamped ``created_at`` (naive UTC)."""
    if created_at is None:
        return None
    return created_at.replace(tzinfo=dt.UTC).astimezone(tz).date()


def report_date_problem(deadline: dt.date | None, reported: dt.date | None):
    """A rectification deadline before the day the hazard was reported is refused."""
    if deadline is not None and reported is not None and deadline < reported:
        return N_("The rectification deadline cannot be before the report date (%(day)s).")
    return None


def extension_problem(current: dt.date | None, requested: dt.date | None, today: dt.date):
    """Why a requested new deadline (延期) is not acceptable, or None: it must be after the
    current deadline (and not in the past)."""
    if requested is None:
        return N_("Please give the new deadline.")
    if current is not None and requested <= current:
        return N_("The new deadline must be after the current deadline (%(day)s).")
    if requested < today:
        return N_("The rectification deadline cannot be in the past.")
    return None


def same_person(rectifier_id: int | None, acceptor_id: int | None) -> bool:
    """验收 must be by someone other than the rectifier (整改人)."""
    return rectifier_id is not None and rectifier_id == acceptor_id


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, on the same day of the month or the
    month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def next_occurrence(day: dt.date, frequency: str, every_days: int | None = None) -> dt.date:
    """The due date after ``day`` of a schedule of ``frequency``."""
    if frequency == "daily":
        return day + dt.timedelta(days=1)
    if frequency == "weekly":
        return day + dt.timedelta(days=7)
    if frequency == "monthly":
        return add_months(day, 1)
    if frequency == "quarterly":
        return add_months(day, 3)
    if frequency == "yearly":
        return add_months(day, 12)
    if frequency == "every_n_days" and every_days and every_days > 0:
        return day + dt.timedelta(days=every_days)
    raise ValueError(f"unknown frequency {frequency!r}")


def due_dates(next_due: dt.date, frequency: str, every_days, until: dt.date, lead_days: int = 0):
    """The due dates of a schedule whose tasks are to exist by ``until`` (a task is created
    ``lead_days`` before its due date), and the next due date after them. When a schedule was
    not run for a while, only the latest missed date is kept (no pile of stale tasks)."""
    found = []
    day = next_due
    while day - dt.timedelta(days=lead_days) <= until:
        found.append(day)
        day = next_occurrence(day, frequency, every_days)
    missed = [d for d in found if d < until]
    if len(missed) > 1:
        found = [missed[-1], *[d for d in found if d >= until]]
    return found, day


def period_bounds(period: str, year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter (1–4) or a year."""
    if period == "year":
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return start, add_months(start, 3) - dt.timedelta(days=1)


def statistics_due(period: str, year: int, quarter: int | None, quarter_day: int, year_day: int):
    """When a statistics report is due: the ``quarter_day``-th of the month after the quarter
    (16号令: by the 15th), or ``year_day`` January of the next year (by 31 January)."""
    if period == "year":
        return dt.date(year + 1, 1, year_day)
    _start, end = period_bounds("quarter", year, quarter)
    return end + dt.timedelta(days=quarter_day)


def rate(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a percentage with one decimal, None when ``whole`` is 0."""
    return round(100.0 * part / whole, 1) if whole else None
