"""HTTP security headers and friendly error pages (安全响应头与错误页)."""

from __future__ import annotations

from flask import jsonify, render_template, request

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; font-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)


def init_app(app) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    for code in (400, 403, 404, 405, 413, 500):
        app.register_error_handler(code, _page(code))

    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, _csrf_error)


def _page(code: int):
    def handler(error):
        if request.path.startswith("/api/"):
            return _json(code, getattr(error, "description", "") or "")
        return render_template("error.html", code=code), code

    return handler


def _json(code: int, description: str):
    """API clients get JSON errors, never an HTML page."""
    from werkzeug.http import HTTP_STATUS_CODES

    return jsonify({"message": description or HTTP_STATUS_CODES.get(code, "")}), code


def _csrf_error(error):
    if request.path.startswith("/api/"):
        return _json(400, str(error.description))
    return render_template("error.html", code=400, csrf=True), 400
