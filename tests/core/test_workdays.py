"""Working days and Civil Code deadlines, with the 2026 holidays and make-up days."""

import datetime as dt

import pytest

from core import workdays
from core.workdays import CalendarDay
from tests.conftest import csrf_token, login, make_user

D = dt.date


@pytest.mark.parametrize(
    "start, days, due",
    [
        (D(2026, 9, 30), 5, D(2026, 10, 13)),  # 国庆 1-7, 10 October a make-up working day
        (D(2026, 2, 13), 1, D(2026, 2, 14)),  # Saturday 14 February is a working day
        (D(2026, 2, 13), 2, D(2026, 2, 24)),  # then the Spring Festival until the 23rd
        (D(2026, 11, 20), 5, D(2026, 11, 27)),  # an ordinary week: weekends skipped
        (D(2026, 11, 20), 0, D(2026, 11, 20)),
    ],
)
def test_working_day_periods(ctx, start, days, due):
    assert workdays.deadline(start, days) == due


@pytest.mark.parametrize(
    "start, days, due",
    [
        (D(2026, 1, 28), 3, D(2026, 2, 2)),  # ends Saturday 31 Jan -> Monday (art. 203)
        (D(2026, 2, 12), 5, D(2026, 2, 24)),  # ends in the Spring Festival -> first working day
        (D(2026, 3, 2), 7, D(2026, 3, 9)),  # day one is the next day (art. 201)
        (D(2026, 10, 3), 7, D(2026, 10, 10)),  # a make-up Saturday is a working day
    ],
)
def test_calendar_day_periods_follow_the_civil_code(ctx, start, days, due):
    assert workdays.deadline(start, days, working=False) == due


def test_rest_and_working_days(ctx):
    assert not workdays.is_working_day(D(2026, 10, 5))  # 国庆, a Monday
    assert workdays.is_working_day(D(2026, 9, 20))  # make-up Sunday
    assert not workdays.is_working_day(D(2026, 11, 21))  # an ordinary Saturday
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 13)) == 5
    assert workdays.working_days_between(D(2026, 10, 13), D(2026, 9, 30)) == -5


def test_overdue_is_computed_from_the_deadline(ctx):
    due = D(2026, 10, 13)
    assert not workdays.is_overdue(due, on=D(2026, 10, 13))  # until 24:00 of the last day
    assert workdays.is_overdue(due, on=D(2026, 10, 14))
    assert not workdays.is_overdue(None)
    assert workdays.days_left(due, on=D(2026, 9, 30)) == 5


def test_negative_periods_are_refused(ctx):
    with pytest.raises(ValueError):
        workdays.Calendar({}).add_working_days(D(2026, 1, 5), -1)


def test_next_year_is_shipped_as_provisional(ctx):
    row = CalendarDay.get(CalendarDay.day == D(2027, 2, 6))
    assert not row.working and row.name == "春节" and row.provisional
    assert (
        not CalendarDay.select()
        .where((CalendarDay.day.year == 2026) & CalendarDay.provisional)
        .exists()
    )


def test_platform_admin_edits_the_calendar_and_deadlines_follow(app, demo):
    client = app.test_client()
    login(client, "admin", "Admin-pass-123")
    url = "/admin/core/calendar/new/"
    token = csrf_token(client.get(url).get_data(as_text=True))
    client.post(
        url, data={"day": "2026-11-23", "working": "", "name": "地方假日", "csrf_token": token}
    )
    with app.app_context():
        assert not workdays.is_working_day(D(2026, 11, 23))
        assert workdays.deadline(D(2026, 11, 20), 1) == D(2026, 11, 24)


def test_district_admin_reads_but_cannot_edit_the_calendar(app, demo, client_for):
    with app.app_context():
        make_user("dadmin", "district_admin", "990101")
    client = client_for("dadmin")
    assert client.get("/admin/core/calendar/").status_code == 200
    page = client.get("/admin/core/calendar/").get_data(as_text=True)
    assert "/admin/core/calendar/new/" not in page
    before = CalendarDay.select().count()
    token = csrf_token(page)
    client.post(
        "/admin/core/calendar/new/", data={"day": "2026-11-23", "name": "x", "csrf_token": token}
    )
    assert CalendarDay.select().count() == before
