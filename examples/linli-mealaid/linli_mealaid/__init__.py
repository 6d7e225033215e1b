"""老年助餐 Meal assistance for older residents: an example of a plugin outside Linli.

Community canteens cook lunch or dinner for older residents (助餐服务); staff or grid workers
record each order, a volunteer delivers it and records the delivery, and the delivery
earns the volunteer time credit in the time bank (时间银行) when that module is enabled in
the district: this plugin listens to the core workflow's ``state_changed`` event and
announces ``volunteer_work``, which the built-in ``timebank`` plugin listens to. Neither
imports the other.

The manifest and the hook implementations; wiring only: the rules live in commands.py, the
operations in services.py.
"""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

HERE = Path(__file__).resolve().parent

MANIFEST = Manifest(
    id="mealaid",
    label_zh="老年助餐",
    label_en="Meal assistance",
    version="0.1.0",
    requires=(),  # the time bank is optional: without it deliveries earn no credit
    description="Meals for older residents: orders, deliveries and volunteer time credit",
)


@hookimpl
def linli_models():
    from .models import MODELS

    return MODELS


@hookimpl
def linli_migrations():
    return HERE / "migrations"


@hookimpl
def linli_settings():
    from .settings import SETTINGS

    return SETTINGS


@hookimpl
def linli_admin_views(admin):
    from .admin import admin_views

    return admin_views(admin)


@hookimpl
def linli_rules():
    from .commands import RULES

    return RULES


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_schemas():
    from .schemas import SCHEMAS

    return SCHEMAS


@hookimpl
def linli_blueprints():
    from .views import bp

    return [bp]


@hookimpl
def linli_translations():
    return HERE / "translations"


@hookimpl
def linli_event(event):
    if event.plugin == "mealaid" and event.name == "state_changed":
        from .services import delivered

        delivered(event)


@hookimpl
def linli_dashboard_widgets(district, user):
    from .services import dashboard_widgets

    return dashboard_widgets(district, user)
