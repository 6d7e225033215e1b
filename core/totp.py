"""The optional TOTP second factor (动态口令, RFC 6238) of staff accounts (等保2.0 身份鉴别 d:
two or more means of authentication for administrators at level 3).

A staff member enrols from their account page (``/auth/totp``): the page shows a new secret
and its ``otpauth://`` provisioning URI (and a QR code) for an authenticator app, and the
person confirms with a current code; only then is the second factor on. The secret is kept
as it is (a TOTP needs it) and never shown again. A login then takes the password and a
6-digit code; a wrong code counts as a failed login (the account locks after
``LOGIN_MAX_FAILURES``), and a code already used (its time step, or an earlier one) is
refused. With ``TOTP_REQUIRED_FOR_ADMINS`` on (level 3), an administrator without a second
factor can only enrol after logging in. A security administrator resets a lost one
(:func:`reset_totp`, the user list's action, ``linli users reset-totp``).

Services layer: no request objects; the login page (:mod:`core.auth`) keeps the state of a
login waiting for its code.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import TYPE_CHECKING

import pyotp

from core.access import Access, verify_password
from core.db import db
from core.errors import ServiceError
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import LoginAttempt, User, UserTotp, utcnow
from core.services import (
    _locked_message,
    complete_login,
    has_second_factor,
    locked_until,
    slowed_for,
)

if TYPE_CHECKING:
    from core.commands import Context

ISSUER = "Linli"
DIGITS = 6
INTERVAL = 30
# codes of the step before and after the current one are accepted (clock drift of the phone)
DRIFT_STEPS = 1
# an administrator role by name: the built-in ones and the separated administrators of
# 等保2.0 level 3 (系统管理员, 安全管理员, 审计管理员), whatever their permissions
ADMIN_ROLES = ("platform_admin", "district_admin", "system_admin", "security_admin", "audit_admin")
# ...and any role holding one of these permissions
ADMIN_PERMISSIONS = (
    ("core", "manage_users"),
    ("core", "manage_roles"),
    ("core", "configure"),
    ("core", "audit"),
)


def is_enabled(user: User | None) -> bool:
    """Whether ``user`` logs in with a code after the password."""
    return user is not None and has_second_factor(user)


def is_administrator(access: Access | None) -> bool:
    """Whether ``access`` holds an administrator role (see :data:`ADMIN_ROLES` and
    :data:`ADMIN_PERMISSIONS`)."""
    if access is None or access.user is None:
        return False
    if any(a.role.code in ADMIN_ROLES for a in access.assignments):
        return True
    return any(access.can(plugin, action) for plugin, action in ADMIN_PERMISSIONS)


def required() -> bool:
    from flask import current_app

    return bool(current_app.config["LINLI"].get("TOTP_REQUIRED_FOR_ADMINS"))


def must_enrol(access: Access | None) -> bool:
    """Whether the person of ``access`` may do nothing but enrol: ``TOTP_REQUIRED_FOR_ADMINS``
    is on, they are an administrator and have no second factor yet."""
    return (
        access is not None
        and access.user is not None
        and required()
        and is_administrator(access)
        and not is_enabled(access.user)
    )


def _now_step(now: dt.datetime) -> int:
    return int(now.replace(tzinfo=dt.UTC).timestamp()) // INTERVAL


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    """The time step whose code ``code`` is (within the drift), or None."""
    code = "".join((code or "").split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)
    current = _now_step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _pending(user: User) -> UserTotp | None:
    return UserTotp.get_or_none((UserTotp.user == user.id) & UserTotp.enabled_at.is_null())


def _enabled(user: User) -> UserTotp | None:
    return UserTotp.get_or_none((UserTotp.user == user.id) & UserTotp.enabled_at.is_null(False))


# -- enrolment (绑定) ------------------------------------------------------------------------


def begin_enrolment(ctx: Context) -> tuple[str, str]:
    """The secret and ``otpauth://`` URI the acting staff member adds to their authenticator
    app (the same ones until they confirm). Shown on the enrolment page only, before the
    second factor is on; refused once it is."""
    user = ctx.actor
    if user is None or not Access(user).is_staff:
        raise ServiceError(_("Only staff accounts can use a second factor."))
    if is_enabled(user):
        raise ServiceError(_("Your second factor is already on."))
    row = _pending(user)
    if row is None:
        row = UserTotp.create(user=user, secret=pyotp.random_base32(), created_at=ctx.clock.now())
    return row.secret, provisioning_uri(row.secret, user)


def provisioning_uri(secret: str, user: User) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=user.username, issuer_name=ISSUER
    )


def qr_data_uri(uri: str) -> str:
    """The provisioning URI as a QR code, an SVG ``data:`` URI for an ``<img>``."""
    import segno

    return segno.make(uri, error="m").svg_data_uri(scale=5)


def confirm_enrolment(ctx: Context, code: str) -> None:
    """Turn the second factor on with a current code of the new secret; a wrong code is
    refused and leaves it off."""
    user = ctx.actor
    row = _pending(user) if user is not None else None
    if row is None:
        raise ServiceError(_("Open the enrolment page first."))
    step = _matching_step(row.secret, code, ctx.clock.now())
    if step is None:
        raise ServiceError(_("The code is wrong. Check the time of your phone and try again."))
    with db.atomic():
        claimed = (
            UserTotp.update(enabled_at=ctx.clock.now(), last_step=step)
            .where((UserTotp.id == row.id) & UserTotp.enabled_at.is_null())
            .execute()
        )
        if claimed != 1:
            raise ServiceError(_("Your second factor is already on."))
        emit(Event("totp_enabled", record=user, actor=user, summary=user.username))


def disable(ctx: Context, password: str, code: str) -> None:
    """The acting person turns their second factor off with their password and a current
    code. Refused while ``TOTP_REQUIRED_FOR_ADMINS`` holds for them."""
    user = ctx.actor
    row = _enabled(user) if user is not None else None
    if row is None:
        raise ServiceError(_("Your second factor is not on."))
    if required() and is_administrator(Access(user)):
        raise ServiceError(_("Administrators must keep a second factor."))
    if not verify_password(user, password or ""):
        raise ServiceError(_("The current password is wrong."))
    if not _use_code(row, code, ctx.clock.now()):
        raise ServiceError(_("The code is wrong or has been used already."))
    with db.atomic():
        UserTotp.delete().where(UserTotp.id == row.id).execute()
        emit(Event("totp_disabled", record=user, actor=user, summary=user.username))


def reset_totp(ctx: Context, user: User) -> None:
    """A security administrator removes someone's second factor (a lost phone): they log in
    with their password alone and may enrol again (must, if it is required of them)."""
    actor, access = ctx.actor, (None if ctx.system else ctx.access)
    if access is not None and not access.can("core", "manage_roles"):
        raise ServiceError(_("You are not allowed to do this."))
    if not UserTotp.select().where(UserTotp.user == user.id).exists():
        raise ServiceError(_("%(user)s has no second factor.", user=str(user)))
    with db.atomic():
        UserTotp.delete().where(UserTotp.user == user.id).execute()
        emit(Event("totp_reset", record=user, actor=actor, summary=user.username))


# -- login (登录的第二步) --------------------------------------------------------------------


def _use_code(row: UserTotp, code: str, now: dt.datetime) -> bool:
    """Accept ``code`` once: its time step must be later than the last one used."""
    step = _matching_step(row.secret, code, now)
    if step is None or (row.last_step is not None and step <= row.last_step):
        return False
    claimed = (
        UserTotp.update(last_step=step)
        .where(
            (UserTotp.id == row.id) & (UserTotp.last_step.is_null() | (UserTotp.last_step < step))
        )
        .execute()
    )
    return claimed == 1


def verify_login(user_id: int, code: str, ip: str) -> User:
    """The second step of a login whose password was right: the code of the person's
    authenticator. A wrong or reused code is a failed login (logged, counted for the lock of
    the account and the slowing of the address); the login is done only with a right one."""
    user = User.get_or_none(User.id == user_id)
    if user is None or not user.is_active:
        raise ServiceError(_("This account is disabled. Ask your administrator."))
    until = locked_until(user.username)
    if until is not None:
        LoginAttempt.create(username=user.username, user=user, ip=ip or "", reason="throttled")
        raise ServiceError(_locked_message(until))
    wait = slowed_for(ip or "")
    if wait:
        LoginAttempt.create(username=user.username, user=user, ip=ip or "", reason="slowed")
        raise ServiceError(
            _(
                "Too many failed logins from this address: try again in %(seconds)s seconds.",
                seconds=wait,
            )
        )
    row = _enabled(user)
    if row is None:  # reset meanwhile: the password alone was the whole login
        return complete_login(user, ip)
    if not _use_code(row, code, utcnow()):
        with db.atomic():
            LoginAttempt.create(username=user.username, user=user, ip=ip or "", reason="wrong_totp")
            emit(Event("login_failed", record=user, summary=f"{user.username} wrong_totp"))
        until = locked_until(user.username)
        if until is not None:
            raise ServiceError(_locked_message(until))
        raise ServiceError(_("The code is wrong or has been used already."))
    return complete_login(user, ip)
