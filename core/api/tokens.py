"""Token services (令牌服务): create, revoke, authenticate, rate-limit.

A token is ``lk_`` followed by 43 random URL-safe characters; the database keeps its SHA-256
(the token carries 256 random bits, so a fast hash is enough, as for GitHub's tokens) and its
first characters, to recognise it in lists. It is shown once, when it is created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
import time
from typing import TYPE_CHECKING

from core.db import db
from core.events import Event, emit
from core.i18n import gettext as _
from core.models import User, utcnow
from core.services import ServiceError

from .models import ApiToken

PREFIX = "lk_"
MAX_DAYS = 3650

if TYPE_CHECKING:  # annotations only
    from core.commands import Context


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    ctx: Context, user: User, name: str = "", write: bool = False, days: int | None = 90
) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns (row, the token in clear, to show once)."""
    actor = ctx.actor
    if user is None or not user.is_active:
        raise ServiceError(_("Tokens are only issued to active users."))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ServiceError(_("A token lasts 1 to %(max)s days.", max=MAX_DAYS))
    name = (name or "").strip()
    if len(name) > 64:
        raise ServiceError(_("The name must be at most 64 characters."))
    token = PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    with db.atomic():
        row = ApiToken.create(
            user=user,
            name=name,
            prefix=token[:10],
            token_hash=digest(token),
            can_write=bool(write),
            created_at=now,
            expires_at=now + dt.timedelta(days=days) if days else None,
        )
        emit(
            Event(
                "created",
                record=row,
                actor=actor or user,
                summary=f"API token {row.prefix}… for {user.username}",
                changes={"user": [None, user.username], "can_write": [None, bool(write)]},
            )
        )
    return row, token


def revoke_token(ctx: Context, row: ApiToken) -> None:
    actor = ctx.actor
    if row.revoked_at is not None:
        return
    with db.atomic():
        ApiToken.update(revoked_at=utcnow()).where(ApiToken.id == row.id).execute()
        emit(
            Event(
                "updated",
                record=row,
                actor=actor,
                summary=f"API token {row.prefix}… revoked",
                changes={"revoked_at": [None, "now"]},
            )
        )


class TokenRefused(Exception):
    """Why a presented token is not accepted (the message is shown to the client)."""


def authenticate(token: str) -> tuple[User, ApiToken]:
    """The user and row of a presented token; TokenRefused when unknown, revoked, expired or
    its user is inactive."""
    row = (
        ApiToken.select(ApiToken, User)
        .join(User)
        .where(ApiToken.token_hash == digest(token or ""))
        .first()
    )
    if row is None:
        raise TokenRefused(_("The API token is not valid."))
    if row.revoked_at is not None:
        raise TokenRefused(_("The API token has been revoked."))
    now = utcnow()
    if row.expires_at is not None and row.expires_at <= now:
        raise TokenRefused(_("The API token has expired."))
    if not row.user.is_active:
        raise TokenRefused(_("The API token's user is not active."))
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(
        minutes=1
    ):  # one write a minute at most
        ApiToken.update(last_used_at=now).where(ApiToken.id == row.id).execute()
    return row.user, row


class RateLimiter:
    """A fixed one-minute window per token, counted in this process."""

    def __init__(self):
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}

    def allow(self, key: str, limit: int) -> tuple[bool, int]:
        """(allowed, seconds until the window resets)."""
        now = time.monotonic()
        minute = int(now // 60)
        with self._lock:
            window, count = self._windows.get(key, (minute, 0))
            if window != minute:
                window, count = minute, 0
            count += 1
            self._windows[key] = (window, count)
            if len(self._windows) > 10000:  # forget old windows
                self._windows = {k: v for k, v in self._windows.items() if v[0] == minute}
        return count <= limit, 60 - int(now % 60)


limiter = RateLimiter()
