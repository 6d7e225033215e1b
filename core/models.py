"""Core models (核心数据模型): territory tree, users and roles, module switches, settings, audit.

Table names start with ``core_``. Timestamps are stored in UTC and shown in Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt

import peewee as pw

from core.db import db
from core.i18n import lazy_gettext as _l
from core.i18n import lazy_pgettext


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


AREA_TYPES = [("urban", _l("Urban")), ("rural", _l("Rural"))]  # 城市社区 / 农村社区

PATH_WIDTH = 10  # digits per path segment: ids up to 9,999,999,999


class TerritoryUnit(BaseModel):
    """A unit of the territory tree (辖区): district 区 > street 街道 > community 社区 > grid 网格
    > compound 小区 > building 楼栋, and finer levels that plugins add.

    ``path`` is a materialized path of zero-padded ids (own id last), so a subtree is one
    indexed range query (see :func:`core.territory.subtree`).
    """

    code = pw.CharField(max_length=32, unique=True, verbose_name=_l("Code"))
    name = pw.CharField(max_length=100, verbose_name=_l("Name"))
    level = pw.CharField(max_length=16, index=True, verbose_name=_l("Level"))
    parent = pw.ForeignKeyField(
        "self", null=True, backref="children", on_delete="RESTRICT", verbose_name=_l("Parent")
    )
    path = pw.CharField(max_length=255, index=True, default="", verbose_name=_l("Path"))
    depth = pw.SmallIntegerField(default=0, verbose_name=_l("Depth"))
    district_id = pw.IntegerField(null=True, index=True, verbose_name=_l("District"))
    sort_order = pw.IntegerField(default=0, verbose_name=_l("Order"))
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    # KPI denominators (指标分母): resident population (常住人口) and urban or rural (城市/农村)
    population = pw.IntegerField(null=True, verbose_name=_l("Resident population"))
    area_type = pw.CharField(
        max_length=8, default="urban", choices=AREA_TYPES, verbose_name=_l("Urban or rural")
    )

    class Meta:
        table_name = "core_territory_unit"

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class User(BaseModel):
    """A person who logs in (用户): staff, grid worker, volunteer, owner..."""

    username = pw.CharField(max_length=64, unique=True, verbose_name=_l("Username"))
    display_name = pw.CharField(max_length=64, default="", verbose_name=_l("Full name"))
    password_hash = pw.CharField(max_length=255)
    is_active = pw.BooleanField(default=True, verbose_name=_l("Active"))
    must_change_password = pw.BooleanField(default=False)
    password_changed_at = pw.DateTimeField(default=utcnow)
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    last_login_at = pw.DateTimeField(null=True)

    class Meta:
        table_name = "core_user"

    def __str__(self) -> str:
        return self.display_name or self.username

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class Role(BaseModel):
    """A role (角色): a named set of permissions, built-in template or custom."""

    code = pw.CharField(max_length=64, unique=True, verbose_name=_l("Code"))
    name_zh = pw.CharField(max_length=64, verbose_name=_l("Chinese name"))
    name_en = pw.CharField(max_length=64, verbose_name=_l("English name"))
    builtin = pw.BooleanField(default=False, verbose_name=_l("Built-in"))
    staff = pw.BooleanField(default=True, verbose_name=_l("Works in the staff admin"))

    class Meta:
        table_name = "core_role"

    def __str__(self) -> str:
        from core.i18n import Label

        return str(Label(self.name_zh, self.name_en))


class RolePermission(BaseModel):
    """Role x resource x action (角色权限). ``plugin`` holds a plugin id (a plugin-wide
    grant), a resource of the plugin (``owners.owner``) or ``*``; ``action`` may be ``*``."""

    role = pw.ForeignKeyField(Role, backref="permissions", on_delete="CASCADE")
    plugin = pw.CharField(max_length=96)
    action = pw.CharField(max_length=32)

    class Meta:
        table_name = "core_role_permission"
        indexes = ((("role", "plugin", "action"), True),)


SCOPES = ("all", "subtree", "unit", "own")


class RoleAssignment(BaseModel):
    """A role held by a user at a territory unit with a data scope (数据权限)."""

    user = pw.ForeignKeyField(User, backref="assignments", on_delete="CASCADE")
    role = pw.ForeignKeyField(Role, backref="assignments", on_delete="RESTRICT")
    unit = pw.ForeignKeyField(TerritoryUnit, backref="assignments", on_delete="RESTRICT")
    scope = pw.CharField(max_length=8, default="subtree")

    class Meta:
        table_name = "core_role_assignment"
        indexes = ((("user", "role", "unit"), True),)


class PluginDistrict(BaseModel):
    """Whether a plugin is enabled for a district (模块启用), switched at run time."""

    plugin = pw.CharField(max_length=32)
    district = pw.ForeignKeyField(TerritoryUnit, backref="+", on_delete="CASCADE")
    enabled = pw.BooleanField(default=True)
    changed_at = pw.DateTimeField(default=utcnow)
    changed_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "core_plugin_district"
        indexes = ((("plugin", "district"), True),)


class DistrictSetting(BaseModel):
    """A per-district value of a setting a plugin declared (区级参数); JSON text."""

    district = pw.ForeignKeyField(TerritoryUnit, backref="+", on_delete="CASCADE")
    plugin = pw.CharField(max_length=32)
    key = pw.CharField(max_length=64)
    value = pw.TextField()
    updated_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))
    updated_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Updated by")
    )

    class Meta:
        table_name = "core_district_setting"
        indexes = ((("district", "plugin", "key"), True),)


class AppendOnlyError(Exception):
    """Evidence rows are never changed or deleted; corrections are new rows."""


class AppendOnlyModel(BaseModel):
    """Base for evidence (证据): rows can be inserted, never updated or deleted."""

    def save(self, force_insert=False, only=None):
        if self._pk is not None and not force_insert:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed")
        return super().save(force_insert=force_insert, only=only)

    def delete_instance(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")

    @classmethod
    def update(cls, *args, **kwargs):
        raise AppendOnlyError(f"{cls.__name__} rows cannot be changed")

    @classmethod
    def delete(cls):
        raise AppendOnlyError(f"{cls.__name__} rows cannot be deleted")


class AuditLog(AppendOnlyModel):
    """Audit trail (审计日志): who did what to which record, with before and after."""

    at = pw.DateTimeField(default=utcnow, index=True, verbose_name=_l("Time"))
    actor = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("User")
    )
    actor_name = pw.CharField(max_length=64, default="", verbose_name=_l("User"))
    action = pw.CharField(max_length=32, index=True, verbose_name=_l("Action"))
    plugin = pw.CharField(max_length=32, default="core", verbose_name=_l("Module"))
    table = pw.CharField(max_length=64, default="", verbose_name=_l("Table"))
    record_id = pw.CharField(max_length=64, default="", verbose_name=_l("Record"))
    unit_id = pw.IntegerField(null=True, index=True)
    changes = pw.TextField(default="{}", verbose_name=_l("Changes"))
    summary = pw.CharField(max_length=255, default="", verbose_name=_l("Summary"))
    ip = pw.CharField(max_length=64, default="", verbose_name=lazy_pgettext("network", "Address"))

    class Meta:
        table_name = "core_audit_log"
        indexes = ((("table", "record_id"), False),)


class LoginAttempt(AppendOnlyModel):
    """Login log (登录日志): every attempt, successful or not; also drives throttling."""

    at = pw.DateTimeField(default=utcnow, verbose_name=_l("Time"))
    username = pw.CharField(max_length=64, verbose_name=_l("Username"))
    user = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="RESTRICT", verbose_name=_l("User")
    )
    ip = pw.CharField(max_length=64, default="", verbose_name=lazy_pgettext("network", "Address"))
    success = pw.BooleanField(default=False, verbose_name=_l("Succeeded"))
    reason = pw.CharField(max_length=32, default="", verbose_name=_l("Reason"))

    class Meta:
        table_name = "core_login_attempt"
        indexes = ((("username", "at"), False), (("ip", "at"), False))


class PasswordHistory(AppendOnlyModel):
    """The hashes of a person's passwords, newest last (口令历史): a new password may not be
    one of the last ``PASSWORD_HISTORY`` (等保2.0). Evidence: never changed or deleted."""

    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE")
    password_hash = pw.CharField(max_length=255)
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "core_password_history"
        indexes = ((("user", "created_at"), False),)


class PasswordReset(BaseModel):
    """A one-time password reset code (密码重置码) issued by a security administrator or the
    operator's CLI: shown once, stored hashed, valid ``RESET_CODE_MINUTES`` (30), used once."""

    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE", verbose_name=_l("User"))
    code_hash = pw.CharField(max_length=64, unique=True)
    issued_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Issued by")
    )
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Issued at"))
    expires_at = pw.DateTimeField(verbose_name=_l("Valid until"))
    used_at = pw.DateTimeField(null=True, verbose_name=_l("Used at"))

    class Meta:
        table_name = "core_password_reset"


class UserSession(BaseModel):
    """A login session (登录会话), kept on the server. The signed cookie carries only a random
    key whose hash is stored here, so that logging out, a password change, disabling the
    account or a change of its roles ends the session everywhere (a cookie copied before is
    then worthless), an idle or too old session ends on its next request, and a security
    administrator can list a person's sessions and end them (强制下线)."""

    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE", verbose_name=_l("User"))
    key_hash = pw.CharField(max_length=64, unique=True)
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Logged in at"))
    last_seen_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Last active at"))
    ip = pw.CharField(max_length=64, default="", verbose_name=lazy_pgettext("network", "Address"))
    user_agent = pw.CharField(max_length=255, default="", verbose_name=_l("Browser"))
    ended_at = pw.DateTimeField(null=True, verbose_name=_l("Ended at"))
    end_reason = pw.CharField(max_length=32, default="", verbose_name=_l("Ended because"))

    class Meta:
        table_name = "core_user_session"
        indexes = ((("user", "ended_at"), False),)


class UserTotp(BaseModel):
    """A person's time-based one-time password (TOTP, 动态口令) second factor. The secret is
    stored as it is (a TOTP needs it to compute the codes) and is never shown again once
    enrolment is confirmed: no admin page, API, export or audit row carries it. ``enabled_at``
    is empty while enrolment waits for the first code; ``last_step`` is the time step of the
    last code accepted, so that a code is used once."""

    user = pw.ForeignKeyField(
        User, unique=True, backref="+", on_delete="CASCADE", verbose_name=_l("User")
    )
    secret = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    enabled_at = pw.DateTimeField(null=True)
    last_step = pw.BigIntegerField(null=True)

    class Meta:
        table_name = "core_user_totp"


class UserSavedFilter(BaseModel):
    """A list filter a person saved under a name (常用筛选): the query string of an admin list,
    replayed as a link. Only its owner sees it; opening it applies the data scope as ever."""

    user = pw.ForeignKeyField(User, backref="+", on_delete="CASCADE", verbose_name=_l("User"))
    endpoint = pw.CharField(max_length=96, verbose_name=_l("Admin list"))
    name = pw.CharField(max_length=40, verbose_name=_l("Name"))
    query = pw.TextField(default="", verbose_name=_l("Filter"))
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))

    class Meta:
        table_name = "core_user_saved_filter"
        indexes = ((("user", "endpoint", "name"), True),)


class DistrictOwnedModel(BaseModel):
    """Base for every district-owned record (辖区数据): ties the row to a territory unit and
    records who created and last updated it, and when.

    Data scope (数据权限) filters on ``unit`` and ``created_by``.
    """

    unit = pw.ForeignKeyField(
        TerritoryUnit, on_delete="RESTRICT", index=True, verbose_name=_l("Territory unit")
    )
    created_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Created by")
    )
    created_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Created at"))
    updated_by = pw.ForeignKeyField(
        User, null=True, backref="+", on_delete="SET NULL", verbose_name=_l("Updated by")
    )
    updated_at = pw.DateTimeField(default=utcnow, verbose_name=_l("Updated at"))


CORE_MODELS = [
    TerritoryUnit,
    User,
    Role,
    RolePermission,
    RoleAssignment,
    PluginDistrict,
    DistrictSetting,
    AuditLog,
    LoginAttempt,
    UserSession,
    PasswordHistory,
    PasswordReset,
    UserTotp,
    UserSavedFilter,
]
