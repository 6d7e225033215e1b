"""HTTP security headers and friendly error pages (安全响应头与错误页)."""

from __future__ import annotations

from flask import render_template

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
        return render_template("error.html", code=code), code

    return handler


def _csrf_error(error):
    return render_template("error.html", code=400, csrf=True), 400
