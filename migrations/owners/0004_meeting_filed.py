"""Meetings record the filing (备案) of their published decisions: filed_on, filed_with."""

# Generated from a schema diff on 2026-11-22 07:38.
from peewee import *


def up(migrator, db):
    migrator.migrate(migrator.add_column("owners_meeting", "filed_on", DateField(null=True)))
    migrator.migrate(
        migrator.add_column("owners_meeting", "filed_with", CharField(max_length=200, default=""))
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_column("owners_meeting", "filed_with"))
    migrator.migrate(migrator.drop_column("owners_meeting", "filed_on"))
