"""Time bank tables: volunteers, teams, activities, shifts, sign-ups, requests, service
records and their history, the double-entry ledger (accounts, transfers, movements) and
certificates. Ledger transfers, movements and record history are append-only in the
database itself."""

# Generated from a schema diff on 2026-11-22 02:42.
from peewee import *

from core.migrations import append_only, drop_append_only

APPEND_ONLY = ("timebank_record_history", "timebank_movement", "timebank_transfer")


def up(migrator, db):
    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class Team(Model):
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
        name = CharField(max_length=100)
        kind = CharField(max_length=16, default="team")
        leader_name = CharField(max_length=64, default="")
        leader_mobile = CharField(null=True, max_length=11)
        address = CharField(max_length=200, default="")
        description = TextField(default="")
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "timebank_team"
            legacy_table_names = False

    db.create_tables([Team])

    class Volunteer(Model):
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
        user = ForeignKeyField(User, backref="+", unique=True, null=True, on_delete="RESTRICT")
        name = CharField(max_length=64)
        id_number = CharField(max_length=18)
        mobile = CharField(max_length=11)
        source = CharField(max_length=32, default="resident")
        skills = CharField(max_length=200, default="")
        availability = CharField(max_length=200, default="")
        national_number = CharField(max_length=32, default="")
        team = ForeignKeyField(Team, backref="+", null=True, on_delete="SET NULL")
        consent_at = DateTimeField(null=True)
        status = CharField(index=True, max_length=16, default="pending")
        status_note = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "timebank_volunteer"
            legacy_table_names = False
            indexes = ((("unit", "status"), False), (("id_number",), False))

    db.create_tables([Volunteer])

    class Account(Model):
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
        volunteer = ForeignKeyField(Volunteer, backref="+", null=True, on_delete="RESTRICT")
        kind = CharField(max_length=8)
        role = CharField(max_length=16, default="person")
        balance = BigIntegerField(default=0)
        system_key = CharField(unique=True, null=True, max_length=48)

        class Meta:
            database = db
            table_name = "timebank_account"
            legacy_table_names = False
            indexes = ((("volunteer", "kind"), True),)

    db.create_tables([Account])

    class Activity(Model):
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
        description = TextField(default="")
        service_type = CharField(max_length=32, default="other")
        target_group = CharField(max_length=32, default="community")
        team = ForeignKeyField(Team, backref="+", null=True, on_delete="SET NULL")
        organiser = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        location = CharField(max_length=200, default="")
        state = CharField(max_length=16, default="open")

        class Meta:
            database = db
            table_name = "timebank_activity"
            legacy_table_names = False

    db.create_tables([Activity])

    class Certificate(Model):
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
        number = CharField(unique=True, max_length=32)
        volunteer = ForeignKeyField(Volunteer, backref="+", on_delete="RESTRICT")
        period_start = DateField()
        period_end = DateField()
        minutes = IntegerField()
        content = TextField(default="")
        issuer_name = CharField(max_length=100)
        issuer_head = CharField(max_length=64, default="")
        handler_name = CharField(max_length=64, default="")
        issuer_contact = CharField(max_length=64, default="")
        issued_on = DateField()
        revoked_at = DateTimeField(null=True)
        revoked_reason = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "timebank_certificate"
            legacy_table_names = False

    db.create_tables([Certificate])

    class Shift(Model):
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
        activity = ForeignKeyField(Activity, backref="+", on_delete="RESTRICT")
        starts_at = DateTimeField()
        ends_at = DateTimeField()
        capacity = IntegerField(default=1)

        class Meta:
            database = db
            table_name = "timebank_shift"
            legacy_table_names = False

    db.create_tables([Shift])

    class SignUp(Model):
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
        shift = ForeignKeyField(Shift, backref="+", on_delete="RESTRICT")
        volunteer = ForeignKeyField(Volunteer, backref="+", on_delete="RESTRICT")
        state = CharField(index=True, max_length=16, default="signed")
        signed_at = DateTimeField()
        checked_in_at = DateTimeField(null=True)
        checked_out_at = DateTimeField(null=True)
        checked_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "timebank_signup"
            legacy_table_names = False
            indexes = ((("shift", "volunteer"), True),)

    db.create_tables([SignUp])

    class ServiceRequest(Model):
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
        requester_name = CharField(max_length=64)
        requester_mobile = CharField(null=True, max_length=11)
        target_group = CharField(max_length=32, default="elderly")
        service_type = CharField(max_length=32, default="daily_care")
        description = TextField(default="")
        wanted_on = DateField(null=True)
        volunteer = ForeignKeyField(Volunteer, backref="+", null=True, on_delete="RESTRICT")
        state = CharField(index=True, max_length=16, default="open")

        class Meta:
            database = db
            table_name = "timebank_request"
            legacy_table_names = False

    db.create_tables([ServiceRequest])

    class ServiceRecord(Model):
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
        volunteer = ForeignKeyField(Volunteer, backref="+", on_delete="RESTRICT")
        activity = ForeignKeyField(Activity, backref="+", null=True, on_delete="RESTRICT")
        signup = ForeignKeyField(SignUp, backref="+", null=True, on_delete="RESTRICT")
        request = ForeignKeyField(ServiceRequest, backref="+", null=True, on_delete="RESTRICT")
        started_at = DateTimeField()
        ended_at = DateTimeField()
        minutes = IntegerField()
        content = TextField()
        service_type = CharField(max_length=32, default="other")
        target_group = CharField(max_length=32, default="community")
        served_name = CharField(max_length=64, default="")
        source = CharField(max_length=16, default="volunteer")
        source_ref = CharField(unique=True, null=True, max_length=64)
        status = CharField(index=True, max_length=24, default="draft")
        version = IntegerField(default=0)
        confirm_token = CharField(unique=True, null=True, max_length=64)
        confirm_method = CharField(max_length=16, default="")
        confirmed_name = CharField(max_length=64, default="")
        confirmed_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        confirmed_at = DateTimeField(null=True)
        reviewed_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        second_reviewer = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        decided_at = DateTimeField(null=True)
        reject_reason = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "timebank_record"
            legacy_table_names = False
            indexes = ((("volunteer", "started_at"), False), (("unit", "status"), False))

    db.create_tables([ServiceRecord])

    class Transfer(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")
        kind = CharField(max_length=16)
        record = ForeignKeyField(ServiceRecord, backref="+", null=True, on_delete="RESTRICT")
        reverses = ForeignKeyField(
            "self", backref="+", unique=True, null=True, on_delete="RESTRICT"
        )
        memo = CharField(max_length=200, default="")
        created_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "timebank_transfer"
            legacy_table_names = False

    db.create_tables([Transfer])

    class Movement(Model):
        transfer = ForeignKeyField(Transfer, backref="+", on_delete="RESTRICT")
        account = ForeignKeyField(Account, backref="+", on_delete="RESTRICT")
        amount = IntegerField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "timebank_movement"
            legacy_table_names = False
            indexes = ((("account", "created_at"), False),)

    db.create_tables([Movement])

    class RecordHistory(Model):
        record = ForeignKeyField(ServiceRecord, backref="+", on_delete="RESTRICT")
        at = DateTimeField()
        actor = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        actor_name = CharField(max_length=64, default="")
        from_status = CharField(max_length=24, default="")
        to_status = CharField(max_length=24)
        comment = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "timebank_record_history"
            legacy_table_names = False

    db.create_tables([RecordHistory])
    for table in APPEND_ONLY:
        append_only(db, table)


def down(migrator, db):
    migrator.migrate(migrator.drop_table("timebank_record_history"))
    migrator.migrate(migrator.drop_table("timebank_movement"))
    migrator.migrate(migrator.drop_table("timebank_transfer"))
    migrator.migrate(migrator.drop_table("timebank_record"))
    migrator.migrate(migrator.drop_table("timebank_request"))
    migrator.migrate(migrator.drop_table("timebank_signup"))
    migrator.migrate(migrator.drop_table("timebank_shift"))
    migrator.migrate(migrator.drop_table("timebank_certificate"))
    migrator.migrate(migrator.drop_table("timebank_activity"))
    migrator.migrate(migrator.drop_table("timebank_account"))
    migrator.migrate(migrator.drop_table("timebank_volunteer"))
    migrator.migrate(migrator.drop_table("timebank_team"))
    for table in APPEND_ONLY:
        drop_append_only(db, table)
