"""A small plugin used by the kernel's tests: a community notice board (公告栏).

It exercises every hook: a district-owned model with migrations, an admin view with an
inline child model, a setting, a permission, an event subscriber, a scope narrowing, a
permission veto, a dashboard widget, a blueprint, a command and demo data.
"""

from pathlib import Path

import click
from flask import Blueprint, g

from core.hookspecs import hookimpl
from core.kernel import Manifest

MANIFEST = Manifest(
    id="noticeboard",
    label_zh="公告栏",
    label_en="Notice board",
    version="1.0.0",
    description="Notices posted by community staff",
)

RECEIVED = []  # events seen by this plugin, for tests


@hookimpl
def linli_models():
    from .models import Attachment, Notice

    return [Notice, Attachment]


@hookimpl
def linli_migrations():
    return Path(__file__).parent / "migrations"


@hookimpl
def linli_admin_views(admin):
    from .admin import AttachmentView, NoticeView
    from .models import Attachment, Notice

    return [
        NoticeView(Notice, category=admin.category),
        AttachmentView(Attachment, category=admin.category),
    ]


@hookimpl
def linli_settings():
    from .settings import SETTINGS

    return SETTINGS


@hookimpl
def linli_permissions():
    from core.access import Action

    return [Action("pin", "置顶", "Pin a notice")]


@hookimpl
def linli_event(event):
    RECEIVED.append((event.name, event.plugin, event.table))


@hookimpl
def linli_scope_query(model, query, user):
    from .models import Notice

    if model is Notice:
        return Notice.hidden == False  # noqa: E712  (hidden notices are never listed)
    return None


@hookimpl
def linli_permission_check(user, plugin, action, record):
    if plugin == "noticeboard" and action == "delete" and user.username == "nodelete":
        return False
    return None


@hookimpl
def linli_dashboard_widgets(district, user):
    from core.dashboard import Widget
    from core.models import TerritoryUnit

    from .models import Notice

    if district is None:
        return []
    units = TerritoryUnit.select(TerritoryUnit.id).where(TerritoryUnit.district_id == district.id)
    count = Notice.select().where(Notice.unit.in_(units)).count()
    return [Widget("公告", count, plugin="noticeboard")]


bp = Blueprint("noticeboard_portal", __name__, url_prefix="/portal/noticeboard")


@bp.route("/")
def portal_index():
    return f"notices of {g.district.code if g.get('district') else '-'}"


@hookimpl
def linli_blueprints():
    return [bp]


@click.command("noticeboard-count")
def count_command():
    from .models import Notice

    click.echo(f"{Notice.select().count()} notices")


@hookimpl
def linli_commands():
    return [count_command]


@hookimpl
def linli_demo_data(district, actor):
    from .demo import load

    return load(district, actor)


@hookimpl
def linli_schemas():
    from marshmallow import Schema, fields, validate

    from .models import Notice

    class NoticeSchema(Schema):
        linli_operations = ("read", "create", "update", "delete")  # plain records, no rules

        id = fields.Integer(dump_only=True)
        unit = fields.Integer(required=True)
        title = fields.String(required=True, validate=validate.Length(1, 100))
        body = fields.String(load_default="")
        hidden = fields.Boolean(dump_only=True)
        contact_phone = fields.String(allow_none=True)
        contact_id = fields.String(allow_none=True)
        created_by = fields.Integer(dump_only=True, allow_none=True)
        created_at = fields.DateTime(dump_only=True)
        updated_at = fields.DateTime(dump_only=True)

    return {Notice: NoticeSchema}
