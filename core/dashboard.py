"""Dashboard widgets (工作台): figures shown on the admin index of a district."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from core.i18n import gettext as _
from core.models import TerritoryUnit
from core.territory import LEVEL_LABELS


@dataclass
class Widget:
    """One figure on the dashboard; ``url`` links to the list behind it."""

    title: str
    value: str | int
    plugin: str = "core"
    note: str = ""
    url: str | None = None


def territory_widgets(district, user) -> list[Widget]:
    """Counts of units per level in the current district, limited to the user's scope."""
    from flask import g

    if district is None:
        return []
    access = g.get("access")
    condition = access.unit_condition("core", "read") if access else pw.SQL("1 = 0")
    rows = (
        TerritoryUnit.select(TerritoryUnit.level, pw.fn.COUNT(TerritoryUnit.id).alias("n"))
        .where((TerritoryUnit.district_id == district.id) & condition)
        .group_by(TerritoryUnit.level)
        .dicts()
    )
    counts = {row["level"]: row["n"] for row in rows}
    return [
        Widget(
            str(LEVEL_LABELS[level]),
            counts.get(level, 0),
            note=_("in %(name)s", name=district.name),
        )
        for level in ("street", "community", "grid", "compound", "building")
    ]
