"""Creates a table, then fails: the table must not survive."""

from peewee import *


def up(migrator, db):
    db.execute_sql("CREATE TABLE brokenmig_half (id INTEGER PRIMARY KEY)")
    db.execute_sql("INSERT INTO brokenmig_missing VALUES (1)")


def down(migrator, db):
    db.execute_sql("DROP TABLE brokenmig_half")
