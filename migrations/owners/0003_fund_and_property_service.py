"""Maintenance fund (accounts, proposals with their cost shares, the per-unit ledger,
append-only in the database itself) and property service (companies, contracts, service
models, complaints, disputes, joint meetings)."""

# Generated from a schema diff on 2026-11-22 05:59.
from peewee import *

from core.migrations import append_only, drop_append_only


def up(migrator, db):
    class Matter(Model):
        class Meta:
            database = db
            table_name = "owners_matter"
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

    class Complaint(Model):
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
        complainant = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
        title = CharField(max_length=200)
        body = TextField(default="")
        filed_on = DateField()
        due_on = DateField(index=True)
        status = CharField(index=True, max_length=8, default="open")
        handling = TextField(default="")
        handled_on = DateField(null=True)
        rating = SmallIntegerField(null=True)
        rating_comment = TextField(default="")

        class Meta:
            database = db
            table_name = "owners_complaint"
            legacy_table_names = False

    db.create_tables([Complaint])

    class CompoundService(Model):
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
        model = CharField(max_length=16)
        since = DateField(null=True)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "owners_compound_service"
            legacy_table_names = False

    db.create_tables([CompoundService])

    class Dispute(Model):
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
        parties = CharField(max_length=200, default="")
        description = TextField(default="")
        case_id = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "owners_dispute"
            legacy_table_names = False

    db.create_tables([Dispute])

    class FundAccount(Model):
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
        bank = CharField(max_length=100, default="")
        account_no = CharField(max_length=40, default="")
        custodian = CharField(max_length=100, default="")
        opened_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "owners_fund_account"
            legacy_table_names = False

    db.create_tables([FundAccount])

    class FundProposal(Model):
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
        scope = TextField(default="")
        kind = CharField(max_length=8, default="use")
        budget_fen = BigIntegerField()
        status = CharField(index=True, max_length=16, default="draft")
        matter = ForeignKeyField(Matter, backref="+", null=True, on_delete="RESTRICT")
        emergency_reason = CharField(max_length=16, default="")
        confirmed_by = CharField(max_length=100, default="")
        confirmed_on = DateField(null=True)
        publication_id = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "owners_fund_proposal"
            legacy_table_names = False

    db.create_tables([FundProposal])

    class FundEntry(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")
        premises = ForeignKeyField(Premises, backref="+", on_delete="RESTRICT")
        kind = CharField(max_length=8)
        amount_fen = BigIntegerField()
        booked_on = DateField(index=True)
        proposal = ForeignKeyField(FundProposal, backref="+", null=True, on_delete="RESTRICT")
        reverses = ForeignKeyField("self", backref="+", null=True, on_delete="RESTRICT")
        batch = CharField(index=True, max_length=32)
        memo = CharField(max_length=200, default="")
        actor = ForeignKeyField(User, backref="+", null=True, on_delete="RESTRICT")
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "owners_fund_entry"
            legacy_table_names = False
            indexes = ((("premises", "booked_on"), False),)

    db.create_tables([FundEntry])
    append_only(db, "owners_fund_entry")

    class FundShare(Model):
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
        proposal = ForeignKeyField(FundProposal, backref="+", on_delete="CASCADE")
        premises = ForeignKeyField(Premises, backref="+", on_delete="RESTRICT")
        area = DecimalField(decimal_places=2)
        share_fen = BigIntegerField()

        class Meta:
            database = db
            table_name = "owners_fund_share"
            legacy_table_names = False
            indexes = ((("proposal", "premises"), True),)

    db.create_tables([FundShare])

    class JointMeeting(Model):
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
        held_on = DateField()
        topic = CharField(max_length=200)
        attendees = TextField(default="")
        minutes = TextField(default="")
        decisions = TextField(default="")
        publication_id = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "owners_joint_meeting"
            legacy_table_names = False

    db.create_tables([JointMeeting])

    class PropertyCompany(Model):
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
        uscc = CharField(max_length=18)
        qualification = CharField(max_length=100, default="")
        contact = CharField(max_length=64, default="")
        phone = CharField(max_length=32, default="")

        class Meta:
            database = db
            table_name = "owners_property_company"
            legacy_table_names = False

    db.create_tables([PropertyCompany])

    class ServiceContract(Model):
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
        company = ForeignKeyField(PropertyCompany, backref="+", on_delete="RESTRICT")
        starts_on = DateField()
        ends_on = DateField()
        fee_fen_per_m2 = IntegerField(default=0)
        terminated_on = DateField(null=True)
        note = TextField(default="")

        class Meta:
            database = db
            table_name = "owners_service_contract"
            legacy_table_names = False

    db.create_tables([ServiceContract])
    migrator.migrate(
        migrator.add_column(
            "owners_owner", "id_number", CharField(index=True, null=True, max_length=32)
        )
    )


def down(migrator, db):
    migrator.migrate(migrator.drop_index("owners_owner", "owners_owner_id_number"))
    migrator.migrate(migrator.drop_column("owners_owner", "id_number"))
    migrator.migrate(migrator.drop_table("owners_service_contract"))
    migrator.migrate(migrator.drop_table("owners_property_company"))
    migrator.migrate(migrator.drop_table("owners_joint_meeting"))
    migrator.migrate(migrator.drop_table("owners_fund_share"))
    migrator.migrate(migrator.drop_table("owners_fund_entry"))
    drop_append_only(db, "owners_fund_entry")
    migrator.migrate(migrator.drop_table("owners_fund_proposal"))
    migrator.migrate(migrator.drop_table("owners_fund_account"))
    migrator.migrate(migrator.drop_table("owners_dispute"))
    migrator.migrate(migrator.drop_table("owners_compound_service"))
    migrator.migrate(migrator.drop_table("owners_complaint"))
