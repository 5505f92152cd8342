"""The RBAC matrix, generated from the services' routes: every public /v1 operation × every party of a small
world (anonymous, customers X and Y, vendors A and B, staff, super admin).

Operations and their declared security come from the app objects the OpenAPI documents are generated from (the
route's dependency tree: kernel.auth current_user / require_role(roles) / vendor_scope, the services' own guards);
request bodies come from each service's OpenAPI schema, filled with the world's values so a mutating call would be
valid if authorised (a 422 must not hide a missing authorization). Path parameters name resources owned by a known
party (vendor A's vendorId/product/SKU, customer X's order and address). Who may succeed = declared roles ∩ the
owners of the path's (or body's) resource; everyone else must get 401/403/404, and nobody a 5xx.
"""
from __future__ import annotations

import inspect
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

PARTIES = ("anonymous", "customer_y", "vendor_b", "customer_x", "vendor_a", "staff", "admin")
PARTY_ROLES = {"anonymous": (), "customer_x": ("customer",), "customer_y": ("customer",),
               "vendor_a": ("customer", "vendor_admin"), "vendor_b": ("customer", "vendor_admin"),
               "staff": ("staff",), "admin": ("super_admin",)}
SIGNED_IN = frozenset(PARTIES) - {"anonymous"}
DENIED = (401, 403, 404)
# Guards named by the services themselves (no roles to read off them): who they admit.
CUSTOM_GUARDS = {"carrier_or_staff": {"staff", "admin"}, "vendor_reader": {"vendor_a", "staff", "admin"},
                 "vendor_actor": {"vendor_a", "admin"}, "vendor_scope": {"vendor_a", "admin"},
                 "dev_only": SIGNED_IN}
VENDOR_OWNED = {"vendor_a", "admin"}
CUSTOMER_OWNED = {"customer_x", "staff", "admin"}


@dataclass
class Operation:
    service: str
    method: str
    path: str
    guards: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    body_schema: dict | None = None

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def public(self) -> bool:
        return not (self.guards & ({"current_user", "require_role"} | set(CUSTOM_GUARDS)))


def _route_contexts(app) -> list:
    found = []
    for route in app.routes:
        if hasattr(route, "effective_route_contexts"):  # FastAPI ≥ 0.165 wraps included routers
            found.extend(route.effective_route_contexts())
        elif hasattr(route, "dependant"):
            found.append(route)
    return found


def _walk(dependant, guards: set[str], roles: set[str]) -> None:
    for sub in dependant.dependencies:
        call = sub.call
        name = getattr(call, "__qualname__", "")
        if name == "require_role.<locals>.guard":
            guards.add("require_role")
            roles.update(inspect.getclosurevars(call).nonlocals["roles"])
        else:
            guards.add(getattr(call, "__name__", name))
        _walk(sub, guards, roles)


def operations(services: dict) -> list[Operation]:
    """Every /v1 operation the services' OpenAPI documents list, with its declared guards and body schema."""
    ops = []
    for service, app in services.items():
        spec = app.openapi()
        for ctx in _route_contexts(app):
            if not ctx.path.startswith("/v1") or not getattr(ctx, "include_in_schema", True):
                continue
            for method in sorted(ctx.methods - {"HEAD"}):
                documented = spec.get("paths", {}).get(ctx.path, {}).get(method.lower())
                if documented is None:
                    continue
                op = Operation(service, method, ctx.path)
                _walk(ctx.dependant, op.guards, op.roles)
                content = (documented.get("requestBody") or {}).get("content", {})
                if "application/json" in content:
                    op.body_schema = _resolve(content["application/json"]["schema"], spec)
                ops.append(op)
    return ops


def allowed(op: Operation, body: dict | None) -> set[str]:
    """The parties that may get a 2xx: declared roles, then the owners of the resource the call names."""
    if op.public:
        return set(PARTIES)
    who = set(SIGNED_IN)
    if "require_role" in op.guards:
        who = {p for p in who if set(PARTY_ROLES[p]) & op.roles}
    for guard, admitted in CUSTOM_GUARDS.items():
        if guard in op.guards:
            who &= admitted
    params = set(re.findall(r"{(\w+)", op.path))
    body = body if isinstance(body, dict) else {}
    if "require_role" not in op.guards:  # role-guarded admin routes reach anyone's resources by design
        if params & {"vendorId", "vendor_id"} or "vendorId" in body:
            who &= VENDOR_OWNED | ({"staff"} if "vendorId" in body or "vendor_reader" in op.guards else set())
        elif params & {"orderNo", "address_id", "intentId"} or "orderNo" in body:
            who &= CUSTOMER_OWNED
    return who


# ---- bodies from the OpenAPI schema ------------------------------------------------------------------------------

def _resolve(schema: Any, spec: dict) -> Any:
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            return _resolve(spec["components"]["schemas"][name], spec)
        return {k: _resolve(v, spec) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_resolve(v, spec) for v in schema]
    return schema


STRING_TRIES = ("USD", "GB", "standard", "percent", "abc", "a1", "x")


def example(schema: dict, values: dict[str, Any], name: str | None = None) -> Any:
    """A small instance of `schema`: required fields (plus any the world has a value for), minimal sizes."""
    if name in values:
        return values[name]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0] if options else {}, values, name)
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            merged.update(part)
        return example(merged, values, name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    if schema.get("default") is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        wanted = set(schema.get("required", [])) | {p for p in props if p in values}
        return {p: example(props[p], values, p) for p in props if p in wanted}
    if kind == "array":
        return [example(schema.get("items", {}), values) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind in ("integer", "number"):
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + 1)
        return min(max(1, low), schema.get("maximum", 10**9))
    if kind == "boolean":
        return True
    return _string(schema)


def _string(schema: dict) -> str:
    fmt = schema.get("format")
    if fmt == "email":
        return "rbac@example.com"
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "date":
        return "2026-01-01"
    if fmt in ("uri", "url"):
        return "https://example.com/x"
    low, high = schema.get("minLength", 1), schema.get("maxLength", 64)
    for text in STRING_TRIES:
        if low <= len(text) <= high and (not schema.get("pattern") or re.search(schema["pattern"], text)):
            return text
    return "x" * max(low, 1)
