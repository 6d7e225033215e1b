"""The hazards list's search (隐患台账检索) served by a trigram index over place, title and
responsible person: FTS5 ``trigram`` on SQLite, ``pg_trgm`` GIN indexes on PostgreSQL
(see core/search.py)."""

from core.search import create_trigram_index, drop_trigram_index

TABLE = "hazards_hazard"
COLUMNS = ("place", "title", "responsible")


def up(migrator, db):
    create_trigram_index(db, TABLE, COLUMNS)


def down(migrator, db):
    drop_trigram_index(db, TABLE, COLUMNS)
