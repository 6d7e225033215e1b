"""Owners' assembly voting (业主大会表决, 《民法典》第二百七十八条).

A register of exclusive units (专有部分) with their area and its source, owners and co-owners;
meetings with a frozen agenda after notice; ballots per unit, changeable until voting closes,
kept in a hash-chained append-only log (``linli owners verify``); a tally with separate
counters for area and heads.

This module only wires the hooks; see ``rules.py`` (the rules), ``services.py`` (what
changes state), ``admin.py`` and ``views.py`` (the portal page where owners vote).
"""

from __future__ import annotations

from pathlib import Path

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest(
    id="owners",
    label_zh="业主大会",
    label_en="Owners' assembly",
    version="0.1.0",
    description="Unit and owner register, owners' assembly meetings and verifiable voting",
)

HERE = Path(__file__).parent


@hookimpl
def linli_models():
    from .models import MODELS

    return MODELS


@hookimpl
def linli_migrations():
    return HERE.parent.parent / "migrations" / "owners"


@hookimpl
def linli_admin_views(admin):
    from .admin import admin_views

    return admin_views(admin)


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
    from .cli import owners

    return [owners]


@hookimpl
def linli_translations():
    return HERE / "translations"


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_overdue_items(district):
    """Results not published in time, committees not filed in time, terms expired; committees
    whose term ends soon are announced to the community's staff (core notifications)."""
    from .reports import overdue_items

    return overdue_items(district)


@hookimpl
def linli_event(event):
    from .fund import on_event

    on_event(event)
