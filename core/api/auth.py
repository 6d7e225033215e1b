"""Who calls the API (接口身份): a personal token (``Authorization: Bearer <token>``) or the
session cookie of a logged-in user. Called by the application before the request context is
worked out, for paths under ``/api/``."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from core.i18n import gettext as _

from .tokens import TokenRefused, authenticate, limiter

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def error(status: int, message: str, errors=None, headers=None):
    body = {"message": message}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def bearer_login():
    """Log the token's user in for this request; a JSON 401/429 response when refused."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        message = _("Use the header “Authorization: Bearer <token>”.")
        return error(
            401, message, {"Authorization": [message]}, headers={"WWW-Authenticate": "Bearer"}
        )
    try:
        user, row = authenticate(token.strip())
    except TokenRefused as exc:
        return error(401, str(exc), headers={"WWW-Authenticate": "Bearer"})
    limit = current_app.config["LINLI"]["API_RATE_LIMIT"]
    allowed, reset = limiter.allow(row.token_hash, limit)
    if not allowed:
        return error(
            429,
            _("Too many requests: at most %(limit)s a minute per token.", limit=limit),
            headers={"Retry-After": str(reset)},
        )
    g._login_user = user  # Flask-Login's current user for this request, not the session's
    g.api_token = row
    return None
