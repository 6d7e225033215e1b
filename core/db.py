"""The one database (数据库) shared by all districts, behind a peewee proxy.

SQLite in ``instance/`` is the embedded default (WAL journal, foreign keys on); a
``postgresql://`` URL selects PostgreSQL. Models bind to :data:`db` and never to a
concrete database, so the same code runs on both.
"""

from __future__ import annotations

import os
from urllib.parse import urlparse

import peewee
from playhouse.db_url import connect

db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def open_database(url: str) -> peewee.Database:
    """Create a peewee database for ``url`` (not yet connected) and bind the proxy to it."""
    scheme = urlparse(url).scheme
    if scheme == "sqlite":
        database = connect(url, pragmas=SQLITE_PRAGMAS)
        private_file(database.database)
    elif scheme in ("postgresql", "postgres"):
        database = connect(url)
    else:  # config validation normally catches this first
        raise ValueError(f"unsupported database URL scheme: {scheme}")
    db.initialize(database)
    return database


def private_file(path: str) -> None:
    """Make the SQLite file (and its WAL and shared-memory files, when there) readable by
    the owner only (0600), creating it so if missing: residents' data is never world-
    readable on the server."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    for name in (path, f"{path}-wal", f"{path}-shm"):
        if os.path.exists(name):
            os.chmod(name, 0o600)


def is_sqlite(database: peewee.Database | None = None) -> bool:
    database = database or db.obj
    return isinstance(database, peewee.SqliteDatabase)
