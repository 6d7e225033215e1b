"""Demo data: in the district's first community, registered premises (a shop, a restaurant
counted as a five-small venue, a boiler room, a fireworks outlet); a residential fire
inspection with failed items (one registered, assessed as general and under rectification;
a blocked exit assessed as major, ordered with the five assurances and put under the street's
supervision, 挂牌督办); an inspection of the five-small venue whose failed item carries a
photo (a generated picture), re-inspected once. Also the year's major-hazard campaign of the
district (launched: one self-check task per community and checklist) and a daily fire patrol
of the community's high-rise building with today's task."""

from __future__ import annotations

import datetime as dt
import io

from core import workdays
from core.access import Access
from core.commands import Context
from core.models import TerritoryUnit
from core.records import audit_values

from . import forms as checklists
from . import services
from .models import Hazard, Inspection, Premises

PREMISES = [
    ("幸福超市", "shop", "幸福路12号", "张丽", "13800000001"),
    ("老街面馆", "five_small", "幸福路18号", "李强", "13800000002"),
    ("幸福小区锅炉房", "boiler_room", "幸福小区北门", "王师傅", "13800000003"),
    ("春节烟花爆竹零售点", "fireworks", "幸福广场东侧", "赵明", "13800000004"),
]


def _answers(name: str, **failed) -> dict:
    return {**checklists.all_passed(name), **failed}


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
    checklists.install_checklists()
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
            **audit_values(Premises, True, actor),
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
        Context(actor, access),
        community,
        "hazards_fire_residential",
        "3号楼",
        answers,
        photos={"stairwells[1].stair_clear": [_picture((150, 120, 90))]},
        position=("39.9087", "116.3975"),
    )
    hazard = inspection.hazards.where(Hazard.item == "extinguishers_ok").get()
    services.move(Context(actor, access), hazard, "register")
    services.move(Context(actor, access), hazard, "assess", data={"grade": "general"})
    services.move(
        Context(actor, access),
        hazard,
        "rectify",
        data={"responsible": "物业经理 王强", "measures": "更换过期灭火器，补齐每层两具"},
    )
    # the order was given weeks ago (the demo stands for a past inspection): its deadline has
    # passed and the hazard is overdue (the rules refuse a past deadline when it is set)
    Hazard.update(deadline=workdays.today() - dt.timedelta(days=5)).where(
        Hazard.id == hazard.id
    ).execute()
    shop = services.inspect(
        Context(actor, access),
        None,
        "hazards_five_small",
        "",
        _answers("hazards_five_small", wiring_safe="no"),
        premises=premises["five_small"],
        photos={"wiring_safe": [_picture((200, 60, 60))]},
    )
    services.reinspect(Context(actor, access), shop, {str(h.id): "yes" for h in shop.hazards})
    _manage(district, community, inspection, actor, access)
    return inspection


def _manage(district, community, inspection, actor, access) -> None:
    """hz-manage: an escalated major hazard, a campaign and a schedule."""
    from .models import Campaign, Schedule
    from .planning import services as planning

    today = workdays.today()
    exits = inspection.hazards.where(Hazard.item == "major_exits_clear").get()
    services.move(Context(actor, access), exits, "register")
    services.move(Context(actor, access), exits, "assess", data={"grade": "major"})
    services.move(
        Context(actor, access),
        exits,
        "rectify",
        data={
            "responsible": "物业服务中心 李明",
            "measures": "清理楼梯间及安全出口堆放的杂物，拆除锁闭的铁栅栏",
            "funds": "物业公共维修资金",
            "funds_amount": "3000",
            "deadline": str(today + dt.timedelta(days=30)),
            "contingency": "整改期间每日巡查，安排专人值守，张贴疏散示意图",
        },
    )
    street = community.parent
    services.move(
        Context(actor, access),
        exits,
        "escalate",
        data={
            "supervision_level": "street",
            "supervising_unit": f"{street.name}安全生产监督管理站" if street else "街道安监站",
            "supervision_deadline": str(today + dt.timedelta(days=30)),
        },
    )
    campaign = Campaign.create(
        unit=district,
        title=f"{today.year}年重大事故隐患排查整治",
        year=today.year,
        checklists="hazards_fire_residential, hazards_gas",
        self_check_from=today - dt.timedelta(days=3),
        self_check_until=today + dt.timedelta(days=8),
        supervision_until=today + dt.timedelta(days=18),
        acceptance_until=today + dt.timedelta(days=120),
        note="示范方案（参照3月23日至月底自查、4月10日前督导、11月底前验收的安排，按演示日期平移）",
        **audit_values(Campaign, True, actor),
    )
    planning.launch(Context(actor, access), campaign)
    Schedule.create(
        unit=community,
        title="高层住宅每日防火巡查",
        place="3号楼",
        checklist="hazards_fire_residential",
        frequency="daily",
        next_due=today,
        **audit_values(Schedule, True, actor),
    )
    planning.generate(district, today)
