"""The admin list's search box at city scale (列表检索): the hazards list (隐患台账) searched
by place, title and responsible person at 1,000,000 rows, through the trigram index
(core/search.py: FTS5 ``trigram`` on SQLite) against a raw ``LIKE '%…%'`` scan.

Timed in the same run, median of ``--repeat`` requests through the test client:

- Linli's list page searched for a word, for the district's safety office (a district
  administrator: every row of the district) and for one community's staff (its rows only);
- the raw SQL a list without the index does for the same search: the page's rows (``LIMIT
  20``) and the count the page shows (up to ``LINLI_LIST_COUNT_CAP`` + 1), both with
  ``place LIKE ? OR title LIKE ? OR responsible LIKE ?`` in the same scope; the count the
  page shows is checked equal to the raw one;
- that SQL with the index (the condition core/search.py adds: the ``LIKE`` on the rows the
  FTS5 table found) against the raw ``LIKE``: what the index saves, the page's rendering left
  out.

The words: ``3号楼`` (a place: buildings 3, 13, 23 and 33, one row in ten), a
three-character name (rare: a few hundred rows of the million), a word no row holds, and a
two-character name, which the index cannot serve (a ``LIKE`` of the rows in scope: the cost
the docstring of core/search.py names).

The data: the demo, two more streets, 200,000 hazards generated as in ``bench hazards`` with
places, titles and names of people varied, then copied in SQL up to ``--rows``.

Run: ``python -m bench search [--rows N] [--repeat N]``. Prints ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

from bench.lowcode import _row, _time

COLUMNS = "h.id, h.place, h.title, h.proposed_grade, h.grade, h.deadline, h.state, u.name"
FTS = "hazards_hazard_fts"
SEARCHED = "(h.place LIKE ? OR h.title LIKE ? OR h.responsible LIKE ?)"

COMPOUNDS = [
    "幸福里",
    "阳光花园",
    "锦绣华庭",
    "翠湖苑",
    "东方明珠",
    "金桂园",
    "和平新村",
    "滨江一品",
    "紫荆城",
    "长青小区",
]
TITLES = [
    "灭火器过期",
    "消防通道堵塞",
    "电动车楼道充电",
    "燃气软管老化",
    "疏散指示灯损坏",
    "楼道堆放杂物",
    "电线私拉乱接",
    "消火栓无水",
    "安全出口锁闭",
    "防火门常开",
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "洋",
    "艳",
    "勇",
    "军",
    "杰",
    "涛",
    "明",
    "超",
    "秀英",
    "建国",
    "桂兰",
    "志强",
    "海燕",
    "文华",
    "红梅",
    "国庆",
    "春生",
    "玉兰",
    "德胜",
    "丽华",
    "永福",
    "淑珍",
    "金花",
]
WORDS = ("3号楼", "王建国", "不存在", "建国")


def _vary() -> None:
    """Places (a compound, a building of 1 to 40), titles and responsible people varied (not
    of major hazards closed without acceptance: a trigger refuses any update of those)."""
    from core.db import db

    rng = random.Random(11)
    ids = [
        r[0]
        for r in db.execute_sql(
            "SELECT id FROM hazards_hazard WHERE NOT (state = 'closed' AND grade = 'major')"
        ).fetchall()
    ]
    with db.atomic():
        for start in range(0, len(ids), 5000):
            rows = [
                (
                    f"{rng.choice(COMPOUNDS)}{rng.randrange(1, 41)}号楼",
                    rng.choice(TITLES),
                    rng.choice(SURNAMES) + rng.choice(GIVEN),
                    i,
                )
                for i in ids[start : start + 5000]
            ]
            db.cursor().executemany(
                "UPDATE hazards_hazard SET place = ?, title = ?, responsible = ? WHERE id = ?",
                rows,
            )


def run(rows: int, repeat: int) -> None:
    from bench.hazards import _app, _generate, _territory
    from bench.lists import _copy_up_to
    from core import workdays
    from core.db import db
    from core.models import TerritoryUnit
    from core.search import TRIGRAM

    tmp = Path(tempfile.mkdtemp(prefix="linli-bench-search-"))
    app = _app(tmp)
    cap = app.config["LINLI"]["LIST_COUNT_CAP"]
    with app.app_context(), db.connection_context():
        from core.testing import USER_PASSWORD, make_user

        district = TerritoryUnit.get(TerritoryUnit.code == "990101")
        units = _territory(district)
        print(f"\ngenerating {rows:,} hazards over {len(units)} communities and grids ...")
        start = time.perf_counter()
        _generate(units, min(rows, 200_000), workdays.today())
        _vary()
        _copy_up_to(rows)  # the triggers index every copy
        db.execute_sql("ANALYZE")
        print(f"generated and indexed in {time.perf_counter() - start:.1f} s")
        community = TerritoryUnit.get(TerritoryUnit.code == "990101001001")
        make_user("office", "district_admin", "990101")
        make_user("staff", "community_staff", community.code)
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
        for word in WORDS:
            like = f"%{word}%"
            n = db.execute_sql(
                f"SELECT COUNT(*) FROM hazards_hazard h WHERE {SEARCHED}", (like,) * 3
            ).fetchone()[0]
            print(f"{word}: {n:,} rows")

    def raw(where, args, word, indexed=False):
        like = (f"%{word}%",) * 3
        if indexed:  # the SQL the page runs: the LIKE on the rows the index found
            where = f"{where} AND h.id IN (SELECT rowid FROM {FTS} WHERE {FTS} MATCH ?)"
            args = (*args, '"' + word.replace('"', '""') + '"')

        def work():
            with app.app_context(), db.connection_context():
                db.execute_sql(
                    f"SELECT {COLUMNS} FROM hazards_hazard h "
                    f"JOIN core_territory_unit u ON u.id = h.unit_id "
                    f"WHERE {where} AND {SEARCHED} ORDER BY h.id DESC LIMIT 20",
                    args + like,
                ).fetchall()
                return db.execute_sql(
                    f"SELECT COUNT(*) FROM (SELECT 1 FROM hazards_hazard h WHERE {where} "
                    f"AND {SEARCHED} LIMIT {cap + 1})",
                    args + like,
                ).fetchone()[0]

        return work

    clients = {}
    for label, username in (("district admin", "office"), ("community staff", "staff")):
        client = app.test_client()
        from tests.conftest import login

        assert login(client, username, USER_PASSWORD).status_code == 302
        clients[label] = client

    def linli(client, word):
        def work():
            response = client.get("/admin/hazards/hazard/", query_string={"search": word})
            assert response.status_code == 200, response.status_code
            return response.get_data(as_text=True)

        return work

    print(f"\n{'median of ' + str(repeat) + ' (ms)':<58} {'ours':>10} {'LIKE':>10} {'ratio':>8}")
    for word in WORDS:
        for label, (where, args) in scopes.items():
            page = linli(clients[label], word)()  # warm, and the count it shows
            shown = re.search(r"列表 \(([\d,]+)\+?\)", page)
            counted = raw(where, args, word)()
            shown = int(shown.group(1).replace(",", "")) if shown else 0
            assert shown == min(counted, cap), (word, label, shown, counted)
            ours = _time(linli(clients[label], word), repeat)
            scan = _time(raw(where, args, word), repeat)
            _row(f"{word} ({len(word)} chars), {label}: page vs LIKE SQL", ours, scan)
            if len(word) >= TRIGRAM:
                assert raw(where, args, word, indexed=True)() == counted
                index = _time(raw(where, args, word, indexed=True), repeat)
                _row(f"{word}, {label}: index SQL vs LIKE SQL", index, scan)


def main(argv):
    parser = argparse.ArgumentParser(prog="python -m bench search")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args(argv)
    run(args.rows, args.repeat)
