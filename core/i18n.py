"""Translation helpers (国际化): Chinese (zh_Hans) first, English second, via Flask-Babel.

The catalogues of the core and of every plugin are merged into one per language, so one
English msgid has one Chinese translation everywhere. Where one English word means two
things ("Open" for a complaint and for a service request, "Address" of a building and of
a computer), give it a message context: ``pgettext("complaint", "Open")`` /
``lazy_pgettext(...)``; ``tests/core/test_i18n.py`` fails on a msgid translated two ways."""

from functools import cached_property

from flask import current_app, has_request_context, request, session
from flask_babel import (
    Babel,
    Domain,
    get_locale,
    gettext,
    lazy_gettext,
    lazy_pgettext,
    ngettext,
    pgettext,
)

__all__ = [
    "Label",
    "babel",
    "gettext",
    "lazy_gettext",
    "lazy_pgettext",
    "ngettext",
    "pgettext",
    "get_locale",
    "select_locale",
]

LOCALES = ("zh_Hans_CN", "en")


class AppDomain(Domain):
    """Loaded catalogues cached per application, not per process: each application merges
    the catalogues of its own plugins (Flask-Babel keeps one cache for all of them)."""

    def get_translations_cache(self, ctx):
        return current_app.extensions.setdefault("linli_translations_cache", {})


class AppBabel(Babel):
    @cached_property
    def domain_instance(self):
        return AppDomain(domain=self.domain)


babel = AppBabel()


def select_locale() -> str:
    """The interface language: the user's choice in the session, else the instance default."""
    from flask import current_app

    if has_request_context():
        chosen = session.get("locale") or request.args.get("lang")
        if chosen in LOCALES:
            return chosen
    return current_app.config.get("LINLI", {}).get("DEFAULT_LOCALE", "zh_Hans_CN")


def is_english() -> bool:
    from flask import has_app_context

    return has_app_context() and str(get_locale() or "").startswith("en")


class Label:
    """A name given in both languages as data (a plugin's label, a role's name), shown in the
    current interface language when rendered."""

    def __init__(self, zh: str, en: str):
        self.zh, self.en = zh, en

    def __str__(self) -> str:
        return self.en if is_english() else self.zh

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

    def __eq__(self, other) -> bool:
        return isinstance(other, Label) and (self.zh, self.en) == (other.zh, other.en)

    def __repr__(self) -> str:
        return f"Label({self.zh!r}, {self.en!r})"
