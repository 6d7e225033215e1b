"""Admin endpoints of the territory selector and of saved list filters (辖区选择、常用筛选).

``GET /admin/territory/children``
    ``?parent=<id>``: the children of a unit the person may choose; without ``parent``, the
    roots of their part of the tree; ``?q=3号楼``: at most 20 units whose name contains the
    words, each with its path. ``view`` (an admin list's endpoint) and ``action`` (create,
    update, read) narrow the units to where that view's permission holds. A parent outside
    the person's scope answers 404, as one that does not exist.
``GET /admin/territory/unit?id=<id>``
    One unit (its name and path), for a selector showing a value chosen before.
``POST /admin/saved-filters/save`` and ``/admin/saved-filters/<id>/delete``
    Save the current list's query string under a name, delete one's own (CSRF-protected
    forms; the rules are :mod:`core.saved_filters`).
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, jsonify, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user

from core import saved_filters, unit_picker
from core.admin import View, is_staff
from core.commands import Context
from core.errors import Refused
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l

ACTIONS = ("read", "create", "update")


def _admin_view(endpoint: str):
    admin = current_app.extensions.get("admin")
    for a in admin or []:
        for view in a._views:
            if view.endpoint == endpoint and getattr(view, "model", None) is not None:
                return view
    return None


class _Hidden(View):
    """Not a menu entry; open to every staff member (what each one gets is their scope)."""

    def is_visible(self):
        return False

    def is_accessible(self):
        return (
            current_user.is_authenticated and not current_user.must_change_password and is_staff()
        )


class TreeView(_Hidden):
    """The JSON of the territory selector."""

    def _scope(self):
        """(access, target, action, district) of the request: the view named by ``view``
        decides the resource, ``action`` the permission (read by default)."""
        action = request.args.get("action", "read")
        if action not in ACTIONS:
            action = "read"
        target = None
        name = request.args.get("view", "")
        if name:
            view = _admin_view(name)
            if view is None or not view.is_accessible():
                abort(404)
            target = view.resource
        return g.get("access"), target, action, g.get("district_id")

    @expose("/")
    @expose("/children")
    def children(self):
        access, target, action, district = self._scope()
        term = request.args.get("q", "").strip()[:50]
        if term:
            units = unit_picker.search(access, term, target, action, district)
        elif request.args.get("parent"):
            parent = unit_picker.unit(access, request.args["parent"], target, action, district)
            if parent is None:
                return _unknown()
            units = unit_picker.children(access, parent, target, action, district)
        else:
            units = unit_picker.roots(access, target, action, district)
        return jsonify({"units": unit_picker.describe(access, units, target, action, district)})

    @expose("/unit")
    def unit(self):
        access, target, action, district = self._scope()
        found = unit_picker.unit(access, request.args.get("id"), target, action, district)
        if found is None:
            return _unknown()
        return jsonify({"unit": unit_picker.describe(access, [found], target, action, district)[0]})


class SavedFilterView(_Hidden):
    """Saving and deleting one's filters of a list (the links are in the list template)."""

    def create_blueprint(self, admin):
        blueprint = super().create_blueprint(admin)
        blueprint.app_context_processor(_template_helpers)
        return blueprint

    @expose("/")
    def index(self):
        return redirect(url_for("admin.index"))

    @expose("/save", methods=("POST",))
    def save_filter(self):
        view = _admin_view(request.form.get("endpoint", ""))
        if view is None or not view.is_accessible():
            abort(404)
        query = request.form.get("query", "")
        back = url_for(view.endpoint + ".index_view")
        try:
            saved = saved_filters.save_filter(
                Context.current("admin"), view.endpoint, request.form.get("name", ""), query
            )
        except Refused as exc:
            flash(exc.message, "error")
            cleaned = saved_filters.clean_query(query)
            return redirect(back + ("?" + cleaned if cleaned else ""))
        flash(_("The filter %(name)s was saved.", name=saved.name), "success")
        return redirect(back + "?" + saved.query)

    @expose("/<int:filter_id>/delete", methods=("POST",))
    def delete_filter(self, filter_id):
        view = _admin_view(request.form.get("endpoint", ""))
        back = (
            url_for(view.endpoint + ".index_view") if view is not None else url_for("admin.index")
        )
        try:
            saved_filters.delete_filter(Context.current("admin"), filter_id)
        except Refused as exc:
            flash(exc.message, "error")
            return redirect(back)
        flash(_("The saved filter was deleted."), "success")
        return redirect(back)


def _unknown():
    response = jsonify({"error": _("No such record, or it is outside your data scope.")})
    response.status_code = 404
    return response


def _saved_of(view) -> list:
    if not current_user.is_authenticated or getattr(view, "model", None) is None:
        return []
    return saved_filters.filters_of(Context.current("admin"), view.endpoint)


def _template_helpers():
    return {
        "linli_saved_filters": _saved_of,
        "linli_clean_query": saved_filters.clean_query,
    }


def tree_views() -> list:
    return [
        TreeView(
            name=_l("Territory selector"),
            endpoint="core_tree",
            url="/admin/territory",
            plugin_id="core",
        ),
        SavedFilterView(
            name=_l("Saved filters"),
            endpoint="core_saved_filter",
            url="/admin/saved-filters",
            plugin_id="core",
        ),
    ]
