"""Resident population (常住人口) and urban or rural (城市/农村) on territory units: the
denominators of the plugins' targets (volunteer registration rate, organisations per
community)."""

from peewee import *


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("core_territory_unit", "population", IntegerField(null=True)),
        migrator.add_column(
            "core_territory_unit", "area_type", CharField(max_length=8, default="urban")
        ),
    )


def down(migrator, db):
    migrator.migrate(
        migrator.drop_column("core_territory_unit", "area_type"),
        migrator.drop_column("core_territory_unit", "population"),
    )
