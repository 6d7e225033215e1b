"""待办 To-do in the admin: one page listing what waits for the user's step (overdue first,
each with a link to the record) and the figure in the top bar; the sidebar's icons and
breadcrumb helpers of the admin master template.

Web layer, a core feature module wired by :mod:`core.builtin`; the list itself is
:func:`core.todo.todo_items`.
"""

from __future__ import annotations

from flask import Blueprint, g, has_request_context
from flask_admin import expose
from flask_login import current_user

from core import todo as service  # (not todo_items here: a feature's todo_items is a hook)
from core.admin import View, is_staff
from core.i18n import lazy_gettext as _l

# Font Awesome 4.7 icons of the sidebar: by plugin, by the core module of a view, by endpoint
PLUGIN_ICONS = {
    "timebank": "fa-clock-o",
    "hazards": "fa-fire-extinguisher",
    "owners": "fa-home",
    "socialorgs": "fa-users",
}
CORE_ICONS = {
    "core.admin_views": "fa-cogs",
    "core.api.admin": "fa-cogs",
    "core.publicity.admin": "fa-bullhorn",
    "core.forms_admin": "fa-list-alt",
    "core.demo": "fa-flask",
}
ENDPOINT_ICONS = {
    "admin": "fa-tachometer",
    "core_todo": "fa-check-square-o",
    "core_notification": "fa-envelope",
    "territoryunit": "fa-sitemap",
    "case": "fa-briefcase",
}


def menu_icon(item) -> str:
    """The icon class of a sidebar entry (a Flask-Admin menu category or view)."""
    if item.is_category():
        children = item.get_children()
        view = getattr(children[0], "_view", None) if children else None
        if view is None:
            return "fa-folder"
        plugin = getattr(view, "plugin_id", "core")
        if plugin != "core":
            return PLUGIN_ICONS.get(plugin, "fa-puzzle-piece")
        return CORE_ICONS.get(type(view).__module__, "fa-folder")
    view = getattr(item, "_view", None)
    return ENDPOINT_ICONS.get(getattr(view, "endpoint", ""), "fa-file-text-o")


def current_todo_count() -> int:
    """The top bar's figure: how many to-do items the logged-in staff user has."""
    if not (has_request_context() and current_user.is_authenticated and is_staff()):
        return 0
    return service.todo_count(
        current_user._get_current_object(), g.get("access"), g.get("district")
    )


def current_unread_count() -> int:
    """The top bar's figure of unread messages (the inbox)."""
    from core.notifications import unread_count

    if not (has_request_context() and current_user.is_authenticated):
        return 0
    return unread_count(current_user)


class TodoView(View):
    """待办: everything waiting for the logged-in user's step, overdue first."""

    def allowed(self, action):
        # every staff user has a to-do list; what is on it follows their permissions
        return current_user.is_authenticated and current_user.is_active and bool(g.get("access"))

    @expose("/")
    def index(self):
        items = service.todo_items(
            current_user._get_current_object(), g.get("access"), g.get("district")
        )
        return self.render("admin/linli_todo.html", items=items)


def admin_views(admin):
    return [TodoView(name=_l("To-do"), endpoint="core_todo", url="/admin/todo", plugin_id="core")]


def blueprints() -> list[Blueprint]:
    """No pages: puts the helpers of the master template into the templates' globals."""
    bp = Blueprint("linli_todo", __name__)

    @bp.record_once
    def _register(state):
        state.app.add_template_global(current_todo_count, "linli_todo_count")
        state.app.add_template_global(menu_icon, "linli_menu_icon")
        state.app.add_template_global(current_unread_count, "linli_unread_count")

    return [bp]
