"""Public notices (公示), objections (异议) and their answers; objections and answers are
append-only evidence."""

from peewee import *

from core.migrations import append_only, drop_append_only

APPEND_ONLY = ("core_objection", "core_objection_answer")


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"

    class Publication(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", index=True, on_delete="RESTRICT")
        created_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        updated_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        updated_at = DateTimeField()
        plugin = CharField(max_length=32, default="core")
        target_table = CharField(max_length=64, default="")
        target_id = CharField(max_length=64, default="")
        title = CharField(max_length=200)
        body = TextField(default="")
        starts_on = DateField(index=True)
        ends_on = DateField(index=True)
        period_days = SmallIntegerField(default=5)
        working_days = BooleanField(default=True)
        state = CharField(max_length=16, default="draft", index=True)
        contact = CharField(max_length=100, default="")
        contact_phone = CharField(max_length=32, default="")
        published_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        published_at = DateTimeField(null=True)
        withdrawn_reason = TextField(default="")
        closed_at = DateTimeField(null=True)
        closing_note = TextField(default="")

        class Meta:
            database = db
            table_name = "core_publication"
            indexes = ((("target_table", "target_id"), False),)

    class Objection(Model):
        publication = ForeignKeyField(Publication, backref="+", on_delete="RESTRICT")
        user = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        name = CharField(max_length=64)
        phone = CharField(max_length=11, null=True)
        content = TextField()
        created_at = DateTimeField(index=True)

        class Meta:
            database = db
            table_name = "core_objection"

    class ObjectionAnswer(Model):
        objection = ForeignKeyField(Objection, backref="+", on_delete="RESTRICT")
        answered_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        answered_by_name = CharField(max_length=64, default="")
        body = TextField()
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "core_objection_answer"

    db.create_tables([Publication, Objection, ObjectionAnswer])
    for table in APPEND_ONLY:
        append_only(db, table)


def down(migrator, db):
    for table in ("core_objection_answer", "core_objection", "core_publication"):
        migrator.migrate(migrator.drop_table(table))
    for table in APPEND_ONLY:
        drop_append_only(db, table)
