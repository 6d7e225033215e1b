"""Demo data (演示数据): one district, two streets, four communities with grids, compounds
and buildings, an administrator with a one-time password, and each plugin's demo records.

Loading twice creates nothing new and loses nothing.
"""

from __future__ import annotations

import secrets
import string

from core import services, territory
from core.commands import Context
from core.db import db
from core.models import TerritoryUnit, User

DISTRICT = ("990101", "示范区")
STREETS = [
    ("990101001", "东湖街道", [("990101001001", "幸福社区"), ("990101001002", "和平社区")]),
    ("990101002", "西山街道", [("990101002001", "长青社区"), ("990101002002", "明德社区")]),
]
# Resident population (常住人口) and urban or rural of the demo communities: KPI denominators.
POPULATION = {
    "990101001001": (8200, "urban"),
    "990101001002": (6400, "urban"),
    "990101002001": (5100, "urban"),
    "990101002002": (2300, "rural"),
}
GRIDS_PER_COMMUNITY = 2
BUILDINGS_PER_COMPOUND = 3
ADMIN = "admin"


def one_time_password() -> str:
    alphabet = string.ascii_letters + string.digits
    while True:
        word = "".join(secrets.choice(alphabet) for _ in range(14))
        if any(c.isdigit() for c in word) and any(c.islower() for c in word):
            if any(c.isupper() for c in word):  # 3 of the 4 kinds (等保2.0)
                return word


def build_territory() -> tuple[TerritoryUnit, bool]:
    existing = TerritoryUnit.get_or_none(TerritoryUnit.code == DISTRICT[0])
    if existing is not None:
        return existing, False
    with db.atomic():
        district = territory.create_unit(DISTRICT[0], DISTRICT[1], "district")
        for s_code, s_name, communities in STREETS:
            street = territory.create_unit(s_code, s_name, "street", district)
            for c_code, c_name in communities:
                community = territory.create_unit(c_code, c_name, "community", street)
                community.population, community.area_type = POPULATION[c_code]
                community.save()
                for g in range(1, GRIDS_PER_COMMUNITY + 1):
                    grid = territory.create_unit(
                        f"{c_code}G{g:02d}", f"{c_name}第{g}网格", "grid", community
                    )
                    compound = territory.create_unit(
                        f"{c_code}X{g:02d}", f"{c_name[:-2]}{'东西南北'[g - 1]}苑", "compound", grid
                    )
                    for b in range(1, BUILDINGS_PER_COMPOUND + 1):
                        territory.create_unit(
                            f"{compound.code}B{b:02d}",
                            f"{compound.name}{b}号楼",
                            "building",
                            compound,
                        )
    return district, True


def state_pending() -> list[str]:
    from core.registry import kernel_state

    return sorted(kernel_state().migrations.pending())


def load() -> list[str]:
    from core.registry import kernel_state

    report = []
    pending = state_pending()
    if pending:
        raise services.ServiceError(
            "pending migrations in " + ", ".join(pending) + "; run `linli db upgrade` first"
        )
    services.ensure_builtin_roles()
    district, created = build_territory()
    report.append(
        f"demo territory {district.name} ({district.code}) "
        + ("created" if created else "already present, kept")
    )
    admin = User.get_or_none(User.username == ADMIN)
    if admin is None:
        password = one_time_password()
        admin = services.create_user(
            Context.trusted(),
            ADMIN,
            password,
            "platform_admin",
            district,
            "all",
            "平台管理员",
            must_change_password=True,
        )
        report.append(
            f"administrator: username {ADMIN}, one-time password {password} "
            "(you must change it at first login)"
        )
    else:
        report.append(f"administrator {ADMIN} already exists; its password is unchanged")
    state = kernel_state()
    for info in state.kernel.ordered(("active",)):
        if info.id == "core":
            continue
        switched = services.enable_plugin(Context.trusted(actor=admin), info.id, district)
        if switched:
            report.append(f"enabled {', '.join(switched)} in {district.code}")
    for plugin_id, _result in state.kernel.collect(
        "linli_demo_data", district=district, actor=admin
    ):
        report.append(f"demo data of {plugin_id} loaded")
    return report


def samples() -> list[str]:
    """A few cases (事项) and a public notice (公示) in 幸福社区, once (``linli demo`` adds them
    after :func:`load`; tests start from the bare demo territory)."""
    admin = User.get(User.username == ADMIN)
    from core.access import Access
    from core.cases.models import Case
    from core.cases.services import move, receive
    from core.publicity import publish
    from core.publicity.models import Publication

    community = TerritoryUnit.get(TerritoryUnit.code == STREETS[0][2][0][0])
    if Case.select().where(Case.unit == community).exists():
        return []
    access = Access(admin)
    samples = [
        ("3号楼楼道灯不亮", "repair", "building_head", "3号楼二单元楼道灯坏了一周。"),
        ("为独居老人代办高龄津贴", "gov_proxy", "window", "王大爷行动不便，请社区代为申请。"),
        ("邻里噪音纠纷", "dispute", "grid_worker", "5号楼住户反映楼上夜间噪音。"),
    ]
    with db.atomic():
        cases = []
        for title, category, source, description in samples:
            case = Case(
                unit=community,
                title=title,
                category=category,
                source=source,
                description=description,
                requester_name="居民",
            )
            cases.append(receive(Context(admin, access), case, "演示数据"))
        move(Context(admin, access), cases[0], "register", "已登记分类")
        publish(
            Context.trusted(actor=admin),
            "幸福社区楼栋长名单公示",
            community,
            body="经居民推荐，拟任各楼楼栋长名单如下。",
            contact="幸福社区居委会",
        )
    count = Publication.select().where(Publication.unit == community).count()
    return [f"demo: {len(cases)} cases and {count} public notice in {community.name}"]
