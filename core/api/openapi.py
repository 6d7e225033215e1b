"""The OpenAPI 3 document of ``/api/v1`` (apispec with its marshmallow plugin), built from the
same resources the API serves: every active plugin's schemas."""

from __future__ import annotations

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from .resources import RESERVED, resources

ERROR = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {
            "oneOf": [
                {"type": "object", "additionalProperties": True},
                {"type": "array", "items": {"type": "object"}},
            ]
        },
    },
    "required": ["message"],
}


def _errors(*codes: int) -> dict:
    return {
        str(code): {
            "description": "refused; nothing changed",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


def _json_body(ref: str) -> dict:
    return {"required": True, "content": {"application/json": {"schema": {"$ref": ref}}}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


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
            "`linli tokens create`). Choose the district with `X-Linli-District: <code>`."
        },
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR)
    record_id = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    for (plugin, name), resource in resources().items():
        component = f"{plugin}_{name}"
        spec.components.schema(component, schema=resource.schema_class)
        properties = spec.components.schemas[component].get("properties", {})
        for key, constraints in resource.constraints().items():
            if key in properties and not properties[key].get("readOnly"):
                properties[key].update(constraints)
        ref = f"#/components/schemas/{component}"
        tag = f"{plugin}/{name}"
        filters = [
            {"name": field, "in": "query", "required": False, "schema": {"type": "string"}}
            for field, model_field in resource.key_map().items()
            if field not in RESERVED and model_field not in resource.personal
        ]
        listing = {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": {"$ref": ref}},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
                "total": {"type": "integer"},
                "pages": {"type": "integer"},
            },
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
                    {"name": "sort", "in": "query", "schema": {"type": "string"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}},
                    *filters,
                ],
                "responses": {
                    "200": _ok("a page of records", listing),
                    **_errors(400, 401, 403, 404),
                },
            }
        }
        item = {}
        if "read" in resource.operations:
            item["get"] = {
                "tags": [tag],
                "parameters": [record_id],
                "responses": {"200": _ok("the record", {"$ref": ref}), **_errors(401, 404)},
            }
        if "create" in resource.operations:
            collection["post"] = {
                "tags": [tag],
                "requestBody": _json_body(ref),
                "responses": {"201": _ok("created", {"$ref": ref}), **_errors(400, 401, 403)},
            }
        if "update" in resource.operations:
            item["patch"] = {
                "tags": [tag],
                "parameters": [record_id],
                "requestBody": _json_body(ref),
                "responses": {"200": _ok("updated", {"$ref": ref}), **_errors(400, 403, 404)},
            }
        if "delete" in resource.operations:
            item["delete"] = {
                "tags": [tag],
                "parameters": [record_id],
                "responses": {"204": {"description": "deleted"}, **_errors(403, 404, 409)},
            }
        spec.path(path=resource.path, operations=collection)
        if item:
            spec.path(path=f"{resource.path}/{{record_id}}", operations=item)
        if "transition" in resource.operations and resource.workflow is not None:
            codes = sorted(resource.workflow.transitions)
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
                            }
                        },
                        "responses": {
                            "200": _ok("moved", {"$ref": ref}),
                            **_errors(400, 403, 404, 409),
                        },
                    }
                },
            )
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
                        }
                    ],
                    "responses": {"200": {"description": "the file"}, **_errors(400, 403)},
                }
            },
        )
    doc = spec.to_dict()
    doc["security"] = [{"bearer": []}]
    current_app.extensions["linli_openapi"] = doc
    return doc
