"""Data in and out (数据接口): the REST API under ``/api/v1`` with its OpenAPI document,
personal API tokens, and spreadsheet import and export, for every model a plugin gives a
marshmallow schema (hook ``linli_schemas``).

A core feature module wired by :mod:`core.builtin`: MODELS, admin_views, blueprints and
commands.
"""

from __future__ import annotations

from core.api.models import ApiToken

MODELS = [ApiToken]


def admin_views(admin) -> list:
    from core.api.admin import admin_views as views

    return views(admin)


def blueprints() -> list:
    from core.api.views import bp
    from core.extensions import csrf

    csrf.exempt(bp)  # token calls need no CSRF token; session calls are checked in the view
    return [bp]


def commands() -> list:
    from core.api.cli import commands as found

    return found()


def personal_data(user) -> list:
    """The person's API tokens (never the token itself)."""
    from core.i18n import lazy_gettext as _l
    from core.privacy import records_section

    rows = ApiToken.select().where(ApiToken.user == user.id).order_by(ApiToken.created_at)
    fields = ["name", "prefix", "can_write", "created_at", "expires_at", "revoked_at"]
    return [records_section("core.api_tokens", _l("API tokens"), ApiToken, rows, fields)]


def erase_personal_data(user, pseudonym) -> dict:
    """Every token of the person stops working."""
    from core.models import utcnow

    revoked = (
        ApiToken.update(revoked_at=utcnow())
        .where((ApiToken.user == user.id) & ApiToken.revoked_at.is_null())
        .execute()
    )
    return {"core_api_token": revoked}
