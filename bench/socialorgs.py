"""Social-organisation registry at scale (社会组织名录): 50,000 organisations.

The public search (公开查询) by name prefix and by credit code, timed three ways in the
same run: raw SQL on the same table (the baseline), the service query
(:func:`plugins.socialorgs.services.public_search`) and the whole public page through the
test client (template and translations included).

Run: ``python -m bench socialorgs [--rows N] [--repeat N]``. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from bench.lowcode import _row, _time


def run(rows: int, repeat: int) -> None:
    import plugins.socialorgs as socialorgs
    from core.db import db

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-socialorgs-"))
    from core.testing import migrated_app

    app = migrated_app(
        tmp, f"sqlite:///{tmp / 'bench.sqlite3'}", [socialorgs], "bench-secret-key-0123456789"
    )

    from core import demo
    from core.models import TerritoryUnit
    from plugins.socialorgs import services
    from plugins.socialorgs.demo import credit_code
    from plugins.socialorgs.models import Organisation

    with app.app_context(), db.connection_context():
        demo.load()
        district = TerritoryUnit.get(TerritoryUnit.code == "990101")
        units = [u.id for u in TerritoryUnit.select().where(TerritoryUnit.level == "community")]
        print(f"\ngenerating {rows:,} organisations ...", flush=True)
        words = ["邻里", "夕阳红", "志愿", "书画", "平安", "助残", "家政", "读书", "舞蹈", "调解"]
        with db.atomic():
            for start in range(0, rows, 2000):
                Organisation.insert_many(
                    [
                        {
                            "unit": units[i % len(units)],
                            "name": f"{words[i % 10]}社{i:06d}",
                            "credit_code": credit_code("990101", "social_group", 1000 + i)
                            if i % 2
                            else None,
                            "filing_number": None if i % 2 else f"备990101-2026-{i:06d}",
                            "state": "registered" if i % 2 else "filed",
                        }
                        for i in range(start, min(start + rows, start + 2000, rows))
                    ]
                ).execute()
        code = credit_code("990101", "social_group", 1000 + 12345)
        prefix = "书画社0123"
        sql_prefix = (
            "SELECT * FROM socialorgs_organisation o WHERE o.unit_id + 0 IN "
            "(SELECT id FROM core_territory_unit WHERE district_id = ?) "
            "AND o.name >= ? AND o.name < ? "
            "AND o.state NOT IN ('pending', 'refused', 'withdrawn') ORDER BY o.name LIMIT 50"
        )
        sql_code = (
            "SELECT * FROM socialorgs_organisation o WHERE o.unit_id + 0 IN "
            "(SELECT id FROM core_territory_unit WHERE district_id = ?) AND o.credit_code = ? "
            "AND state NOT IN ('pending', 'refused', 'withdrawn') LIMIT 50"
        )
        found = len(services.public_search(district.id, prefix))
        print(
            f"name prefix {prefix!r}: {found} found; code: "
            f"{len(services.public_search(district.id, code))} found\n"
        )
        print(
            f"{'median of ' + str(repeat) + ' (ms)':<58} {'ours':>10} {'raw SQL':>10} {'ratio':>8}"
        )
        raw_prefix = _time(
            lambda: db.execute_sql(
                sql_prefix, (district.id, prefix, prefix + "\U0010ffff")
            ).fetchall(),
            repeat,
        )
        raw_code = _time(lambda: db.execute_sql(sql_code, (district.id, code)).fetchall(), repeat)
        _row(
            "search by name prefix: service query",
            _time(lambda: services.public_search(district.id, prefix), repeat),
            raw_prefix,
        )
        _row(
            "search by credit code: service query",
            _time(lambda: services.public_search(district.id, code), repeat),
            raw_code,
        )
    client = app.test_client()
    _row(
        "search by name prefix: public page",
        _time(lambda: client.get(f"/public/socialorgs/?district=990101&q={prefix}"), repeat),
        raw_prefix,
    )
    _row(
        "search by credit code: public page",
        _time(lambda: client.get(f"/public/socialorgs/?district=990101&q={code}"), repeat),
        raw_code,
    )


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench socialorgs")
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    run(args.rows, args.repeat)
