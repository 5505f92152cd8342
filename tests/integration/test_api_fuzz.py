"""Property-based fuzzing of every service's public API through the gateway (Schemathesis over the checked-in OpenAPI
documents, which tests/unit/test_openapi_contract.py keeps equal to the live ones).

For each public operation (a /v1 path the gateway routes to that service), Schemathesis generates requests from the
documented parameters and bodies: random strings (control characters, non-UTF-8 escapes, huge numbers) in paths,
queries and bodies. Each request goes through the in-process gateway (the session's `client`) with a token for the
role the route expects (admin for /admin routes, a vendor owner for /vendors/{id} routes, a shopper otherwise), so
the fuzzer reaches past the 401 at the edge; half of a vendor route's examples use that vendor's real id, so they
reach past the 403 too. Every answer must pass Schemathesis's checks:
- not_a_server_error: no 5xx;
- status_code_conformance: the status is documented (every route documents its problem+json 4XX, see
  kernel/openapi_problems.py);
- content_type_conformance and response_schema_conformance: the body matches the documented media type and schema.

Examples are drawn by Hypothesis up front, then sent on the test's own event loop (the gateway's database pools live
there, so Schemathesis's own threaded ASGI client cannot be used): there is no shrinking, and a failure names the
request as sent. The gateway's rate limiter is switched off while fuzzing (one user sends hundreds of requests in a
few seconds; the limiter has its own tests in test_gateway_edge.py and tests/unit/test_rate_limit_fallback.py).

FUZZ_EXAMPLES (default 6 per operation) sets the depth; the slow test runs 40 per operation.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from apps.gateway.routes import service_for
from tests.flows import approved_vendor, new_user

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "kernel" / "contracts" / "openapi"
SERVICES = sorted(p.stem for p in OPENAPI_DIR.glob("*.json"))
CHECKS = [schemathesis.checks.not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
DEFAULT_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
_VENDOR_PATH = re.compile(r"^/v1/vendors/\{(\w+)\}")


def public_operations(service: str) -> list:
    """The operations of `service` a client can reach through the gateway."""
    schema = schemathesis.openapi.from_dict(json.loads((OPENAPI_DIR / f"{service}.json").read_text()))
    out = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path.startswith("/v1/") and service_for(operation.path) == service:
            out.append(operation)
    return out


def draw(operation, count: int, **fixed) -> list:
    """`count` generated requests for one operation (fewer when its inputs allow fewer distinct ones)."""
    cases: list = []

    @settings(max_examples=count, phases=[Phase.explicit, Phase.generate], database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(**fixed))
    def collect(case) -> None:
        cases.append(case)

    try:
        collect()
    except Exception:  # noqa: BLE001 - a generator hiccup (CPython's "AST constructor recursion depth mismatch"
        cases.clear()  # on deep recursive schemas) is not the API's fault: draw once more
        collect()
    return cases


def _encodable(files):
    """Multipart parts as httpx can send them: a generated non-text value (e.g. `0` for a file) becomes its text."""
    def part(value):
        if isinstance(value, tuple):
            return tuple(v if i != 1 or isinstance(v, (bytes, str)) or hasattr(v, "read") else str(v).encode()
                         for i, v in enumerate(value))
        return value if isinstance(value, (bytes, str)) or hasattr(value, "read") else str(value).encode()

    items = files.items() if isinstance(files, dict) else files
    return [(name, part(value)) for name, value in items]


class _NoLimit:
    async def hit(self, client_key: str) -> tuple[bool, int, int]:
        return True, 0, 1_000


@pytest.fixture(scope="module")
async def roles(client, admin_token) -> dict:
    vendor = await approved_vendor(client, admin_token)
    shopper = await new_user(client, "fuzz-shopper", "Shopper-pass-1", name="Fuzz")
    return {"admin": admin_token, "vendor": vendor["token"], "vendor_id": vendor["id"],
            "shopper": shopper["accessToken"]}


def _token(path: str, roles: dict) -> str:
    if path.startswith("/v1/admin"):
        return roles["admin"]
    if _VENDOR_PATH.match(path):
        return roles["vendor"]
    return roles["shopper"]


async def fuzz(service: str, client: httpx.AsyncClient, roles: dict, examples: int) -> tuple[int, int, list[str]]:
    """Returns (operations, requests sent, failures)."""
    operations, sent, failures = public_operations(service), 0, []
    for operation in operations:
        cases = draw(operation, examples)
        if match := _VENDOR_PATH.match(operation.path):
            cases += draw(operation, max(1, examples // 2), path_parameters={match.group(1): roles["vendor_id"]})
        headers = {"Authorization": f"Bearer {_token(operation.path, roles)}"}
        for case in cases:
            kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
            if kwargs.get("files"):
                kwargs["files"] = _encodable(kwargs["files"])
            kwargs.pop("auth", None)
            if "json" in kwargs:  # httpx wants the JSON body as content when it is not a dict/list literal
                kwargs["content"] = json.dumps(kwargs.pop("json")).encode()
                kwargs.setdefault("headers", {})["Content-Type"] = "application/json"
            kwargs.pop("cookies", None)
            response = await client.request(**kwargs)
            await response.request.aread()  # a multipart body is a stream: the checks read what was sent
            sent += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failed check is collected
                checks = [line.strip() for line in str(exc).splitlines() if line.strip().startswith("- ")]
                failures.append(f"{operation.label} -> {response.status_code} {kwargs['method']} "
                                f"{response.request.url.raw_path.decode('latin-1')[:160]}: {' '.join(checks)} "
                                f"body={kwargs.get('content', b'')[:200]!r} answer={response.text[:300]}")
    return len(operations), sent, failures


@pytest.fixture
def no_rate_limit(gateway):
    limiter, gateway.state.limiter = gateway.state.limiter, _NoLimit()
    yield
    gateway.state.limiter = limiter


@pytest.mark.parametrize("service", SERVICES)
async def test_fuzzed_requests_get_documented_answers_and_no_server_error(service, client, roles, no_rate_limit):
    operations, sent, failures = await fuzz(service, client, roles, DEFAULT_EXAMPLES)
    print(f"{service}: {operations} operations, {sent} requests, {len(failures)} failures")
    assert failures == [], "\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("service", SERVICES)
async def test_deep_fuzz(service, client, roles, no_rate_limit):
    operations, sent, failures = await fuzz(service, client, roles, 40)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("path", ["/v1/products/%00%ff", "/v1/inventory/%1B%C2%82", "/v1/vendors/%FF%00/inventory",
                                  "/v1/products?brand=%00", "/v1/products/%C2%85x"])
async def test_the_inputs_that_once_answered_500(path, client):
    """Issue 13's findings, kept as fixed examples: control, NUL and non-UTF-8 characters get a 4xx problem."""
    resp = await client.get(path)
    assert 400 <= resp.status_code < 500, resp.text
    assert resp.headers["content-type"] == "application/problem+json"
