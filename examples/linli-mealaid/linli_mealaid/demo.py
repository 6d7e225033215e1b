"""Demo data (演示数据): two meal orders for tomorrow in the demo district's last community,
taken through the same command as the portal's order page. Idempotent."""

from __future__ import annotations

import datetime as dt

from core.commands import Context
from core.models import TerritoryUnit

from . import services
from .models import MealOrder

ORDERS = [("孙奶奶", "lunch", "2号楼301"), ("周爷爷", "dinner", "6号楼102")]


def load(district, actor) -> str:
    community = (
        TerritoryUnit.select()
        .where((TerritoryUnit.district_id == district.id) & (TerritoryUnit.level == "community"))
        .order_by(TerritoryUnit.path.desc())
        .first()
    )
    if community is None or MealOrder.select().where(MealOrder.unit == community.id).exists():
        return "0 meal orders"
    ctx = Context.trusted(district.id, source="cli", actor=actor)
    tomorrow = ctx.today() + dt.timedelta(days=1)
    for diner, meal, address in ORDERS:
        services.order(ctx, community, diner, tomorrow, meal, address)
    return f"{len(ORDERS)} meal orders"
