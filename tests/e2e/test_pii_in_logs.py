"""No personal data in the logs of a demo run (issue 13 §3 "PII").

The API server (`mkt serve`, every service and the gateway in one process, as `make demo` runs it) and a stream
worker each log to a file of the test's own; the demo's commerce loop (mkt/demo_commerce.py: vendors, catalog,
coupon, orders, payments, shipping, reviews) runs through the gateway, together with the calls that carry the
most personal data: a profile phone, an address book entry, a vendor's support phone and bank account, an inline
checkout address with a phone, a failed login and inputs the API refuses. Then both log files are scanned for
every one of those values, and for any e-mail address that is not masked.
"""
from __future__ import annotations

import asyncio
import json
import re
import uuid

import httpx

from mkt.admin_cli import create_super_admin
from mkt.demo_commerce import ADDRESS, run_commerce
from simulator.api import bearer, ok
from simulator.flows import approved_vendor, login, new_user
from tests.conftest import unique_email
from tests.e2e.conftest import MKT, free_port, wait_ready
from tests.sim_world import private_streams_worker

# An address in an e-mail's shape whose local part is not masked (kernel.logging keeps only its first character).
UNMASKED_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{2,}@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def _gb_iban(bban: str) -> str:
    """A valid British IBAN (ISO 13616 check digits) for a bank code + sort code + account number."""
    digits = "".join(str(int(c, 36)) for c in bban + "GB00")
    return f"GB{98 - int(digits) % 97:02d}{bban}"


async def _personal_calls(http: httpx.AsyncClient, admin: str) -> list[str]:
    """The calls that carry the most personal data; returns the values that must not reach a log."""
    n = uuid.uuid4().int % 10**7
    phone, vendor_phone, checkout_phone = f"+1503{n:07d}", f"+4420{n:07d}", f"+3361{n:07d}"
    street, second_line = f"{n} Larkspur Lane", f"Flat {n % 97}B"
    iban = _gb_iban(f"NWBK601613{n:07d}"[:18])
    shopper = await new_user(http, "pii-shopper", name="Pii Shopper")
    token = shopper["accessToken"]
    ok(await http.patch("/v1/me", json={"phone": phone}, headers=bearer(token)), 200)
    ok(await http.post("/v1/me/addresses", json={"line1": street, "line2": second_line, "city": "Portland",
                                                  "postalCode": "97201", "country": "US"}, headers=bearer(token)), 201)
    vendor = await approved_vendor(http, admin)
    ok(await http.patch(f"/v1/vendors/{vendor['id']}", json={"supportPhone": vendor_phone},
                        headers=bearer(vendor["token"])), 200)
    ok(await http.post(f"/v1/vendors/{vendor['id']}/bank", json={
        "accountHolder": "Pii Vendor", "iban": iban, "bankName": "Northwind Bank", "country": "GB"},
        headers=bearer(vendor["token"])), 200, 201)
    # Refused inputs and a failed login: the paths most likely to echo what they were sent.
    bad_login = await http.post("/v1/auth/login", json={"email": shopper["email"], "password": "wrong-pass-1"})
    assert bad_login.status_code == 401
    refused_address = {**ADDRESS, "line1": street, "phone": checkout_phone, "country": "not a country"}
    refused = await http.post("/v1/orders", json={"shippingAddress": refused_address},
                              headers={**bearer(token), "Idempotency-Key": uuid.uuid4().hex})
    assert refused.status_code == 422
    assert (await http.post("/v1/auth/register", json={"email": shopper["email"], "password": "x"})).status_code == 422
    await login(http, shopper["email"], shopper["password"])
    return [shopper["email"], vendor["owner"]["email"], phone, vendor_phone, checkout_phone, street, second_line,
            iban, iban[-8:], ADDRESS["line1"]]


def _leaks(text: str, secrets: list[str]) -> list[str]:
    found = [f"value {s!r}" for s in secrets if s in text]
    found += [f"e-mail {m!r}" for m in sorted(set(UNMASKED_EMAIL.findall(text)))]
    return found


async def test_a_demo_run_logs_no_personal_data(stack, processes, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    api_log, worker_log = tmp_path / "api.log", tmp_path / "worker.log"
    proc = processes.start([MKT, "serve", "--port", str(port), "--workers", "1"],
                           {"ENV": "test", "PYTHONUNBUFFERED": "1"}, api_log)
    wait_ready(f"{base}/healthz", proc, timeout=120)
    admin_email = unique_email("pii-admin")
    await create_super_admin(admin_email, "Admin-pass-123")
    worker = private_streams_worker(worker_log)
    await asyncio.to_thread(worker.__enter__)  # it positions its group with asyncio.run: not on this loop
    try:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            admin = (await login(http, admin_email, "Admin-pass-123"))["accessToken"]
            secrets = await _personal_calls(http, admin)
            orders = await run_commerce(http, admin, shoppers=1)
    finally:
        await asyncio.to_thread(worker.__exit__, None, None, None)
        processes.stop_all()
    secrets.append(admin_email)

    api_text, worker_text = api_log.read_text(errors="replace"), worker_log.read_text(errors="replace")
    # The scan must have something to scan: request logs of the calls above, with the orders they made.
    requests = [json.loads(line) for line in api_text.splitlines() if line.startswith("{") and '"http.request"' in line]
    routes = {(r.get("method"), r.get("route"), r.get("status")) for r in requests}
    assert len(orders) == 1 and {("POST", "/v1/orders", 201), ("POST", "/v1/auth/login", 401),
                                 ("PATCH", "/v1/me", 200)} <= routes, api_text[-2000:]
    assert "[^Worker]: Ready" in worker_text
    assert _leaks(api_text, secrets) == [], "personal data in the API server's log"
    assert _leaks(worker_text, secrets) == [], "personal data in the stream worker's log"
