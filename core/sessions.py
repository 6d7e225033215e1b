"""Login sessions kept on the server (登录会话管理, 等保2.0 身份鉴别 / 访问控制).

A login creates a :class:`~core.models.UserSession` row and gives the browser a random key
(in the signed session cookie; only its SHA-256 is stored). Each request resumes the session
by that key (see ``core.extensions``): a session that was ended, has been idle longer than
``SESSION_IDLE_MINUTES`` (default 15, at most 30) or is older than ``SESSION_MINUTES``
(default 480) is refused and the person logs in again.

Sessions end on logout, on a password change (all of the person's sessions: the new one is
begun afresh), when the account is disabled or its roles change, and when a security
administrator ends them (强制下线). A copied cookie is then worthless.

Services layer: no request objects; the web layer passes the key, address and browser.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from core.db import db
from core.errors import ServiceError
from core.events import Event, emit
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.models import RoleAssignment, TerritoryUnit, User, UserSession, utcnow

REASONS = {
    "logout": _l("Logged out"),
    "password": _l("Password changed"),
    "disabled": _l("Account disabled"),
    "roles": _l("Roles changed"),
    "forced": _l("Ended by an administrator"),
    "idle": _l("Idle too long"),
    "expired": _l("Lifetime reached"),
    "erased": _l("Personal information erased"),
}
TOUCH_SECONDS = 60  # last activity is written at most once a minute per session


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _limits() -> tuple[dt.timedelta, dt.timedelta]:
    from flask import current_app

    cfg = current_app.config["LINLI"]
    return (
        dt.timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]),
        dt.timedelta(minutes=cfg["SESSION_MINUTES"]),
    )


def begin(user: User, ip: str = "", agent: str = "") -> str:
    """A new session of ``user``; returns its key (for the cookie, never stored)."""
    key = secrets.token_urlsafe(32)
    UserSession.create(
        user=user, key_hash=_hash(key), ip=(ip or "")[:64], user_agent=(agent or "")[:255]
    )
    return key


def _end(query, reason: str) -> int:
    return (
        UserSession.update(ended_at=utcnow(), end_reason=reason)
        .where(query & UserSession.ended_at.is_null())
        .execute()
    )


def resume(key: str | None, user_id: int) -> UserSession | None:
    """The live session of ``user_id`` with ``key``, its last activity noted; None (and the
    session ended) when it was ended, is idle too long or too old."""
    if not key:
        return None
    row = UserSession.get_or_none(UserSession.key_hash == _hash(key))
    if row is None or row.ended_at is not None or row.user_id != user_id:
        return None
    now = utcnow()
    idle, lifetime = _limits()
    reason = "idle" if now - row.last_seen_at > idle else None
    if now - row.created_at > lifetime:
        reason = "expired"
    if reason:
        _end(UserSession.id == row.id, reason)
        return None
    if (now - row.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        UserSession.update(last_seen_at=now).where(UserSession.id == row.id).execute()
    return row


def end(key: str | None, reason: str = "logout") -> None:
    """End the session with ``key`` (logout)."""
    if key:
        _end(UserSession.key_hash == _hash(key), reason)


def end_all(user_id: int, reason: str) -> int:
    """End every live session of the user (password changed, account disabled, roles
    changed); inside the caller's transaction. Returns how many ended."""
    return _end(UserSession.user == user_id, reason)


def live(user: User | None = None):
    """Live sessions (not ended; idleness is judged when they are next used), newest first."""
    query = UserSession.select().where(UserSession.ended_at.is_null())
    if user is not None:
        query = query.where(UserSession.user == user)
    return query.order_by(UserSession.last_seen_at.desc())


def manageable_users(access, district_id: int | None):
    """Ids of the users holding a role in a unit (of the district) where ``access`` may
    manage roles and sessions (``core:manage_roles``), as a sub-select; None when it may nowhere."""
    if access is None or not access.can("core", "manage_roles"):
        return None
    units = TerritoryUnit.select(TerritoryUnit.id).where(
        access.unit_condition("core", "manage_roles")
    )
    if district_id is not None:
        units = units.where(TerritoryUnit.district_id == district_id)
    return RoleAssignment.select(RoleAssignment.user).where(RoleAssignment.unit.in_(units))


def force_end(ctx, session_ids) -> int:
    """A security administrator ends sessions (强制下线): only those of people they manage
    (see :func:`manageable_users`); otherwise nothing ends and the refusal says so."""
    ids = [int(i) for i in session_ids]
    query = UserSession.select().where(UserSession.id.in_(ids))
    if not ctx.system:
        members = manageable_users(ctx.access, ctx.district_id)
        query = query.where(UserSession.user.in_(members)) if members is not None else None
    rows = list(query) if query is not None else []
    if not ids or len(rows) != len(set(ids)):
        raise ServiceError(_("You may not end these sessions."))
    with db.atomic():
        count = _end(UserSession.id.in_([r.id for r in rows]), "forced")
        for user_id in sorted({r.user_id for r in rows}):
            emit(
                Event(
                    "sessions_ended",
                    record=User.get_by_id(user_id),
                    actor=ctx.actor,
                    district_id=ctx.district_id,
                    summary="forced",
                )
            )
    return count
