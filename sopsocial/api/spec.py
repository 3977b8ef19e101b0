"""Endpoint descriptions that apps register; `/api/v1/openapi.json` and the docs page are built from
them, so the schema cannot drift from the routes that exist."""

from dataclasses import dataclass, field

_endpoints = []


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # below /api/v1/t/{tenant}/, e.g. "products/"
    summary: str
    description: str = ""
    tag: str = "planning"
    request: dict | None = None  # JSON schema of the body
    response: dict = field(default_factory=lambda: {"type": "object"})
    parameters: tuple = ()  # (name, in, schema, description)
    idempotent: bool = False
    example: dict | None = None


def register(endpoint):
    if endpoint not in _endpoints:
        _endpoints.append(endpoint)


def endpoints():
    _load_url_modules()
    return list(_endpoints)


def _load_url_modules():
    # App API modules register their endpoints when the URLconf imports them.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "row": {"type": ["integer", "null"], "description": "0-based index in items"},
                    "field": {"type": ["string", "null"]},
                    "message": {"type": "string"},
                },
            },
        }
    },
}


def openapi(base_url=""):
    paths = {}
    for e in endpoints():
        op = {
            "summary": e.summary,
            "description": e.description,
            "tags": [e.tag],
            "parameters": [{"name": "tenant", "in": "path", "required": True, "schema": {"type": "string"}}]
            + [
                {"name": n, "in": where, "required": where == "path", "schema": s, "description": d}
                for n, where, s, d in e.parameters
            ],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": e.response}}},
                "401": {
                    "description": "Missing, unknown or revoked key",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
                "404": {
                    "description": "Not found (or a key of another tenant)",
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                },
            },
        }
        if e.request is not None:
            content = {"schema": e.request}
            if e.example:
                content["example"] = e.example
            op["requestBody"] = {"required": True, "content": {"application/json": content}}
            op["responses"].update(
                {
                    "400": {
                        "description": "Malformed JSON",
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                    "413": {
                        "description": "Batch too large",
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                    "422": {
                        "description": "Invalid rows; nothing written",
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                }
            )
        if e.idempotent:
            op["parameters"].append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string", "maxLength": 200},
                    "description": "Retrying with the same key and body replays the first answer",
                }
            )
        paths.setdefault("/api/v1/t/{tenant}/" + e.path, {})[e.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sopsocial ERP API",
            "version": "1",
            "description": "Bulk upserts of master data, orders, inventory, actuals and plan entries. "
            "Authenticate with a per-tenant API key: `Authorization: Bearer <key>`.",
        },
        "servers": [{"url": base_url or "/"}],
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Errors": ERROR_SCHEMA},
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }
