"""Working-day calendar and deadlines (工作日历与期限计算), one service for every plugin.

Days are working days Monday to Friday and rest days at weekends, except where the calendar
table says otherwise: public holidays (节假日, rest days even on a weekday) and make-up working
days (调休上班, working days even at a weekend), as the State Council publishes them each year
and an administrator edits them.

Deadlines follow the Civil Code (《民法典》):

* art. 201: a period counted in days starts on the day after the triggering event;
* art. 203: when the last day of a period is a rest day, the period ends on the first working
  day after it; the last day ends at 24:00.

"Overdue" is always computed from a deadline and today's date, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from core.i18n import lazy_gettext as _l
from core.models import BaseModel, User, utcnow

SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # China has one time zone and no summer time


class CalendarDay(BaseModel):
    """An exception to the weekly rhythm (日历例外): a holiday or a make-up working day."""

    day = pw.DateField(unique=True, verbose_name=_l("Date"))
    working = pw.BooleanField(verbose_name=_l("Working day"))
    name = pw.CharField(max_length=32, default="", verbose_name=_l("Name"))
    provisional = pw.BooleanField(default=False, verbose_name=_l("Provisional"))
    updated_at = pw.DateTimeField(default=utcnow)
    updated_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "core_calendar_day"


MODELS = [CalendarDay]


def today() -> dt.date:
    """Today in China (Asia/Shanghai), whatever the server's time zone."""
    return dt.datetime.now(SHANGHAI).date()


@dataclass
class Calendar:
    """The exceptions between two dates, loaded in one query; pure arithmetic after that."""

    exceptions: dict[dt.date, bool]

    @classmethod
    def load(cls, start: dt.date, end: dt.date) -> Calendar:
        rows = CalendarDay.select(CalendarDay.day, CalendarDay.working).where(
            CalendarDay.day.between(start, end)
        )
        return cls({row.day: row.working for row in rows})

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("a period cannot be negative")
        day = start
        counted = 0
        while counted < days:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def add_days(self, start: dt.date, days: int) -> dt.date:
        """A period of ``days`` calendar days from the day after ``start``; a last day that is
        a rest day moves to the next working day (Civil Code art. 201 and 203)."""
        if days < 0:
            raise ValueError("a period cannot be negative")
        return self.next_working_day(start + dt.timedelta(days=days))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if ``end`` is
        before ``start``)."""
        sign = 1 if end >= start else -1
        low, high = (start, end) if sign == 1 else (end, start)
        count = 0
        day = low
        while day < high:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return sign * count


def _window(start: dt.date, days: int) -> tuple[dt.date, dt.date]:
    # generous: long holidays (Spring Festival up to 9 days) and weekends in between
    return start - dt.timedelta(days=7), start + dt.timedelta(days=days * 2 + 40)


def deadline(start: dt.date, days: int, working: bool = True) -> dt.date:
    """The last day of a period of ``days`` (working or calendar) days after ``start``."""
    calendar = Calendar.load(*_window(start, days))
    if working:
        return calendar.add_working_days(start, days)
    return calendar.add_days(start, days)


def is_working_day(day: dt.date) -> bool:
    return Calendar.load(day, day).is_working_day(day)


def working_days_between(start: dt.date, end: dt.date) -> int:
    low, high = min(start, end), max(start, end)
    return Calendar.load(low, high).working_days_between(start, end)


def is_overdue(due: dt.date | None, on: dt.date | None = None) -> bool:
    """A deadline is missed once its last day (until 24:00, art. 203) has passed."""
    return due is not None and (on or today()) > due


def days_left(due: dt.date, on: dt.date | None = None) -> int:
    """Working days left until ``due`` (0 on the last day, negative once overdue)."""
    return working_days_between(on or today(), due)
