"""Admin list pages at city scale (列表页): the hazards list (隐患台账) at 1,000,000 rows.

Timed in the same run, median of ``--repeat`` requests through the test client:

- Linli's list page 1 and page 1000, for the district's safety office (a district
  administrator: every row of the district) and for one community's staff (its rows only);
- the raw SQL doing the same work: the page's rows (the list's columns and the unit's name,
  ``LIMIT 20 OFFSET n`` in the scope) and the count the page shows (counted up to
  ``LINLI_LIST_COUNT_CAP`` + 1);
- plain Flask-Admin (``flask_admin.contrib.peewee.ModelView``, the same model and columns) in a
  bare Flask app on the same database: no scope, no login, every row.

The data: the demo, two more streets, 200,000 hazards generated as in ``bench hazards`` and
copied in SQL up to ``--rows``.

Run: ``python -m bench lists [--rows N] [--repeat N]``. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.lowcode import _row, _time

COLUMNS = "h.id, h.place, h.title, h.proposed_grade, h.grade, h.deadline, h.state, u.name"


def _copy_up_to(rows: int) -> None:
    """Double the hazards in SQL until there are ``rows`` (the copies keep units, states,
    deadlines)."""
    from core.db import db
    from plugins.hazards.models import Hazard

    fields = ", ".join(
        f.column_name for f in Hazard._meta.sorted_fields if f is not Hazard._meta.primary_key
    )
    have = db.execute_sql("SELECT COUNT(*) FROM hazards_hazard").fetchone()[0]
    while have < rows:
        take = min(have, rows - have)
        db.execute_sql(
            f"INSERT INTO hazards_hazard ({fields}) SELECT {fields} FROM hazards_hazard "
            f"ORDER BY id LIMIT {take}"
        )
        have += take


def _vanilla(database_url: str):
    """A bare Flask app with one stock Flask-Admin peewee view of the hazards, same columns."""
    from flask import Flask
    from flask_admin import Admin
    from flask_admin.contrib.peewee import ModelView
    from flask_babel import Babel

    from plugins.hazards.models import Hazard

    app = Flask("vanilla")
    app.config["SECRET_KEY"] = "vanilla"
    Babel(app)  # Flask-Admin translates through Flask-Babel when it is installed

    class Plain(ModelView):
        column_list = ("place", "title", "proposed_grade", "grade", "deadline", "state", "unit")
        page_size = 20

    Admin(app, name="plain").add_view(Plain(Hazard, endpoint="plain_hazard"))
    return app


def run(rows: int, repeat: int) -> None:
    from bench.hazards import _app, _generate, _territory
    from core import workdays
    from core.db import db
    from core.models import TerritoryUnit

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-lists-"))
    app = _app(tmp)
    cap = app.config["LINLI"]["LIST_COUNT_CAP"]
    with app.app_context(), db.connection_context():
        from core.testing import USER_PASSWORD, make_user

        district = TerritoryUnit.get(TerritoryUnit.code == "990101")
        units = _territory(district)
        print(f"\ngenerating {rows:,} hazards over {len(units)} communities and grids ...")
        start = time.perf_counter()
        _generate(units, min(rows, 200_000), workdays.today())
        _copy_up_to(rows)
        db.execute_sql("ANALYZE")
        print(f"generated in {time.perf_counter() - start:.1f} s")
        community = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
        make_user("office", "district_admin", "990101")
        make_user("staff", "community_staff", community.code)
        in_community = db.execute_sql(
            "SELECT COUNT(*) FROM hazards_hazard WHERE unit_id IN "
            "(SELECT id FROM core_territory_unit WHERE path LIKE ?)",
            (community.path + "%",),
        ).fetchone()[0]
        print(f"the community's staff see {in_community:,} of them\n")
        scopes = {
            "district admin": (
                "h.unit_id IN (SELECT id FROM core_territory_unit WHERE district_id = ?)",
                (district.id,),
            ),
            "community staff": (
                "h.unit_id IN (SELECT id FROM core_territory_unit WHERE path LIKE ?)",
                (community.path + "%",),
            ),
        }

    def raw(where, args, offset):
        def work():
            with app.app_context(), db.connection_context():
                db.execute_sql(
                    f"SELECT {COLUMNS} FROM hazards_hazard h "
                    f"JOIN core_territory_unit u ON u.id = h.unit_id WHERE {where} "
                    f"LIMIT 20 OFFSET {offset}",
                    args,
                ).fetchall()
                db.execute_sql(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM hazards_hazard h WHERE {where} "
                    f"LIMIT {cap + 1})",
                    args,
                ).fetchone()

        return work

    clients = {}
    for label, username in (("district admin", "office"), ("community staff", "staff")):
        client = app.test_client()
        from tests.conftest import login

        assert login(client, username, USER_PASSWORD).status_code == 302
        clients[label] = client
    plain = _vanilla(app.config["LINLI"]["DATABASE_URL"]).test_client()

    def vanilla(url):
        def work():
            with app.app_context(), db.connection_context():
                response = plain.get(url)
                assert response.status_code == 200, response.status_code

        return work

    def linli(client, url):
        def work():
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        return work

    print(f"{'median of ' + str(repeat) + ' (ms)':<58} {'ours':>10} {'baseline':>10} {'ratio':>8}")
    for page in (0, 999):
        url = "/admin/hazards/hazard/" + (f"?page={page}" if page else "")
        for label, (where, args) in scopes.items():
            linli(clients[label], url)()  # warm
            ours = _time(linli(clients[label], url), repeat)
            _row(
                f"page {page + 1}, {label} vs raw SQL",
                ours,
                _time(raw(where, args, page * 20), repeat),
            )
        plain_url = "/admin/plain_hazard/" + (f"?page={page}" if page else "")
        vanilla(plain_url)()
        base = _time(vanilla(plain_url), repeat)
        ours = _time(linli(clients["district admin"], url), repeat)
        _row(f"page {page + 1}, district admin vs plain Flask-Admin", ours, base)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench lists")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    run(args.rows, args.repeat)
