"""A table that works."""

from peewee import *


def up(migrator, db):
    db.execute_sql("CREATE TABLE brokenmig_ok (id INTEGER PRIMARY KEY)")


def down(migrator, db):
    db.execute_sql("DROP TABLE brokenmig_ok")
