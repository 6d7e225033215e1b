"""Volunteer service and time bank (志愿服务 / 时间银行).

Volunteers register under their real name, sign up for shifts, check in and out and log
their service; the person served confirms it (or a proxy, by scanning the QR code the
volunteer shows); staff approve it, in bulk. An approved record posts to a double-entry
ledger in integer minutes: certifiable service hours (志愿服务时长, never spent) and time
credits (时间币), which can be redeemed for services, given to relatives or donated to the
community pool, and never bought or cashed out. Certificates (志愿服务记录证明) follow
民发〔2015〕149号 and can be verified by number on a public page.

This module only wires the hooks; see ``rules.py`` (the rules), ``flows.py`` (the service
record's workflow), ``services.py`` (what changes state), ``admin.py``, ``views.py`` (portal
and public pages) and ``docs/timebank.md``.
"""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest(
    id="timebank",
    label_zh="志愿服务",
    label_en="Volunteering and time bank",
    version="1.0.0",
    description="Volunteers, service records, a double-entry time ledger and certificates",
)

HERE = Path(__file__).parent


@hookimpl
def linli_models():
    from . import flows  # noqa: F401  (binds the service record to its workflow)
    from .models import MODELS

    return MODELS


@hookimpl
def linli_migrations():
    return HERE.parent.parent / "migrations" / "timebank"


@hookimpl
def linli_admin_views(admin):
    from .admin import admin_views

    return admin_views(admin)


@hookimpl
def linli_rules():
    from .commands import RULES

    return RULES


@hookimpl
def linli_schemas():
    from .schemas import SCHEMAS

    return SCHEMAS


@hookimpl
def linli_settings():
    from .settings import SETTINGS

    return SETTINGS


@hookimpl
def linli_blueprints():
    from .views import blueprints

    return blueprints()


@hookimpl
def linli_commands():
    from .cli import timebank

    return [timebank]


@hookimpl
def linli_translations():
    return HERE / "translations"


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_event(event):
    if event.name == "volunteer_work":
        from .services import record_reported_work

        record_reported_work(event)


@hookimpl
def linli_dashboard_widgets(district, user):
    from .reports import widgets

    return widgets(district, user)


@hookimpl
def linli_portal_tasks(user, district):
    from .views import portal_tasks

    return portal_tasks(user, district)


@hookimpl
def linli_personal_data(user):
    from .privacy import personal_data

    return personal_data(user)


@hookimpl
def linli_erase_personal_data(user, pseudonym):
    from .privacy import erase_personal_data

    return erase_personal_data(user, pseudonym)
