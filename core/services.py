"""Core operations that change state (核心服务): module switches, users and roles.

Every operation validates first and writes inside one transaction, then emits an event (the
audit row is written by the event's subscriber in the same transaction). A refused operation
raises :class:`ServiceError` with a message for the user and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

import peewee as pw

from core import sessions
from core.access import covers, hash_password, verify_password
from core.db import db
from core.errors import ServiceError
from core.events import Event, emit
from core.i18n import gettext as _
from core.kernel import CORE_ID
from core.models import (
    SCOPES,
    AuditLog,
    LoginAttempt,
    PasswordHistory,
    PasswordReset,
    PluginDistrict,
    Role,
    RoleAssignment,
    RolePermission,
    TerritoryUnit,
    User,
    UserTotp,
    utcnow,
)

if TYPE_CHECKING:  # annotations only: the commands import the workflow, which imports us
    from core.commands import Context


def _state():
    from core.registry import kernel_state

    return kernel_state()


# -- module switches (模块启用) -------------------------------------------------------------


def _check_switchable(plugin_id: str):
    kernel = _state().kernel
    if plugin_id == CORE_ID:
        raise ServiceError(_("The core cannot be switched off."))
    info = kernel.plugins.get(plugin_id)
    if info is None:
        raise ServiceError(_("Unknown module: %(id)s", id=plugin_id))
    if info.state == "blocked":
        raise ServiceError(
            _("Module %(id)s is blocked in this instance's configuration.", id=plugin_id)
        )
    if info.state != "active":
        raise ServiceError(
            _("Module %(id)s is not migrated yet; run `linli db upgrade` first.", id=plugin_id)
        )
    return info


def _check_district(district: TerritoryUnit):
    if district is None or district.level != "district":
        raise ServiceError(_("Modules are enabled per district."))


def enabled_in(district: TerritoryUnit) -> set[str]:
    rows = PluginDistrict.select().where(
        (PluginDistrict.district == district.id) & PluginDistrict.enabled
    )
    return {row.plugin for row in rows}


def enable_plugin(ctx: Context, plugin_id: str, district: TerritoryUnit) -> list[str]:
    """Enable a module and everything it requires in ``district``; return what was switched on."""
    actor = ctx.actor
    _check_district(district)
    _check_switchable(plugin_id)
    kernel = _state().kernel
    needed = kernel.requirements(plugin_id) + [plugin_id]
    for pid in needed:
        _check_switchable(pid)
    already = enabled_in(district)
    switched = [pid for pid in needed if pid not in already]
    with db.atomic():
        for pid in switched:
            _set_switch(pid, district, True, actor)
    return switched


def disable_plugin(ctx: Context, plugin_id: str, district: TerritoryUnit) -> bool:
    """Disable a module in ``district``; refused while an enabled module requires it.

    The module's data stays; enabling it again shows it unchanged.
    """
    actor = ctx.actor
    _check_district(district)
    kernel = _state().kernel
    if plugin_id == CORE_ID:
        raise ServiceError(_("The core cannot be switched off."))
    if plugin_id not in kernel.plugins:
        raise ServiceError(_("Unknown module: %(id)s", id=plugin_id))
    enabled = enabled_in(district)
    blockers = sorted(pid for pid in kernel.dependents(plugin_id) if pid in enabled)
    if blockers:
        raise ServiceError(
            _(
                "Module %(id)s cannot be disabled: these enabled modules require it: %(others)s.",
                id=plugin_id,
                others=", ".join(blockers),
            )
        )
    if plugin_id not in enabled:
        return False
    with db.atomic():
        _set_switch(plugin_id, district, False, actor)
    return True


def _set_switch(plugin_id: str, district: TerritoryUnit, enabled: bool, actor) -> None:
    from flask import g, has_app_context

    if has_app_context():
        g.pop("_enabled_cache", None)
    (
        PluginDistrict.insert(
            plugin=plugin_id,
            district=district.id,
            enabled=enabled,
            changed_at=utcnow(),
            changed_by=actor,
        )
        .on_conflict(
            conflict_target=[PluginDistrict.plugin, PluginDistrict.district],
            preserve=[PluginDistrict.enabled, PluginDistrict.changed_at, PluginDistrict.changed_by],
        )
        .execute()
    )
    emit(
        Event(
            "plugin_enabled" if enabled else "plugin_disabled",
            plugin=CORE_ID,
            record=district,
            actor=actor,
            district_id=district.id,
            changes={"plugin": [None, plugin_id], "enabled": [not enabled, enabled]},
            summary=f"{plugin_id} @ {district.code}",
        )
    )


# -- users and roles -----------------------------------------------------------------------

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")


CHARACTER_CLASSES = (r"[A-Z]", r"[a-z]", r"\d", r"[^A-Za-z0-9]")


def _password_rules() -> dict:
    from flask import current_app, has_app_context

    cfg = current_app.config["LINLI"] if has_app_context() else {}
    return {
        "length": cfg.get("PASSWORD_MIN_LENGTH", 8),
        "history": cfg.get("PASSWORD_HISTORY", 5),
        "days": cfg.get("PASSWORD_MAX_AGE_DAYS", 90),
    }


def check_password_policy(password: str, username: str = "", user: User | None = None) -> None:
    """The password policy of 等保2.0 (GB/T 22239-2019 8.1.4.1 身份鉴别): at least
    ``PASSWORD_MIN_LENGTH`` (8) characters of at least 3 of the 4 kinds (capital letters,
    small letters, digits, symbols), not containing the username, and for an existing
    ``user`` not one of their last ``PASSWORD_HISTORY`` (5) passwords. The web forms, the
    ``linli users`` commands and every other path call this one check."""
    from core.access import verify_password

    password = password or ""
    rules = _password_rules()
    if len(password) < rules["length"]:
        raise ServiceError(
            _("The password must be at least %(count)s characters long.", count=rules["length"])
        )
    if sum(1 for pattern in CHARACTER_CLASSES if re.search(pattern, password)) < 3:
        raise ServiceError(
            _(
                "The password must contain at least 3 of these 4 kinds of character: capital "
                "letters, small letters, digits and symbols."
            )
        )
    if username and username.lower() in password.lower():
        raise ServiceError(_("The password must not contain the username."))
    if user is not None and rules["history"]:
        recent = [user.password_hash] + [
            row.password_hash
            for row in PasswordHistory.select()
            .where(PasswordHistory.user == user.id)
            .order_by(PasswordHistory.id.desc())
            .limit(rules["history"])
        ]
        if any(verify_password(User(password_hash=h), password) for h in dict.fromkeys(recent)):
            raise ServiceError(
                _(
                    "The password must not be one of your last %(count)s passwords.",
                    count=rules["history"],
                )
            )


def password_hint() -> str:
    """The policy in a sentence, for the pages where a password is chosen."""
    rules = _password_rules()
    return _(
        "At least %(count)s characters with 3 of the 4 kinds (capital letters, small letters, "
        "digits, symbols), not containing your username and none of your last %(history)s "
        "passwords.",
        count=rules["length"],
        history=rules["history"],
    )


def password_expired(user: User) -> bool:
    """Whether ``user``'s password is older than ``PASSWORD_MAX_AGE_DAYS`` (0: never)."""
    days = _password_rules()["days"]
    changed = user.password_changed_at or user.created_at
    return bool(days) and changed is not None and utcnow() - changed > dt.timedelta(days=days)


def _set_password(user: User, password: str, event: str) -> None:
    """Store a new password (inside the caller's transaction): its hash, when it was set, a
    row of the history; the forced change is done and every session of the person ends.
    ``event`` (password_changed, password_reset) goes to the audit, without the hash."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    user.must_change_password = False
    user.save(only=[User.password_hash, User.password_changed_at, User.must_change_password])
    PasswordHistory.create(user=user, password_hash=user.password_hash)
    sessions.end_all(user.id, "password")
    emit(Event(event, record=user, actor=user, changes={"password_hash": ["***", "***"]}))


def create_user(
    ctx: Context,
    username: str,
    password: str,
    role_code: str,
    unit: TerritoryUnit,
    scope: str = "subtree",
    display_name: str = "",
    must_change_password: bool = False,
) -> User:
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    if not USERNAME.match(username or ""):
        raise ServiceError(
            _("The username must be 3 to 64 letters, digits or the characters _ . @ -.")
        )
    if User.select().where(User.username == username).exists():
        raise ServiceError(_("The username %(name)s is taken.", name=username))
    check_password_policy(password, username)
    if scope not in SCOPES:
        raise ServiceError(
            _("Unknown scope %(scope)s; use all, subtree, unit or own.", scope=scope)
        )
    role = Role.get_or_none(Role.code == role_code)
    if role is None:
        raise ServiceError(_("Unknown role: %(code)s", code=role_code))
    if unit is None:
        raise ServiceError(_("A territory unit is required."))
    if access is not None:
        _require_core(access, "manage_users")
        check_grant(access, role, unit, scope, first=True)
    with db.atomic():
        user = User.create(
            username=username,
            display_name=display_name or username,
            password_hash=hash_password(password),
            must_change_password=must_change_password,
        )
        PasswordHistory.create(user=user, password_hash=user.password_hash)
        RoleAssignment.create(user=user, role=role, unit=unit, scope=scope)
        emit(
            Event(
                "created",
                record=user,
                actor=actor,
                district_id=unit.district_id,
                changes={
                    "username": [None, username],
                    "role": [None, role_code],
                    "unit": [None, unit.code],
                    "scope": [None, scope],
                },
            )
        )
    return user


def change_password(ctx: Context, current: str, new: str, confirm: str) -> None:
    """The person who acts changes their own password (policy and history hold; every other
    session of theirs ends)."""
    user = ctx.actor
    from core.access import verify_password

    if not verify_password(user, current or ""):
        raise ServiceError(_("The current password is wrong."))
    if new != confirm:
        raise ServiceError(_("The two new passwords differ."))
    if new == current:
        raise ServiceError(_("The new password must differ from the current one."))
    check_password_policy(new, user.username, user)
    with db.atomic():
        _set_password(user, new, "password_changed")


BUILTIN_ROLES = (
    # code, Chinese, English, permissions as (plugin, action)
    ("platform_admin", "平台管理员", "Platform administrator", [("*", "*")]),
    ("district_admin", "区级管理员", "District administrator", [("*", "*")]),
    (
        "street_staff",
        "街道工作人员",
        "Street staff",
        [("*", a) for a in ("read", "create", "update", "export", "approve", "view_personal_data")]
        + [("core", "manage_users"), ("core", "manage_roles"), ("core", "audit")],
    ),
    (
        "community_staff",
        "社区工作人员",
        "Community staff",
        [("*", a) for a in ("read", "create", "update", "export", "view_personal_data")],
    ),
    ("grid_worker", "网格员", "Grid worker", [("*", "read"), ("*", "create"), ("*", "update")]),
    (
        "inspector",
        "检查员",
        "Inspector",
        [("hazards", "read"), ("hazards", "create"), ("hazards", "update"), ("core", "read")],
    ),
    ("volunteer", "志愿者", "Volunteer", [("timebank", "read"), ("timebank", "create")]),
    (
        "org_contact",
        "社会组织联系人",
        "Organisation contact",
        [("socialorgs", "read"), ("socialorgs", "update")],
    ),
    (
        "committee_member",
        "业委会成员",
        "Owners' committee member",
        [("owners", "read"), ("owners", "create"), ("owners", "update")],
    ),
    ("resident", "业主/居民", "Owner or resident", [("owners", "read")]),
    # 三员分立 (GB/T 22239-2019 8.1.4.2 / 8.1.10.x): the three administrators of a system
    (
        "system_admin",
        "系统管理员",
        "System administrator",
        [("core", "manage_users"), ("core", "configure")],
    ),
    ("security_admin", "安全管理员", "Security administrator", [("core", "manage_roles")]),
    ("audit_admin", "审计管理员", "Audit administrator", [("core", "audit")]),
    (
        "property_staff",
        "物业服务人员",
        "Property management staff",
        [
            ("owners.complaint", "read"),
            ("owners.complaint", "update"),
            ("owners.compound_service", "read"),
            ("owners.service_contract", "read"),
            ("hazards.hazard", "read"),
            ("hazards.hazard", "update"),
        ],
    ),
)


PORTAL_ROLES = ("volunteer", "org_contact", "resident")
"""Built-in roles of people served, not staff: they land on the portal and never enter the
admin (居民、业主、志愿者、社会组织联系人)."""


def ensure_builtin_roles() -> None:
    """Create the built-in role templates that are missing (idempotent)."""
    with db.atomic():
        for code, zh, en, perms in BUILTIN_ROLES:
            role, created = Role.get_or_create(
                code=code,
                defaults={
                    "name_zh": zh,
                    "name_en": en,
                    "builtin": True,
                    "staff": code not in PORTAL_ROLES,
                },
            )
            if created:
                for plugin, action in perms:
                    RolePermission.create(role=role, plugin=plugin, action=action)


# -- log in (登录) with throttling ----------------------------------------------------------


def _login_limits() -> dict:
    from flask import current_app

    cfg = current_app.config["LINLI"]
    return {
        "account": cfg["LOGIN_MAX_FAILURES"],
        "address": cfg["LOGIN_IP_MAX_FAILURES"],
        "minutes": cfg["LOGIN_WINDOW_MINUTES"],
        "delay": cfg["LOGIN_IP_DELAY_SECONDS"],
    }


# rows of the log that are no failed try (a wrong reset code, "wrong_code", and a wrong
# second-factor code, "wrong_totp", are); "password_ok" is a right password whose login waits
# for the second factor (core.totp), neither a failure nor a login
NOT_FAILURES = ("throttled", "slowed", "unlocked", "password_ok")


class SecondFactorNeeded(ServiceError):
    """The password was right, and the person has a second factor on: the login is not done
    until :func:`core.totp.verify_login` accepts their code. A caller that only knows
    ``ServiceError`` refuses the login, which is the safe default."""

    def __init__(self, user: User):
        super().__init__(_("Enter the 6-digit code of your authenticator app."))
        self.user = user


def locked_until(username: str) -> dt.datetime | None:
    """When the account's lock ends (UTC), if ``LOGIN_MAX_FAILURES`` passwords were wrong
    within ``LOGIN_WINDOW_MINUTES`` since its last login or unlock; None if not locked.
    Only the account attacked is locked: never the others of the same address."""
    limits = _login_limits()
    now = utcnow()
    reset = (
        LoginAttempt.select(pw.fn.MAX(LoginAttempt.at))
        .where(
            (LoginAttempt.username == username)
            & (LoginAttempt.success | (LoginAttempt.reason == "unlocked"))
        )
        .scalar()
    )
    failures = LoginAttempt.select(LoginAttempt.at).where(
        (LoginAttempt.username == username)
        & ~LoginAttempt.success
        & LoginAttempt.reason.not_in(NOT_FAILURES)
        & (LoginAttempt.at > now - dt.timedelta(minutes=limits["minutes"]))
    )
    if reset is not None:
        failures = failures.where(LoginAttempt.at > reset)
    times = [row.at for row in failures.order_by(LoginAttempt.at.desc()).limit(limits["account"])]
    if len(times) < limits["account"]:
        return None
    return times[0] + dt.timedelta(minutes=limits["minutes"])


def slowed_for(ip: str) -> int:
    """Seconds this address must still wait before its next try: once it has failed
    ``LOGIN_IP_MAX_FAILURES`` times within the window (a guesser or a busy office behind one
    NAT), it may try once every ``LOGIN_IP_DELAY_SECONDS``. It is slowed, never locked out,
    and no account is locked by it."""
    if not ip:
        return 0
    limits = _login_limits()
    now = utcnow()
    recent = LoginAttempt.select().where(
        (LoginAttempt.ip == ip) & (LoginAttempt.at > now - dt.timedelta(minutes=limits["minutes"]))
    )
    failed = recent.where(~LoginAttempt.success & LoginAttempt.reason.not_in(NOT_FAILURES))
    if failed.count() < limits["address"]:
        return 0
    last = recent.select(pw.fn.MAX(LoginAttempt.at)).scalar()
    wait = limits["delay"] - (now - last).total_seconds()
    return max(0, int(wait + 0.999))


def is_throttled(username: str, ip: str) -> bool:
    """Whether a login of ``username`` from ``ip`` would be refused now without a check."""
    return locked_until(username) is not None or slowed_for(ip) > 0


def _local_minute(utc: dt.datetime) -> str:
    from flask import has_request_context
    from flask_babel import format_datetime

    if not has_request_context():
        return utc.strftime("%Y-%m-%d %H:%M UTC")
    return format_datetime(utc.replace(tzinfo=dt.UTC), "yyyy-MM-dd HH:mm")


def _locked_message(until: dt.datetime) -> str:
    return _(
        "Too many failed logins: this account is locked until %(time)s. A security "
        "administrator can unlock it sooner.",
        time=_local_minute(until),
    )


def authenticate(username: str, password: str, ip: str) -> User:
    """Check a login; every attempt is logged (登录日志) and audited, failures are throttled.

    Raises :class:`ServiceError` with the message to show; the message never says whether
    the account exists.
    """
    username = (username or "").strip()[:64]
    user = User.get_or_none(User.username == username)
    until = locked_until(username)
    wait = slowed_for(ip or "")
    if until is not None:
        reason, message = "throttled", _locked_message(until)
    elif wait:
        reason, message = (
            "slowed",
            _(
                "Too many failed logins from this address: try again in %(seconds)s seconds.",
                seconds=wait,
            ),
        )
    elif user is None or not verify_password(user, password or ""):
        reason, message = "wrong_password", _("Wrong username or password.")
    elif not user.is_active:
        reason, message = "disabled", _("This account is disabled. Ask your administrator.")
    else:
        reason, message = "", None
    if message is None and has_second_factor(user):
        LoginAttempt.create(username=username, user=user, ip=ip or "", reason="password_ok")
        raise SecondFactorNeeded(user)
    if message is None:
        return complete_login(user, ip)
    with db.atomic():
        LoginAttempt.create(username=username, user=user, ip=ip or "", reason=reason)
        emit(Event("login_failed", record=user, summary=f"{username} {reason}".strip()))
    raise ServiceError(message)


def has_second_factor(user: User) -> bool:
    """Whether ``user`` logs in with a TOTP code after the password (core.totp)."""
    return (
        UserTotp.select()
        .where((UserTotp.user == user.id) & UserTotp.enabled_at.is_null(False))
        .exists()
    )


def complete_login(user: User, ip: str) -> User:
    """A login done (the password, and the second factor if any, were right): the login log
    and the audit record it; a password too old must be changed before anything else."""
    with db.atomic():
        LoginAttempt.create(username=user.username, user=user, ip=ip or "", success=True)
        user.last_login_at = utcnow()
        if password_expired(user):  # 口令定期更换: change it before anything else
            user.must_change_password = True
        user.save(only=[User.last_login_at, User.must_change_password])
        emit(Event("login", record=user, actor=user, summary=user.username))
    return user


def unlock(ctx: Context, user: User) -> None:
    """A security administrator unlocks an account locked by failed logins (解锁): the
    login log records it, and the failures before it no longer count."""
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    _require_core(access, "manage_roles")
    if locked_until(user.username) is None:
        raise ServiceError(_("%(user)s is not locked.", user=str(user)))
    with db.atomic():
        LoginAttempt.create(username=user.username, user=user, success=False, reason="unlocked")
        emit(Event("user_unlocked", record=user, actor=actor, summary=user.username))


# -- audit retention (日志留存) ---------------------------------------------------------------


def prune_logs(ctx: Context, before: dt.date) -> tuple[int, int]:
    """Delete audit and login log rows from before ``before`` (a date in China); the one
    delete path of the logs, for the operator's CLI. Refused when ``before`` is younger than
    ``AUDIT_RETENTION_DAYS`` (180, 网络安全法 art. 21): nothing is deleted then. The pruning is
    itself audited. Returns (audit rows, login rows) deleted."""
    actor, today = ctx.actor, ctx.today()
    from zoneinfo import ZoneInfo

    from flask import current_app

    cfg = current_app.config["LINLI"]
    days = cfg["AUDIT_RETENTION_DAYS"]
    latest = today - dt.timedelta(days=days)
    if before > latest:
        raise ServiceError(
            _(
                "Audit and login logs are kept at least %(days)s days: only records from "
                "before %(date)s can be pruned.",
                days=days,
                date=latest.isoformat(),
            )
        )
    local_midnight = dt.datetime.combine(before, dt.time(), ZoneInfo(cfg["TIMEZONE"]))
    cut = local_midnight.astimezone(dt.UTC).replace(tzinfo=None)
    with db.atomic():
        audit = pw.ModelDelete(AuditLog).where(AuditLog.at < cut).execute()
        logins = pw.ModelDelete(LoginAttempt).where(LoginAttempt.at < cut).execute()
        emit(
            Event(
                "logs_pruned",
                actor=actor,
                summary=f"before {before.isoformat()}: audit {audit}, logins {logins}",
            )
        )
    return audit, logins


# -- password reset (密码重置) ----------------------------------------------------------------

RESET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _code_hash(code: str) -> str:
    import hashlib

    plain = re.sub(r"[\s-]", "", code or "").upper()
    return hashlib.sha256(plain.encode()).hexdigest()


def _reset_minutes() -> int:
    from flask import current_app, has_app_context

    return current_app.config["LINLI"]["RESET_CODE_MINUTES"] if has_app_context() else 30


def issue_reset_code(ctx: Context, user: User) -> tuple[str, dt.datetime]:
    """A one-time reset code for ``user`` (e.g. ``K7QM-2XPD-9RTA``), valid
    ``RESET_CODE_MINUTES``: returned once to be handed over in person or by phone, stored
    only as a hash; an earlier unused code of the user stops working. A trusted context is
    the operator's CLI. Returns the code and when it expires (UTC)."""
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    import secrets

    _require_core(access, "manage_roles")
    if not user.is_active:
        raise ServiceError(_("This account is disabled. Ask your administrator."))
    plain = "".join(secrets.choice(RESET_ALPHABET) for _ in range(12))
    code = "-".join(plain[k : k + 4] for k in range(0, 12, 4))
    now = utcnow()
    expires = now + dt.timedelta(minutes=_reset_minutes())
    with db.atomic():
        PasswordReset.update(expires_at=now).where(
            (PasswordReset.user == user)
            & PasswordReset.used_at.is_null()
            & (PasswordReset.expires_at > now)
        ).execute()
        PasswordReset.create(
            user=user,
            code_hash=_code_hash(code),
            issued_by=actor,
            created_at=now,
            expires_at=expires,
        )
        emit(Event("reset_code_issued", record=user, actor=actor, summary=user.username))
    return code, expires


def reset_password(username: str, code: str, new: str, confirm: str, ip: str = "") -> User:
    """Set a new password with a reset code: the code is used up, the password policy holds
    (history included), every session of the person ends. A wrong or expired code counts as
    a failed login (the account locks after ``LOGIN_MAX_FAILURES``) and changes nothing."""
    username = (username or "").strip()[:64]
    until = locked_until(username)
    if until is not None:
        raise ServiceError(_locked_message(until))
    user = User.get_or_none(User.username == username)
    now = utcnow()
    row = None
    if user is not None and user.is_active:
        row = PasswordReset.get_or_none(
            (PasswordReset.user == user)
            & (PasswordReset.code_hash == _code_hash(code))
            & PasswordReset.used_at.is_null()
            & (PasswordReset.expires_at > now)
        )
    if row is None:
        LoginAttempt.create(username=username, user=user, ip=ip or "", reason="wrong_code")
        raise ServiceError(_("The username or the reset code is wrong, or the code has expired."))
    if new != confirm:
        raise ServiceError(_("The two new passwords differ."))
    check_password_policy(new, user.username, user)
    with db.atomic():
        claimed = (
            PasswordReset.update(used_at=now)
            .where((PasswordReset.id == row.id) & PasswordReset.used_at.is_null())
            .execute()
        )
        if claimed != 1:
            raise ServiceError(
                _("The username or the reset code is wrong, or the code has expired.")
            )
        _set_password(user, new, "password_reset")
    return user


# -- roles and assignments (角色与授权) ------------------------------------------------------


def _covers(held: set[tuple[str, str]], perm: tuple[str, str]) -> bool:
    return covers(held, *perm)


SECURITY_ONLY = {("core", "manage_roles")}
"""What a security administrator (安全管理员) holds: roles and grants, unlocks, reset codes
and sessions, and no business data and no account creation."""


def _require_core(access, action: str) -> None:
    if access is not None and not access.can("core", action):
        raise ServiceError(_("You are not allowed to do this."))


def known_permission(target: str, action: str) -> bool:
    """Whether ``target:action`` names something a role can be granted: ``*``, a plugin or
    one of its resources (``owners.owner``), and a standard or plugin-declared action."""
    from flask import has_app_context

    if not has_app_context():
        return True
    from core.registry import kernel_state

    state = kernel_state()
    if target == "*":
        return action == "*" or any(action in acts for acts in state.actions.values())
    plugin = target.split(".", 1)[0]
    if plugin not in state.actions:
        return False
    if "." in target and target not in state.resources.get(plugin, ()):
        return False
    return action == "*" or action in state.actions[plugin]


def held_at(access, unit: TerritoryUnit) -> set[tuple[str, str]]:
    """Permissions ``access`` holds over ``unit`` (assignments whose scope covers it)."""
    held: set[tuple[str, str]] = set()
    for a in access.assignments:
        if (
            a.scope == "all"
            or (a.scope == "subtree" and unit.path.startswith(a.unit.path))
            or (a.scope in ("unit", "own") and a.unit_id == unit.id)
        ):
            held |= access.grants.get(a.role_id, set())
    return held


def check_grant(
    access, role: Role, unit: TerritoryUnit, scope: str, user=None, first: bool = False
) -> None:
    """Refuse a grant the actor may not make: no privilege escalation.

    The actor needs ``core:manage_roles`` (or, delegated, ``core:manage_users``) over the
    unit and may not grant roles to their own account (三员分立: nobody widens their own
    rights). A delegated administrator grants only roles whose permissions they hold; a
    security administrator, who holds no business permission, grants any role but never
    the scope ``all``. A new account (``first``) may also start with a portal role (a
    resident's, a volunteer's): the system administrator creates accounts, the security
    administrator then grants staff roles."""
    if scope not in SCOPES:
        raise ServiceError(
            _("Unknown scope %(scope)s; use all, subtree, unit or own.", scope=scope)
        )
    if access is None:  # a trusted caller (the operator's CLI, the demo loader)
        return
    if access.is_platform_admin:
        return
    if scope == "all":
        raise ServiceError(_("Only a platform administrator may grant the scope “all”."))
    held = held_at(access, unit)
    if not (_covers(held, ("core", "manage_roles")) or _covers(held, ("core", "manage_users"))):
        raise ServiceError(_("You may not assign roles in %(unit)s.", unit=unit.name))
    if user is not None and access.user is not None and user.id == access.user.id:
        raise ServiceError(_("You may not grant or revoke roles of your own account."))
    if held <= SECURITY_ONLY or (first and not role.staff):
        return
    perms = {(p.plugin, p.action) for p in role.permissions}
    if not all(_covers(held, perm) for perm in perms):
        raise ServiceError(
            _(
                "You cannot grant the role %(role)s: it has permissions you do not hold.",
                role=str(role),
            )
        )


def assign_role(
    ctx: Context, user: User, role: Role, unit: TerritoryUnit, scope: str
) -> RoleAssignment:
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    if user is None or role is None or unit is None:
        raise ServiceError(_("User, role and territory unit are all required."))
    check_grant(access, role, unit, scope, user)
    if (
        RoleAssignment.select()
        .where(
            (RoleAssignment.user == user)
            & (RoleAssignment.role == role)
            & (RoleAssignment.unit == unit)
        )
        .exists()
    ):
        raise ServiceError(_("%(user)s already holds this role there.", user=str(user)))
    with db.atomic():
        assignment = RoleAssignment.create(user=user, role=role, unit=unit, scope=scope)
        sessions.end_all(user.id, "roles")
        emit(
            Event(
                "role_granted",
                record=assignment,
                actor=actor,
                district_id=unit.district_id,
                changes={
                    "user": [None, user.username],
                    "role": [None, role.code],
                    "unit": [None, unit.code],
                    "scope": [None, scope],
                },
            )
        )
    return assignment


def revoke_role(ctx: Context, assignment: RoleAssignment) -> None:
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    check_grant(access, assignment.role, assignment.unit, assignment.scope, assignment.user)
    with db.atomic():
        emit(
            Event(
                "role_revoked",
                record=assignment,
                actor=actor,
                district_id=assignment.unit.district_id,
                changes={
                    "user": [assignment.user.username, None],
                    "role": [assignment.role.code, None],
                    "unit": [assignment.unit.code, None],
                    "scope": [assignment.scope, None],
                },
            )
        )
        assignment.delete_instance()
        sessions.end_all(assignment.user_id, "roles")


def set_role_permissions(ctx: Context, role: Role, perms: set[tuple[str, str]]) -> None:
    """Replace a custom role's permissions; the actor must hold every one they grant."""
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    if role.builtin:
        raise ServiceError(
            _("Built-in roles are templates and cannot be changed; create a custom role instead.")
        )
    _require_core(access, "manage_roles")
    unknown = sorted(f"{p}:{a}" for p, a in perms if not known_permission(p, a))
    if unknown:
        raise ServiceError(_("Unknown permissions: %(list)s.", list=", ".join(unknown)))
    if access is not None and not access.is_platform_admin:
        held = set().union(*(access.grants.get(a.role_id, set()) for a in access.assignments))
        missing = (
            []
            if held <= SECURITY_ONLY
            else sorted(f"{p}:{a}" for p, a in perms if not _covers(held, (p, a)))
        )
        if missing:
            raise ServiceError(
                _(
                    "You cannot grant permissions you do not hold: %(list)s.",
                    list=", ".join(missing),
                )
            )
    before = sorted(f"{p.plugin}:{p.action}" for p in role.permissions)
    with db.atomic():
        RolePermission.delete().where(RolePermission.role == role).execute()
        for plugin, action in sorted(perms):
            RolePermission.create(role=role, plugin=plugin, action=action)
        emit(
            Event(
                "permissions_changed",
                record=role,
                actor=actor,
                changes={"permissions": [before, sorted(f"{p}:{a}" for p, a in perms)]},
            )
        )


def set_active(ctx: Context, user: User, active: bool) -> None:
    actor = ctx.actor
    _require_core(None if ctx.system else ctx.access, "manage_users")
    if actor is not None and user.id == actor.id and not active:
        raise ServiceError(_("You cannot disable your own account."))
    with db.atomic():
        User.update(is_active=active).where(User.id == user.id).execute()
        if not active:
            sessions.end_all(user.id, "disabled")
        emit(
            Event(
                "user_enabled" if active else "user_disabled",
                record=user,
                actor=actor,
                changes={"is_active": [not active, active]},
            )
        )
