"""The table mealaid_meal_order (助餐订单)."""

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

    class MealOrder(Model):
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
        diner = CharField(max_length=50)
        meal_date = DateField()
        meal = CharField(max_length=8, default="lunch")
        address = CharField(max_length=200, default="")
        state = CharField(max_length=16, default="ordered", index=True)
        version = IntegerField(default=0)
        deliverer_id_number = CharField(max_length=18, null=True)
        delivered_at = DateTimeField(null=True)

        class Meta:
            database = db
            table_name = "mealaid_meal_order"
            legacy_table_names = False

    db.create_tables([MealOrder])


def down(migrator, db):
    migrator.migrate(migrator.drop_table("mealaid_meal_order"))
