"""What the admin journey starts from, made through the public API of the browser tests' server: a vendor
application with a KYC document, a paid order (simulated provider, which signs and posts the provider's webhook),
and, after delivery, a vendor's payout request. Only the steps the admin clicks are left for the browser."""
from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.browser.conftest import PASSWORD, unique
from tests.conftest import unique_email
from tests.flows import active_product, approved_vendor, bearer, eventually, new_shopper
from tests.integration.orders_helpers import ORDER_BODY


SETUP_TIMEOUT = 180.0


def _run(coro) -> dict:
    """Run a setup coroutine on a thread of its own: Playwright's sync API already runs a loop on this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def vendor_application(api: httpx.Client) -> dict:
    """A registered owner who applied as a vendor and uploaded a KYC document: {id, name, token, kycUrl}."""
    email = unique_email("applicant")
    assert api.post("/v1/auth/register", json={"email": email, "password": PASSWORD, "name": "Applicant"}
                    ).status_code == 201
    token = api.post("/v1/auth/login", json={"email": email, "password": PASSWORD}).json()["accessToken"]
    name = f"Applicant Shop {unique('v')}"
    applied = api.post("/v1/vendors/apply", json={"name": name, "supportEmail": email}, headers=bearer(token))
    assert applied.status_code == 201, applied.text
    kyc_url = f"https://docs.example.com/kyc/{uuid.uuid4().hex}.pdf"
    kyc = api.post(f"/v1/vendors/{applied.json()['id']}/kyc", json={"docType": "business_license", "docUrl": kyc_url},
                   headers=bearer(token))
    assert kyc.status_code == 201, kyc.text
    return {"id": applied.json()["id"], "name": name, "token": token, "kycUrl": kyc_url}


async def _paid_order(base_url: str, admin_token: str) -> dict:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        # Generous: several test sessions share the broker's consumer groups and two cores.
        vendor = await approved_vendor(client, admin_token, timeout=SETUP_TIMEOUT)
        product = await active_product(client, admin_token, vendor, price_minor=2_500, stock=10,
                                       timeout=SETUP_TIMEOUT)
        shopper = await new_shopper(client, prefix="admin-journey-shopper")
        headers = bearer(shopper["accessToken"])
        await eventually(lambda: client.post("/v1/cart/items", json={"sku": product["sku"], "qty": 2},
                                             headers=headers),
                         lambda r: r.status_code == 201, what=f"the cart to accept {product['sku']}",
                         timeout=SETUP_TIMEOUT)
        placed = await client.post("/v1/orders", json=ORDER_BODY,
                                   headers={**headers, "Idempotency-Key": f"admin-{uuid.uuid4().hex}"})
        assert placed.status_code == 201, placed.text
        order_no = placed.json()["orderNo"]
        intent = await eventually(
            lambda: client.post("/v1/payments/intent", json={"orderNo": order_no},
                                headers={**headers, "Idempotency-Key": f"admin-pay-{order_no}"}),
            lambda r: r.status_code == 201, what=f"payments to know {order_no} (order.created over Kafka)",
            timeout=SETUP_TIMEOUT)
        sim = await client.post(f"/v1/payments/simulate/{intent.json()['intentId']}", json={"outcome": "succeeded"},
                                headers=headers)
        assert sim.status_code == 200, sim.text
        await eventually(lambda: client.get(f"/v1/admin/orders/{order_no}", headers=bearer(admin_token)),
                         lambda r: r.status_code == 200 and r.json()["paymentStatus"] == "paid",
                         what=f"{order_no} to be paid (payment events over Kafka)", timeout=SETUP_TIMEOUT)
    return {"orderNo": order_no, "vendor": vendor, "product": product, "shopper": shopper}


def paid_order(base_url: str, admin_token: str) -> dict:
    """An approved vendor's product bought twice by a new shopper and paid: {orderNo, vendor, product, shopper}."""
    return _run(_paid_order(base_url, admin_token))


def deliver(api: httpx.Client, admin_token: str, order_no: str) -> None:
    """Staff move the order along by hand (API) to delivered: a paid order is already "processing"."""
    steps = ("processing", "shipped", "delivered")
    current = api.get(f"/v1/admin/orders/{order_no}", headers=bearer(admin_token)).json()["status"]
    for status in steps[steps.index(current) + 1 if current in steps else 0:]:
        resp = api.patch(f"/v1/admin/orders/{order_no}/status", json={"status": status}, headers=bearer(admin_token))
        assert resp.status_code == 200, resp.text


async def _payout_request(base_url: str, vendor: dict, amount_minor: int) -> dict:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        async def ask() -> httpx.Response:
            return await client.post(f"/v1/vendors/{vendor['id']}/payout-request",
                                     json={"amountMinor": amount_minor, "currency": "USD"},
                                     headers={**bearer(vendor["token"]), "Idempotency-Key": uuid.uuid4().hex})

        resp = await eventually(ask, lambda r: r.status_code == 201,
                                what="eligible earnings for a payout (order.delivered over Kafka; the browser "
                                     "server runs with RETURN_WINDOW_DAYS=0)",
                                timeout=SETUP_TIMEOUT, interval=1.0)
    return resp.json()


def payout_request(base_url: str, vendor: dict, amount_minor: int = 1_000) -> dict:
    """The vendor asks for part of its (now eligible) balance: the PayoutOut answer."""
    return _run(_payout_request(base_url, vendor, amount_minor))
