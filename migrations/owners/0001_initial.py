"""Owners' assembly tables: owners, units (premises), ownerships, meetings, matters and the
hash-chained ballot log, append-only in the database itself."""

# Generated from a schema diff on 2026-11-22 04:08.
from peewee import *

from core.migrations import append_only, drop_append_only


def up(migrator, db):
    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"
            legacy_table_names = False

    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"
            legacy_table_names = False

    class Meeting(Model):
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
        title = CharField(max_length=200)
        status = CharField(index=True, max_length=16, default="draft")
        opens_on = DateField()
        closes_on = DateField()
        noticed_on = DateField(null=True)
        tallied_on = DateField(null=True)
        publish_due = DateField(null=True)
        published_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "owners_meeting"
            legacy_table_names = False

    db.create_tables([Meeting])

    class Matter(Model):
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
        meeting = ForeignKeyField(Meeting, backref="+", on_delete="RESTRICT")
        title = CharField(max_length=200)
        item = CharField(max_length=2, default="9")
        kind = CharField(max_length=16, default="ordinary")
        description = TextField(default="")
        result = CharField(max_length=16, default="")
        tally = TextField(default="")

        class Meta:
            database = db
            table_name = "owners_matter"
            legacy_table_names = False

    db.create_tables([Matter])

    class Premises(Model):
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
        number = CharField(max_length=32)
        area = DecimalField(decimal_places=2)
        area_source = CharField(max_length=16, default="register")

        class Meta:
            database = db
            table_name = "owners_premises"
            legacy_table_names = False
            indexes = ((("unit", "number"), True),)

    db.create_tables([Premises])

    class Owner(Model):
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
        name = CharField(max_length=64)
        user = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        is_developer = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "owners_owner"
            legacy_table_names = False

    db.create_tables([Owner])

    class BallotLog(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")
        matter = ForeignKeyField(Matter, backref="+", on_delete="RESTRICT")
        premises = ForeignKeyField(Premises, backref="+", on_delete="RESTRICT")
        owner = ForeignKeyField(Owner, backref="+", on_delete="RESTRICT")
        choice = CharField(max_length=8)
        receipt = CharField(unique=True, max_length=32)
        at = DateTimeField()
        prev_hash = CharField(null=True, unique=True, max_length=64)
        hash = CharField(max_length=64)

        class Meta:
            database = db
            table_name = "owners_ballot_log"
            legacy_table_names = False
            indexes = ((("matter", "premises"), False),)

    db.create_tables([BallotLog])
    append_only(db, "owners_ballot_log")

    class Ownership(Model):
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
        premises = ForeignKeyField(Premises, backref="+", on_delete="RESTRICT")
        owner = ForeignKeyField(Owner, backref="+", on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "owners_ownership"
            legacy_table_names = False
            indexes = ((("premises", "owner"), True),)

    db.create_tables([Ownership])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("owners_ownership"))
    migrator.migrate(migrator.drop_table("owners_ballot_log"))
    drop_append_only(db, "owners_ballot_log")
    migrator.migrate(migrator.drop_table("owners_owner"))
    migrator.migrate(migrator.drop_table("owners_premises"))
    migrator.migrate(migrator.drop_table("owners_matter"))
    migrator.migrate(migrator.drop_table("owners_meeting"))
