"""manage: campaigns, schedules, inspection tasks, statistics (locked once submitted), the
hazard's extension, supervision and acceptance fields, and the overdue-dashboard index.

Two rules are also kept by the database itself, so that no path (admin, API, script) goes
around them: a submitted statistics report cannot be changed or deleted, and a major hazard
cannot be closed without an acceptance (验收人)."""

# Generated from a schema diff on 2026-11-22 06:02.
from peewee import *

LOCKED = "hazards_statistics: a submitted report is locked"
MAJOR = "hazards_hazard: a major hazard is closed only by acceptance"


def _guards(db):
    if isinstance(db, SqliteDatabase):
        for op in ("UPDATE", "DELETE"):
            db.execute_sql(
                f"CREATE TRIGGER hazards_statistics_locked_{op.lower()} BEFORE {op} "
                f"ON hazards_statistics WHEN OLD.state = 'submitted' "
                f"BEGIN SELECT RAISE(ABORT, '{LOCKED}'); END"
            )
        db.execute_sql(
            "CREATE TRIGGER hazards_hazard_major_acceptance BEFORE UPDATE ON hazards_hazard "
            "WHEN NEW.state = 'closed' AND NEW.grade = 'major' AND NEW.accepted_by_id IS NULL "
            f"BEGIN SELECT RAISE(ABORT, '{MAJOR}'); END"
        )
        return
    db.execute_sql(
        "CREATE FUNCTION hazards_statistics_locked() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN IF OLD.state = 'submitted' THEN RAISE EXCEPTION '{LOCKED}'; END IF; "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$"
    )
    db.execute_sql(
        "CREATE TRIGGER hazards_statistics_locked BEFORE UPDATE OR DELETE ON hazards_statistics "
        "FOR EACH ROW EXECUTE FUNCTION hazards_statistics_locked()"
    )
    db.execute_sql(
        "CREATE FUNCTION hazards_hazard_major_acceptance() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN IF NEW.state = 'closed' AND NEW.grade = 'major' AND NEW.accepted_by_id IS NULL "
        f"THEN RAISE EXCEPTION '{MAJOR}'; END IF; RETURN NEW; END $$"
    )
    db.execute_sql(
        "CREATE TRIGGER hazards_hazard_major_acceptance BEFORE UPDATE ON hazards_hazard "
        "FOR EACH ROW EXECUTE FUNCTION hazards_hazard_major_acceptance()"
    )


def _drop_guards(db):
    if isinstance(db, SqliteDatabase):
        db.execute_sql("DROP TRIGGER IF EXISTS hazards_hazard_major_acceptance")
        return
    db.execute_sql("DROP TRIGGER IF EXISTS hazards_hazard_major_acceptance ON hazards_hazard")
    db.execute_sql("DROP FUNCTION IF EXISTS hazards_hazard_major_acceptance()")
    db.execute_sql("DROP TRIGGER IF EXISTS hazards_statistics_locked ON hazards_statistics")
    db.execute_sql("DROP FUNCTION IF EXISTS hazards_statistics_locked()")


def up(migrator, db):
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

    class Campaign(Model):
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
        year = IntegerField()
        checklists = CharField(max_length=500, default="")
        self_check_from = DateField()
        self_check_until = DateField()
        supervision_until = DateField()
        acceptance_until = DateField()
        launched_on = DateField(null=True)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "hazards_campaign"
            legacy_table_names = False

    db.create_tables([Campaign])

    class Schedule(Model):
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
        place = CharField(max_length=100)
        checklist = CharField(max_length=64)
        frequency = CharField(max_length=16)
        every_days = IntegerField(null=True)
        next_due = DateField(index=True)
        lead_days = IntegerField(default=0)
        assignee = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        active = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "hazards_schedule"
            legacy_table_names = False

    db.create_tables([Schedule])

    class InspectionTask(Model):
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
        place = CharField(max_length=100, default="")
        checklist = CharField(max_length=64)
        due = DateField(index=True)
        schedule = ForeignKeyField(Schedule, backref="+", null=True, on_delete="RESTRICT")
        campaign = ForeignKeyField(Campaign, backref="+", null=True, on_delete="RESTRICT")
        assignee = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        state = CharField(index=True, max_length=16, default="open")
        inspection = ForeignKeyField(Inspection, backref="+", null=True, on_delete="RESTRICT")
        done_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "hazards_task"
            legacy_table_names = False
            indexes = ((("schedule", "due"), True), (("campaign", "unit", "checklist"), True))

    db.create_tables([InspectionTask])

    class StatisticsReport(Model):
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
        period = CharField(max_length=8)
        year = IntegerField()
        quarter = IntegerField(null=True)
        state = CharField(max_length=16, default="draft")
        number = IntegerField(default=1)
        corrects = ForeignKeyField("self", backref="+", null=True, on_delete="RESTRICT")
        figures = TextField(default="{}")
        note = TextField(default="")
        submitted_on = DateField(null=True)
        submitted_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "hazards_statistics"
            legacy_table_names = False

    db.create_tables([StatisticsReport])

    migrator.migrate(
        migrator.add_column(
            "hazards_hazard",
            "funds_amount",
            DecimalField(null=True, max_digits=14, decimal_places=2),
        )
    )
    migrator.migrate(
        migrator.add_column("hazards_hazard", "extension_reason", TextField(default=""))
    )
    migrator.migrate(
        migrator.add_column("hazards_hazard", "requested_deadline", DateField(null=True))
    )
    migrator.migrate(migrator.add_column("hazards_hazard", "extensions", IntegerField(default=0)))
    migrator.migrate(
        migrator.add_column(
            "hazards_hazard", "supervision_level", CharField(null=True, max_length=16)
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_hazard", "supervising_unit", CharField(max_length=100, default="")
        )
    )
    migrator.migrate(
        migrator.add_column("hazards_hazard", "supervision_deadline", DateField(null=True))
    )
    migrator.migrate(migrator.add_column("hazards_hazard", "supervised_on", DateField(null=True)))
    migrator.migrate(
        migrator.add_column("hazards_hazard", "supervision_lifted_on", DateField(null=True))
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_hazard",
            "rectified_by_id",
            ForeignKeyField(User, backref="+", field=User.id, null=True, on_delete="SET NULL"),
        )
    )
    migrator.migrate(
        migrator.add_column(
            "hazards_hazard",
            "accepted_by_id",
            ForeignKeyField(User, backref="+", field=User.id, null=True, on_delete="SET NULL"),
        )
    )
    migrator.migrate(migrator.add_column("hazards_hazard", "accepted_on", DateField(null=True)))
    migrator.migrate(
        migrator.add_column("hazards_hazard", "acceptance_opinion", TextField(default=""))
    )
    migrator.migrate(
        migrator.add_index("hazards_hazard", ("unit_id", "state", "grade", "deadline"))
    )
    _guards(db)


def down(migrator, db):
    _drop_guards(db)
    migrator.migrate(
        migrator.drop_index("hazards_hazard", "hazards_hazard_unit_id_state_grade_deadline")
    )
    migrator.migrate(migrator.drop_index("hazards_hazard", "hazards_hazard_rectified_by_id"))
    migrator.migrate(migrator.drop_index("hazards_hazard", "hazards_hazard_accepted_by_id"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "acceptance_opinion"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "accepted_on"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "accepted_by_id"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "rectified_by_id"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "supervision_lifted_on"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "supervised_on"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "supervision_deadline"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "supervising_unit"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "supervision_level"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "extensions"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "requested_deadline"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "extension_reason"))
    migrator.migrate(migrator.drop_column("hazards_hazard", "funds_amount"))
    migrator.migrate(migrator.drop_table("hazards_statistics"))
    migrator.migrate(migrator.drop_table("hazards_task"))
    migrator.migrate(migrator.drop_table("hazards_schedule"))
    migrator.migrate(migrator.drop_table("hazards_campaign"))
