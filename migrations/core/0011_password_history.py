"""Password age and history (等保2.0 口令策略): when each password was set, and the hashes of
the last ones, so that an old password cannot come back and an old one must be changed."""

import datetime as dt

from peewee import *


def up(migrator, db):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    migrator.migrate(
        migrator.add_column("core_user", "password_changed_at", DateTimeField(default=now)),
    )

    class User(Model):
        password_hash = CharField(max_length=255)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "core_user"

    class PasswordHistory(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        password_hash = CharField(max_length=255)
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "core_password_history"
            indexes = ((("user", "created_at"), False),)

    db.create_tables([PasswordHistory])
    # today's passwords count from the account's creation and open each one's history
    db.execute_sql("UPDATE core_user SET password_changed_at = created_at")
    PasswordHistory.insert_from(
        User.select(User.id, User.password_hash, User.created_at),
        [PasswordHistory.user, PasswordHistory.password_hash, PasswordHistory.created_at],
    ).execute()


def down(migrator, db):
    migrator.migrate(
        migrator.drop_table("core_password_history"),
        migrator.drop_column("core_user", "password_changed_at"),
    )
