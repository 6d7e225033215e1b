"""Translation helpers (国际化): Chinese (zh_Hans) first, English second, via Flask-Babel."""

from flask import has_request_context, request, session
from flask_babel import Babel, get_locale, gettext, lazy_gettext, ngettext

__all__ = ["babel", "gettext", "lazy_gettext", "ngettext", "get_locale", "select_locale"]

LOCALES = ("zh_Hans_CN", "en")

babel = Babel()


def select_locale() -> str:
    """The interface language: the user's choice in the session, else the instance default."""
    from flask import current_app

    if has_request_context():
        chosen = session.get("locale") or request.args.get("lang")
        if chosen in LOCALES:
            return chosen
    return current_app.config.get("LINLI", {}).get("DEFAULT_LOCALE", "zh_Hans_CN")
