"""Personal API tokens (个人访问令牌), stored hashed."""

from peewee import *


def up(migrator, db):
    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class ApiToken(Model):
        user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
        name = CharField(max_length=64, default="")
        prefix = CharField(max_length=16)
        token_hash = CharField(max_length=64, unique=True)
        can_write = BooleanField(default=False)
        created_at = DateTimeField()
        expires_at = DateTimeField(null=True)
        revoked_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "core_api_token"

    db.create_tables([ApiToken])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("core_api_token"))
