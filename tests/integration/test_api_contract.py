"""API.md is a contract: every documented route must be in the OpenAPI its service serves through the gateway,
with the documented method, success status and field names, and the gateway must send the path to that service.
Renaming a route, a field or a status code fails here first.

Routes of a service that is not wired into mkt.composition yet are skipped; once wired, they must all match.
Vendor earnings and payouts (API.md § Vendors, last bullet) come with orders and payments in a later issue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from apps.gateway.routes import service_for
from mkt.composition import SERVICE_FACTORIES

_PARAM = re.compile(r"\{[^}]+\}")


@dataclass(frozen=True)
class Route:
    service: str
    method: str
    path: str
    status: int | None = None  # documented success status (None: not documented, any 2xx)
    body: tuple[str, ...] = ()  # documented request fields (optional ones included: they must exist too)
    returns: tuple[str, ...] = ()  # documented response fields
    query: tuple[str, ...] = ()

    def __str__(self) -> str:
        return f"{self.method} {self.path}"


PAIR = ("accessToken", "refreshToken", "tokenType", "expiresIn")
PROFILE = ("name", "phone", "dob", "marketingOptIn")
ADDRESS = ("label", "line1", "line2", "city", "state", "postalCode", "country", "isDefault")
ROUTES = (
    # § Auth
    Route("auth", "POST", "/v1/auth/register", 201, ("email", "password", "name"), ("userId",)),
    Route("auth", "POST", "/v1/auth/login", 200, ("email", "password"), PAIR),
    Route("auth", "POST", "/v1/auth/refresh", 200, ("refreshToken",), PAIR),
    Route("auth", "POST", "/v1/auth/logout", 204, ("refreshToken",)),
    Route("auth", "POST", "/v1/auth/forgot-password", 202, ("email",)),
    Route("auth", "POST", "/v1/auth/reset-password", 204, ("token", "newPassword")),
    Route("auth", "GET", "/v1/auth/jwks", 200),
    # § Profiles
    Route("profiles", "GET", "/v1/me", 200,
          returns=("userId", *PROFILE, "roles", "vendorId", "createdAt", "updatedAt")),
    Route("profiles", "PATCH", "/v1/me", 200, PROFILE),
    Route("profiles", "GET", "/v1/me/addresses", 200),
    Route("profiles", "POST", "/v1/me/addresses", 201, ADDRESS, ("id", *ADDRESS)),
    Route("profiles", "PATCH", "/v1/me/addresses/{id}", 200, ADDRESS, ("id", *ADDRESS)),
    Route("profiles", "DELETE", "/v1/me/addresses/{id}", 204),
    # § Vendors
    Route("vendors", "POST", "/v1/vendors/apply", 201, ("name", "supportEmail", "supportPhone"),
          ("id", "slug", "status")),
    Route("vendors", "GET", "/v1/vendors/{id}"),
    Route("vendors", "PATCH", "/v1/vendors/{id}"),
    Route("vendors", "POST", "/v1/vendors/{id}/kyc", body=("docType", "docUrl")),
    Route("vendors", "POST", "/v1/vendors/{id}/bank", body=("accountHolder", "iban", "accountNo", "bankName",
                                                             "country")),
    Route("vendors", "GET", "/v1/admin/vendors", query=("status",)),
    Route("vendors", "PATCH", "/v1/admin/vendors/{id}/status",
          body=("status", "commissionType", "commissionValue")),
    # § Catalog
    Route("catalog", "GET", "/v1/categories", 200),
    Route("catalog", "POST", "/v1/admin/categories", 201, ("name", "slug", "parentId")),
    Route("catalog", "PATCH", "/v1/admin/categories/{id}", 200),
    Route("catalog", "GET", "/v1/products", 200, query=("category", "brand", "vendor", "page")),
    Route("catalog", "GET", "/v1/products/{slug}", 200),
    Route("catalog", "POST", "/v1/vendors/{vendorId}/products", 201,
          ("title", "description", "categoryIds", "brandId", "attributes", "options", "images", "variants"),
          ("id", "slug", "status")),
    Route("catalog", "PATCH", "/v1/vendors/{vendorId}/products/{id}"),
    Route("catalog", "POST", "/v1/vendors/{vendorId}/products/{id}/images"),
    Route("catalog", "PATCH", "/v1/admin/products/{id}/approve"),
    # § Inventory
    Route("inventory", "GET", "/v1/inventory/{sku}", 200, returns=("sku", "available", "onHand", "reserved")),
    Route("inventory", "PATCH", "/v1/vendors/{vendorId}/inventory/{sku}", body=("onHand", "delta", "reorderPoint")),
    # § Cart & coupons
    Route("cart", "GET", "/v1/cart", 200),
    Route("cart", "POST", "/v1/cart/items", body=("sku", "qty")),
    Route("cart", "PATCH", "/v1/cart/items/{sku}", 200, ("qty",)),
    Route("cart", "DELETE", "/v1/cart/items/{sku}"),
    Route("cart", "POST", "/v1/cart/apply-coupon", body=("code",)),
    Route("cart", "DELETE", "/v1/cart/coupon"),
    Route("cart", "POST", "/v1/checkout/summary", 200,
          returns=("items", "subtotalMinor", "discountMinor", "shippingMinor", "taxMinor", "totalMinor", "currency")),
    Route("coupons", "POST", "/v1/admin/coupons", body=("code", "type", "value", "minOrderMinor", "maxDiscountMinor",
                                                        "startsAt", "endsAt", "usageLimit", "perUserLimit", "scopes")),
)

_specs: dict[str, dict[str, Any]] = {}


async def _spec(client, service: str) -> dict[str, Any]:
    if service not in _specs:
        resp = await client.get(f"/v1/openapi/{service}.json")
        assert resp.status_code == 200, f"the gateway does not serve {service}'s OpenAPI: {resp.text}"
        _specs[service] = resp.json()
    return _specs[service]


def _operation(spec: dict[str, Any], route: Route) -> dict[str, Any]:
    """The operation for the route's method on the path of the same shape (parameter names may differ)."""
    shape = _PARAM.sub("{}", route.path)
    paths = {p: ops for p, ops in spec["paths"].items() if _PARAM.sub("{}", p) == shape}
    assert paths, f"{route.path} is not served (paths: {sorted(spec['paths'])})"
    ops = next(iter(paths.values()))
    assert route.method.lower() in ops, f"{route.path} serves {sorted(ops)}, not {route.method}"
    return ops[route.method.lower()]


def _fields(spec: dict[str, Any], schema: dict[str, Any] | None) -> set[str]:
    """Property names of a schema, following $ref and merging allOf/anyOf/oneOf alternatives."""
    if not schema:
        return set()
    if ref := schema.get("$ref"):
        return _fields(spec, spec["components"]["schemas"][ref.rsplit("/", 1)[-1]])
    found = set(schema.get("properties", {}))
    for key in ("allOf", "anyOf", "oneOf"):
        for option in schema.get(key, []):
            found |= _fields(spec, option)
    return found


def _json_schema(part: dict[str, Any]) -> dict[str, Any] | None:
    return part.get("content", {}).get("application/json", {}).get("schema")


@pytest.mark.parametrize("route", ROUTES, ids=str)
async def test_documented_route_is_served(client, route: Route):
    if route.service not in SERVICE_FACTORIES:
        pytest.skip(f"{route.service} is not wired into the composition root yet")
    concrete = _PARAM.sub("x1", route.path)
    assert service_for(concrete) == route.service, f"the gateway sends {concrete} to {service_for(concrete)}"
    spec = await _spec(client, route.service)
    op = _operation(spec, route)
    success = sorted(code for code in op["responses"] if code.startswith("2"))
    if route.status is not None:
        assert str(route.status) in success, f"documented {route.status}, served {success}"
    if route.body:
        missing = set(route.body) - _fields(spec, _json_schema(op.get("requestBody", {})))
        assert not missing, f"request fields missing: {sorted(missing)}"
    if route.returns:
        answer = op["responses"][str(route.status or 200)]
        missing = set(route.returns) - _fields(spec, _json_schema(answer))
        assert not missing, f"response fields missing: {sorted(missing)}"
    if route.query:
        params = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
        assert set(route.query) <= params, f"query parameters missing: {sorted(set(route.query) - params)}"
