"""Flask extensions (Flask 扩展) shared by the factory and the web surfaces: CSRF protection
and the login manager, created once here and bound to an application by :mod:`core.app`.

Web layer: the API's views and wiring use ``csrf`` without importing the factory.
"""

from __future__ import annotations

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from core.models import User

csrf = CSRFProtect()
login_manager = LoginManager()


@login_manager.user_loader
def _load_user(user_id: str):
    if not user_id.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    return user if user and user.is_active else None
