"""Registration extras (登记补充信息): a volunteer links to the answers of the district's low-code
form definition."""

# Generated from a schema diff on 2026-11-22 03:20.
from peewee import *


def up(migrator, db):
    class Submission(Model):
        class Meta:
            database = db
            table_name = "core_form_submission"

    migrator.migrate(
        migrator.add_column(
            "timebank_volunteer",
            "extras_id",
            ForeignKeyField(
                Submission, backref="+", field=Submission.id, null=True, on_delete="RESTRICT"
            ),
        )
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index("timebank_volunteer", "timebank_volunteer_extras_id"))
    migrator.migrate(migrator.drop_column("timebank_volunteer", "extras_id"))
