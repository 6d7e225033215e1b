"""Staff roles and portal roles (工作人员角色 / 门户角色): residents, owners, volunteers and
organisation contacts use the portal only and never enter the staff admin."""

from peewee import *

PORTAL_ROLES = ("volunteer", "org_contact", "resident")


def up(migrator, db):
    migrator.migrate(migrator.add_column("core_role", "staff", BooleanField(default=True)))

    class Role(Model):
        code = CharField(max_length=64, unique=True)
        staff = BooleanField(default=True)

        class Meta:
            database = db
            table_name = "core_role"

    Role.update(staff=False).where(Role.code.in_(PORTAL_ROLES)).execute()


def down(migrator, db):
    migrator.migrate(migrator.drop_column("core_role", "staff"))
