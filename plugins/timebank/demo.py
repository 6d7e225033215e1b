"""Demo data of the time bank: a team, volunteers with logins, an activity with shifts,
approved service records posted to the ledger, a request and a certificate."""

from __future__ import annotations

import datetime as dt

from core.commands import Context
from core.models import TerritoryUnit, User, utcnow

from . import services
from .models import Activity, ServiceRecord, ServiceRequest, Shift, Team, Volunteer

PEOPLE = [
    # name, ID number (GB 11643 check digits valid), mobile, skills
    ("李秀英", "11010519491231002X", "13800138001", "陪伴老人、读报"),
    ("王建国", "110105195503070015", "13800138002", "水电维修"),
    ("张晓明", "110105199001010037", "13800138003", "电脑、摄影"),
]


def load(district, actor) -> list[str]:
    community = TerritoryUnit.get_or_none(
        (TerritoryUnit.district_id == district.id) & (TerritoryUnit.level == "community")
    )
    if community is None or Volunteer.select().where(Volunteer.unit == community.id).exists():
        return []
    ctx = Context.of(actor, district.id)
    team = Team.create(
        unit=community,
        name=f"{community.name}邻里守望志愿服务队",
        leader_name="李秀英",
        created_by=actor,
        updated_by=actor,
    )
    volunteers = []
    for name, id_number, mobile, skills in PEOPLE:
        vol = Volunteer(
            unit=community,
            name=name,
            id_number=id_number,
            mobile=mobile,
            skills=skills,
            team=team,
            consent_at=utcnow(),
        )
        volunteers.append(services.register(ctx, vol))
    activity = Activity.create(
        unit=community,
        title="周末敬老院陪伴",
        service_type="companionship",
        target_group="elderly",
        team=team,
        location="社区养老服务站",
        created_by=actor,
        updated_by=actor,
    )
    start = (utcnow() + dt.timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)
    Shift.create(
        unit=community,
        activity=activity,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        capacity=5,
        created_by=actor,
        updated_by=actor,
    )
    past = (utcnow() - dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    for i, vol in enumerate(volunteers):
        record = ServiceRecord(
            volunteer=vol,
            unit=community,
            started_at=past + dt.timedelta(hours=3 * i),
            ended_at=past + dt.timedelta(hours=3 * i + 2),
            minutes=120,
            content="为独居老人读报、聊天",
            service_type="companionship",
            target_group="elderly",
            served_name="赵奶奶",
            source="organiser",
        )
        services.log_staff_record(ctx, record, organiser_confirmed=True)
        if i < 2:  # approved by the demo loader, not by the organiser who logged it (职责分离)
            services.approve(Context.trusted(district.id, "cli"), record)
    ServiceRequest.create(
        unit=community,
        requester_name="赵奶奶",
        target_group="elderly",
        service_type="daily_care",
        description="每周一次陪同就医",
        created_by=actor,
        updated_by=actor,
    )
    return [f"timebank: {len(volunteers)} volunteers, 1 team, 1 activity in {community.name}"]


__all__ = ["load", "User"]
