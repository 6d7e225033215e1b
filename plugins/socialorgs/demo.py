"""Demo data (演示数据): a populated registry in the demo district, made through the services
(applications approved by a different person than the applicant), idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import commands, workdays
from core.access import Access
from core.commands import Context
from core.db import db
from core.models import TerritoryUnit, User
from forms.validators import org_code_check_char, uscc_check_char

from . import services
from .forms import install_definition
from .models import Activity, Organisation, PurchaseProject

APPLICANT = "so_demo_staff"

# name, category, org type, filing or registration, legal representative
SAMPLES = [
    ("幸福社区夕阳红舞蹈队", "culture_sports", "social_group", "filing", "王秀兰"),
    ("幸福社区邻里互助会", "life_service", "social_group", "registration", "李建国"),
    ("幸福社区平安协会", "community_affairs", "social_group", "filing", "张伟"),
    ("和平社区老年协会", "life_service", "social_group", "registration", "赵德明"),
    ("和平社区书画社", "culture_sports", "social_group", "filing", "陈静"),
    ("长青社区助残服务社", "charity", "social_service", "registration", "刘芳"),
    ("长青社区家政服务社", "life_service", "social_service", "filing", "孙丽"),
    ("明德社区志愿服务队", "charity", "social_group", "filing", "周强"),
    ("明德社区调解促进会", "community_affairs", "social_group", "registration", "吴刚"),
]


def credit_code(district_code: str, kind: str, seq: int) -> str:
    """A valid code (GB 32100) for the demo: 5 = 民政, 1 社会团体 / 2 社会服务机构."""
    body = f"{50000000 + seq}"
    first17 = "5" + ("1" if kind == "social_group" else "2") + district_code + body
    first17 += org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def _applicant(district) -> User:
    from core import services as core_services
    from core.demo import one_time_password

    user = User.get_or_none(User.username == APPLICANT)
    if user is None:
        user = core_services.create_user(
            Context.trusted(),
            APPLICANT,
            one_time_password(),
            "community_staff",
            district,
            "subtree",
            "社会组织演示录入员",
            must_change_password=True,
        )
    return user


def load(district, actor):
    units = TerritoryUnit.select().where(
        (TerritoryUnit.district_id == district.id) & (TerritoryUnit.level == "community")
    )
    communities = {u.name: u for u in units}
    if (
        not communities
        or Organisation.select().where(Organisation.unit.in_(list(communities.values()))).exists()
    ):
        return None
    install_definition(actor)
    applicant = _applicant(district)
    staff, boss = Access(applicant), Access(actor)
    today = workdays.today()
    made = []
    with db.atomic():
        for i, (name, category, org_type, kind, rep) in enumerate(SAMPLES, start=1):
            unit = communities.get(name[:4])
            if unit is None:
                continue
            org = Organisation(
                unit=unit,
                name=name,
                category=category,
                org_type=org_type,
                supervisor=f"{unit.name}居民委员会" if kind == "filing" else "示范区民政局",
                legal_rep=rep,
                members_individual=60 if kind == "registration" else 25,
                funds=Decimal("30000") if kind == "registration" else Decimal("2000"),
                address=f"{unit.name}党群服务中心",
                premises=f"{unit.name}活动室",
                purpose="服务社区居民，促进邻里和谐。",
                scope="文体活动、互助服务、公益宣传",
                contact_name=rep,
                founded_on=dt.date(today.year - 4, 3, 1),
            )
            application = services.apply_new(
                Context(applicant, staff), org, kind, "申请书、章程草案"
            )
            accept = "accept_registration" if kind == "registration" else "accept_filing"
            services.move_application(Context(actor, boss), application, accept)
            data = {"credit_code": credit_code(district.code, org_type, i)}
            services.move_application(
                Context(actor, boss), application, "approve", "材料齐全", data
            )
            Organisation.update(
                filed_on=dt.date(today.year - 3, 4, 1) if kind == "filing" else None,
                registered_on=dt.date(today.year - 3, 4, 1) if kind == "registration" else None,
            ).where(Organisation.id == org.id).execute()
            made.append(Organisation.get_by_id(org.id))
        for j, org in enumerate(made):
            if j % 3 != 2:
                commands.create(
                    Context.trusted(district.id, source="cli", actor=applicant),
                    Activity,
                    {
                        "organisation": org,
                        "held_on": today - dt.timedelta(days=30 * (j + 1)),
                        "title": "社区公益活动",
                        "participants": 20 + j,
                    },
                )
        first = made[1] if len(made) > 1 else None
        if first is not None:
            services.adopt_charter(
                Context.of(actor), first, dt.date(today.year - 3, 3, 20), "成立大会通过章程"
            )
            services.record_sanction(
                Context.of(actor),
                first,
                "warning",
                today - dt.timedelta(days=40),
                0,
                "示民警〔演示〕1号",
                "",
            )
            commands.create(
                Context.trusted(district.id, source="cli", actor=actor),
                PurchaseProject,
                {
                    "unit": first.unit_id,
                    "title": "居家养老上门服务",
                    "purchaser": "东湖街道办事处",
                    "organisation": first,
                    "budget": Decimal("120000"),
                    "starts_on": dt.date(today.year, 1, 1),
                    "ends_on": dt.date(today.year, 12, 31),
                    "outputs": "每月上门服务不少于200人次",
                },
            )
        if made:
            # graded 3A five years ago, before the platform: the grade certificate (评估等级证书)
            # runs out in 45 days, so the lists show one about to expire
            Organisation.update(grade="3A", grade_valid_until=today + dt.timedelta(days=45)).where(
                Organisation.id == made[0].id
            ).execute()
        pending = Organisation(
            unit=next(iter(communities.values())),
            name="幸福社区儿童阅读会",
            category="culture_sports",
            supervisor="幸福社区居民委员会",
            legal_rep="郑敏",
        )
        services.apply_new(Context(applicant, staff), pending, "filing", "申请书")
    return f"{len(made) + 1} social organisations"
