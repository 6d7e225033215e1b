"""Core tables: territory, users, roles, module switches, settings, audit."""

# Generated from a schema diff (playhouse.migrations.template), then reviewed.
# Python-side defaults (timestamps) are not database defaults and need no column default.
from peewee import *

from core.migrations import append_only

APPEND_ONLY = "core_audit_log"


def up(migrator, db):
    class User(Model):
        username = CharField(unique=True, max_length=64)
        display_name = CharField(max_length=64, default="")
        password_hash = CharField()
        is_active = BooleanField(default=True)
        must_change_password = BooleanField(default=False)
        created_at = DateTimeField()
        last_login_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "core_user"

    db.create_tables([User])

    class AuditLog(Model):
        at = DateTimeField(index=True)
        actor = ForeignKeyField(User, null=True, on_delete="RESTRICT")
        actor_name = CharField(max_length=64, default="")
        action = CharField(index=True, max_length=32)
        plugin = CharField(max_length=32, default="core")
        table = CharField(max_length=64, default="")
        record_id = CharField(max_length=64, default="")
        unit_id = IntegerField(index=True, null=True)
        changes = TextField(default="{}")
        summary = CharField(default="")
        ip = CharField(max_length=64, default="")

        class Meta:
            database = db
            table_name = "core_audit_log"
            indexes = ((("table", "record_id"), False),)

    db.create_tables([AuditLog])

    class TerritoryUnit(Model):
        code = CharField(unique=True, max_length=32)
        name = CharField(max_length=100)
        level = CharField(index=True, max_length=16)
        parent = ForeignKeyField("self", null=True, on_delete="RESTRICT")
        path = CharField(index=True, default="")
        depth = SmallIntegerField(default=0)
        district_id = IntegerField(index=True, null=True)
        sort_order = IntegerField(default=0)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "core_territory_unit"

    db.create_tables([TerritoryUnit])

    class DistrictSetting(Model):
        district = ForeignKeyField(TerritoryUnit, on_delete="CASCADE")
        plugin = CharField(max_length=32)
        key = CharField(max_length=64)
        value = TextField()
        updated_at = DateTimeField()
        updated_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "core_district_setting"
            indexes = ((("district", "plugin", "key"), True),)

    db.create_tables([DistrictSetting])

    class PluginDistrict(Model):
        plugin = CharField(max_length=32)
        district = ForeignKeyField(TerritoryUnit, on_delete="CASCADE")
        enabled = BooleanField(default=True)
        changed_at = DateTimeField()
        changed_by = ForeignKeyField(User, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "core_plugin_district"
            indexes = ((("plugin", "district"), True),)

    db.create_tables([PluginDistrict])

    class Role(Model):
        code = CharField(unique=True, max_length=64)
        name_zh = CharField(max_length=64)
        name_en = CharField(max_length=64)
        builtin = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "core_role"

    db.create_tables([Role])

    class RoleAssignment(Model):
        user = ForeignKeyField(User, on_delete="CASCADE")
        role = ForeignKeyField(Role, on_delete="RESTRICT")
        unit = ForeignKeyField(TerritoryUnit, on_delete="RESTRICT")
        scope = CharField(max_length=8, default="subtree")

        class Meta:
            database = db
            table_name = "core_role_assignment"
            indexes = ((("user", "role", "unit"), True),)

    db.create_tables([RoleAssignment])

    class RolePermission(Model):
        role = ForeignKeyField(Role, on_delete="CASCADE")
        plugin = CharField(max_length=32)
        action = CharField(max_length=32)

        class Meta:
            database = db
            table_name = "core_role_permission"
            indexes = ((("role", "plugin", "action"), True),)

    db.create_tables([RolePermission])
    append_only(db, APPEND_ONLY)


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_role_permission"))
    migrator.migrate(migrator.drop_table("core_role_assignment"))
    migrator.migrate(migrator.drop_table("core_role"))
    migrator.migrate(migrator.drop_table("core_plugin_district"))
    migrator.migrate(migrator.drop_table("core_district_setting"))
    migrator.migrate(migrator.drop_table("core_territory_unit"))
    migrator.migrate(migrator.drop_table("core_audit_log"))
    if not isinstance(db, SqliteDatabase):
        db.execute_sql(f"DROP FUNCTION IF EXISTS {APPEND_ONLY}_append_only()")
    migrator.migrate(migrator.drop_table("core_user"))
