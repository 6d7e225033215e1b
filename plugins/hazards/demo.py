"""Demo data: one fire-safety inspection in the district's first community with two failed
items, one of them already registered, assessed as general and under rectification; the
other (a blocked exit) assessed as major, ordered with the five assurances and put under
the street's supervision (挂牌督办). Also the year's major-hazard campaign of the district
(launched: one self-check task per community and checklist) and a daily fire patrol of
the community's high-rise building with today's task."""

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
    _manage(district, community, inspection, actor, access)
    return inspection


def _manage(district, community, inspection, actor, access) -> None:
    """hz-manage: an escalated major hazard, a campaign and a schedule."""
    import datetime as dt

    from core import workdays

    from . import planning
    from .models import Campaign, Schedule

    today = workdays.today()
    exits = inspection.hazards.where(Hazard.item == "major_exits_clear").get()
    services.move(exits, "register", actor, access)
    services.move(exits, "assess", actor, access, data={"grade": "major"})
    services.move(
        exits,
        "rectify",
        actor,
        access,
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
        exits,
        "escalate",
        actor,
        access,
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
        created_by=actor,
        updated_by=actor,
    )
    planning.launch(campaign, actor, access)
    Schedule.create(
        unit=community,
        title="高层住宅每日防火巡查",
        place="3号楼",
        checklist="hazards_fire_residential",
        frequency="daily",
        next_due=today,
        created_by=actor,
        updated_by=actor,
    )
    planning.generate(district, today)
