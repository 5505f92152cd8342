"""The public route table: which service owns which /v1 prefix (longest prefix wins)."""
from __future__ import annotations

ROUTES: tuple[tuple[str, str], ...] = (
    ("/v1/auth", "auth"),
    ("/v1/categories", "catalog"),
    ("/v1/products", "catalog"),
    ("/v1/admin/categories", "catalog"),
    ("/v1/admin/products", "catalog"),
)
# Prefixes that never answer without a token: refuse at the edge before touching a service.
AUTH_REQUIRED_PREFIXES: tuple[str, ...] = ("/v1/admin/", "/v1/me")

_BY_LENGTH = sorted(ROUTES, key=lambda r: len(r[0]), reverse=True)


def service_for(path: str) -> str | None:
    for prefix, service in _BY_LENGTH:
        if path == prefix or path.startswith(prefix + "/"):
            return service
    return None


def requires_auth(path: str) -> bool:
    return any(path == p.rstrip("/") or path.startswith(p) for p in AUTH_REQUIRED_PREFIXES)
