"""Hazard governance at scale (安全隐患排查治理): 200,000 hazards across a district of four
streets and twelve communities (with their grids).

Timed in the same run: the overdue dashboard's service
(:func:`plugins.hazards.statistics.overdue_by_community`: open and overdue hazards by
community and grade) against raw SQL computing the same numbers, checked equal; the closure
figures (closure rate, mean days to close) against raw SQL; and the whole admin dashboard
page through the test client (every widget, template and translations included).

Run: ``python -m bench hazards [--rows N] [--repeat N]``. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path

from bench.lowcode import _row, _time

RAW_OVERDUE = """
SELECT substr(u.path, 1, 30) AS community, h.grade, COUNT(*) AS open,
       SUM(CASE WHEN h.state IN ('rectifying', 'extension_requested') AND h.deadline < ?
           THEN 1 ELSE 0 END) AS overdue
FROM hazards_hazard h JOIN core_territory_unit u ON u.id = h.unit_id
WHERE h.state IN ('reported', 'registered', 'assessed', 'rectifying', 'extension_requested',
                  'awaiting_acceptance')
  AND h.unit_id IN (SELECT id FROM core_territory_unit WHERE district_id = ?)
GROUP BY substr(u.path, 1, 30), h.grade
"""
RAW_CLOSURE = """
SELECT COUNT(*), SUM(CASE WHEN state = 'closed' THEN 1 ELSE 0 END),
       AVG(CASE WHEN state = 'closed' THEN julianday(closed_on) - julianday(date(created_at)) END)
FROM hazards_hazard
WHERE state <> 'invalid'
  AND unit_id IN (SELECT id FROM core_territory_unit WHERE district_id = ?)
"""

STATES = [
    ("reported", 5),
    ("registered", 5),
    ("assessed", 5),
    ("rectifying", 25),
    ("extension_requested", 2),
    ("awaiting_acceptance", 8),
    ("closed", 45),
    ("invalid", 5),
]


def _territory(district):
    """Two more streets of four communities each (the demo has two streets of two)."""
    from core import territory
    from core.models import TerritoryUnit

    for s in (3, 4):
        street = territory.create_unit(f"990101{s:03d}", f"测试街道{s}", "street", district)
        for c in range(1, 5):
            community = territory.create_unit(
                f"990101{s:03d}{c:03d}", f"测试{s}-{c}社区", "community", street
            )
            territory.create_unit(
                f"990101{s:03d}{c:03d}01", f"{community.name}第1网格", "grid", community
            )
    return list(
        TerritoryUnit.select().where(
            (TerritoryUnit.district_id == district.id)
            & TerritoryUnit.level.in_(("community", "grid"))
        )
    )


def _generate(units, rows: int, today: dt.date) -> None:
    from core.db import db
    from plugins.hazards.models import Hazard

    rng = random.Random(8)
    states = [s for s, w in STATES for _ in range(w)]
    places = [f"{n}号楼" for n in range(1, 61)]
    now = dt.datetime(today.year, today.month, today.day, 2)
    batch = []
    with db.atomic():
        for i in range(rows):
            state = rng.choice(states)
            age = rng.randrange(0, 730)
            created = now - dt.timedelta(days=age)
            grade = None if state in ("reported", "registered") else rng.choice(GRADES)
            deadline = None
            if state in ("rectifying", "extension_requested", "awaiting_acceptance", "closed"):
                deadline = created.date() + dt.timedelta(days=rng.choice((7, 15, 30, 90, 180)))
            closed = (
                created.date() + dt.timedelta(days=rng.randrange(1, max(2, age + 1)))
                if state == "closed"
                else None
            )
            batch.append(
                {
                    "unit": units[i % len(units)].id,
                    "title": "灭火器过期",
                    "place": rng.choice(places),
                    "grade": grade,
                    "proposed_grade": grade or "general",
                    "deadline": deadline,
                    "closed_on": closed,
                    "state": state,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if len(batch) == 2000:
                Hazard.insert_many(batch).execute()
                batch = []
        if batch:
            Hazard.insert_many(batch).execute()


GRADES = ["general"] * 9 + ["major"]


def _app(tmp: Path):
    """A migrated SQLite database with the hazards plugin and the demo."""
    import plugins.hazards as hazards
    from bench._common import demo_app

    return demo_app(tmp, plugins=[hazards])


def _login(client) -> None:
    import re

    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/auth/login", data={"username": "admin", "password": "Admin-pass-123", "csrf_token": token}
    )


INDEX = "hazards_hazard_unit_id_state_grade_deadline"


def run(rows: int, repeat: int, without_index: bool = False) -> None:
    from core.db import db

    app = _app(Path(tempfile.mkdtemp(prefix="linli-bench-hazards-")))
    from core import workdays
    from core.models import TerritoryUnit
    from plugins.hazards.statistics import services as statistics

    today = workdays.today()
    with app.app_context(), db.connection_context():
        district = TerritoryUnit.get(TerritoryUnit.code == "990101")
        units = _territory(district)
        print(f"\ngenerating {rows:,} hazards over {len(units)} communities and grids ...")
        start = time.perf_counter()
        _generate(units, rows, today)
        if without_index:  # to see what the migration's index buys
            db.execute_sql(f"DROP INDEX {INDEX}")
            print(f"(index {INDEX} dropped)")
        db.execute_sql("ANALYZE")
        print(f"generated in {time.perf_counter() - start:.1f} s\n")
        in_district = TerritoryUnit.select(TerritoryUnit.id).where(
            TerritoryUnit.district_id == district.id
        )
        ours = statistics.overdue_by_community(in_district, today)
        raw = db.execute_sql(RAW_OVERDUE, (today, district.id)).fetchall()
        same = sorted((r["path"], r["grade"], r["open"], r["overdue"]) for r in ours) == sorted(
            (p, g or "ungraded", n, late) for p, g, n, late in raw
        )
        late = sum(r["overdue"] for r in ours)
        print(f"open {sum(r['open'] for r in ours):,}, overdue {late:,}; same as SQL: {same}")
        closure = statistics.closure(in_district)
        print(f"closure rate {closure['rate']} %, mean days to close {closure['mean_days']}\n")
        print(
            f"{'median of ' + str(repeat) + ' (ms)':<58} {'ours':>10} {'raw SQL':>10} {'ratio':>8}"
        )
        base = _time(lambda: db.execute_sql(RAW_OVERDUE, (today, district.id)).fetchall(), repeat)
        _row(
            "overdue by community and grade: service",
            _time(lambda: statistics.overdue_by_community(in_district, today), repeat),
            base,
        )
        base_closure = _time(lambda: db.execute_sql(RAW_CLOSURE, (district.id,)).fetchall(), repeat)
        _row(
            "closure rate and mean days to close: service",
            _time(lambda: statistics.closure(in_district), repeat),
            base_closure,
        )
    client = app.test_client()
    _login(client)
    page = client.get("/admin/")
    assert page.status_code == 200, page.status_code
    _row(
        "admin dashboard page (all widgets) vs raw overdue SQL",
        _time(lambda: client.get("/admin/"), max(3, repeat // 4)),
        base,
    )
    app.config["LINLI"]["TODO_COUNT_SECONDS"] = 0  # the top bar's to-do count on every page
    _row(
        "same, the to-do count not kept (counted on every page)",
        _time(lambda: client.get("/admin/"), max(3, repeat // 4)),
        base,
    )
    _row(
        "to-do page (/admin/todo/) vs raw overdue SQL",
        _time(lambda: client.get("/admin/todo/"), max(3, repeat // 4)),
        base,
    )


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench hazards")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=12)
    parser.add_argument("--without-index", action="store_true", help="drop the overdue index")
    args = parser.parse_args(argv)
    run(args.rows, args.repeat, args.without_index)
