"""Login log (登录日志): append-only, also used for throttling."""

from peewee import *

from core.migrations import append_only, drop_append_only


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class LoginAttempt(Model):
        at = DateTimeField()
        username = CharField(max_length=64)
        user = ForeignKeyField(User, backref="+", null=True, on_delete="RESTRICT")
        ip = CharField(max_length=64, default="")
        success = BooleanField(default=False)
        reason = CharField(max_length=32, default="")

        class Meta:
            database = db
            table_name = "core_login_attempt"
            indexes = ((("username", "at"), False), (("ip", "at"), False))

    db.create_tables([LoginAttempt])
    append_only(db, "core_login_attempt")


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_login_attempt"))
    drop_append_only(db, "core_login_attempt")
