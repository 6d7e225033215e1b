"""Login sessions kept on the server (登录会话): ended by logout, password change, disabling
the account, a change of roles, idleness, age or an administrator."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class UserSession(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        key_hash = CharField(max_length=64, unique=True)
        created_at = DateTimeField()
        last_seen_at = DateTimeField()
        ip = CharField(max_length=64, default="")
        user_agent = CharField(max_length=255, default="")
        ended_at = DateTimeField(null=True)
        end_reason = CharField(max_length=32, default="")

        class Meta:
            database = db
            table_name = "core_user_session"
            indexes = ((("user", "ended_at"), False),)

    db.create_tables([UserSession])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_user_session"))
