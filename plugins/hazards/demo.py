"""Demo data: in the district's first community, registered premises (a shop, a restaurant
counted as a five-small venue, a boiler room, a fireworks outlet), a residential fire
inspection with two failed items (one registered, assessed as general and under
rectification), and an inspection of the five-small venue whose failed item carries a photo
(a generated picture), re-inspected once."""

from __future__ import annotations

import io

from core.access import Access
from core.models import TerritoryUnit

from . import services
from .models import Hazard, Inspection, Premises

PREMISES = [
    ("幸福超市", "shop", "幸福路12号", "张丽", "13800000001"),
    ("老街面馆", "five_small", "幸福路18号", "李强", "13800000002"),
    ("幸福小区锅炉房", "boiler_room", "幸福小区北门", "王师傅", "13800000003"),
    ("春节烟花爆竹零售点", "fireworks", "幸福广场东侧", "赵明", "13800000004"),
]


def _answers(name: str, **failed) -> dict:
    return {**services.all_passed(name), **failed}


def _picture(colour) -> services.Upload:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "PNG")
    return services.Upload("demo.png", buffer.getvalue(), "image/png")


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
    premises = {}
    for name, kind, address, responsible, phone in PREMISES:
        premises[kind] = Premises.create(
            unit=community,
            name=name,
            kind=kind,
            address=address,
            responsible=responsible,
            phone=phone,
            created_by=actor,
            updated_by=actor,
        )
    answers = _answers(
        "hazards_fire_residential",
        major_exits_clear="no",
        extinguishers_ok="no",
        fire_door_closed="na",
    )
    answers["stairwells"] = [
        {
            "stair_name": "1单元",
            "stair_clear": "yes",
            "stair_no_ebike": "yes",
            "stair_extinguisher": "yes",
        },
        {
            "stair_name": "2单元",
            "stair_clear": "no",
            "stair_no_ebike": "yes",
            "stair_extinguisher": "yes",
        },
    ]
    inspection = services.inspect(
        community,
        "hazards_fire_residential",
        "3号楼",
        answers,
        actor,
        access,
        photos={"stairwells[1].stair_clear": [_picture((150, 120, 90))]},
        position=("39.9087", "116.3975"),
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
    shop = services.inspect(
        None,
        "hazards_five_small",
        "",
        _answers("hazards_five_small", wiring_safe="no"),
        actor,
        access,
        premises=premises["five_small"],
        photos={"wiring_safe": [_picture((200, 60, 60))]},
    )
    services.reinspect(
        shop,
        {str(h.id): "yes" for h in shop.hazards},
        actor,
        access,
    )
    return inspection
