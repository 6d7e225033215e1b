"""initial"""

# Generated from a schema diff on 2026-11-22 02:41.
from peewee import *


def up(migrator, db):
    class TerritoryUnit(Model):
        class Meta:
            database = db
            table_name = "core_territory_unit"

    class User(Model):
        class Meta:
            database = db
            table_name = "core_user"

    class Organisation(Model):
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
        name = CharField(unique=True, max_length=100)
        former_names = TextField(default="")
        legal_form = CharField(max_length=16, default="filed")
        org_type = CharField(max_length=16, default="social_group")
        category = CharField(max_length=24, default="life_service")
        credit_code = CharField(unique=True, null=True, max_length=18)
        filing_number = CharField(unique=True, null=True, max_length=32)
        supervisor = CharField(max_length=100, default="")
        legal_rep = CharField(max_length=64, default="")
        legal_rep_id = CharField(null=True, max_length=18)
        members_individual = IntegerField(default=0)
        members_unit = IntegerField(default=0)
        funds = DecimalField(max_digits=14, decimal_places=2, default=0)
        address = CharField(max_length=200, default="")
        premises = CharField(max_length=200, default="")
        purpose = TextField(default="")
        scope = TextField(default="")
        party_status = CharField(max_length=16, default="none")
        charter_version = IntegerField(default=0)
        founded_on = DateField(null=True)
        contact_name = CharField(max_length=64, default="")
        contact_phone = CharField(null=True, max_length=11)
        filed_on = DateField(null=True)
        registered_on = DateField(null=True)
        ended_on = DateField(null=True)
        grade = CharField(max_length=2, default="")
        grade_valid_until = DateField(null=True)
        last_activity_on = DateField(null=True)
        extras = TextField(default="{}")
        state = CharField(index=True, max_length=16, default="pending")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "socialorgs_organisation"
            legacy_table_names = False

    db.create_tables([Organisation])

    class Activity(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        held_on = DateField()
        title = CharField(max_length=200)
        participants = IntegerField(default=0)
        place = CharField(max_length=200, default="")

        class Meta:
            database = db
            table_name = "socialorgs_activity"
            legacy_table_names = False

    db.create_tables([Activity])

    class AnnualReport(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        year = IntegerField()
        income = DecimalField(max_digits=14, decimal_places=2, default=0)
        expenditure = DecimalField(max_digits=14, decimal_places=2, default=0)
        activities = IntegerField(default=0)
        summary = TextField(default="")
        submitted_on = DateField(null=True)
        state = CharField(index=True, max_length=16, default="submitted")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "socialorgs_annual_report"
            legacy_table_names = False
            indexes = ((("organisation", "year"), True),)

    db.create_tables([AnnualReport])

    class Application(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        kind = CharField(max_length=16)
        materials = TextField(default="")
        credit_code = CharField(null=True, max_length=18)
        decision = TextField(default="")
        decided_on = DateField(null=True)
        state = CharField(index=True, max_length=16, default="submitted")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "socialorgs_application"
            legacy_table_names = False

    db.create_tables([Application])

    class AreaOfOperation(Model):
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="CASCADE")
        area = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")

        class Meta:
            database = db
            table_name = "socialorgs_area"
            legacy_table_names = False
            indexes = ((("organisation", "area"), True),)

    db.create_tables([AreaOfOperation])

    class ChangeRequest(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        field = CharField(max_length=16)
        old_value = TextField(default="")
        new_value = TextField()
        agreed_on = DateField()
        effective_on = DateField(null=True)
        state = CharField(index=True, max_length=16, default="requested")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "socialorgs_change"
            legacy_table_names = False

    db.create_tables([ChangeRequest])

    class CharterVersion(Model):
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        number = IntegerField()
        adopted_on = DateField()
        summary = TextField(default="")
        created_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "socialorgs_charter"
            legacy_table_names = False
            indexes = ((("organisation", "number"), True),)

    db.create_tables([CharterVersion])

    class CreditListing(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        list_kind = CharField(max_length=16)
        reason = CharField(max_length=200, default="")
        listed_on = DateField()
        clock_from = DateField()
        removable_on = DateField()
        state = CharField(index=True, max_length=16, default="listed")
        removed_on = DateField(null=True)

        class Meta:
            database = db
            table_name = "socialorgs_listing"
            legacy_table_names = False

    db.create_tables([CreditListing])

    class CreditEvent(Model):
        listing = ForeignKeyField(CreditListing, backref="+", on_delete="RESTRICT")
        kind = CharField(max_length=24)
        on_date = DateField()
        reason = CharField(max_length=200, default="")
        actor = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        at = DateTimeField()

        class Meta:
            database = db
            table_name = "socialorgs_credit_event"
            legacy_table_names = False

    db.create_tables([CreditEvent])

    class Evaluation(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        score = IntegerField(null=True)
        grade = CharField(max_length=2, default="")
        review_members = IntegerField(null=True)
        review_votes = IntegerField(null=True)
        graded_on = DateField(null=True)
        valid_until = DateField(null=True)
        state = CharField(index=True, max_length=16, default="applied")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "socialorgs_evaluation"
            legacy_table_names = False

    db.create_tables([Evaluation])

    class Incubation(Model):
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
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        programme = CharField(max_length=100)
        base = CharField(max_length=100, default="")
        support = TextField(default="")
        subsidy = DecimalField(max_digits=14, decimal_places=2, default=0)
        starts_on = DateField()
        ends_on = DateField(null=True)
        graduated = BooleanField(default=False)

        class Meta:
            database = db
            table_name = "socialorgs_incubation"
            legacy_table_names = False

    db.create_tables([Incubation])

    class Objection(Model):
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
        listing = ForeignKeyField(CreditListing, backref="+", on_delete="RESTRICT")
        content = TextField()
        answer = TextField(default="")
        state = CharField(index=True, max_length=16, default="submitted")
        version = IntegerField(default=0)
        due = DateField(index=True, null=True)

        class Meta:
            database = db
            table_name = "socialorgs_objection"
            legacy_table_names = False

    db.create_tables([Objection])

    class PurchaseProject(Model):
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
        purchaser = CharField(max_length=100)
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        budget = DecimalField(max_digits=14, decimal_places=2)
        starts_on = DateField()
        ends_on = DateField()
        outputs = TextField(default="")
        purchaser_score = IntegerField(null=True)
        users_score = IntegerField(null=True)
        third_party_score = IntegerField(null=True)

        class Meta:
            database = db
            table_name = "socialorgs_purchase"
            legacy_table_names = False

    db.create_tables([PurchaseProject])

    class Sanction(Model):
        unit = ForeignKeyField(TerritoryUnit, backref="+", on_delete="RESTRICT")
        organisation = ForeignKeyField(Organisation, backref="+", on_delete="RESTRICT")
        kind = CharField(max_length=24)
        on_date = DateField()
        amount = DecimalField(max_digits=14, decimal_places=2, default=0)
        document = CharField(max_length=100, default="")
        note = TextField(default="")
        created_by = ForeignKeyField(User, backref="+", null=True, on_delete="SET NULL")
        created_at = DateTimeField()

        class Meta:
            database = db
            table_name = "socialorgs_sanction"
            legacy_table_names = False

    db.create_tables([Sanction])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("socialorgs_sanction"))
    migrator.migrate(migrator.drop_table("socialorgs_purchase"))
    migrator.migrate(migrator.drop_table("socialorgs_objection"))
    migrator.migrate(migrator.drop_table("socialorgs_incubation"))
    migrator.migrate(migrator.drop_table("socialorgs_evaluation"))
    migrator.migrate(migrator.drop_table("socialorgs_credit_event"))
    migrator.migrate(migrator.drop_table("socialorgs_listing"))
    migrator.migrate(migrator.drop_table("socialorgs_charter"))
    migrator.migrate(migrator.drop_table("socialorgs_change"))
    migrator.migrate(migrator.drop_table("socialorgs_area"))
    migrator.migrate(migrator.drop_table("socialorgs_application"))
    migrator.migrate(migrator.drop_table("socialorgs_annual_report"))
    migrator.migrate(migrator.drop_table("socialorgs_activity"))
    migrator.migrate(migrator.drop_table("socialorgs_organisation"))
