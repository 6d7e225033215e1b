"""The core's admin pages: territory, modules, settings, users, roles, the audit trail and the
working-day calendar."""

from __future__ import annotations

import operator
from functools import reduce

import peewee as pw
from flask import flash, g, make_response, redirect, request, url_for
from flask_admin import expose
from flask_admin.actions import action
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, validators

from core import readable, services, sessions, territory, totp
from core.admin import AccessMixin, ModelView, OnePermission, View, local_datetime
from core.choices import options
from core.commands import Context
from core.db import db
from core.i18n import Label, lazy_pgettext
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import (
    AREA_TYPES,
    AuditLog,
    LoginAttempt,
    Role,
    RoleAssignment,
    RolePermission,
    TerritoryUnit,
    User,
    UserSession,
)
from core.privacy_admin import EraseMixin
from core.registry import kernel_state
from core.workdays import CalendarDay


def core_units(*actions: str):
    """Ids of the current district's units where the user holds ``core:<action>`` (any of
    ``actions``), as a sub-select; None when they hold it nowhere."""
    access = g.get("access")
    actions = tuple(a for a in actions if access is not None and access.can("core", a))
    if not actions:
        return None
    condition = reduce(operator.or_, [access.unit_condition("core", a) for a in actions])
    units = TerritoryUnit.select(TerritoryUnit.id).where(condition)
    if g.get("district_id") is not None:
        units = units.where(TerritoryUnit.district_id == g.district_id)
    return units


NOTHING = pw.SQL("1 = 0")


class TerritoryUnitView(ModelView):
    """辖区 Territory units: the tree from district down to building and below."""

    scoped = False  # a unit is scoped by its own position in the tree
    column_list = ("code", "name", "level", "parent", "population", "area_type", "sort_order")
    column_searchable_list = ("code", "name")
    column_filters = ("level", "parent", "code")
    column_default_sort = "path"
    column_labels = {
        "code": _l("Code"),
        "name": _l("Name"),
        "level": _l("Level"),
        "parent": _l("Parent"),
        "sort_order": _l("Order"),
        "population": _l("Resident population"),
        "area_type": _l("Urban or rural"),
    }
    column_formatters = {
        "level": lambda v, c, m, p: territory.level_label(m.level),
        "area_type": lambda v, c, m, p: str(dict(AREA_TYPES).get(m.area_type, m.area_type)),
    }
    form_columns = ("code", "name", "level", "parent", "population", "area_type", "sort_order")
    form_args = {
        "code": {"validators": [validators.InputRequired(), validators.Length(max=32)]},
        "name": {"validators": [validators.InputRequired(), validators.Length(max=100)]},
        "population": {"validators": [validators.Optional(), validators.NumberRange(min=0)]},
    }
    form_choices = {"level": [(k, k) for k in territory.LEVEL_LABELS]}  # labels set per form
    form_ajax_refs = {"parent": {"fields": ("name", "code"), "page_size": 20}}

    def scoped_query(self, query, action="read"):
        access = g.get("access")
        condition = access.unit_condition("core", action) if access else NOTHING
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
        form.level.choices = options(
            [(code, territory.level_label(code)) for code in territory.levels()]
        )
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


class AuditLogView(OnePermission, ModelView):
    """审计日志 Audit trail: read only, for every interface; needs ``core:audit``."""

    permission = "audit"

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
        "ip": lazy_pgettext("network", "Address"),
        "changes": _l("Changes"),
    }
    column_formatters = {"action": lambda v, c, m, p: str(ACTION_LABELS.get(m.action, m.action))}
    column_formatters_detail = {
        "action": lambda v, c, m, p: str(ACTION_LABELS.get(m.action, m.action)),
        "changes": lambda v, c, m, p: readable.changes_table(m.changes),
    }

    def scoped_query(self, query, action="read"):
        units = core_units("audit")
        if units is None:
            return query.where(NOTHING)
        if g.access.is_platform_admin:
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
    "role_granted": _l("Role granted"),
    "role_revoked": _l("Role revoked"),
    "permissions_changed": _l("Permissions changed"),
    "user_enabled": _l("Account enabled"),
    "user_disabled": _l("Account disabled"),
}


def _scope_choices():
    return [
        ("subtree", _l("This unit and below")),
        ("unit", _l("This unit only")),
        ("own", _l("Own records only")),
        ("all", _l("All")),
    ]


def _scope_options():
    return options(_scope_choices())


def _units_for(action: str):
    access = g.get("access")
    query = TerritoryUnit.select().where(access.unit_condition("core", action))
    if g.get("district_id") is not None:
        query = query.where(TerritoryUnit.district_id == g.district_id)
    return query.order_by(TerritoryUnit.path)


class NewUserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[validators.InputRequired()])
    display_name = StringField(_l("Full name"), validators=[validators.Length(max=64)])
    password = PasswordField(_l("Initial password"), validators=[validators.InputRequired()])
    role = SelectField(_l("Role"), coerce=int)
    unit = SelectField(_l("Territory unit"), coerce=int)
    scope = SelectField(_l("Data scope"), choices=_scope_options)


class EditUserForm(FlaskForm):
    display_name = StringField(_l("Full name"), validators=[validators.Length(max=64)])


def _fill_choices(form, action):
    if "role" in form._fields:
        form.role.choices = options([(r.id, str(r)) for r in Role.select().order_by(Role.id)])
    form.unit.choices = options([(u.id, f"{u.name} ({u.code})") for u in _units_for(action)])
    return form


class ManageUsersMixin(OnePermission):
    """Roles, grants and sessions need ``core:manage_roles`` (安全管理: the security
    administrator's); accounts need ``core:manage_users`` (系统管理), see :class:`UserView`."""

    permission = "manage_roles"


class UserView(EraseMixin, ManageUsersMixin, ModelView):
    """用户 Users: accounts of people who work in the current district. The system
    administrator (``core:manage_users``) creates, edits, disables and enables accounts; the
    security administrator (``core:manage_roles``) sees them to unlock them and to issue
    reset codes."""

    ACCOUNTS = "manage_users"

    scoped = False
    allow_delete = False
    column_list = ("username", "display_name", "is_active", "last_login_at")
    column_searchable_list = ("username", "display_name")
    column_filters = ("is_active",)
    column_labels = {
        "username": _l("Username"),
        "display_name": _l("Full name"),
        "is_active": _l("Active"),
        "last_login_at": _l("Last login"),
    }

    def allowed(self, action: str) -> bool:
        if action in ("create", "update"):
            return AccessMixin.allowed(self, self.ACCOUNTS)
        return AccessMixin.allowed(self, self.ACCOUNTS) or AccessMixin.allowed(
            self, self.permission
        )

    def may(self, permission: str) -> bool:
        return AccessMixin.allowed(self, permission)

    def scoped_query(self, query, action="read"):
        units = core_units(UserView.ACCOUNTS, "manage_roles")
        if units is None:
            return query.where(NOTHING)
        members = RoleAssignment.select(RoleAssignment.user).where(RoleAssignment.unit.in_(units))
        return query.where(User.id.in_(members))

    def get_create_form(self):
        return NewUserForm

    def get_edit_form(self):
        return EditUserForm

    def create_form(self, obj=None):
        return _fill_choices(NewUserForm(), self.ACCOUNTS)

    def edit_form(self, obj=None):
        return EditUserForm(obj=obj)

    def create_model(self, form):
        unit = TerritoryUnit.get_or_none(TerritoryUnit.id == form.unit.data)
        role = Role.get_or_none(Role.id == form.role.data)
        try:
            if unit is None or role is None:
                raise services.ServiceError(_("User, role and territory unit are all required."))
            return services.create_user(
                Context.current(),
                form.username.data.strip(),
                form.password.data,
                role.code,
                unit,
                form.scope.data,
                form.display_name.data or "",
                must_change_password=True,
            )
        except services.ServiceError as exc:
            flash(str(exc), "error")
            return False

    def update_model(self, form, model):
        return super().update_model(form, model)

    @action("reset_code", _l("Issue a password reset code"))
    def action_reset_code(self, ids):
        """One account at a time: the code is shown once, on a page nobody caches."""
        if not self.may("manage_roles"):
            flash(_("You are not allowed to do this."), "error")
            return None
        users = list(self.scoped_query(User.select(), "update").where(User.id << ids))
        if len(ids) != 1 or len(users) != 1:
            flash(_("Choose exactly one account to issue a reset code for."), "error")
            return None
        try:
            code, expires = services.issue_reset_code(Context.current(), users[0])
        except services.ServiceError as exc:
            flash(str(exc), "error")
            return None
        page = make_response(
            self.render(
                "admin/linli_reset_code.html",
                user=str(users[0]),
                code=code,
                expires=local_datetime(self, expires),
            )
        )
        page.headers["Cache-Control"] = "no-store"
        return page

    @action("unlock", _l("Unlock accounts"), _l("Unlock the selected accounts?"))
    def action_unlock(self, ids):
        done = self._each_user(ids, self.may("manage_roles"), services.unlock)
        if done:
            flash(_("%(count)s accounts unlocked.", count=done), "success")

    @action(
        "reset_totp",
        _l("Reset the second factor"),
        _l("Reset the selected accounts' second factor?"),
    )
    def action_reset_totp(self, ids):
        done = self._each_user(ids, self.may("manage_roles"), totp.reset_totp)
        if done:
            flash(_("Second factor reset for %(count)s accounts.", count=done), "success")

    @action("disable", _l("Disable accounts"), _l("Disable the selected accounts?"))
    def action_disable(self, ids):
        self._set_active(ids, False)

    @action("enable", _l("Enable accounts"), _l("Enable the selected accounts?"))
    def action_enable(self, ids):
        self._set_active(ids, True)

    def _set_active(self, ids, active):
        done = self._each_user(
            ids, self.can_edit, lambda ctx, user: services.set_active(ctx, user, active)
        )
        if done:
            flash(_("Saved."), "success")

    def _each_user(self, ids, allowed: bool, command) -> int:
        """``command(ctx, user)`` for each selected account in scope; each refusal is shown.
        Returns how many were done."""
        if not allowed:
            flash(_("You are not allowed to do this."), "error")
            return 0
        done = 0
        for user in self.scoped_query(User.select(), "update").where(User.id << ids):
            try:
                command(Context.current(), user)
                done += 1
            except services.ServiceError as exc:
                flash(str(exc), "error")
        return done

    def is_action_allowed(self, name):
        if name in ("disable", "enable"):
            return self.can_edit
        if name in ("unlock", "reset_code", "reset_totp"):
            return self.may("manage_roles")
        return super().is_action_allowed(name)


class AssignmentForm(FlaskForm):
    user = SelectField(_l("User"), coerce=int)
    role = SelectField(_l("Role"), coerce=int)
    unit = SelectField(_l("Territory unit"), coerce=int)
    scope = SelectField(_l("Data scope"), choices=_scope_options)


class RoleAssignmentView(ManageUsersMixin, ModelView):
    """授权 Role assignments: who holds which role, where, with which data scope."""

    scoped = False
    allow_edit = False
    column_list = ("user", "role", "unit", "scope")
    column_labels = {
        "user": _l("User"),
        "role": _l("Role"),
        "unit": _l("Territory unit"),
        "scope": _l("Data scope"),
    }
    column_formatters = {
        "scope": lambda v, c, m, p: str(dict(_scope_choices()).get(m.scope, m.scope)),
    }
    column_filters = ("role", "unit", "scope")

    def scoped_query(self, query, action="read"):
        units = core_units("manage_roles")
        if units is None:
            return query.where(NOTHING)
        return query.where(RoleAssignment.unit.in_(units))

    def get_create_form(self):
        return AssignmentForm

    def create_form(self, obj=None):
        form = _fill_choices(AssignmentForm(), "manage_roles")
        users = UserView.scoped_query(self, User.select(), "read")
        form.user.choices = options(
            [(u.id, f"{u} ({u.username})") for u in users.order_by(User.username)]
        )
        return form

    def create_model(self, form):
        user = User.get_or_none(User.id == form.user.data)
        role = Role.get_or_none(Role.id == form.role.data)
        unit = TerritoryUnit.get_or_none(TerritoryUnit.id == form.unit.data)
        try:
            return services.assign_role(Context.current(), user, role, unit, form.scope.data)
        except services.ServiceError as exc:
            flash(str(exc), "error")
            return False

    def delete_one(self, model):
        try:
            services.revoke_role(Context.current(), model)
        except services.ServiceError as exc:
            raise PermissionError(str(exc)) from exc


def _permission_choices():
    """Everything, each plugin as a whole, and each resource of a plugin (按资源): the
    standard actions on a resource, the plugin's own actions on the plugin."""
    from core.access import STANDARD_ACTIONS

    state = kernel_state()
    choices = [("*:*", _("Everything (*:*)"))]
    for plugin, actions in state.actions.items():
        choices.append((f"{plugin}:*", f"{plugin}:*"))
        choices.extend((f"{plugin}:{a}", f"{plugin}:{a}") for a in actions)
        for resource in state.resources.get(plugin, ()):
            choices.extend((f"{resource}:{a}", f"{resource}:{a}") for a in STANDARD_ACTIONS)
    return options(choices)


class RoleForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[validators.InputRequired(), validators.Regexp(r"^[a-z][a-z0-9_]{1,63}$")],
    )
    name_zh = StringField(
        _l("Chinese name"), validators=[validators.InputRequired(), validators.Length(max=64)]
    )
    name_en = StringField(
        _l("English name"), validators=[validators.InputRequired(), validators.Length(max=64)]
    )
    permissions = SelectMultipleField(_l("Permissions"), choices=_permission_choices)


class RoleView(ManageUsersMixin, ModelView):
    """角色 Roles: the built-in templates and custom roles with their permissions."""

    scoped = False
    allow_delete = False
    column_list = ("code", "name_zh", "name_en", "builtin", "permissions")
    column_labels = {
        "code": _l("Code"),
        "name_zh": _l("Chinese name"),
        "name_en": _l("English name"),
        "builtin": _l("Built-in"),
        "permissions": _l("Permissions"),
    }
    column_formatters = {
        "permissions": lambda v, c, m, p: ", ".join(
            sorted(g.get("_role_permissions", {}).get(m.id, []))
        ),
    }

    def scoped_query(self, query, action="read"):
        access = g.get("access")
        if access is None or not access.can("core", "manage_roles"):
            return query.where(NOTHING)
        return query

    def get_list(self, *args, **kwargs):
        count, rows = super().get_list(*args, **kwargs)
        perms = {}
        ids = [r.id for r in rows] if isinstance(rows, list) else []
        for p in RolePermission.select().where(RolePermission.role.in_(ids or [0])):
            perms.setdefault(p.role_id, []).append(f"{p.plugin}:{p.action}")
        g._role_permissions = perms  # one query for the page, not one per role
        return count, rows

    def get_create_form(self):
        return RoleForm

    def get_edit_form(self):
        return RoleForm

    def create_form(self, obj=None):
        return RoleForm()

    def edit_form(self, obj=None):
        form = RoleForm(obj=obj)
        if request.method == "GET" and obj is not None:
            form.permissions.data = [f"{p.plugin}:{p.action}" for p in obj.permissions]
        return form

    def _perms(self, form):
        return {tuple(value.split(":", 1)) for value in form.permissions.data or []}

    def create_model(self, form):
        try:
            if Role.select().where(Role.code == form.code.data).exists():
                raise services.ServiceError(
                    _("The code %(code)s is already used.", code=form.code.data)
                )
            with db.atomic():
                role = Role.create(
                    code=form.code.data,
                    name_zh=form.name_zh.data,
                    name_en=form.name_en.data,
                    builtin=False,
                )
                self.emit("created", role, {"code": [None, role.code]})
                services.set_role_permissions(Context.current(), role, self._perms(form))
            return role
        except services.ServiceError as exc:
            flash(str(exc), "error")
            return False

    def update_model(self, form, model):
        try:
            if model.builtin:
                raise services.ServiceError(
                    _(
                        "Built-in roles are templates and cannot be "
                        "changed; create a custom role instead."
                    )
                )
            with db.atomic():
                before = {"name_zh": model.name_zh, "name_en": model.name_en}
                model.name_zh, model.name_en = form.name_zh.data, form.name_en.data
                model.save(only=[Role.name_zh, Role.name_en])
                self.emit(
                    "updated",
                    model,
                    {
                        k: [v, getattr(model, k)]
                        for k, v in before.items()
                        if v != getattr(model, k)
                    },
                )
                services.set_role_permissions(Context.current(), model, self._perms(form))
            return True
        except services.ServiceError as exc:
            flash(str(exc), "error")
            return False


class LoginAttemptView(OnePermission, ModelView):
    """登录日志 Login log: every attempt, read only; needs ``core:audit``."""

    permission = "audit"

    scoped = False
    allow_create = allow_edit = allow_delete = False
    column_list = ("at", "username", "ip", "success", "reason")
    column_default_sort = ("at", True)
    column_filters = ("username", "ip", "success", "at")
    column_searchable_list = ("username", "ip")
    column_labels = {
        "at": _l("Time"),
        "username": _l("Username"),
        "ip": lazy_pgettext("network", "Address"),
        "success": _l("Succeeded"),
        "reason": _l("Reason"),
    }
    column_formatters = {
        "reason": lambda v, c, m, p: str(REASON_LABELS.get(m.reason, m.reason)),
    }

    def scoped_query(self, query, action="read"):
        units = core_units("audit")
        if units is None:
            return query.where(NOTHING)
        if g.access.is_platform_admin:
            return query
        members = (
            User.select(User.username).join(RoleAssignment).where(RoleAssignment.unit.in_(units))
        )
        return query.where(LoginAttempt.username.in_(members))


class UserSessionView(ManageUsersMixin, ModelView):
    """登录会话 Sessions: who is logged in, from where, since when; a security administrator
    ends sessions of the people they manage (强制下线). Read only otherwise."""

    scoped = False
    allow_create = allow_edit = allow_delete = False
    can_view_details = False
    column_list = (
        "user",
        "created_at",
        "last_seen_at",
        "ip",
        "user_agent",
        "ended_at",
        "end_reason",
    )
    column_default_sort = ("last_seen_at", True)
    column_filters = ("ended_at", "ip")
    column_labels = {
        "user": _l("User"),
        "created_at": _l("Logged in at"),
        "last_seen_at": _l("Last active at"),
        "ip": lazy_pgettext("network", "Address"),
        "user_agent": _l("Browser"),
        "ended_at": _l("Ended at"),
        "end_reason": _l("Ended because"),
    }
    column_formatters = {
        "end_reason": lambda v, c, m, p: str(sessions.REASONS.get(m.end_reason, m.end_reason)),
    }

    def scoped_query(self, query, action="read"):
        if g.access.is_platform_admin:
            return query
        members = sessions.manageable_users(g.access, g.get("district_id"))
        if members is None:
            return query.where(NOTHING)
        return query.where(UserSession.user.in_(members))

    @action("end", _l("End the sessions (log out)"), _l("End the selected sessions?"))
    def action_end(self, ids):
        try:
            count = sessions.force_end(Context.current(), ids)
        except services.ServiceError as exc:
            flash(str(exc), "error")
        else:
            flash(_("%(count)s sessions ended.", count=count), "success")

    def is_action_allowed(self, name):
        if name == "end":
            return self.can_edit_rows()
        return super().is_action_allowed(name)

    def can_edit_rows(self) -> bool:
        access = g.get("access")
        return access is not None and access.can("core", "manage_roles")


REASON_LABELS = {
    "": _l("Logged in"),
    "wrong_password": _l("Wrong username or password"),
    "disabled": _l("Account disabled"),
    "throttled": _l("Locked after too many failures"),
    "slowed": _l("Address slowed down after too many failures"),
    "unlocked": _l("Unlocked by an administrator"),
    "password_ok": _l("Password right, waiting for the second factor"),
    "wrong_totp": _l("Wrong second-factor code"),
}


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
                switched = services.enable_plugin(Context.current(), plugin_id, district)
                flash(_("Enabled: %(ids)s", ids=", ".join(switched) or plugin_id), "success")
            else:
                services.disable_plugin(Context.current(), plugin_id, district)
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


class CalendarDayView(ModelView):
    """工作日历 Calendar: holidays and make-up working days; the platform administrator edits
    them when the State Council publishes the next year's arrangement."""

    scoped = False
    permission = "configure"
    column_list = ("day", "working", "name", "provisional")
    column_default_sort = "day"
    column_filters = ("day", "working", "provisional", "name")
    column_labels = {
        "day": _l("Date"),
        "working": _l("Working day"),
        "name": _l("Name"),
        "provisional": _l("Provisional"),
    }
    form_columns = ("day", "working", "name", "provisional")

    def scoped_query(self, query, action="read"):
        return query  # one national calendar; who may see it is decided by permission

    def allowed(self, action):
        if action in ("create", "update", "delete"):
            access = g.get("access")
            return bool(access) and access.is_platform_admin
        return super().allowed("configure")

    def check_write(self, model, action):
        if not self.allowed(action):
            raise PermissionError(_l("You are not allowed to do this."))


def core_views(admin) -> list:
    from core.tree_admin import tree_views

    system = _l("System")
    return [
        *tree_views(),
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
        RoleAssignmentView(
            RoleAssignment, name=_l("Role assignments"), category=system, plugin_id="core"
        ),
        AuditLogView(AuditLog, name=_l("Audit log"), category=system, plugin_id="core"),
        LoginAttemptView(LoginAttempt, name=_l("Login log"), category=system, plugin_id="core"),
        UserSessionView(UserSession, name=_l("Sessions"), category=system, plugin_id="core"),
        CalendarDayView(
            CalendarDay,
            name=_l("Calendar"),
            category=system,
            plugin_id="core",
            endpoint="core_calendar_day",
            url="/admin/core/calendar",
        ),
    ]
