"""The dashboard's overdue table counts and cuts in SQL (``linli_overdue_page``): the total in
the user's scope, the ten earliest deadlines listed, the rest counted and not built."""

from __future__ import annotations

import datetime as dt
import re

import time_machine

from core import workdays
from core.db import db
from plugins.hazards.models import Hazard, InspectionTask
from tests.conftest import login

TODAY = dt.date(2026, 12, 31)  # the last day of a year, a Thursday before a holiday


def _overdue(unit, title: str, days_late: int) -> None:
    Hazard.create(
        unit=unit, title=title, place="测试楼", state="rectifying", grade="general",
        deadline=TODAY - dt.timedelta(days=days_late),
    )  # fmt: skip


def _table(app, username: str) -> str:
    client = app.test_client()
    assert login(client, username, "Passw0rd-long").status_code == 302
    page = client.get("/admin/").get_data(as_text=True)
    return page.split("逾期事项")[1]


@time_machine.travel(dt.datetime(2026, 12, 31, 10, 0), tick=False)
def test_overdue_table_counts_all_in_scope_and_lists_the_ten_earliest(app, hz):
    assert workdays.today() == TODAY
    # the demo's inspection tasks would be overdue too: this test is about hazards
    InspectionTask.update(state="cancelled").execute()
    for n in range(1, 13):
        _overdue(hz.community, f"长青逾期{n:02d}号", n)  # 12 in 长青社区, n days late
    for n in range(1, 4):
        _overdue(hz.other, f"幸福逾期{n:02d}号", 100 + n)  # 3 in 幸福社区, later than all
    Hazard.create(
        unit=hz.community, title="长青未到期", place="测试楼", state="rectifying",
        deadline=TODAY + dt.timedelta(days=1),
    )  # fmt: skip
    db.close()

    table = _table(app, "staff")  # community staff of 长青社区
    shown = re.findall(r"长青逾期(\d\d)号", table)
    # the ten most overdue (12 days late down to 3), oldest deadline first; two more counted
    assert shown == [f"{n:02d}" for n in range(12, 2, -1)]
    assert "另有 2 项未列出" in table
    assert "幸福逾期" not in table and "长青未到期" not in table

    table = _table(app, "office")  # the district's safety office sees both communities
    shown = re.findall(r"(长青|幸福)逾期(\d\d)号", table)
    # the demo's own overdue hazard (幸福社区) takes one of the ten places
    ours = [("幸福", "03"), ("幸福", "02"), ("幸福", "01")]
    ours += [("长青", f"{n:02d}") for n in range(12, 0, -1)]
    assert shown == ours[:9]
    assert "另有 6 项未列出" in table  # 15 of ours and the demo's, 10 listed
