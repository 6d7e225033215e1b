"""The core's own hook implementations, registered as the plugin ``core``.

Like Datasette's default plugins, the core uses the same hooks as every plugin: its models,
migrations, territory levels, admin views, settings, the audit writer and the dashboard
figures of the territory are contributed here.
"""

from __future__ import annotations

import json

from flask import has_request_context, request

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest(
    id="core",
    label_zh="平台核心",
    label_en="Core platform",
    version="0.1.0",
    description="Territory tree, users and roles, module switches, settings and audit",
)


# The core's feature modules; each has MODELS and may have SETTINGS (core.settings.Setting),
# admin_views(admin), blueprints(), commands(), and hook functions of the same names as the
# runtime hooks below (portal_tasks, overdue_items, dashboard_widgets, personal_data,
# erase_personal_data).
FEATURES = (
    "core.duties",
    "core.workdays",
    "core.workflow",
    "core.cases",
    "core.publicity",
    "core.notifications",
    "core.inbox",
    "core.todo_admin",
    "core.dashboard",
    "core.portal",
    "core.forms_admin",
    "core.api",
)


def _features():
    import importlib

    return [importlib.import_module(name) for name in FEATURES]


@hookimpl
def linli_models():
    from core.models import CORE_MODELS

    return CORE_MODELS + [m for feature in _features() for m in getattr(feature, "MODELS", [])]


@hookimpl
def linli_migrations():
    from core.migrations import CORE_MIGRATIONS

    return CORE_MIGRATIONS


@hookimpl
def linli_territory_levels():
    from core.territory import CORE_LEVELS

    return list(CORE_LEVELS)


@hookimpl
def linli_settings():
    from core.settings import Setting

    features = [s for feature in _features() for s in getattr(feature, "SETTINGS", [])]
    return features + [
        Setting(
            "grid_households_max",
            int,
            400,
            "每个网格最多户数",
            "Maximum households per grid",
            "Seeds: about 400 households per grid (襄阳), 200-400 (意见建议).",
            minimum=50,
            maximum=5000,
        ),
    ]


@hookimpl
def linli_admin_views(admin):
    from core import admin_views

    views = admin_views.core_views(admin)
    for feature in _features():
        if hasattr(feature, "admin_views"):
            views += feature.admin_views(admin)
    return views


@hookimpl
def linli_rules():
    from core.publicity.services import PublicationRules

    return [PublicationRules]


@hookimpl
def linli_schemas():
    from core.cases.models import Case
    from core.cases.schemas import CaseSchema

    return {Case: CaseSchema}


@hookimpl
def linli_blueprints():
    return [
        bp
        for feature in _features()
        if hasattr(feature, "blueprints")
        for bp in feature.blueprints()
    ]


@hookimpl
def linli_commands():
    return [
        cmd for feature in _features() if hasattr(feature, "commands") for cmd in feature.commands()
    ]


@hookimpl
def linli_event(event):
    """Audit writer (审计): one append-only row per write, with the before and after."""
    from core.events import write_audit

    actor = event.actor if getattr(event.actor, "id", None) else None
    record = event.record
    write_audit(
        dict(
            actor=actor,
            actor_name=(actor.username if actor else ""),
            action=event.name,
            plugin=event.plugin,
            table=event.table,
            record_id=event.record_id,
            unit_id=getattr(record, "unit_id", None) or event.district_id,
            changes=json.dumps(event.changes, ensure_ascii=False, default=str),
            summary=(event.summary or (str(record) if record is not None else ""))[:255],
            ip=(request.remote_addr or "") if has_request_context() else "cli",
        )
    )


@hookimpl
def linli_dashboard_widgets(district, user):
    from core.dashboard import territory_widgets

    widgets = territory_widgets(district, user)
    for feature in _features():
        if hasattr(feature, "dashboard_widgets"):
            widgets += feature.dashboard_widgets(district, user)
    return widgets


@hookimpl
def linli_portal_tasks(user, district):
    return [
        t for f in _features() if hasattr(f, "portal_tasks") for t in f.portal_tasks(user, district)
    ]


@hookimpl
def linli_overdue_items(district):
    return [
        i for f in _features() if hasattr(f, "overdue_items") for i in f.overdue_items(district)
    ]


@hookimpl
def linli_todo_items(user, access, district):
    return [
        i
        for f in _features()
        if hasattr(f, "todo_items")
        for i in f.todo_items(user, access, district)
    ]


@hookimpl
def linli_personal_data(user):
    from core.privacy import account_sections

    return account_sections(user) + [
        s for f in _features() if hasattr(f, "personal_data") for s in f.personal_data(user)
    ]


@hookimpl
def linli_erase_personal_data(user, pseudonym):
    from core.privacy import erase_account

    counts = {}
    for feature in _features():
        if hasattr(feature, "erase_personal_data"):
            counts.update(feature.erase_personal_data(user, pseudonym))
    counts.update(erase_account(user, pseudonym))
    return counts
