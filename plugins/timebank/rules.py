"""Time bank rules (时间银行规则): plain functions of values, no Flask and no database.

Each rule names its basis. The numbers come from the district's policy (:class:`Policy`),
whose defaults are documented in ``docs/timebank.md`` and declared in ``__init__.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from forms.validators import N_

MINUTES_PER_HOUR = 60


@dataclass(frozen=True)
class Policy:
    """One district's time-bank policy (时间银行政策), read from its settings."""

    credits_per_hour: float = 1.0  # 1 h of service = 1 time credit (沪助养老时光汇: 1 h = 1 时间币)
    post_credits: bool = True  # approved service also earns time credits, not only hours
    rounding_minutes: int = 1  # credits are rounded down to a multiple of this many minutes
    storage_cap_hours: int = 1500  # 南京 storage cap; above it credits go to the community pool
    min_redeem_age: int = 60  # 南京 60+; 上海 65 (60 for elders in hardship)
    expiry_months: int = 0  # 0: credits never expire
    transfer_policy: str = "relatives"  # none | relatives (直系亲属) | anyone
    max_hours_per_day: int = 12
    second_approval_days: int = 30
    star_levels: tuple[int, ...] = (100, 300, 600, 1000, 1500)


TRANSFER_POLICIES = ("none", "relatives", "anyone")
RELATIONSHIPS = ("spouse", "parent", "child", "grandparent", "grandchild")  # 直系亲属及配偶


def check_period(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> str | None:
    """A service period must end after it starts and not lie in the future."""
    if start is None or end is None:
        return N_("Please give the start and the end of the service.")
    if end <= start:
        return N_("The end of the service must be after its start.")
    if end > now + dt.timedelta(minutes=5):  # a few minutes of clock difference
        return N_("A service cannot be recorded before it has happened.")
    return None


def minutes_between(start: dt.datetime, end: dt.datetime) -> int:
    return int((end - start).total_seconds() // 60)


def check_minutes(minutes: int, start: dt.datetime, end: dt.datetime) -> str | None:
    """Recorded minutes are positive and no more than the period (travel is not counted)."""
    if minutes is None or minutes <= 0:
        return N_("The service time must be more than zero minutes.")
    if minutes > minutes_between(start, end):
        return N_("The service time cannot be longer than the period from start to end.")
    return None


def overlaps(start: dt.datetime, end: dt.datetime, other_start, other_end) -> bool:
    return start < other_end and other_start < end


def day_total_problem(existing_minutes: int, new_minutes: int, policy: Policy) -> str | None:
    if existing_minutes + new_minutes > policy.max_hours_per_day * MINUTES_PER_HOUR:
        return N_("More than the maximum hours of service per day.")
    return None


def needs_second_approval(service_day: dt.date, today: dt.date, policy: Policy) -> bool:
    """Records entered long after the service (记录应当及时) need a second approval."""
    return policy.second_approval_days > 0 and (today - service_day).days > (
        policy.second_approval_days
    )


def credits_for(minutes: int, policy: Policy) -> int:
    """Time credits earned for ``minutes`` of approved service, rounded down to the step."""
    if not policy.post_credits or minutes <= 0:
        return 0
    raw = int(minutes * policy.credits_per_hour)
    step = max(1, policy.rounding_minutes)
    return raw - raw % step


def split_at_cap(balance: int, credits: int, policy: Policy) -> tuple[int, int]:
    """(kept, to the pool): credits above the storage cap go to the community pool."""
    if policy.storage_cap_hours <= 0:
        return credits, 0
    room = max(0, policy.storage_cap_hours * MINUTES_PER_HOUR - balance)
    kept = min(credits, room)
    return kept, credits - kept


def birth_date(id_number: str) -> dt.date | None:
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (TypeError, ValueError, IndexError):
        return None


def age_on(id_number: str, day: dt.date) -> int | None:
    born = birth_date(id_number)
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def gender_of(id_number: str) -> str:
    """GB 11643: the 17th digit is odd for men, even for women."""
    try:
        return "male" if int(id_number[16]) % 2 else "female"
    except (TypeError, ValueError, IndexError):
        return ""


def redeem_problem(id_number: str, today: dt.date, policy: Policy) -> str | None:
    age = age_on(id_number, today)
    if age is None or age < policy.min_redeem_age:
        return N_("Time credits can be redeemed from the age set by the district's policy.")
    return None


def transfer_problem(relationship: str, policy: Policy) -> str | None:
    """Who may receive a transfer of credits (转赠), per the district's policy."""
    if policy.transfer_policy == "none":
        return N_("This district's policy does not allow transfers of time credits.")
    if policy.transfer_policy == "relatives" and relationship not in RELATIONSHIPS:
        return N_("Time credits can only be transferred to a spouse or a direct relative.")
    return None


def expiring(earned_before_cutoff: int, debited_so_far: int) -> int:
    """Credits to expire now, first in first out: what was earned before the cut-off and
    has not been spent, transferred, donated or expired yet."""
    return max(0, earned_before_cutoff - debited_so_far)


def months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    last = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30]
    last += [31, 31, 30, 31, 30, 31]
    return dt.date(year, month, min(day.day, last[month - 1]))


def star_level(hours_minutes: int, levels: tuple[int, ...]) -> int:
    """Star level (星级志愿者): 1 to 5 stars at 100/300/600/1,000/1,500 hours by default."""
    hours = hours_minutes / MINUTES_PER_HOUR
    return sum(1 for threshold in levels if hours >= threshold)


def parse_levels(text: str) -> tuple[int, ...]:
    """ "100,300,600,1000,1500" -> (100, 300, 600, 1000, 1500); raises ValueError."""
    levels = tuple(int(part) for part in str(text).replace("，", ",").split(",") if part.strip())
    if (
        not levels
        or any(b <= a for a, b in zip(levels, levels[1:], strict=False))
        or levels[0] <= 0
    ):
        raise ValueError("star levels must be increasing positive numbers of hours")
    return levels


def format_minutes(minutes: int) -> str:
    """1,234 minutes -> "20:34" (hours:minutes), for ledgers and certificates."""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    return f"{sign}{hours}:{rest:02d}"


def certificate_number(district_code: str, year: int, sequence: int) -> str:
    """证明编号: district code, year and a sequence number, e.g. ZM990101-2026-000012."""
    return f"ZM{district_code}-{year}-{sequence:06d}"
