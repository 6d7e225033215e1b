"""The volunteers list's search (志愿者检索) served by a trigram index over the name and the
national volunteer number: FTS5 ``trigram`` on SQLite, ``pg_trgm`` GIN indexes on PostgreSQL
(see core/search.py)."""

from core.search import create_trigram_index, drop_trigram_index

TABLE = "timebank_volunteer"
COLUMNS = ("name", "national_number")


def up(migrator, db):
    create_trigram_index(db, TABLE, COLUMNS)


def down(migrator, db):
    drop_trigram_index(db, TABLE, COLUMNS)
