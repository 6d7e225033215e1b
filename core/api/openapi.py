"""The OpenAPI 3 document of ``/api/v1`` (apispec with its marshmallow plugin), built from the
same resources the API serves: every active plugin's schemas.

Every answer the API can give is declared: the records as they are sent (a nullable column
is ``nullable``, a decimal sent as text a string), the list envelope, the files of an export,
the report of an import, and each refusal (400, 401, 403, 404, 409, 413, 429) with the
:data:`ERROR` body naming the fields. ``tests/core/test_api_fuzz.py`` checks the answers
against this document.
"""

from __future__ import annotations

import copy

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app
from marshmallow import fields

from .resources import CUSTOM_PREFIX, RESERVED, resources

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DECIMAL = {"type": "string", "format": "decimal", "pattern": r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$"}

ERROR = {
    "type": "object",
    "description": "A refused request; nothing was changed.",
    "properties": {
        "message": {"type": "string", "description": "Why, in the caller's language."},
        "errors": {
            "description": "What was refused: each field (query parameter, header, `_body` "
            "for the body as a whole, `_schema` for the record) with its messages; for a "
            "spreadsheet import, the bad rows.",
            "oneOf": [
                {
                    "type": "object",
                    "additionalProperties": {
                        "anyOf": [
                            {"type": "array", "items": {"type": "string"}},
                            {"type": "object", "description": "messages of nested values"},
                        ]
                    },
                },
                {"type": "array", "items": {"$ref": "#/components/schemas/RowProblem"}},
            ],
        },
    },
    "required": ["message"],
    "additionalProperties": False,
}

ROW_PROBLEM = {
    "type": "object",
    "description": "One refused cell or row of an imported file (row 2 is the first data row).",
    "properties": {
        "row": {"type": "integer"},
        "column": {"type": "string"},
        "field": {"type": "string"},
        "message": {"type": "string"},
    },
    "required": ["row", "column", "field", "message"],
    "additionalProperties": False,
}

IMPORT_REPORT = {
    "type": "object",
    "properties": {
        "rows": {"type": "integer", "description": "data rows read (empty rows skipped)"},
        "created": {"type": "integer", "description": "records created (0 for a dry run)"},
        "dry_run": {"type": "boolean"},
    },
    "required": ["rows", "created", "dry_run"],
    "additionalProperties": False,
}

IMPORT_REPORT_REF = {"$ref": "#/components/schemas/ImportReport"}

TRANSITIONS = {
    "type": "object",
    "properties": {
        "state": {"type": "string"},
        "transitions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "label": {"type": "string"},
                    "fields": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["code", "label", "fields"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["state", "transitions"],
    "additionalProperties": False,
}

INDEX = {
    "type": "object",
    "properties": {
        "district": {"type": "string", "nullable": True},
        "resources": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "plugin": {"type": "string"},
                    "name": {"type": "string"},
                    "label": {"type": "string"},
                    "url": {"type": "string"},
                    "operations": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["plugin", "name", "label", "url", "operations"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["district", "resources"],
    "additionalProperties": False,
}

# status -> (component name, description, headers)
REFUSALS = {
    400: ("BadRequest", "invalid query, path, body or file; `errors` names the fields", {}),
    401: (
        "Unauthorized",
        "no token, or a token that is unknown, expired or revoked",
        {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}},
    ),
    403: ("Forbidden", "not a staff account, or not allowed to do this", {}),
    404: ("NotFound", "no such record in the caller's data scope, or module not enabled", {}),
    409: ("Conflict", "conflicts with what is stored (state, dependents, a unique value)", {}),
    413: ("TooLarge", "the request body is too large", {}),
    429: (
        "TooManyRequests",
        "too many requests with this token this minute",
        {
            "Retry-After": {
                "required": True,
                "description": "seconds until the limit resets",
                "schema": {"type": "integer", "minimum": 0},
            }
        },
    ),
}
# what any authenticated call may be answered with: bad input (a path id, a query
# parameter, a session write without its CSRF token), no or bad token, not staff or a
# read-only token, an unknown X-Linli-District or module, the rate limit
COMMON = (400, 401, 403, 404, 429)


def _errors(*codes: int) -> dict:
    return {
        str(code): {"$ref": f"#/components/responses/{REFUSALS[code][0]}"}
        for code in sorted({*COMMON, *codes})
    }


def _json_body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _ok(description: str, schema: dict, headers: dict | None = None) -> dict:
    found = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        found["headers"] = headers
    return found


def _as_served(resource, component: dict) -> None:
    """Correct apispec's reading of the marshmallow fields to what the API sends: a value
    whose column may be empty can be ``null`` (a read-only date not yet set, a foreign key
    not yet chosen); a decimal is text; and a record of a model with a
    territory unit carries the district's custom fields ``cf_<key>``."""
    properties = component.get("properties", {})
    model_fields = resource.model._meta.fields
    for name, schema_field in resource.schema_class._declared_fields.items():
        prop = properties.get(schema_field.data_key or name)
        if prop is None:
            continue
        model_name = resource.model_field(name, schema_field)
        model_field = model_fields.get(model_name) if model_name else None
        if getattr(model_field, "null", False) or schema_field.allow_none:
            prop["nullable"] = True
        if isinstance(schema_field, fields.Decimal):
            # sent as text ("30000.00": as_string, and Flask's JSON writes a Decimal as a
            # string anyway); apispec says number, with its bounds as text
            prop.update(DECIMAL)
            for bound in ("minimum", "maximum"):
                if bound in prop:
                    prop[bound] = float(prop[bound])
    if "unit" in model_fields:
        component["additionalProperties"] = {
            "description": f"The district's custom fields, `{CUSTOM_PREFIX}<key>` (text, "
            "number, yes/no, date or list; null when not filled in). Any other key is "
            "refused with 400."
        }


RECORD_ID = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def document() -> dict:
    cached = current_app.extensions.get("linli_openapi")
    if cached is not None:
        return cached
    spec = APISpec(
        title="Linli 邻里 API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={
            "description": "Records of every enabled module, with the caller's permissions, "
            "data scope and personal-data masking. Authenticate with "
            "`Authorization: Bearer <token>` (personal tokens: admin 个人令牌 or "
            "`linli tokens create`). Choose the district with `X-Linli-District: <code>`. "
            "Dates and times are in UTC (RFC 3339); a time given without an offset is "
            "taken as UTC."
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    spec.components.schema("RowProblem", ROW_PROBLEM)
    spec.components.schema("ImportReport", IMPORT_REPORT)
    spec.components.schema("Transitions", TRANSITIONS)
    for _code, (name, description, headers) in REFUSALS.items():
        response = {
            "description": f"refused: {description}",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if headers:
            response["headers"] = headers
        spec.components.response(name, response)
    spec.path(
        path="/",
        operations={
            "get": {
                "summary": "The resources the caller may read in the district",
                "responses": {"200": _ok("the resources", INDEX), **_errors()},
            }
        },
    )
    spec.path(
        path="/openapi.json",
        operations={
            "get": {
                "summary": "This document",
                "security": [],
                "responses": {"200": _ok("the OpenAPI document", {"type": "object"})},
            }
        },
    )
    for (plugin, name), resource in resources().items():
        _resource_paths(spec, plugin, name, resource)
    doc = spec.to_dict()
    doc["security"] = [{"bearer": []}]
    current_app.extensions["linli_openapi"] = doc
    return doc


def _resource_paths(spec: APISpec, plugin: str, name: str, resource) -> None:
    component = f"{plugin}_{name}"
    spec.components.schema(component, schema=resource.schema_class)
    schema = spec.components.schemas[component]
    properties = schema.get("properties", {})
    for key, constraints in resource.constraints().items():
        if key in properties and not properties[key].get("readOnly"):
            properties[key].update(constraints)
    _as_served(resource, schema)
    ref = f"#/components/schemas/{component}"
    tag = f"{plugin}/{name}"
    record_id = RECORD_ID
    sortable = [
        field
        for field, model_field in resource.key_map().items()
        if field not in RESERVED and model_field not in resource.personal
    ]
    filters = [
        {"name": field, "in": "query", "required": False, "schema": {"type": "string"}}
        for field in sortable
    ]
    listing = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": ref}},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 0},
        },
        "required": ["items", "page", "per_page", "total", "pages"],
        "additionalProperties": False,
    }
    collection = {
        "get": {
            "tags": [tag],
            "summary": f"List {resource.label}",
            "parameters": [
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": current_app.config["LINLI"]["API_MAX_PAGE_SIZE"],
                    },
                },
                {
                    "name": "sort",
                    "in": "query",
                    "schema": {
                        "type": "string",
                        "enum": [f"{sign}{key}" for key in sortable for sign in ("", "-")],
                    },
                },
                {"name": "q", "in": "query", "schema": {"type": "string"}},
                *filters,
            ],
            "responses": {"200": _ok("a page of records", listing), **_errors()},
        }
    }
    item = {}
    if "read" in resource.operations:
        item["get"] = {
            "tags": [tag],
            "parameters": [record_id],
            "responses": {"200": _ok("the record", {"$ref": ref}), **_errors()},
        }
    if "create" in resource.operations:
        location = {"Location": {"required": True, "schema": {"type": "string"}}}
        collection["post"] = {
            "tags": [tag],
            "requestBody": _json_body(ref),
            "responses": {
                "201": _ok("created", {"$ref": ref}, location),
                **_errors(409, 413),
            },
        }
    if "update" in resource.operations:
        patch = copy.deepcopy(schema)
        patch.pop("required", None)  # a PATCH sends only the fields it changes
        spec.components.schema(f"{component}_patch", patch)
        item["patch"] = {
            "tags": [tag],
            "parameters": [record_id],
            "requestBody": _json_body(f"#/components/schemas/{component}_patch"),
            "responses": {"200": _ok("updated", {"$ref": ref}), **_errors(409, 413)},
        }
    if "delete" in resource.operations:
        item["delete"] = {
            "tags": [tag],
            "parameters": [record_id],
            "responses": {"204": {"description": "deleted"}, **_errors(409)},
        }
    spec.path(path=resource.path, operations=collection)
    if item:
        spec.path(path=f"{resource.path}/{{record_id}}", operations=item)
    if "transition" in resource.operations and resource.workflow is not None:
        _transition_paths(spec, resource, tag, ref, record_id)
    spec.path(
        path=f"{resource.path}/export",
        operations={
            "get": {
                "tags": [tag],
                "summary": "Export (CSV or XLSX) with the list's filters",
                "parameters": [
                    {
                        "name": "format",
                        "in": "query",
                        "schema": {"type": "string", "enum": ["csv", "xlsx"]},
                    },
                    *[p for p in collection["get"]["parameters"] if p["name"] in ("sort", "q")],
                    *filters,
                ],
                "responses": {
                    "200": {
                        "description": "the file (CSV in UTF-8 with a byte order mark)",
                        "headers": {
                            "Content-Disposition": {
                                "required": True,
                                "schema": {"type": "string"},
                            }
                        },
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            XLSX: {"schema": {"type": "string", "format": "binary"}},
                        },
                    },
                    **_errors(),
                },
            }
        },
    )
    if "create" in resource.operations:
        spec.path(
            path=f"{resource.path}/import",
            operations={
                "post": {
                    "tags": [tag],
                    "summary": "Import a CSV or XLSX file: every row is checked, then all "
                    "are created, or none",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "file": {
                                            "type": "string",
                                            "format": "binary",
                                            "description": "a .csv (UTF-8 or GB18030) or "
                                            ".xlsx file, a header row first",
                                        },
                                        "mapping": {
                                            "type": "string",
                                            "description": "a JSON object: column header -> "
                                            'field ("" skips the column); other columns are '
                                            "matched by field name or label",
                                        },
                                        "dry_run": {
                                            "type": "boolean",
                                            "description": "check every row, create nothing",
                                        },
                                    },
                                    "required": ["file"],
                                }
                            }
                        },
                    },
                    "responses": {
                        "200": _ok("checked (a dry run), nothing created", IMPORT_REPORT_REF),
                        "201": _ok("every row created", IMPORT_REPORT_REF),
                        **_errors(413),
                    },
                }
            },
        )


def _transition_paths(spec: APISpec, resource, tag: str, ref: str, record_id: dict) -> None:
    codes = sorted(resource.workflow.transitions)
    spec.path(
        path=f"{resource.path}/{{record_id}}/transitions",
        operations={
            "get": {
                "tags": [tag],
                "summary": "The record's state and the steps the caller may take",
                "parameters": [record_id],
                "responses": {
                    "200": _ok("the steps", {"$ref": "#/components/schemas/Transitions"}),
                    **_errors(),
                },
            }
        },
    )
    spec.path(
        path=f"{resource.path}/{{record_id}}/transitions/{{code}}",
        operations={
            "post": {
                "tags": [tag],
                "summary": "Take a workflow step",
                "parameters": [
                    record_id,
                    {
                        "name": "code",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": codes},
                    },
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "comment": {"type": "string"},
                                    "data": {"type": "object"},
                                },
                                "additionalProperties": False,
                            }
                        }
                    },
                },
                "responses": {"200": _ok("moved", {"$ref": ref}), **_errors(409, 413)},
            }
        },
    )
