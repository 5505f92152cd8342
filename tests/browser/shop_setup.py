"""What a shopper's journey starts from, set up through the public API of the server under test (never the
shopper's own steps): an approved vendor with a two-variant product that has an image and stock, indexed for
search, and a coupon. Later, the vendor's label and the carrier's scans that deliver the order (as the vendor
and the carrier would, also through the API). Events cross the real broker, so each step polls with a deadline."""
from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
import random
import string
from datetime import datetime, timedelta, timezone

import httpx
from PIL import Image, ImageDraw

from tests.flows import _create_product, approved_vendor, bearer, eventually, new_category, set_stock, tag

WAIT = 120.0  # the shared broker's consumer-group rebalances can hold an event for a while


def _run(coro):
    """Playwright's sync API keeps an event loop running in the test's thread: the async flows get their own."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def word(n: int = 9) -> str:
    """A made-up product word nobody else's data contains, so a typo of it can only mean our product."""
    rng = random.Random()
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants if i % 2 == 0 else vowels) for i in range(n)).capitalize()


def typo(w: str) -> str:
    """Drop one letter from the middle (one edit: Typesense's typo tolerance must find it)."""
    i = len(w) // 2
    return (w[:i] + w[i + 1:]).lower()


def png(color: tuple[int, int, int] = (33, 150, 243)) -> bytes:
    image = Image.new("RGB", (480, 480), color)
    ImageDraw.Draw(image).ellipse((120, 120, 360, 360), fill=(255, 255, 255))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def _ok(resp: httpx.Response, *codes: int) -> dict:
    assert resp.status_code in codes, f"{resp.request.method} {resp.request.url.path}: {resp.status_code} {resp.text}"
    return resp.json() if resp.content else {}


async def _shop(base_url: str, admin_token: str, price_minor: int, stock: int) -> dict:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        vendor = await approved_vendor(client, admin_token, timeout=WAIT)
        category = await new_category(client, admin_token, name=f"Teaware {tag()}")
        name = word()
        sku = f"SKU-{tag().upper()}"
        body = {"title": f"{name} Teapot", "description": "Hand-thrown stoneware teapot.\nHolds 1.2 litres.",
                "categoryIds": [category["id"]], "attributes": {"Material": "Stoneware"},
                "options": [{"name": "Colour", "values": ["Blue", "Sand"]}],
                "variants": [{"sku": f"{sku}-B", "optionValues": {"Colour": "Blue"}, "priceMinor": price_minor,
                              "currency": "USD", "weightGrams": 900},
                             {"sku": f"{sku}-S", "optionValues": {"Colour": "Sand"}, "priceMinor": price_minor + 500,
                              "currency": "USD", "weightGrams": 900}]}
        product = await _create_product(client, vendor, body, WAIT)
        _ok(await client.post(f"/v1/vendors/{vendor['id']}/products/{product['id']}/images",
                              files={"file": ("teapot.png", png(), "image/png")}, headers=bearer(vendor["token"])),
            201)
        _ok(await client.patch(f"/v1/admin/products/{product['id']}/approve", headers=bearer(admin_token)), 200)
        for variant in body["variants"]:
            await set_stock(client, vendor, variant["sku"], stock, timeout=WAIT)
        await eventually(lambda: client.get("/v1/search", params={"q": name}),
                         lambda r: r.status_code == 200 and any(h["productId"] == product["id"]
                                                                for h in r.json()["hits"]),
                         what=f"search to index {name}", timeout=WAIT, interval=0.5)
        now = datetime.now(timezone.utc)
        code = f"TEA{tag().upper()[:6]}"
        _ok(await client.post("/v1/admin/coupons", json={
            "code": code, "type": "percent", "value": 10, "startsAt": (now - timedelta(hours=1)).isoformat(),
            "endsAt": (now + timedelta(days=1)).isoformat()}, headers=bearer(admin_token)), 201)
        return {"vendor": vendor, "product": product, "word": name, "sku": body["variants"][0]["sku"],
                "price_minor": price_minor, "coupon": code, "title": body["title"]}


def shop(base_url: str, admin_token: str, *, price_minor: int = 4_000, stock: int = 20) -> dict:
    return _run(_shop(base_url, admin_token, price_minor, stock))


async def _deliver(base_url: str, admin_token: str, vendor: dict, order_no: str) -> str:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        async def label() -> httpx.Response:
            return await client.post("/v1/shipping/labels", json={"orderNo": order_no, "vendorId": vendor["id"]},
                                     headers=bearer(vendor["token"]))

        # shipping learns of the paid order through order.paid on the broker: retry until it has
        made = await eventually(label, lambda r: r.status_code == 201, what=f"a label for {order_no}",
                                timeout=WAIT, interval=0.5)
        tracking = made.json()["trackingNo"]
        for status, where in (("in_transit", "Sorting hub"), ("out_for_delivery", "Local depot"),
                              ("delivered", "Front door")):
            _ok(await client.post(f"/v1/shipping/track/{tracking}/events", json={"status": status, "location": where},
                                  headers=bearer(admin_token)), 201)
        return tracking


def deliver(base_url: str, admin_token: str, vendor: dict, order_no: str) -> str:
    """The vendor buys a label and the carrier scans the parcel to the door (the carrier's updates go through the
    edge with a staff token, as in the fulfilment tests)."""
    return _run(_deliver(base_url, admin_token, vendor, order_no))


def letters(n: int = 6) -> str:
    return "".join(random.choice(string.ascii_uppercase) for _ in range(n))
