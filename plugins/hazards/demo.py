"""Demo data: one fire-safety inspection in the district's first community with two failed
items, one of them already registered, assessed as general and under rectification."""

from __future__ import annotations

from core.access import Access
from core.models import TerritoryUnit

from . import services
from .models import Hazard, Inspection

ANSWERS = {
    "major_exits_clear": "no",
    "major_fire_lane": "yes",
    "hydrant_ok": "yes",
    "extinguishers_ok": "no",
    "no_ebike_indoor": "yes",
    "fire_door_closed": "na",
}


def load(district, actor):
    community = (
        TerritoryUnit.select()
        .where((TerritoryUnit.district_id == district.id) & (TerritoryUnit.level == "community"))
        .order_by(TerritoryUnit.path)
        .first()
    )
    if community is None or Inspection.select().where(Inspection.unit == community).exists():
        return None
    services.install_checklists()
    access = Access(actor)
    inspection = services.inspect(
        community, "hazards_fire_residential", "3号楼", ANSWERS, actor, access
    )
    hazard = inspection.hazards.where(Hazard.item == "extinguishers_ok").get()
    services.move(hazard, "register", actor, access)
    services.move(hazard, "assess", actor, access, data={"grade": "general"})
    services.move(
        hazard,
        "rectify",
        actor,
        access,
        data={"responsible": "物业经理 王强", "measures": "更换过期灭火器，补齐每层两具"},
    )
    return inspection
