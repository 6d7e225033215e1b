"""Working-day calendar (工作日历): holidays and make-up working days.

2026 as published by the State Council (国办发明电, 2025-11-04). 2027 is not published yet:
the statutory holidays of 《全国年节及纪念日放假办法》 (2024 revision) are entered as
provisional, without make-up days; an administrator corrects them when the notice appears.
"""

import datetime as dt

from peewee import *

HOLIDAYS_2026 = [
    ("元旦", "2026-01-01", "2026-01-03"),
    ("春节", "2026-02-15", "2026-02-23"),
    ("清明节", "2026-04-04", "2026-04-06"),
    ("劳动节", "2026-05-01", "2026-05-05"),
    ("端午节", "2026-06-19", "2026-06-21"),
    ("中秋节", "2026-09-25", "2026-09-27"),
    ("国庆节", "2026-10-01", "2026-10-07"),
]
WORKDAYS_2026 = [
    ("元旦调休上班", "2026-01-04"),
    ("春节调休上班", "2026-02-14"),
    ("春节调休上班", "2026-02-28"),
    ("劳动节调休上班", "2026-05-09"),
    ("国庆节调休上班", "2026-09-20"),
    ("国庆节调休上班", "2026-10-10"),
]
# statutory days only (元旦1, 春节: 除夕 to 初三, 清明1, 劳动节2, 端午1, 中秋1, 国庆3)
PROVISIONAL_2027 = [
    ("元旦", "2027-01-01", "2027-01-01"),
    ("春节", "2027-02-05", "2027-02-08"),
    ("清明节", "2027-04-05", "2027-04-05"),
    ("劳动节", "2027-05-01", "2027-05-02"),
    ("端午节", "2027-06-09", "2027-06-09"),
    ("中秋节", "2027-09-15", "2027-09-15"),
    ("国庆节", "2027-10-01", "2027-10-03"),
]


def _days(first, last):
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class CalendarDay(Model):
        day = DateField(unique=True)
        working = BooleanField()
        name = CharField(max_length=32, default="")
        provisional = BooleanField(default=False)
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "core_calendar_day"

    db.create_tables([CalendarDay])
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for holidays, provisional in ((HOLIDAYS_2026, False), (PROVISIONAL_2027, True)):
        for name, first, last in holidays:
            rows += [
                dict(day=d, working=False, name=name, provisional=provisional, updated_at=now)
                for d in _days(first, last)
            ]
    rows += [
        dict(day=dt.date.fromisoformat(d), working=True, name=name, updated_at=now)
        for name, d in WORKDAYS_2026
    ]
    CalendarDay.insert_many(rows).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_calendar_day"))
