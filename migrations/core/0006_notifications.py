"""Notifications (消息通知): the in-app inbox of every user."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class Notification(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        kind = CharField(max_length=32, index=True)
        title = CharField(max_length=200)
        body = TextField(default="")
        link = CharField(max_length=500, default="")
        created_at = DateTimeField(index=True)
        read_at = DateTimeField(null=True)
        district_id = IntegerField(null=True, index=True)
        dedup_key = CharField(max_length=100, null=True)

        class Meta:
            database = db
            table_name = "core_notification"
            indexes = ((("user", "read_at"), False), (("user", "dedup_key"), True))

    db.create_tables([Notification])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_notification"))
