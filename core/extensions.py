"""Flask extensions (Flask 扩展) shared by the factory and the web surfaces: CSRF protection
and the login manager, created once here and bound to an application by :mod:`core.app`.

Web layer: the API's views and wiring use ``csrf`` without importing the factory.
"""

from __future__ import annotations

from flask import session
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from core import sessions
from core.models import User

csrf = CSRFProtect()
login_manager = LoginManager()


@login_manager.user_loader
def _load_user(user_id: str):
    """The user of the request's login session, while the session lives on the server
    (:mod:`core.sessions`): an ended, idle or too old session is no login at all."""
    if not user_id.isdigit():
        return None
    if sessions.resume(session.get("sid"), int(user_id)) is None:
        return None
    user = User.get_or_none(User.id == int(user_id))
    return user if user and user.is_active else None
