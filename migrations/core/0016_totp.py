"""The optional TOTP second factor (动态口令): one row per person, the secret kept for the
codes, the last time step used so that a code is accepted once."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class UserTotp(Model):
        user = ForeignKeyField(User, unique=True, backref="+", on_delete="CASCADE")
        secret = CharField(max_length=64)
        created_at = DateTimeField()
        enabled_at = DateTimeField(null=True)
        last_step = BigIntegerField(null=True)

        class Meta:
            database = db
            table_name = "core_user_totp"

    db.create_tables([UserTotp])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_user_totp"))
