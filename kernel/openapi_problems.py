"""Every route's OpenAPI says what its errors look like: application/problem+json (kernel.http.problem).

FastAPI documents only a route's success and a 422 with its own `HTTPValidationError` body, which our handlers
never send (they answer problem+json, kernel.http.install_problem_handlers). Clients and the API fuzzer
(tests/integration/test_api_fuzz.py) read the documents, so each operation is completed here:
- its 422 (when FastAPI added one) is the Problem body under application/problem+json;
- "4XX": any other client error (400 bad input, 401/403 at the edge or in the route, 404, 409, 413, 429 from the
  gateway's limiter) is a Problem;
- 503: a dependency is down (database, broker, search), a Problem with Retry-After where known.
A route's own declared error responses are kept as they are.
"""
from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI

PROBLEM_JSON = "application/problem+json"
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
        "requestId": {"type": "string"},
    },
}
_REF = {"$ref": "#/components/schemas/Problem"}
_METHODS = ("get", "put", "post", "delete", "patch")


def _problem_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": _REF}}}


def add_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Complete `document` in place (see the module docstring) and return it."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for item in (document.get("paths") or {}).values():
        for method in _METHODS:
            if method not in item:
                continue
            responses = item[method].setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response("Validation failed")
            responses.setdefault("4XX", _problem_response("Client error"))
            responses.setdefault("503", _problem_response("A dependency is unavailable"))
    schemas = document["components"]["schemas"]
    for unused in ("HTTPValidationError", "ValidationError"):
        if unused in schemas and f'"#/components/schemas/{unused}"' not in json.dumps(document):
            schemas.pop(unused)
    return document


def document_problems(app: FastAPI) -> None:
    """Make `app.openapi()` return the completed document (built once, like FastAPI's own)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if getattr(app.state, "problems_documented", False):
            return app.openapi_schema
        document = add_problem_responses(build())
        app.openapi_schema, app.state.problems_documented = document, True
        return document

    app.openapi = openapi  # type: ignore[method-assign]
