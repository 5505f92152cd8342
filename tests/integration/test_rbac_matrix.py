"""RBAC matrix (issue 13 §3): every public /v1 operation × 7 parties, generated from the services' routes and
OpenAPI (tests/integration/rbac_matrix.py says how): 0 cross-vendor or cross-user access, 0 server errors.
The world: vendors A and B (approved, each with an active product), customer X (A's product in an order, an
address), customer Y, staff, super admin. Writes a summary table to test-artifacts/rbac_matrix.md."""
from __future__ import annotations

import asyncio
import re
import uuid
from collections import Counter
from pathlib import Path

import pytest

from simulator.flows import new_category, tag
from tests.flows import active_product, approved_vendor, bearer
from tests.integration.orders_helpers import ADDRESS, add_to_cart, key, place, shopper, vendor_projected
from tests.integration.rbac_matrix import DENIED, PARTIES, allowed, example, operations

pytestmark = pytest.mark.timeout(600)
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "rbac_matrix.md"


@pytest.fixture(scope="module")
async def world(gateway, client, admin_token) -> dict:
    va, vb = await asyncio.gather(approved_vendor(client, admin_token), approved_vendor(client, admin_token))
    pa, _ = await asyncio.gather(active_product(client, admin_token, va, price_minor=1_500, stock=50),
                                 active_product(client, admin_token, vb, price_minor=2_500, stock=50))
    await vendor_projected(gateway, va["id"])
    cx, cy = shopper(gateway), shopper(gateway)
    staff = shopper(gateway, roles=("staff",))
    sku = pa["variants"][0]["sku"]
    await add_to_cart(client, cx, sku)
    order = await place(client, cx)
    assert order.status_code == 201, order.text
    address = await client.post("/v1/me/addresses", headers=cx["headers"], json={
        "line1": ADDRESS["line1"], "city": ADDRESS["city"], "postalCode": ADDRESS["postalCode"], "country": "GB"})
    assert address.status_code == 201, address.text
    category = await new_category(client, admin_token)
    tokens = {"anonymous": {}, "customer_x": cx["headers"], "customer_y": cy["headers"],
              "vendor_a": bearer(va["token"]), "vendor_b": bearer(vb["token"]), "staff": staff["headers"],
              "admin": bearer(admin_token)}
    values = {"vendorId": va["id"], "vendor_id": va["id"], "product_id": pa["id"], "productId": pa["id"],
              "slug": pa["slug"], "sku": sku, "orderNo": order.json()["orderNo"], "order_no": order.json()["orderNo"],
              "id": order.json()["orderNo"], "address_id": address.json()["id"], "categoryIds": [category["id"]],
              "metric": "gmv", "tracking_no": "TRK-RBAC-NONE", "key": "rbac-flag", "status": None}
    return {"tokens": tokens, "values": values, "category": category["id"]}


def _path(template: str, values: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1).split(":")[0]
        if name == "key" and ":path" in match.group(1):
            return "rbac/none.png"
        return str(values.get(name) or uuid.uuid4())
    return re.sub(r"{([^}]+)}", fill, template)


def _body(op, values: dict, category: str):
    if op.body_schema is None:
        return None
    if op.name == "POST /v1/vendors/{vendorId}/products":  # a product that would be created: fresh SKUs
        return {"title": f"RBAC {tag()}", "categoryIds": [category],
                "variants": [{"sku": f"RB-{tag().upper()}", "priceMinor": 900, "currency": "USD"}]}
    if op.name == "POST /v1/vendors/{vendor_id}/bank":  # exactly one of iban/accountNo: a rule no schema shows
        return {"accountHolder": "Ada Vendor", "accountNo": "12345678", "bankName": "Test Bank", "country": "GB"}
    if op.name == "PATCH /v1/admin/vendors/{vendor_id}/status":
        return {"status": "active"}  # already active: a 409 for the admin, never suspending vendor A mid-matrix
    body = example(op.body_schema, {k: v for k, v in values.items() if v is not None and k not in ("id", "key")})
    return body


def _payload(op, body) -> dict:
    """JSON bodies as generated; multipart uploads (KYC documents, product images) get a small valid file."""
    if op.path.endswith("/kyc/upload"):
        return {"data": {"docType": "business_license"},
                "files": {"file": ("licence.pdf", b"%PDF-1.4 rbac", "application/pdf")}}
    if op.path.endswith("/images"):
        return {"files": {"file": ("p.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")}}
    return {"json": body}


async def _run(client, world, ops) -> tuple[list[dict], list[str]]:
    rows, violations = [], []
    for op in ops:
        body = _body(op, world["values"], world["category"])
        may = allowed(op, body)
        row = {"op": op.name, "service": op.service}
        for party in PARTIES:  # the owners and admins last: their writes cannot change what others were shown
            headers = {**world["tokens"][party], **key()}
            resp = await client.request(op.method, _path(op.path, world["values"]), headers=headers,
                                        **_payload(op, body))
            code = resp.status_code
            row[party] = code
            if code >= 500:
                violations.append(f"{op.name} as {party}: {code} {resp.text[:200]}")
            elif party not in may and code not in DENIED:
                violations.append(f"{op.name} as {party}: {code} (only {sorted(may)} may) {resp.text[:200]}")
        rows.append(row)
    return rows, violations


def _write_table(rows: list[dict], violations: list[str]) -> None:
    ARTIFACT.parent.mkdir(exist_ok=True)
    lines = [f"# RBAC matrix: {len(rows)} operations × {len(PARTIES)} parties = {len(rows) * len(PARTIES)} calls",
             "", f"Violations: {len(violations)}", *[f"- {v}" for v in violations], "",
             "| operation | " + " | ".join(PARTIES) + " |", "|---" * (len(PARTIES) + 1) + "|"]
    lines += [f"| {r['op']} | " + " | ".join(str(r[p]) for p in PARTIES) + " |" for r in rows]
    ARTIFACT.write_text("\n".join(lines) + "\n")


def _representative(ops):
    """One operation per (service, guard kind, method class): every kind of declared security, quickly."""
    seen, chosen = set(), []
    for op in ops:
        kind = (op.service, frozenset(op.guards), op.method == "GET", bool(re.search(r"{(vendorId|vendor_id|orderNo"
                                                                                      r"|address_id)}", op.path)))
        if kind not in seen:
            seen.add(kind)
            chosen.append(op)
    return chosen


async def test_rbac_matrix_representative(gateway, client, world):
    ops = _representative(operations(gateway.state.services))
    rows, violations = await _run(client, world, ops)
    print(f"RBAC matrix (representative): {len(rows)} operations × {len(PARTIES)} parties = "
          f"{len(rows) * len(PARTIES)} calls; violations: {len(violations)}")
    assert not violations, "\n".join(violations)


@pytest.mark.slow
async def test_rbac_matrix_every_operation(gateway, client, world):
    ops = operations(gateway.state.services)
    rows, violations = await _run(client, world, ops)
    _write_table(rows, violations)
    statuses = Counter(code for r in rows for p in PARTIES for code in [r[p]])
    print(f"RBAC matrix: {len(rows)} operations × {len(PARTIES)} parties = {len(rows) * len(PARTIES)} calls; "
          f"violations: {len(violations)}; statuses: {dict(sorted(statuses.items()))}")
    assert not violations, "\n".join(violations)
