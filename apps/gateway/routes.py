"""The public route table: which service owns which /v1 path. `*` matches one path segment (an id); the
most specific pattern (most segments) wins, so /v1/vendors/*/products goes to catalog, /v1/vendors/* to vendors."""
from __future__ import annotations

ROUTES: tuple[tuple[str, str], ...] = (
    ("/v1/auth", "auth"),
    ("/v1/me", "profiles"),
    ("/v1/vendors", "vendors"),
    ("/v1/admin/vendors", "vendors"),
    ("/v1/categories", "catalog"),
    ("/v1/brands", "catalog"),
    ("/v1/products", "catalog"),
    ("/v1/media", "catalog"),
    ("/v1/vendors/*/products", "catalog"),
    ("/v1/admin/categories", "catalog"),
    ("/v1/admin/brands", "catalog"),
    ("/v1/admin/products", "catalog"),
    ("/v1/inventory", "inventory"),
    ("/v1/vendors/*/inventory", "inventory"),
    ("/v1/cart", "cart"),
    ("/v1/checkout", "cart"),
    ("/v1/admin/coupons", "coupons"),
    ("/v1/payments", "payments"),
    ("/v1/admin/orders/*/refunds", "payments"),
    ("/v1/vendors/*/earnings", "payments"),
    ("/v1/vendors/*/payout-request", "payments"),
    ("/v1/admin/payouts", "payments"),
    ("/v1/orders", "orders"),
    ("/v1/me/orders", "orders"),
    ("/v1/vendors/*/orders", "orders"),
    ("/v1/admin/orders", "orders"),
    ("/v1/admin/returns", "orders"),
    ("/v1/shipping", "shipping"),
    ("/v1/admin/shipping", "shipping"),
    ("/v1/reviews", "reviews"),
    ("/v1/products/*/reviews", "reviews"),
    ("/v1/admin/reviews", "reviews"),
    ("/v1/notify", "notifications"),
    ("/v1/admin/templates", "notifications"),
    ("/v1/events", "tracking"),
    ("/v1/admin/analytics", "backoffice"),
    ("/v1/vendors/*/analytics", "backoffice"),
    ("/v1/admin/feature-flags", "backoffice"),
    ("/v1/search", "search"),
    ("/v1/admin/search", "search"),
    ("/v1/ai", "serving"),
    ("/v1/vendors/*/forecasts", "serving"),
    ("/v1/vendors/*/price-suggestions", "serving"),
    ("/v1/admin/fraud", "serving"),
    ("/v1/admin/ai", "serving"),
)
# Prefixes that never answer without a token: refuse at the edge before touching a service.
AUTH_REQUIRED_PREFIXES: tuple[str, ...] = ("/v1/admin/", "/v1/me")

_PATTERNS = sorted(((tuple(p.strip("/").split("/")), svc) for p, svc in ROUTES), key=lambda r: -len(r[0]))
# The same table indexed per pattern length, longest first: patterns without `*` by their segments (one dict
# lookup), those with `*` in table order. Every public request asks, so a scan of the whole table per request
# was worth avoiding; the outcome is the scan's (no two patterns of one length match the same path).
_BY_LENGTH: list[tuple[int, dict[tuple[str, ...], str], list[tuple[tuple[str, ...], str]]]] = [
    (n, {p: svc for p, svc in _PATTERNS if len(p) == n and "*" not in p},
     [(p, svc) for p, svc in _PATTERNS if len(p) == n and "*" in p])
    for n in sorted({len(p) for p, _ in _PATTERNS}, reverse=True)]


def service_for(path: str) -> str | None:
    segments = tuple(path.strip("/").split("/"))
    for length, exact, wild in _BY_LENGTH:
        if len(segments) < length:
            continue
        head = segments[:length]
        if (service := exact.get(head)) is not None:
            return service
        for pattern, service in wild:
            if all(p == "*" or p == s for p, s in zip(pattern, head)):
                return service
    return None


def services() -> list[str]:
    return sorted({svc for _, svc in ROUTES})


def requires_auth(path: str) -> bool:
    # Whole segments only: "/v1/me" covers /v1/me/addresses, not the public /v1/media.
    return any(path == p.rstrip("/") or path.startswith(p.rstrip("/") + "/") for p in AUTH_REQUIRED_PREFIXES)
