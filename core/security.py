"""HTTP security headers and friendly error pages (安全响应头与错误页).

The Content-Security-Policy (内容安全策略) allows scripts only from our own origin or with the
response's nonce: no ``'unsafe-inline'``, no inline event handlers, no ``javascript:`` URLs, so
that text a user wrote and a page forgot to escape still cannot run. Behaviour that templates
used to write inline (``onclick``, ``onchange``) is declared with ``data-`` attributes and bound
by ``static/linli/page.js``. Flask-Admin writes a few inline handlers of its own; the template
loader below rewrites exactly those, and fails loudly if a Flask-Admin upgrade changes them.
"""

from __future__ import annotations

import secrets

from flask import g, has_request_context, jsonify, render_template, request
from jinja2 import BaseLoader, TemplateNotFound

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'nonce-{nonce}'; object-src 'none'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

# Flask-Admin's templates (bootstrap4 theme) -> (its inline handler, the data attribute that
# static/linli/page.js binds instead).
FLASK_ADMIN_HANDLERS = {
    "admin/model/row_actions.html": [
        (
            "onclick=\"return faHelpers.safeConfirm('{{ _gettext('Are you sure you want to delete "
            "this record?') }}');\"",
            "data-confirm=\"{{ _gettext('Are you sure you want to delete this record?') }}\"",
        )
    ],
    "admin/actions.html": [
        (
            "onclick=\"return modelActions.execute('{{ p[0] }}');\"",
            'data-action="{{ p[0] }}"',
        )
    ],
    "admin/model/layout.html": [(' onclick="return false;"', "")],
    "admin/model/inline_list_base.html": [
        (
            "onclick=\"faForm.addInlineField(this, '{{ field.id }}');\"",
            'data-add-inline="{{ field.id }}"',
        )
    ],
}


def csp_nonce() -> str:
    """This response's script nonce (one per request, made on first use; kept on the request,
    not on ``g``, which an application context shared by several requests would share)."""
    holder = request._get_current_object() if has_request_context() else g
    nonce = getattr(holder, "linli_csp_nonce", None)
    if nonce is None:
        nonce = secrets.token_urlsafe(18)
        holder.linli_csp_nonce = nonce
    return nonce


class HandlerFreeLoader(BaseLoader):
    """Wraps the application's template loader: Flask-Admin's templates listed in
    :data:`FLASK_ADMIN_HANDLERS` come without their inline handlers."""

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        replacements = FLASK_ADMIN_HANDLERS.get(template)
        if replacements and filename and "flask_admin" in filename:
            for old, new in replacements:
                if old not in source:
                    raise TemplateNotFound(
                        f"{template}: Flask-Admin's inline handler changed, update "
                        f"core.security.FLASK_ADMIN_HANDLERS ({old})"
                    )
                source = source.replace(old, new)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def init_app(app) -> None:
    app.jinja_env.loader = HandlerFreeLoader(app.jinja_env.loader)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
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
