"""The REST API under ``/api/v1`` (JSON), its OpenAPI document and the interactive page.

Views only translate HTTP to the resource and writer calls of :mod:`core.api.resources`,
:mod:`core.api.services` and :mod:`core.api.spreadsheets` and back.
"""

from __future__ import annotations

import json
import math

from flask import Blueprint, current_app, g, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from core.i18n import gettext as _

from .auth import WRITE_METHODS, error
from .resources import ApiError, Resource, resource_for, resources
from .services import Writer

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC = ("api.openapi", "api.docs")
MAX_JSON_BYTES = 1024 * 1024


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error(exc.status, exc.message, exc.errors)


@bp.before_request
def _check_caller():
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:
        return error(401, _("Log in or send an API token."), headers={"WWW-Authenticate": "Bearer"})
    if current_user.must_change_password:
        return error(403, _("Change your password before using the API."))
    access = g.get("access")
    if access is None or not access.is_staff:
        return error(403, _("The API is for staff accounts; use the portal."))
    token = g.get("api_token")
    if request.method in WRITE_METHODS:
        if token is None:  # a browser session: writes need the CSRF token (X-CSRFToken)
            from core.extensions import csrf

            try:
                csrf.protect()
            except CSRFError as exc:
                return error(400, str(exc.description))
        elif not token.can_write:
            return error(403, _("This API token is read-only."))
    code = request.headers.get("X-Linli-District")
    if code:
        _choose_district(code)
    return None


def _choose_district(code: str) -> None:
    from core.registry import kernel_state

    district = next((d for d in g.get("districts", []) if d.code == code), None)
    if district is None:
        raise ApiError(
            404, _("Unknown district, or not one you work in."), {"X-Linli-District": [code]}
        )
    g.district, g.district_id = district, district.id
    g.enabled_plugins = kernel_state().enabled_plugins(district.id)
    g.pop("_custom_fields", None)


def _resource(plugin: str, name: str, operation: str, action: str) -> Resource:
    resource = resource_for(plugin, name)
    if operation not in resource.operations:
        raise ApiError(405, _("This operation is not offered for this resource."))
    if not resource.can(action):
        raise ApiError(403, _("You are not allowed to do this."))
    return resource


def _payload():
    if request.content_length and request.content_length > MAX_JSON_BYTES:
        raise ApiError(
            413,
            _("The request body is too large (at most %(max)s bytes).", max=MAX_JSON_BYTES),
            {"_body": [_("Too large.")]},
        )
    raw = request.get_data(cache=False)
    if len(raw) > MAX_JSON_BYTES:
        raise ApiError(
            413,
            _("The request body is too large (at most %(max)s bytes).", max=MAX_JSON_BYTES),
            {"_body": [_("Too large.")]},
        )
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, _("The body is not valid JSON."), {"_body": [str(exc)]}) from None
    except RecursionError:
        raise ApiError(
            400, _("The body is not valid JSON."), {"_body": [_("Nested too deeply.")]}
        ) from None


# -- index, OpenAPI, the interactive page --------------------------------------------------


@bp.get("/")
def index():
    found = []
    for (plugin, name), resource in resources().items():
        if plugin != "core" and plugin not in g.get("enabled_plugins", set()):
            continue
        if not resource.can("read"):
            continue
        found.append(
            {
                "plugin": plugin,
                "name": name,
                "label": resource.label,
                "url": url_for("api.collection", plugin=plugin, name=name),
                "operations": [op for op in resource.operations if resource.can(_ACTION[op])],
            }
        )
    district = g.get("district")
    return jsonify({"district": district.code if district else None, "resources": found})


_ACTION = {
    "read": "read",
    "create": "create",
    "update": "update",
    "delete": "delete",
    "transition": "read",
}


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return jsonify(document())


@bp.get("/docs")
def docs():
    return render_template("api/docs.html", spec_url=url_for("api.openapi"))


# -- collection and records ----------------------------------------------------------------


def _page_args():
    errors = {}
    values = {}
    maximum = current_app.config["LINLI"]["API_MAX_PAGE_SIZE"]
    for key, default, top in (("page", 1, 1_000_000), ("per_page", 20, maximum)):
        raw = request.args.get(key, str(default))
        try:
            values[key] = int(raw)
        except ValueError:
            errors[key] = [_("Not a valid integer.")]
            continue
        if not 1 <= values[key] <= top:
            errors[key] = [_("Must be between 1 and %(max)s.", max=top)]
    if errors:
        raise ApiError(400, _("Some query parameters are not valid."), errors)
    return values["page"], values["per_page"]


@bp.get("/<plugin>/<name>")
def collection(plugin, name):
    resource = _resource(plugin, name, "read", "read")
    page, per_page = _page_args()
    query = resource.filtered(request.args)
    total = query.count()
    records = list(query.paginate(page, per_page))
    return jsonify(
        {
            "items": resource.dump(records),
            "page": page,
            "per_page": per_page,
            "total": total,
            "pages": math.ceil(total / per_page) if total else 0,
        }
    )


@bp.post("/<plugin>/<name>")
def create(plugin, name):
    resource = _resource(plugin, name, "create", "create")
    record = Writer(resource).create(_payload())
    response = jsonify(resource.dump_one(resource.get(record._pk)))
    response.status_code = 201
    response.headers["Location"] = url_for(
        "api.record", plugin=plugin, name=name, record_id=record._pk
    )
    return response


@bp.get("/<plugin>/<name>/<record_id>")
def record(plugin, name, record_id):
    resource = _resource(plugin, name, "read", "read")
    return jsonify(resource.dump_one(resource.get(record_id)))


@bp.route("/<plugin>/<name>/<record_id>", methods=["PATCH", "PUT"])
def update(plugin, name, record_id):
    resource = _resource(plugin, name, "update", "update")
    payload = _payload()
    found = resource.get(record_id, "update")
    Writer(resource).update(found, payload, partial=request.method == "PATCH")
    return jsonify(resource.dump_one(resource.get(found._pk)))


@bp.delete("/<plugin>/<name>/<record_id>")
def delete(plugin, name, record_id):
    resource = _resource(plugin, name, "delete", "delete")
    Writer(resource).delete(resource.get(record_id, "delete"))
    return "", 204


@bp.get("/<plugin>/<name>/<record_id>/transitions")
def transitions(plugin, name, record_id):
    from core.workflow import available_transitions

    resource = _resource(plugin, name, "transition", "read")
    if resource.workflow is None:
        raise ApiError(404, _("Not found."))
    found = resource.get(record_id)
    steps = available_transitions(found, current_user, g.access)
    return jsonify(
        {
            "state": resource.workflow.state_of(found),
            "transitions": [
                {"code": t.code, "label": str(t.label), "fields": list(t.fields)} for t in steps
            ],
        }
    )


@bp.post("/<plugin>/<name>/<record_id>/transitions/<code>")
def transition(plugin, name, record_id, code):
    resource = _resource(plugin, name, "transition", "read")
    if resource.workflow is None:
        raise ApiError(404, _("Not found."))
    payload = _payload()
    if not isinstance(payload, dict):
        raise ApiError(400, _("Expected a JSON object."), {"_body": [_("Expected a JSON object.")]})
    unknown = set(payload) - {"comment", "data"}
    if unknown:
        raise ApiError(
            400,
            _("The data is not valid; nothing was saved."),
            {k: [_("Unknown field.")] for k in unknown},
        )
    found = resource.get(record_id)
    Writer(resource).transition(found, code, payload.get("comment", ""), payload.get("data"))
    return jsonify(resource.dump_one(resource.get(found._pk)))


# -- spreadsheets --------------------------------------------------------------------------


@bp.get("/<plugin>/<name>/export")
def export(plugin, name):
    from . import spreadsheets

    resource = _resource(plugin, name, "read", "export")
    fmt = request.args.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise ApiError(400, _("Unknown format."), {"format": [_("Use csv or xlsx.")]})
    args = request.args.copy()
    args.pop("format", None)
    query = resource.filtered(args, "export")
    return spreadsheets.export_response(resource, query, fmt, sorted_by=args.get("sort"))


@bp.get("/<plugin>/<name>/import/template")
def import_template(plugin, name):
    """The resource's import template (XLSX): Chinese headers, a column guide, dropdowns."""
    from . import spreadsheets

    return spreadsheets.template_response(_resource(plugin, name, "create", "import"))


@bp.post("/<plugin>/<name>/import")
def import_rows(plugin, name):
    from . import spreadsheets

    resource = _resource(plugin, name, "create", "import")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ApiError(
            400, _("Attach a CSV or XLSX file."), {"file": [_("This field is required.")]}
        )
    mapping = request.form.get("mapping") or "{}"
    try:
        mapping = json.loads(mapping)
        if not isinstance(mapping, dict):
            raise ValueError
    except ValueError:
        raise ApiError(
            400, _("The mapping is not valid."), {"mapping": [_("Expected a JSON object.")]}
        ) from None
    dry_run = request.form.get("dry_run", "").lower() in ("1", "true", "yes", "on")
    table = spreadsheets.read_upload(upload.filename, upload.stream)
    report = spreadsheets.run_import(resource, table, mapping, dry_run=dry_run)
    return jsonify(report), 200 if dry_run else 201
