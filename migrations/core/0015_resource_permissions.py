"""Permissions per resource (按资源授权) and 三员分立.

``core_role_permission.plugin`` now also holds a resource (``owners.owner``), so it is
widened. Roles, grants, unlocks, reset codes and sessions moved from ``core:manage_users`` to
the new ``core:manage_roles`` (the security administrator's): every role that holds
``core:manage_users`` today is given ``core:manage_roles`` too, so it keeps what it has.
"""

from peewee import *


class _Perm(Model):
    role_id = IntegerField()
    plugin = CharField(max_length=96)
    action = CharField(max_length=32)

    class Meta:
        table_name = "core_role_permission"


def up(migrator, db):
    migrator.migrate(
        migrator.alter_column_type("core_role_permission", "plugin", CharField(max_length=96))
    )
    with db.bind_ctx([_Perm]):
        holders = [
            p.role_id
            for p in _Perm.select(_Perm.role_id).where(
                (_Perm.plugin == "core") & (_Perm.action == "manage_users")
            )
        ]
        for role_id in holders:
            _Perm.insert(
                role_id=role_id, plugin="core", action="manage_roles"
            ).on_conflict_ignore().execute()


def down(migrator, db):
    with db.bind_ctx([_Perm]):
        _Perm.delete().where((_Perm.plugin == "core") & (_Perm.action == "manage_roles")).execute()
        _Perm.delete().where(_Perm.plugin.contains(".")).execute()
    migrator.migrate(
        migrator.alter_column_type("core_role_permission", "plugin", CharField(max_length=32))
    )
