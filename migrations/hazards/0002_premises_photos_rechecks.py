"""premises_photos_rechecks"""

# Generated from a schema diff on 2026-11-22 05:57.
from peewee import *


def up(migrator, db):
    class Hazard(Model):
        class Meta:
            database = db
            table_name = "hazards_hazard"
            legacy_table_names = False

    class Inspection(Model):
        class Meta:
            database = db
            table_name = "hazards_inspection"
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
        name = CharField(max_length=100)
        kind = CharField(max_length=24, default="shop")
        address = CharField(max_length=200, default="")
        responsible = CharField(max_length=64, default="")
        phone = CharField(max_length=32, default="")
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "hazards_premises"
            legacy_table_names = False

    db.create_tables([Premises])

    class Photo(Model):
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
        hazard = ForeignKeyField(Hazard, backref="+", null=True, on_delete="RESTRICT")
        item = CharField(max_length=120, default="")
        stage = CharField(max_length=8, default="before")
        path = CharField(max_length=200)
        name = CharField(max_length=200, default="")
        size = IntegerField(default=0)
        content_type = CharField(max_length=32, default="")

        class Meta:
            database = db
            table_name = "hazards_photo"
            legacy_table_names = False

    db.create_tables([Photo])

    class Recheck(Model):
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
        hazard = ForeignKeyField(Hazard, backref="+", on_delete="RESTRICT")
        inspection = ForeignKeyField(Inspection, backref="+", on_delete="RESTRICT")
        passed = BooleanField()
        checked_on = DateField()

        class Meta:
            database = db
            table_name = "hazards_recheck"
            legacy_table_names = False

    db.create_tables([Recheck])

    migrator.migrate(
        migrator.add_column(
            "hazards_inspection",
            "premises_id",
            ForeignKeyField(
                Premises, backref="+", field=Premises.id, null=True, on_delete="RESTRICT"
            ),
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_inspection",
            "reinspection_of_id",
            ForeignKeyField(
                Inspection, backref="+", field=Inspection.id, null=True, on_delete="RESTRICT"
            ),
        )
    )
    migrator.migrate(
        migrator.add_column("hazards_inspection", "checklist_version", IntegerField(default=0))
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_inspection", "score", DecimalField(null=True, max_digits=5, decimal_places=1)
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_inspection", "latitude", DecimalField(null=True, decimal_places=7)
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_inspection", "longitude", DecimalField(null=True, decimal_places=7)
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_hazard",
            "premises_id",
            ForeignKeyField(
                Premises, backref="+", field=Premises.id, null=True, on_delete="RESTRICT"
            ),
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_hazard", "source", CharField(max_length=16, default="inspection")
        )
    )
    migrator.migrate(
        migrator.add_column("hazards_hazard", "category", CharField(max_length=64, default=""))
    )
    migrator.migrate(migrator.add_column("hazards_hazard", "description", TextField(default="")))
    migrator.migrate(
        migrator.add_column("hazards_hazard", "instance", CharField(max_length=100, default=""))
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index("hazards_hazard", "hazards_hazard_premises_id"))
    migrator.migrate(
        migrator.drop_index("hazards_inspection", "hazards_inspection_reinspection_of_id")
    )
    migrator.migrate(migrator.drop_index("hazards_inspection", "hazards_inspection_premises_id"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "instance"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "description"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "category"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "source"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "premises_id"))
    migrator.migrate(migrator.drop_column("hazards_inspection", "longitude"))
    migrator.migrate(migrator.drop_column("hazards_inspection", "latitude"))
    migrator.migrate(migrator.drop_column("hazards_inspection", "score"))
    migrator.migrate(migrator.drop_column("hazards_inspection", "checklist_version"))
    migrator.migrate(migrator.drop_column("hazards_inspection", "reinspection_of_id"))
    migrator.migrate(migrator.drop_column("hazards_inspection", "premises_id"))
    migrator.migrate(migrator.drop_table("hazards_recheck"))
    migrator.migrate(migrator.drop_table("hazards_photo"))
    migrator.migrate(migrator.drop_table("hazards_premises"))
