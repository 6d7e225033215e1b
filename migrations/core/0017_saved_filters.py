"""Saved list filters (常用筛选): a person's named query strings of an admin list, unique per
person, list and name."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class UserSavedFilter(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        endpoint = CharField(max_length=96)
        name = CharField(max_length=40)
        query = TextField(default="")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "core_user_saved_filter"
            indexes = ((("user", "endpoint", "name"), True),)

    db.create_tables([UserSavedFilter])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_user_saved_filter"))
