"""Breaking changes between two OpenAPI documents of one service (the checked-in baseline and a new one).

What breaks a client, by direction:
- Operations: a removed path or method (path parameter names do not count: `/x/{id}` and `/x/{slug}` are one path),
  a success status (2xx) no longer documented, a JSON body no longer offered.
- Requests (what clients send; the new document must accept everything the old one did): a new required parameter or
  body field, an optional one made required, a body made required, a narrowed type (number -> integer, string ->
  enum, nullable -> non-nullable), a removed enum value.
- Responses (what clients read; the new document must promise everything the old one did): a removed field, a field
  no longer always present (required -> optional), any changed type (narrowed or widened: number <-> integer,
  nullable <-> non-nullable), a string turned into an enum, a removed enum value.

Additive changes pass: new operations, new optional request fields and parameters, new response fields, new enum
values in responses (clients must tolerate unknown values), new error statuses, removed non-2xx statuses, wider
request types. `mkt.openapi_docs` says how a deliberate breaking change is made (a new versioned route; the old
one kept until no client uses it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_PARAM = re.compile(r"\{[^}]+\}")
_MAX_DEPTH = 12  # recursive schemas (a category tree) are compared this deep: deeper than any client reads
ANY = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})


@dataclass(frozen=True)
class Shape:
    """A schema reduced to what the checker compares: its JSON types, enum, object fields and array items."""

    types: frozenset[str]
    enum: tuple[Any, ...] | None
    properties: dict[str, dict[str, Any]]
    required: frozenset[str]
    items: dict[str, Any] | None


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out: list[str] = []
    new_ops = _operations(new)
    for key, (label, old_op) in _operations(old).items():
        if key not in new_ops:
            out.append(f"{label}: operation removed")
            continue
        new_op = new_ops[key][1]
        out += [f"{label}: {b}" for b in _operation_breaks(old, old_op, new, new_op)]
    return out


def _operations(doc: dict[str, Any]) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    ops = {}
    for path, item in (doc.get("paths") or {}).items():
        for method in _METHODS:
            if method in item:
                ops[(method, _PARAM.sub("{}", path))] = (f"{method.upper()} {path}", item[method])
    return ops


def _operation_breaks(old_doc: dict, old: dict, new_doc: dict, new: dict) -> list[str]:
    out: list[str] = []
    old_params = {(p["in"], p["name"]): p for p in map(lambda p: _resolve(old_doc, p), old.get("parameters", []))}
    for p in map(lambda p: _resolve(new_doc, p), new.get("parameters", [])):
        if p["in"] == "path":
            continue  # path parameters are part of the path: same path, same parameters
        before = old_params.get((p["in"], p["name"]))
        where = f"{p['in']} parameter {p['name']!r}"
        if p.get("required") and (before is None or not before.get("required")):
            out.append(f"{where}: new required parameter" if before is None else f"{where}: became required")
        if before is not None:
            out += _schema_breaks(old_doc, before.get("schema", {}), new_doc, p.get("schema", {}), where,
                                  request=True, depth=0)
    out += _request_body_breaks(old_doc, old.get("requestBody"), new_doc, new.get("requestBody"))
    old_resp, new_resp = old.get("responses", {}), new.get("responses", {})
    for status, response in old_resp.items():
        if status not in new_resp:
            if str(status).startswith("2"):
                out.append(f"response {status}: no longer documented")
            continue
        old_json = _json_schema(old_doc, response)
        new_json = _json_schema(new_doc, new_resp[status])
        if old_json is None:
            continue
        if new_json is None:
            out.append(f"response {status}: JSON body removed")
            continue
        out += _schema_breaks(old_doc, old_json, new_doc, new_json, f"response {status}", request=False, depth=0)
    return out


def _request_body_breaks(old_doc: dict, old: dict | None, new_doc: dict, new: dict | None) -> list[str]:
    if new is None:
        return []
    new = _resolve(new_doc, new)
    if old is None:
        return ["request body: new required body"] if new.get("required") else []
    old = _resolve(old_doc, old)
    out = ["request body: became required"] if new.get("required") and not old.get("required") else []
    old_json, new_json = _json_schema(old_doc, old), _json_schema(new_doc, new)
    if old_json is not None and new_json is not None:
        out += _schema_breaks(old_doc, old_json, new_doc, new_json, "request body", request=True, depth=0)
    elif old_json is not None:
        out.append("request body: JSON no longer accepted")
    return out


def _json_schema(doc: dict, holder: dict) -> dict | None:
    content = _resolve(doc, holder).get("content") or {}
    for media_type, value in content.items():
        if media_type.endswith("json"):
            return value.get("schema", {})
    return None


def _schema_breaks(old_doc: dict, old: dict, new_doc: dict, new: dict, where: str, *, request: bool,
                   depth: int) -> list[str]:
    if depth > _MAX_DEPTH:
        return []
    a, b = shape(old_doc, old), shape(new_doc, new)
    out: list[str] = []
    if request:
        lost = a.types - b.types - ({"integer"} if "number" in b.types else set())
        if lost:
            out.append(f"{where}: type narrowed ({_types(a.types)} -> {_types(b.types)})")
    elif a.types != b.types and ANY not in (a.types, b.types):
        out.append(f"{where}: type changed ({_types(a.types)} -> {_types(b.types)})")
    if b.enum is not None:
        if a.enum is None:
            out.append(f"{where}: became an enum {list(b.enum)}")
        elif removed := [v for v in a.enum if v not in b.enum]:
            out.append(f"{where}: enum values removed {removed}")
    for name, old_prop in a.properties.items():
        field = f"{where}.{name}"
        if name not in b.properties:
            if not request:
                out.append(f"{field}: field removed")
            continue
        if not request and name in a.required and name not in b.required:
            out.append(f"{field}: no longer always present")
        out += _schema_breaks(old_doc, old_prop, new_doc, b.properties[name], field, request=request,
                              depth=depth + 1)
    if request:
        for name in sorted(b.required - a.required):
            out.append(f"{where}.{name}: " + ("became required" if name in a.properties else "new required field"))
    if a.items is not None and b.items is not None:
        out += _schema_breaks(old_doc, a.items, new_doc, b.items, f"{where}[]", request=request, depth=depth + 1)
    return out


def shape(doc: dict, schema: dict) -> Shape:
    """Reduce a schema: $ref resolved, single-branch allOf merged, `anyOf: [X, null]` (pydantic's Optional) read as
    a nullable X. Other unions keep only their types (their branches are not compared field by field)."""
    schema = _resolve(doc, schema)
    if len(schema.get("allOf", [])) == 1:
        schema = {**_resolve(doc, schema["allOf"][0]), **{k: v for k, v in schema.items() if k != "allOf"}}
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        parts = [shape(doc, s) for s in branches]
        solid = [p for p in parts if p.types != frozenset({"null"})]
        nullable = frozenset({"null"}) if len(solid) < len(parts) else frozenset()
        if len(solid) == 1:
            p = solid[0]
            return Shape(p.types | nullable, p.enum, p.properties, p.required, p.items)
        return Shape(frozenset().union(*(p.types for p in parts)), None, {}, frozenset(), None)
    declared = schema.get("type")
    if declared is None:
        types = frozenset({"object"}) if "properties" in schema else (
            frozenset({type_of(schema["enum"][0])}) if schema.get("enum") else ANY)
    else:
        types = frozenset(declared if isinstance(declared, list) else [declared])
    if schema.get("nullable"):  # OpenAPI 3.0 spelling
        types |= {"null"}
    enum = tuple(schema["enum"]) if "enum" in schema else (
        (schema["const"],) if "const" in schema else None)
    return Shape(types, enum, schema.get("properties") or {}, frozenset(schema.get("required") or ()),
                 schema.get("items") if isinstance(schema.get("items"), dict) else None)


def type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return {float: "number", str: "string", list: "array", dict: "object"}.get(type(value), "string")


def _types(types: frozenset[str]) -> str:
    return "any" if types == ANY else "|".join(sorted(types))


def _resolve(doc: dict, node: dict) -> dict:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 32:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}
