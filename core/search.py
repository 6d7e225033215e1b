"""Admin list search served by a trigram index (三字索引检索).

The search box of an admin list looks for each word (words split on spaces, all of them
required) in any of the view's ``column_searchable_list`` fields, as a substring, ASCII
letters in any case, ``%`` and ``_`` taken literally. Without an index that is a
``field LIKE '%word%'`` over every row in scope: a full scan (384 ms at 1,000,000 hazards).

A view with ``trigram_search = True`` is served by an index its plugin's migration makes with
:func:`create_trigram_index` over the same columns:

- SQLite: an FTS5 table ``<table>_fts`` with ``tokenize='trigram'`` (SQLite 3.34+), its
  content being the model's table (``content=``, nothing stored twice), kept in step by
  triggers on insert, update and delete. A word of 3 or more characters becomes
  ``id IN (SELECT rowid FROM <table>_fts WHERE <table>_fts MATCH '"word"')`` (the word a
  quoted FTS5 string, passed as a parameter: ``"``, ``OR``, ``*`` in it are text), and the
  ``LIKE`` then runs on the rows the index found only, so that the result is exactly the
  ``LIKE`` one (the trigram tokenizer folds the case of every letter, ``LIKE`` only ASCII's).
  A word so common that the scan stops sooner than the index lists its rows (``3号楼`` in a
  tenth of 1,000,000 hazards) is the ``LIKE`` scan: see :func:`_common`.
- PostgreSQL: the ``pg_trgm`` extension and a GIN index ``gin_trgm_ops`` on each column;
  ``ILIKE '%word%'`` as written uses them (a bitmap OR over the columns).

A word of 1 or 2 characters (``楼栋``, ``王``) has no trigram: it is the ``LIKE`` scan of the
rows in the data scope (and of those the other, longer words found, when there are). That is
what such a search costs: at 1,000,000 hazards a district administrator's two-character search
reads every row of the district, as without the index; a community worker's reads the
community's rows only.

If the FTS table is missing or does not hold exactly the view's fields, the search is the
plain ``LIKE``: slower, never wrong.
"""

from __future__ import annotations

import functools
import operator

import peewee as pw

from core.db import is_sqlite

TRIGRAM = 3  # the shortest word the index finds


def _sqlite(db: pw.Database) -> bool:
    return is_sqlite(db.obj if isinstance(db, pw.DatabaseProxy) else db)


def fts_table(table: str) -> str:
    return f"{table}_fts"


def _trgm_index(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def create_trigram_index(db: pw.Database, table: str, columns: tuple[str, ...]) -> None:
    """The trigram index of ``columns`` of ``table`` (a migration's ``up``)."""
    if _sqlite(db):
        fts = fts_table(table)
        cols = ", ".join(f'"{c}"' for c in columns)
        new = ", ".join(f'new."{c}"' for c in columns)
        old = ", ".join(f'old."{c}"' for c in columns)
        watched = ", ".join(f'"{c}"' for c in columns)
        for sql in (
            f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5({cols}, content='{table}', "
            f"content_rowid='id', tokenize='trigram')",
            f'CREATE TRIGGER "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"(rowid, {cols}) VALUES (new.id, {new}); END',
            f'CREATE TRIGGER "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, {cols}) VALUES (\'delete\', old.id, {old}); END',
            f'CREATE TRIGGER "{fts}_au" AFTER UPDATE OF {watched} ON "{table}" BEGIN '
            f'INSERT INTO "{fts}"("{fts}", rowid, {cols}) VALUES (\'delete\', old.id, {old}); '
            f'INSERT INTO "{fts}"(rowid, {cols}) VALUES (new.id, {new}); END',
            f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')',
        ):
            db.execute_sql(sql)
        return
    db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for c in columns:
        db.execute_sql(
            f'CREATE INDEX IF NOT EXISTS "{_trgm_index(table, c)}" ON "{table}" '
            f'USING gin ("{c}" gin_trgm_ops)'
        )


def drop_trigram_index(db: pw.Database, table: str, columns: tuple[str, ...]) -> None:
    """Undo :func:`create_trigram_index` (a migration's ``down``); the extension stays (other
    databases' objects may use it)."""
    if _sqlite(db):
        fts = fts_table(table)
        for suffix in ("ai", "ad", "au"):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{fts}_{suffix}"')
        db.execute_sql(f'DROP TABLE IF EXISTS "{fts}"')
        return
    for c in columns:
        db.execute_sql(f'DROP INDEX IF EXISTS "{_trgm_index(table, c)}"')


def _literal(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(field: pw.Field, word: str) -> pw.Expression:
    """``field`` contains ``word`` (ASCII case folded; ``%``, ``_``, ``\\`` literal)."""
    pattern = pw.NodeList((pw.Value(f"%{_literal(word)}%"), pw.SQL("ESCAPE '\\'")))
    return pw.Expression(field, pw.OP.ILIKE, pattern)


def _fts_columns(db: pw.Database, fts: str) -> set[str]:
    return {row[1] for row in db.execute_sql(f'PRAGMA table_info("{fts}")').fetchall()}


def _common(db: pw.Database, table: str, fts: str, phrase: str, cap: int) -> bool:
    """Whether so many rows hold the phrase that the ``LIKE`` scan is the cheaper.

    The index hands over every matching row id of the table, whatever the scope (about
    2.5 µs each); the scan stops at the count's cap (``cap`` rows found, about 0.9 µs a
    row read), having read ``cap * rows / found`` rows. The two cost the same where
    ``found = sqrt(rows * cap / 3)``: 58,000 of 1,000,000 rows for a cap of 10,000 (``3号楼``
    in one hazard of ten: 100,000). Counted through the index up to that many (a few ms)."""
    rows = db.execute_sql(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0
    limit = max(cap, int((rows * cap / 3) ** 0.5))
    found = db.execute_sql(
        f'SELECT COUNT(*) FROM (SELECT 1 FROM "{fts}" WHERE "{fts}" MATCH ? LIMIT {limit + 1})',
        (phrase,),
    ).fetchone()[0]
    return found > limit


def search_condition(model, fields, word: str, indexed: bool = False, cap: int | None = None):
    """The rows of ``model`` with ``word`` in one of ``fields`` (None without fields).

    Not ``indexed``: Flask-Admin's ``field LIKE '%word%'`` (``%`` and ``_`` wildcards).
    ``cap``: the list's count cap (``LINLI_LIST_COUNT_CAP``), for :func:`_common`."""
    fields = list(fields or [])
    if not fields:
        return None
    if not indexed:
        return functools.reduce(operator.or_, (f ** f"%{word}%" for f in fields))
    like = functools.reduce(operator.or_, (contains(f, word) for f in fields))
    db = model._meta.database
    if len(word) < TRIGRAM or not _sqlite(db):
        return like  # PostgreSQL: the pg_trgm GIN indexes serve the ILIKE as it is
    fts = fts_table(model._meta.table_name)
    if _fts_columns(db, fts) != {f.column_name for f in fields}:
        return like
    phrase = '"' + word.replace('"', '""') + '"'
    if _common(db, model._meta.table_name, fts, phrase, cap or 10_000):
        return like
    found = pw.NodeList(
        (pw.SQL(f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH'), pw.Value(phrase)), parens=True
    )
    return model._meta.primary_key.in_(found) & like
