"""The core's admin pages: territory, modules, settings, users, roles and the audit trail."""

from __future__ import annotations

import json

import peewee as pw
from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_login import current_user
from wtforms import validators

from core import services, territory
from core.admin import ModelView, View
from core.db import db
from core.i18n import Label
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import AuditLog, Role, TerritoryUnit, User


class TerritoryUnitView(ModelView):
    """辖区 Territory units: the tree from district down to building and below."""

    scoped = False  # a unit is scoped by its own position in the tree
    column_list = ("code", "name", "level", "parent", "sort_order")
    column_searchable_list = ("code", "name")
    column_filters = ("level", "parent", "code")
    column_default_sort = "path"
    column_labels = {
        "code": _l("Code"),
        "name": _l("Name"),
        "level": _l("Level"),
        "parent": _l("Parent"),
        "sort_order": _l("Order"),
    }
    column_formatters = {"level": lambda v, c, m, p: territory.level_label(m.level)}
    form_columns = ("code", "name", "level", "parent", "sort_order")
    form_args = {
        "code": {"validators": [validators.InputRequired(), validators.Length(max=32)]},
        "name": {"validators": [validators.InputRequired(), validators.Length(max=100)]},
    }
    form_choices = {"level": [(k, k) for k in territory.LEVEL_LABELS]}  # labels set per form
    form_ajax_refs = {"parent": {"fields": ("name", "code"), "page_size": 20}}

    def scoped_query(self, query, action="read"):
        access = g.get("access")
        condition = access.unit_condition("core", action) if access else pw.SQL("1 = 0")
        query = query.where(condition)
        if g.get("district_id") is not None:
            query = query.where(TerritoryUnit.district_id == g.district_id)
        return query

    def _create_ajax_loader(self, name, options):
        from core.admin import ScopedAjaxLoader

        return ScopedAjaxLoader(name, TerritoryUnit, view=self, **options)

    def create_model(self, form):
        parent = form.parent.data
        try:
            if (
                parent is not None
                and not self.scoped_query(TerritoryUnit.select(), "create")
                .where(TerritoryUnit.id == parent.id)
                .exists()
            ):
                raise PermissionError(_("You may not write records in this territory unit."))
            if parent is None and not g.access.is_platform_admin:
                raise PermissionError(_("Only a platform administrator may create a district."))
            with db.atomic():
                unit = territory.create_unit(
                    form.code.data,
                    form.name.data,
                    form.level.data,
                    parent,
                    form.sort_order.data or 0,
                )
                self.emit(
                    "created",
                    unit,
                    {"code": [None, unit.code], "name": [None, unit.name]},
                    district_id=unit.district_id,
                )
        except (territory.TerritoryError, PermissionError) as exc:
            flash(str(exc), "error")
            return False
        return unit

    def create_form(self, obj=None):
        form = super().create_form(obj)
        # core levels and those plugins registered, in the current language
        form.level.choices = [(code, territory.level_label(code)) for code in territory.levels()]
        return form

    def edit_form(self, obj=None):
        form = super().edit_form(obj)
        # Moving a unit or changing its code would rewrite history: only name and order change.
        for name in ("code", "level", "parent"):
            if name in form._fields:
                delattr(form, name)
        return form

    def check_write(self, model, action):
        if (
            not self.scoped_query(TerritoryUnit.select(), action)
            .where(TerritoryUnit.id == model.id)
            .exists()
        ):
            raise PermissionError(_("You may not write records in this territory unit."))


class AuditLogView(ModelView):
    """审计日志 Audit trail: read only, for every interface."""

    scoped = False
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "actor_name", "action", "plugin", "table", "record_id", "summary", "ip")
    column_default_sort = ("at", True)
    column_filters = ("action", "plugin", "table", "record_id", "actor_name", "at")
    column_searchable_list = ("summary", "record_id", "actor_name")
    column_details_list = column_list + ("changes",)
    column_labels = {
        "at": _l("Time"),
        "actor_name": _l("User"),
        "action": _l("Action"),
        "plugin": _l("Module"),
        "table": _l("Table"),
        "record_id": _l("Record"),
        "summary": _l("Summary"),
        "ip": _l("Address"),
        "changes": _l("Changes"),
    }
    column_formatters = {"action": lambda v, c, m, p: str(ACTION_LABELS.get(m.action, m.action))}
    column_formatters_detail = {
        "action": lambda v, c, m, p: str(ACTION_LABELS.get(m.action, m.action)),
        "changes": lambda v, c, m, p: json.dumps(
            json.loads(m.changes), ensure_ascii=False, indent=1
        ),
    }

    def scoped_query(self, query, action="read"):
        access = g.get("access")
        if access is None or not access.can("core", "read"):
            return query.where(pw.SQL("1 = 0"))
        units = TerritoryUnit.select(TerritoryUnit.id).where(access.unit_condition("core", "read"))
        if g.get("district_id") is not None:
            units = units.where(TerritoryUnit.district_id == g.district_id)
        if access.is_platform_admin:
            return query.where(AuditLog.unit_id.in_(units) | AuditLog.unit_id.is_null())
        return query.where(AuditLog.unit_id.in_(units))


ACTION_LABELS = {
    "created": _l("Created"),
    "updated": _l("Updated"),
    "deleted": _l("Deleted"),
    "state_changed": _l("State changed"),
    "login": _l("Logged in"),
    "login_failed": _l("Login failed"),
    "logout": _l("Logged out"),
    "password_changed": _l("Password changed"),
    "plugin_enabled": _l("Module enabled"),
    "plugin_disabled": _l("Module disabled"),
    "setting_changed": _l("Setting changed"),
}


class UserView(ModelView):
    """用户 Users: accounts of people who work in the current district."""

    scoped = False
    allow_create = allow_delete = False
    column_list = ("username", "display_name", "is_active", "last_login_at")
    column_searchable_list = ("username", "display_name")
    column_filters = ("is_active",)
    column_labels = {
        "username": _l("Username"),
        "display_name": _l("Full name"),
        "is_active": _l("Active"),
        "last_login_at": _l("Last login"),
    }
    form_columns = ("display_name", "is_active")

    def scoped_query(self, query, action="read"):
        from core.models import RoleAssignment

        access = g.get("access")
        if access is None or not access.can("core", action):
            return query.where(pw.SQL("1 = 0"))
        units = TerritoryUnit.select(TerritoryUnit.id).where(access.unit_condition("core", action))
        if g.get("district_id") is not None:
            units = units.where(TerritoryUnit.district_id == g.district_id)
        members = RoleAssignment.select(RoleAssignment.user).where(RoleAssignment.unit.in_(units))
        return query.where(User.id.in_(members))


class RoleView(ModelView):
    """角色 Roles: the built-in templates and custom roles."""

    scoped = False
    allow_delete = False
    column_list = ("code", "name_zh", "name_en", "builtin")
    column_labels = {
        "code": _l("Code"),
        "name_zh": _l("Chinese name"),
        "name_en": _l("English name"),
        "builtin": _l("Built-in"),
    }
    form_columns = ("code", "name_zh", "name_en")

    def scoped_query(self, query, action="read"):
        access = g.get("access")
        if access is None or not access.can("core", action):
            return query.where(pw.SQL("1 = 0"))
        return query


class ModulesView(View):
    """模块管理 Modules: which plugins are enabled in the current district."""

    permission = "configure"

    @expose("/", methods=["GET"])
    def index(self):
        state = self._state()
        enabled = g.get("enabled_plugins", set())
        rows = []
        for info in state.kernel.plugins.values():
            if info.id == "core":
                continue
            rows.append(
                {
                    "id": info.id,
                    "label": str(Label(info.manifest.label_zh, info.manifest.label_en)),
                    "version": info.manifest.version,
                    "state": info.state,
                    "requires": ", ".join(info.manifest.requires),
                    "enabled": info.id in enabled,
                }
            )
        return self.render("admin/linli_modules.html", rows=rows)

    @expose("/switch", methods=["POST"])
    def switch(self):
        plugin_id = request.form.get("plugin", "")
        turn_on = request.form.get("enable") == "1"
        district = g.get("district")
        try:
            if turn_on:
                switched = services.enable_plugin(plugin_id, district, current_user)
                flash(_("Enabled: %(ids)s", ids=", ".join(switched) or plugin_id), "success")
            else:
                services.disable_plugin(plugin_id, district, current_user)
                flash(_("Disabled: %(id)s. Its data is kept.", id=plugin_id), "success")
        except services.ServiceError as exc:
            flash(str(exc), "error")
        return redirect(url_for(".index"))


class SettingsView(View):
    """区级参数 Settings: per-district values of the numbers plugins declare."""

    permission = "configure"

    @expose("/", methods=["GET", "POST"])
    def index(self):
        state = self._state()
        district = g.get("district")
        enabled = g.get("enabled_plugins", set()) | {"core"}
        if request.method == "POST" and district is not None:
            plugin, key = request.form.get("plugin", ""), request.form.get("key", "")
            if plugin not in enabled or (plugin, key) not in state.settings.settings:
                flash(_("Unknown setting."), "error")
            else:
                try:
                    with db.atomic():
                        value = state.settings.set(
                            district.id, plugin, key, request.form.get("value", ""), current_user
                        )
                        from core.events import Event, emit

                        emit(
                            Event(
                                "setting_changed",
                                plugin=plugin,
                                record=district,
                                actor=current_user._get_current_object(),
                                district_id=district.id,
                                changes={key: [None, value]},
                            )
                        )
                    flash(_("Saved."), "success")
                except ValueError as exc:
                    flash(str(exc), "error")
            return redirect(url_for(".index"))
        rows = []
        for (plugin, key), setting in state.settings.settings.items():
            if plugin not in enabled or district is None:
                continue
            rows.append(
                {
                    "plugin": plugin,
                    "key": key,
                    "setting": setting,
                    "value": state.settings.get(district.id, plugin, key),
                }
            )
        return self.render("admin/linli_settings.html", rows=rows)


def core_views(admin) -> list:
    system = _l("System")
    return [
        TerritoryUnitView(TerritoryUnit, name=_l("Territory"), category=None, plugin_id="core"),
        ModulesView(
            name=_l("Modules"),
            category=system,
            endpoint="core_modules",
            url="/admin/core/modules",
            plugin_id="core",
        ),
        SettingsView(
            name=_l("Settings"),
            category=system,
            endpoint="core_settings",
            url="/admin/core/settings",
            plugin_id="core",
        ),
        UserView(User, name=_l("Users"), category=system, plugin_id="core"),
        RoleView(Role, name=_l("Roles"), category=system, plugin_id="core"),
        AuditLogView(AuditLog, name=_l("Audit log"), category=system, plugin_id="core"),
    ]
