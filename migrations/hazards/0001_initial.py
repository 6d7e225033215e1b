"""initial"""

# Generated from a schema diff on 2026-11-22 04:05.
from peewee import *


def up(migrator, db):
    class Submission(Model):
        class Meta:
            database = db
            table_name = "core_form_submission"
            legacy_table_names = False

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

    class Inspection(Model):
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
        place = CharField(max_length=100, default="")
        checklist = CharField(max_length=64)
        checklist_title = CharField(max_length=100, default="")
        submission = ForeignKeyField(Submission, backref="+", null=True, on_delete="RESTRICT")
        inspected_on = DateField()
        failed_count = IntegerField(default=0)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "hazards_inspection"
            legacy_table_names = False

    db.create_tables([Inspection])

    class Hazard(Model):
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
        inspection = ForeignKeyField(Inspection, backref="+", null=True, on_delete="RESTRICT")
        item = CharField(max_length=64, default="")
        title = CharField()
        basis = TextField(default="")
        place = CharField(max_length=100, default="")
        proposed_grade = CharField(max_length=16, default="general")
        grade = CharField(null=True, max_length=16)
        responsible = CharField(max_length=64, default="")
        measures = TextField(default="")
        funds = CharField(max_length=200, default="")
        deadline = DateField(index=True, null=True)
        contingency = TextField(default="")
        rectification = TextField(default="")
        closed_on = DateField(null=True)
        state = CharField(index=True, max_length=24, default="reported")
        version = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "hazards_hazard"
            legacy_table_names = False

    db.create_tables([Hazard])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("hazards_hazard"))
    migrator.migrate(migrator.drop_table("hazards_inspection"))
