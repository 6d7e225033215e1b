"""社区社会组织 Community social organisations: filing (备案) and registration (登记), changes,
annual reports, credit lists, evaluation, incubation, purchased services, activity log,
dashboard and open data. Wiring only: the logic lives in the modules of this package."""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

HERE = Path(__file__).resolve().parent

MANIFEST = Manifest(
    id="socialorgs",
    label_zh="社区社会组织",
    label_en="Social organisations",
    version="0.1.0",
    description="Registry of community social organisations: filing, registration, annual "
    "reports, credit lists, evaluation, incubation and purchased services",
)


@hookimpl
def linli_models():
    from .models import MODELS

    return MODELS


@hookimpl
def linli_migrations():
    return HERE.parent.parent / "migrations" / "socialorgs"


@hookimpl
def linli_settings():
    from .settings import SETTINGS

    return SETTINGS


@hookimpl
def linli_rules():
    from .commands import RULES

    return RULES


@hookimpl
def linli_permissions():
    from core.access import Action

    return [Action("sanction", "录入检查处罚", "Record inspections and penalties")]


@hookimpl
def linli_admin_views(admin):
    from .admin import admin_views

    return admin_views(admin)


@hookimpl
def linli_blueprints():
    from .views import blueprints

    return blueprints()


@hookimpl
def linli_commands():
    from .reports import commands

    return commands()


@hookimpl
def linli_translations():
    return HERE / "translations"


@hookimpl
def linli_schemas():
    from .schemas import SCHEMAS

    return {schema.Meta.model: schema for schema in SCHEMAS}  # the hookspec's model -> schema


@hookimpl
def linli_dashboard_widgets(district, user):
    from .reports import dashboard_widgets

    return dashboard_widgets(district, user)


@hookimpl
def linli_overdue_items(district):
    from .reports import overdue_items

    return overdue_items(district)


@hookimpl
def linli_portal_tasks(user, district):
    from .reports import portal_tasks

    return portal_tasks(user, district)


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_personal_data(user):
    from .privacy import personal_data

    return personal_data(user)


@hookimpl
def linli_erase_personal_data(user, pseudonym):
    from .privacy import erase_personal_data

    return erase_personal_data(user, pseudonym)
