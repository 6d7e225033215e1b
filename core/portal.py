"""The field portal (移动端门户): mobile-first pages for volunteers, inspectors, grid workers and
owners, outside Flask-Admin.

``/portal/`` lists what the user has to do in the current district, across the enabled
modules (the runtime hook ``linli_portal_tasks(user, district)`` returns :class:`Task`
objects), overdue first, then by due date; below come links to the portal pages of the
enabled modules the user may read. ``/portal/me`` shows the user's roles and units.
Anonymous visitors are sent to ``/auth/login?next=/portal/``; users who must change their
password go to the change-password page first.

A plugin adds portal pages with a blueprint whose ``url_prefix`` starts with ``/portal/``
(returned by ``linli_blueprints``); its index page (a GET route without arguments, ideally
``url_prefix + "/"``) is linked from the home page, labelled with ``bp.portal_label`` when set
(a string or :class:`core.i18n.Label`), else the plugin's name. Its pages extend
``portal/base.html``::

    bp = Blueprint("timebank_portal", __name__, url_prefix="/portal/timebank",
                   template_folder="templates")
    bp.portal_label = Label("志愿服务", "Volunteering")

    @bp.route("/")
    @portal_login_required
    def index():
        return render_template("timebank/portal_index.html", hours=...)

    {% extends "portal/base.html" %}
    {% block title %}{{ _('My hours') }}{% endblock %}
    {% block content %} ... {% endblock %}

Who may use a plugin's portal pages (门户页面按资源授权): the blueprint names a resource,
``bp.portal_resource = "timebank.portal"``, which the role form offers like a model's
(``timebank.portal:read``; a plugin-wide ``timebank:read`` covers it). Every page of the
blueprint decorated with :func:`portal_login_required` answers 403 without that grant, and
the home page links the blueprint only for those who hold it. A page anyone logged in may
use (the volunteer's self-registration) says so: ``@portal_login_required(open_to_all=True)``.
The core's own portal pages (home, 我的, messages, my personal information) need only a
login: they show the person's own records. A blueprint without ``portal_resource`` (an
older plugin) is linked for any grant of its plugin, as before. The pages still show the
person's own records only.

Blocks of ``portal/base.html``: ``title`` (the page title, also shown as the heading unless
``heading`` is overridden), ``heading`` (the ``<h1>``; empty it to draw your own), ``back``
(the URL of a back link above the heading, empty by default), ``content`` (the page),
``head`` (extra ``<link>`` or ``<meta>``), ``scripts`` (extra ``<script src>`` from our own
static files; the CSP forbids other origins). The template gives large touch targets
(buttons and form controls at least 44 px high, ``.portal-list`` rows for lists of links),
the district name, the language switch and a logout button.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import wraps

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from core.dashboard import format_day, plugin_label
from core.i18n import Label, ngettext
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import RoleAssignment, TerritoryUnit
from core.territory import level_label
from core.workdays import today


@dataclass(frozen=True)
class Task:
    """Something a user has to do, shown on the portal home page."""

    title: str
    url: str
    plugin: str = "core"
    due: dt.date | None = None
    note: str = ""


MODELS: list = []

SCOPE_LABELS = {
    "all": _l("All"),
    "subtree": _l("This unit and below"),
    "unit": _l("This unit only"),
    "own": _l("Own records only"),
}

bp = Blueprint("portal", __name__, url_prefix="/portal")


def portal_login_required(view=None, *, open_to_all: bool = False, also: tuple = ()):
    """Like ``login_required``, for portal pages: anonymous users go to the login page and
    come back; a user with a one-time password changes it first; a user without the grant
    of the blueprint's ``portal_resource`` (read) — or of one of the resources ``also``
    names (a hazard's page: ``("hazards.hazard",)``, for the property company rectifying
    it) — is refused (403), unless the page is ``open_to_all`` logged-in people."""
    if view is None:
        return lambda inner: portal_login_required(inner, open_to_all=open_to_all, also=also)

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            target = request.full_path if request.query_string else request.path
            return redirect(url_for("auth.login", next=target))
        if current_user.must_change_password:
            return redirect(url_for("auth.change_password"))
        if not open_to_all and not may_use(
            current_app.blueprints.get(request.blueprint or ""), also=also
        ):
            abort(403)
        return view(*args, **kwargs)

    wrapper.portal_open = open_to_all
    wrapper.portal_also = tuple(also)
    return wrapper


def portal_resource(blueprint) -> str | None:
    """The resource a portal blueprint's pages are granted by (``timebank.portal``)."""
    return getattr(blueprint, "portal_resource", None)


def may_use(blueprint, access=None, also: tuple = ()) -> bool:
    """Whether the user of ``access`` (default: the request's) may use the portal pages of
    ``blueprint``: read on its ``portal_resource`` or on one of ``also``; the core's portal
    and a blueprint without a declared resource need no grant here (their pages check what
    they show)."""
    resource = portal_resource(blueprint)
    if resource is None:
        return True
    access = access if access is not None else g.get("access")
    return access is not None and any(access.can(r, "read") for r in (resource, *also))


# -- tasks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShownTask:
    """A task as the home page shows it."""

    task: Task
    overdue: bool
    days: int | None  # days until due (negative: days overdue)
    due_text: str
    module: str


def collect_tasks(user, district, on: dt.date | None = None) -> list[ShownTask]:
    """The user's tasks in ``district`` from every enabled module, most urgent first:
    overdue ones by due date, then the others by due date, then those without one."""
    if district is None:
        return []
    from core.registry import kernel_state

    results = kernel_state().runtime("linli_portal_tasks")(user=user, district=district)
    tasks = [task for result in results for task in (result or [])]
    now = on or today()
    shown = [
        ShownTask(
            task,
            overdue=task.due is not None and now > task.due,
            days=(task.due - now).days if task.due is not None else None,
            due_text=format_day(task.due),
            module=plugin_label(task.plugin),
        )
        for task in tasks
    ]
    shown.sort(
        key=lambda s: (
            not s.overdue,
            s.task.due is None,
            s.task.due or dt.date.max,
            str(s.task.title),
        )
    )
    return shown


def module_links() -> list[tuple[str, str]]:
    """(label, url) of the portal pages of the modules enabled here that the user may read."""
    from core.registry import kernel_state

    state = kernel_state()
    access = g.get("access")
    enabled = g.get("enabled_plugins", set())
    links = []
    for name, blueprint in current_app.blueprints.items():
        prefix = blueprint.url_prefix or ""
        owner = state.blueprint_plugins.get(name)
        if name == bp.name or owner is None or not prefix.startswith("/portal/"):
            continue
        if owner != "core" and owner not in enabled:
            continue
        if access is None:
            continue
        declared = portal_resource(blueprint)
        if not (access.can(declared, "read") if declared else access.can_any(owner, "read")):
            continue
        index = _index_rule(name, prefix)
        if index is None:
            continue
        label = getattr(blueprint, "portal_label", None) or plugin_label(owner)
        links.append((str(label), index))
    return sorted(links, key=lambda link: link[1])


def _index_rule(blueprint_name: str, prefix: str) -> str | None:
    rules = [
        rule.rule
        for rule in current_app.url_map.iter_rules()
        if rule.endpoint.rsplit(".", 1)[0] == blueprint_name
        and "." in rule.endpoint
        and not rule.arguments
        and "GET" in (rule.methods or ())
    ]
    if not rules:
        return None
    preferred = prefix.rstrip("/") + "/"
    return preferred if preferred in rules else min(rules, key=len)


# -- pages ---------------------------------------------------------------------------------


@bp.route("/")
@portal_login_required
def home():
    district = g.get("district")
    tasks = collect_tasks(current_user, district)
    return render_template(
        "portal/home.html",
        tasks=tasks,
        overdue=sum(1 for t in tasks if t.overdue),
        modules=module_links() if district is not None else [],
    )


@bp.route("/me")
@portal_login_required
def me():
    assignments = (
        RoleAssignment.select(RoleAssignment, TerritoryUnit)
        .join(TerritoryUnit)
        .where(RoleAssignment.user == current_user.id)
        .order_by(TerritoryUnit.path)
    )
    rows = [
        {
            "role": Label(a.role.name_zh, a.role.name_en),
            "unit": a.unit.name,
            "level": level_label(a.unit.level),
            "scope": SCOPE_LABELS.get(a.scope, a.scope),
        }
        for a in assignments
    ]
    return render_template("portal/me.html", assignments=rows)


@bp.route("/inbox")
@portal_login_required
def inbox():
    """消息: the person's own notifications on the phone, newest first (the latest 100)."""
    from core.notifications import KINDS, Notification, unread_count

    rows = list(
        Notification.select()
        .where(Notification.user == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(100)
    )
    return render_template(
        "portal/inbox.html", rows=rows, kinds=KINDS, unread=unread_count(current_user)
    )


@bp.route("/inbox/<int:id>")
@portal_login_required
def open_notification(id):
    """Open one of one's notifications: it is marked read and its link followed."""
    from core.notifications import Notification, mark_read, safe_link

    row = Notification.get_or_none((Notification.id == id) & (Notification.user == current_user.id))
    if row is None:
        flash(_("This notification does not exist."), "error")
        return redirect(url_for(".inbox"))
    mark_read(current_user, [row.id])
    target = safe_link(row.link)
    if target and not target.startswith("/admin"):
        return redirect(target)
    return render_template("portal/notification.html", row=row)


@bp.route("/inbox/read-all", methods=["POST"])
@portal_login_required
def read_all():
    from core.notifications import mark_read

    count = mark_read(current_user)
    flash(
        ngettext(
            "%(num)d notification marked as read.", "%(num)d notifications marked as read.", count
        ),
        "success",
    )
    return redirect(url_for(".inbox"))


# -- my personal information (个人信息保护法 第四十五条) -----------------------------------------


@bp.route("/my-data")
@portal_login_required
def my_data():
    """我的个人信息: what each module holds about the person (titles and how many records),
    and the buttons to download a copy."""
    from core.privacy import personal_data

    sections = personal_data(current_user)
    return render_template("portal/my_data.html", sections=sections)


@bp.route("/my-data/download", methods=["POST"])
@portal_login_required
def download_my_data():
    """A copy of the person's own personal information, a workbook (one sheet per part) or
    JSON, headed in the interface language (Chinese by default); audited; never cached."""
    import json
    import os
    import tempfile

    from flask import Response, send_file

    from core.api.spreadsheets import write_workbook
    from core.commands import Context
    from core.errors import ServiceError
    from core.privacy import personal_copy

    fmt = request.form.get("format", "xlsx")
    if fmt not in ("xlsx", "json"):
        fmt = "xlsx"
    try:
        sections = personal_copy(Context.current("portal"), fmt)
    except ServiceError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".my_data"))
    name = f"personal-data-{today().isoformat()}.{fmt}"
    if fmt == "json":
        body = {
            "title": _("My personal information"),
            "sections": [{"key": s.key, "title": s.title, "rows": s.as_dicts()} for s in sections],
        }
        response = Response(
            json.dumps(body, ensure_ascii=False, indent=2),
            mimetype="application/json",
            headers={"Content-Disposition": f"attachment; filename={name}"},
        )
    else:
        handle, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(handle)
        try:
            write_workbook([(s.title, s.headers, s.rows) for s in sections], path)
            stream = open(path, "rb")  # noqa: SIM115 (closed by the response)
        finally:
            os.unlink(path)
        response = send_file(
            stream,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=name,
        )
    response.headers["Cache-Control"] = "no-store"
    return response


def blueprints() -> list[Blueprint]:
    return [bp]
