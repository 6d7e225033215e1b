"""One-time password reset codes (密码重置码), stored hashed."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class PasswordReset(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        code_hash = CharField(max_length=64, unique=True)
        issued_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
        created_at = DateTimeField()
        expires_at = DateTimeField()
        used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "core_password_reset"

    db.create_tables([PasswordReset])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_password_reset"))
