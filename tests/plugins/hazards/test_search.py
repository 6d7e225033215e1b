"""The hazards list's search through the trigram index (core/search.py): the rows a plain
substring search finds, no more, no fewer, in the searcher's scope only; the index follows
inserts, updates and deletes."""

from __future__ import annotations

import datetime as dt
import logging
import re

from core.db import db, is_sqlite
from plugins.hazards.models import Hazard
from tests.conftest import login

from .conftest import COMMUNITY

# (place, title, responsible); the title's 〔NN〕 names the row on the page
TEXTS = [
    ("3号楼", "楼道堆放杂物", "王伟"),
    ("13号楼东侧", "楼栋长未到岗", "李娜"),
    ("23号楼", "Boiler ROOM 漏水", "Zhang"),
    ("锅炉房", "boiler pressure 100% 超标", "赵楼栋"),
    ("a_b_c 车库", "消防通道 OR 占用", "物业"),
    ('say "hi" 门岗', "*star* 标识缺失", "OR"),
    ("5号楼", "灭火器过期", "100%负责"),
    ("地下室", "电动车 充电", "aXbYc"),
]
WORDS = [
    "3号楼",
    "号楼东",
    "楼栋",
    "楼",
    "boiler",
    "BOIL",
    "room 漏",
    "100%",
    "%",
    "0%负",
    "_b_",
    "a_b",
    '"hi"',
    '"',
    "OR",
    "or 占",
    "*star",
    "*",
    "NEAR(",
    "王",
    "3号楼 楼道",
    "不存在的词",
]


def contains(text, word):
    """What the list's LIKE finds: a substring, ASCII letters in any case."""
    return word.lower() in text.lower()


def found(client, word):
    page = client.get("/admin/hazards/hazard/", query_string={"search": word})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    count = re.search(r"列表 \((\d+)\)", html)
    return int(count.group(1)) if count else 0, set(re.findall(r"〔(\d\d)〕", html))


def expected(rows, word):
    return {
        tag
        for tag, texts in rows.items()
        if all(any(contains(t, w) for t in texts) for w in word.split())
    }


def test_search_finds_what_like_finds_in_scope_only(app, hz, caplog):
    today = dt.date(2026, 3, 2)
    rows = {}  # tag -> (place, title, responsible) of every hazard the office sees
    mine = {}  # those of the staff's community
    for n, (place, title, responsible) in enumerate(TEXTS * 2):
        unit = hz.community if n % 2 == 0 else hz.other
        tag = f"{n:02d}"
        title = f"{title}〔{tag}〕"
        Hazard.create(unit=unit, place=place, title=title, responsible=responsible, deadline=today)
        rows[tag] = (place, title, responsible)
        if unit.code == COMMUNITY:
            mine[tag] = rows[tag]
    others = [h for h in Hazard.select() if "〔" not in h.title]  # the demo's, if any
    office = login_client(app, "office")
    staff = login_client(app, "staff")
    sqlite = is_sqlite()
    for word in WORDS:
        want = expected(rows, word)
        demo = sum(
            1
            for h in others
            if all(
                any(contains(t, w) for t in (h.place, h.title, h.responsible)) for w in word.split()
            )
        )
        caplog.set_level(logging.DEBUG, logger="peewee")
        caplog.clear()
        count, tags = found(office, word)
        assert (count, tags) == (len(want) + demo, want), word
        if sqlite:
            matched = any("MATCH" in r.getMessage() for r in caplog.records if r.name == "peewee")
            assert matched == any(len(w) >= 3 for w in word.split()), word
        count, tags = found(staff, word)
        want = expected(mine, word)
        assert tags == want, word  # never a row of 幸福社区
        assert count == len(want), word

    # the index follows the rows: an update, a delete, a new row
    first = Hazard.get(Hazard.title.contains("〔00〕"))
    first.place = "新建9号楼"
    first.save()
    Hazard.delete().where(Hazard.title.contains("〔02〕")).execute()
    Hazard.create(unit=hz.community, place="甲3号楼乙", title="新增〔99〕", deadline=today)
    assert found(staff, "3号楼")[1] == {"08", "10", "99"}
    assert found(staff, "新建9号")[1] == {"00"}


def test_the_index_exists_on_this_database(app, hz):
    if is_sqlite():
        names = {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master").fetchall()}
        assert {"hazards_hazard_fts", "hazards_hazard_fts_ai", "hazards_hazard_fts_au"} <= names
    else:
        names = {
            r[0]
            for r in db.execute_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'hazards_hazard'"
            ).fetchall()
        }
        assert {f"hazards_hazard_{c}_trgm" for c in ("place", "title", "responsible")} <= names
        from core.search import search_condition

        fields = [Hazard.place, Hazard.title, Hazard.responsible]
        sql, params = (
            Hazard.select(Hazard.id).where(search_condition(Hazard, fields, "3号楼", True)).sql()
        )
        db.execute_sql("SET enable_seqscan = off")  # a small table: make the planner show it
        plan = "\n".join(r[0] for r in db.execute_sql("EXPLAIN " + sql, params).fetchall())
        db.execute_sql("SET enable_seqscan = on")
        assert all(f"hazards_hazard_{c}_trgm" in plan for c in ("place", "title", "responsible"))


def login_client(app, username):
    client = app.test_client()
    assert login(client, username, "Passw0rd-long").status_code == 302
    return client


def test_a_word_most_rows_hold_is_the_like_scan(app, hz):
    from core.search import search_condition

    for n in range(12):
        Hazard.create(unit=hz.community, place=f"{n}号楼", title="灭火器过期", deadline=None)
    fields = [Hazard.place, Hazard.title, Hazard.responsible]
    common = Hazard.select().where(search_condition(Hazard, fields, "灭火器", True, cap=1))
    rare = Hazard.select().where(search_condition(Hazard, fields, "11号楼", True, cap=1))
    for word, query in (("灭火器", common), ("11号楼", rare)):
        want = {h.id for h in Hazard.select() if word in h.place + h.title + h.responsible}
        assert {h.id for h in query} == want
    if is_sqlite():
        assert "MATCH" not in common.sql()[0] and "MATCH" in rare.sql()[0]
