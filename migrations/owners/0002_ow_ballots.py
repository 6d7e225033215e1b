"""Owners' assembly, branch ow-ballots: the residents' committee's notice and opinion,
provisional-meeting requests, proxies, paper-ballot entries (append-only in the database),
preparatory groups, committees and members; how a ballot came in (channel, proxy)."""

# Generated from a schema diff on 2026-11-22 06:01.
from peewee import *

from core.migrations import append_only, drop_append_only


def up(migrator, db):
    class Meeting(Model):
        class Meta:
            database = db
            table_name = "owners_meeting"
            legacy_table_names = False

    class Owner(Model):
        class Meta:
            database = db
            table_name = "owners_owner"
            legacy_table_names = False

    class Premises(Model):
        class Meta:
            database = db
            table_name = "owners_premises"
            legacy_table_names = False

    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"
            legacy_table_names = False

    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"
            legacy_table_names = False

    class Committee(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        kind = CharField(max_length=16, default="owners")
        name = CharField(max_length=100)
        meeting = ForeignKeyField(Meeting, backref="+", null=True, on_delete="RESTRICT")
        seats = IntegerField()
        formed_on = DateField()
        term_ends = DateField()
        filing_due = DateField(null=True)
        filed_on = DateField(null=True)
        ended_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "owners_committee"
            legacy_table_names = False

    db.create_tables([Committee])

    class CommitteeMember(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        committee = ForeignKeyField(Committee, backref="+", on_delete="RESTRICT")
        name = CharField(max_length=64)
        owner = ForeignKeyField(Owner, backref="+", null=True, on_delete="RESTRICT")
        role = CharField(max_length=16, default="member")
        source = CharField(max_length=24, default="owner")
        started_on = DateField()
        ended_on = DateField(null=True)
        end_reason = CharField(max_length=200, default="")
        replaces = ForeignKeyField("self", backref="+", null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "owners_committee_member"
            legacy_table_names = False

    db.create_tables([CommitteeMember])

    class Proxy(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        meeting = ForeignKeyField(Meeting, backref="+", on_delete="RESTRICT")
        owner = ForeignKeyField(Owner, backref="+", on_delete="RESTRICT")
        proxy_name = CharField(max_length=64)
        proxy_user = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        authorisation = TextField()
        status = CharField(max_length=16, default="active")
        revoked_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "owners_proxy"
            legacy_table_names = False

    db.create_tables([Proxy])

    class PaperEntry(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")
        meeting = ForeignKeyField(Meeting, backref="+", on_delete="RESTRICT")
        sheet = CharField(max_length=32)
        round = IntegerField()
        premises = ForeignKeyField(Premises, backref="+", on_delete="RESTRICT")
        owner = ForeignKeyField(Owner, backref="+", on_delete="RESTRICT")
        proxy = ForeignKeyField(Proxy, backref="+", null=True, on_delete="RESTRICT")
        signed_on = DateField()
        choices = TextField()
        entered_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "owners_paper_entry"
            legacy_table_names = False
            indexes = ((("meeting", "sheet", "round"), True),)

    db.create_tables([PaperEntry])
    append_only(db, "owners_paper_entry")

    class PreparatoryGroup(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        name = CharField(max_length=100)
        formed_on = DateField()
        posted_on = DateField(null=True)
        due_on = DateField(null=True)
        completed_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "owners_prep_group"
            legacy_table_names = False

    db.create_tables([PreparatoryGroup])

    class PreparatoryMember(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        group = ForeignKeyField(PreparatoryGroup, backref="+", on_delete="RESTRICT")
        name = CharField(max_length=64)
        source = CharField(max_length=24, default="owner")
        owner = ForeignKeyField(Owner, backref="+", null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "owners_prep_member"
            legacy_table_names = False

    db.create_tables([PreparatoryMember])

    class ProvisionalRequest(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        title = CharField(max_length=200)
        reason = TextField(default="")
        status = CharField(max_length=16, default="collecting")
        accepted_on = DateField(null=True)
        meeting = ForeignKeyField(Meeting, backref="+", null=True, on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "owners_provisional_request"
            legacy_table_names = False

    db.create_tables([ProvisionalRequest])

    class ProvisionalRequester(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        request = ForeignKeyField(ProvisionalRequest, backref="+", on_delete="RESTRICT")
        owner = ForeignKeyField(Owner, backref="+", on_delete="RESTRICT")
        signed_on = DateField()

        class Meta:
            database = db
            table_name = "owners_provisional_requester"
            legacy_table_names = False
            indexes = ((("request", "owner"), True),)

    db.create_tables([ProvisionalRequester])

    class ResidentsCommitteeNotice(Model):
        unit = ForeignKeyField(
            TerritoryUnit, backref="+", field=TerritoryUnit.id, on_delete="RESTRICT"
        )
        created_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        created_at = DateTimeField()
        updated_by = ForeignKeyField(
            User, backref="+", field=User.id, null=True, on_delete="SET NULL"
        )
        updated_at = DateTimeField()
        meeting = ForeignKeyField(Meeting, backref="+", on_delete="RESTRICT")
        committee_name = CharField(max_length=100)
        notified_on = DateField()
        opinion_on = DateField(null=True)
        opinion = TextField(default="")

        class Meta:
            database = db
            table_name = "owners_rc_notice"
            legacy_table_names = False

    db.create_tables([ResidentsCommitteeNotice])

    migrator.migrate(
        migrator.add_column("owners_ballot_log", "channel", CharField(null=True, max_length=8))
    )
    migrator.migrate(migrator.add_column("owners_ballot_log", "proxy_id", IntegerField(null=True)))


def down(migrator, db):
    migrator.migrate(migrator.drop_column("owners_ballot_log", "proxy_id"))
    migrator.migrate(migrator.drop_column("owners_ballot_log", "channel"))
    migrator.migrate(migrator.drop_table("owners_rc_notice"))
    migrator.migrate(migrator.drop_table("owners_provisional_requester"))
    migrator.migrate(migrator.drop_table("owners_provisional_request"))
    migrator.migrate(migrator.drop_table("owners_prep_member"))
    migrator.migrate(migrator.drop_table("owners_prep_group"))
    migrator.migrate(migrator.drop_table("owners_paper_entry"))
    drop_append_only(db, "owners_paper_entry")  # after the table: its trigger uses the function
    migrator.migrate(migrator.drop_table("owners_proxy"))
    migrator.migrate(migrator.drop_table("owners_committee_member"))
    migrator.migrate(migrator.drop_table("owners_committee"))
