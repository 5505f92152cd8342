"""A small client of Superset's REST API: JWT login, CSRF token, assets import, charts and their data.

POSTs other than /api/v1/chart/data need `X-CSRFToken` from /api/v1/security/csrf_token/ with the same cookie jar
(the session cookie it sets), so one httpx.Client carries both.
"""
from __future__ import annotations

import json
from typing import Any

import httpx

from kernel.settings import StackSettings, stack_settings, superset_settings
from kernel.warehouse import parse_clickhouse_url


class SupersetError(RuntimeError):
    pass


class SupersetApi:
    def __init__(self, http: httpx.Client):
        self.http = http
        self._csrf: str | None = None

    @classmethod
    def login(cls, settings: StackSettings | None = None, *, timeout: float = 120.0) -> "SupersetApi":
        settings = settings or stack_settings()
        http = httpx.Client(base_url=settings.superset_url.rstrip("/"), timeout=timeout, trust_env=False)
        resp = http.post("/api/v1/security/login", json={
            "username": superset_settings().admin_user, "password": superset_settings().admin_password,
            "provider": "db", "refresh": True})
        if resp.status_code != 200:
            http.close()
            raise SupersetError(f"Superset login as {superset_settings().admin_user!r} failed: "
                                f"{resp.status_code} {resp.text[:200]}")
        http.headers["Authorization"] = f"Bearer {resp.json()['access_token']}"
        return cls(http)

    def __enter__(self) -> "SupersetApi":
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def _check(self, resp: httpx.Response, what: str) -> Any:
        if resp.status_code >= 400:
            raise SupersetError(f"{what}: {resp.status_code} {resp.text[:2000]}")
        return resp.json()

    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = self._check(self.http.get("/api/v1/security/csrf_token/"), "csrf token")["result"]
        return self._csrf

    def import_bundle(self, bundle: bytes, settings: StackSettings | None = None) -> None:
        """POST /api/v1/assets/import/: overwrites the database, datasets, charts and dashboards it holds."""
        data: dict[str, str] = {}
        password = parse_clickhouse_url((settings or stack_settings()).clickhouse_url).password
        if password:  # the bundle masks it; the import takes it per database file
            from dashboards.bundle import DATABASE_NAME

            data["passwords"] = json.dumps({f"databases/{DATABASE_NAME}.yaml": password})
        resp = self.http.post("/api/v1/assets/import/", files={"bundle": ("bundle.zip", bundle, "application/zip")},
                              data=data, headers={"X-CSRFToken": self.csrf(), "Referer": str(self.http.base_url)})
        self._check(resp, "assets import")

    def list(self, resource: str, **filters: Any) -> list[dict[str, Any]]:
        """Every row of /api/v1/<resource>/ (paged), optionally filtered by equality on columns."""
        rows: list[dict[str, Any]] = []
        page = 0
        while True:
            q = {"page": page, "page_size": 100,
                 "filters": [{"col": c, "opr": "eq", "value": v} for c, v in filters.items()]}
            body = self._check(self.http.get(f"/api/v1/{resource}/", params={"q": _rison(q)}), f"list {resource}")
            rows += body["result"]
            if len(rows) >= body["count"] or not body["result"]:
                return rows
            page += 1

    def get(self, path: str) -> dict[str, Any]:
        return self._check(self.http.get(f"/api/v1/{path}"), f"GET {path}")["result"]

    def chart_data(self, chart_id: int) -> list[dict[str, Any]]:
        """Rows of a chart's saved query (GET /api/v1/chart/{id}/data/)."""
        body = self._check(self.http.get(f"/api/v1/chart/{chart_id}/data/", params={"format": "json"}),
                           f"chart {chart_id} data")
        return body["result"][0]["data"]

    def query_data(self, query_context: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of an ad-hoc query context (POST /api/v1/chart/data), e.g. a saved one with another time range."""
        body = self._check(self.http.post("/api/v1/chart/data", json=query_context), "chart data")
        return body["result"][0]["data"]


def _rison(value: Any) -> str:
    """Rison, the URL notation Superset's list endpoints take in `q` (enough of it for dicts/lists/str/int)."""
    if isinstance(value, dict):
        return "(" + ",".join(f"{k}:{_rison(v)}" for k, v in value.items()) + ")"
    if isinstance(value, (list, tuple)):
        return "!(" + ",".join(_rison(v) for v in value) + ")"
    if isinstance(value, bool):
        return "!t" if value else "!f"
    if isinstance(value, (int, float)):
        return str(value)
    if value is None:
        return "!n"
    text = str(value).replace("!", "!!").replace("'", "!'")
    return f"'{text}'"
