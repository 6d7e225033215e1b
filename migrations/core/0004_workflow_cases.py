"""Workflow history (流转记录, append-only) and cases (事项)."""

from peewee import *

from core.migrations import append_only, drop_append_only


def up(migrator, db):
    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class WorkflowHistory(Model):
        table = CharField(max_length=64)
        record_id = CharField(max_length=64)
        unit_id = IntegerField(index=True, null=True)
        from_state = CharField(max_length=32, default="")
        to_state = CharField(max_length=32)
        transition = CharField(max_length=32)
        actor = ForeignKeyField(User, backref="+", null=True, on_delete="RESTRICT")
        actor_name = CharField(max_length=64, default="")
        at = DateTimeField()
        comment = TextField(default="")
        attachments = TextField(default="[]")
        changes = TextField(default="{}")
        due = DateField(null=True)

        class Meta:
            database = db
            table_name = "core_workflow_history"
            indexes = ((("table", "record_id"), False),)

    class Case(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")
        created_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        created_at = DateTimeField()
        updated_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        updated_at = DateTimeField()
        title = CharField(max_length=200)
        description = TextField(default="")
        category = CharField(max_length=32, default="")
        source = CharField(max_length=16, default="window")
        requester_name = CharField(max_length=64, default="")
        requester_mobile = CharField(null=True, max_length=11)
        receiver = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        handler = ForeignKeyField(User, backref="+", null=True, on_delete="RESTRICT")
        handler_unit = ForeignKeyField(TerritoryUnit, backref="+", null=True, on_delete="RESTRICT")
        handling_mode = CharField(max_length=16, default="")
        result = TextField(default="")
        rating = SmallIntegerField(null=True)
        rating_comment = TextField(default="")
        state = CharField(index=True, max_length=16, default="received")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "core_case"

    db.create_tables([WorkflowHistory, Case])
    append_only(db, "core_workflow_history")


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_case"))
    migrator.migrate(migrator.drop_table("core_workflow_history"))
    drop_append_only(db, "core_workflow_history")
