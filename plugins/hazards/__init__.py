"""安全隐患排查治理 Safety-hazard inspections: checklists on the low-code form engine,
inspections on a phone, and the closed loop 排查 → 登记 → 评估 → 整改 → 验收 → 销号 on the
core workflow engine. Wiring only: the logic lives in the modules of this package."""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

HERE = Path(__file__).resolve().parent

MANIFEST = Manifest(
    id="hazards",
    label_zh="安全隐患排查治理",
    label_en="Safety hazards",
    version="0.1.0",
    description="Safety-hazard inspections with checklists, hazards from failed items, and "
    "their rectification and acceptance (排查、登记、评估、整改、验收、销号)",
)


@hookimpl
def linli_models():
    from .models import MODELS

    return MODELS


@hookimpl
def linli_migrations():
    return HERE.parent.parent / "migrations" / "hazards"


@hookimpl
def linli_settings():
    from .settings import SETTINGS

    return SETTINGS


@hookimpl
def linli_admin_views(admin):
    from .admin import admin_views

    return admin_views(admin)


@hookimpl
def linli_blueprints():
    from .views import blueprints

    return blueprints()


@hookimpl
def linli_translations():
    return HERE / "translations"


@hookimpl
def linli_rules():
    from .commands import RULES

    return RULES


@hookimpl
def linli_schemas():
    from .schemas import SCHEMAS

    return {schema.Meta.model: schema for schema in SCHEMAS}


@hookimpl
def linli_dashboard_widgets(district, user):
    from .reports import dashboard_widgets

    return dashboard_widgets(district, user)


@hookimpl
def linli_overdue_items(district):
    from .reports import overdue_items

    return overdue_items(district)


@hookimpl
def linli_overdue_page(district, units_for, responsible_id, limit):
    from .reports import overdue_page

    return overdue_page(district, units_for, responsible_id, limit)


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_event(event):
    if event.plugin != "hazards" or event.name != "state_changed":
        return
    if event.data.get("transition") == "assess" and getattr(event.record, "grade", "") == "major":
        from .services import report_major

        report_major(event.record)


# -- hz-manage: portal tasks and the daily command ------------------------------------------


@hookimpl
def linli_portal_tasks(user, district):
    from .reports import portal_tasks

    return portal_tasks(user, district)


@hookimpl
def linli_commands():
    from .reports import commands

    return commands()


@hookimpl
def linli_personal_data(user):
    from .privacy import personal_data

    return personal_data(user)


@hookimpl
def linli_erase_personal_data(user, pseudonym):
    from .privacy import erase_personal_data

    return erase_personal_data(user, pseudonym)
