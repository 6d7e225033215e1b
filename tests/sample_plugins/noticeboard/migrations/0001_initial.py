"""Notice board tables."""

# Generated from a schema diff on 2026-11-22 00:14.
from peewee import *


def up(migrator, db):
    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class Notice(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        title = CharField(max_length=100)
        body = TextField(default="")
        hidden = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "noticeboard_notice"

    db.create_tables([Notice])

    class Attachment(Model):
        notice = ForeignKeyField(Notice, backref="+", on_delete="RESTRICT")
        name = CharField(max_length=100)

        class Meta:
            database = db
            table_name = "noticeboard_attachment"

    db.create_tables([Attachment])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("noticeboard_attachment"))
    migrator.migrate(migrator.drop_table("noticeboard_notice"))
