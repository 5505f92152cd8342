"""`mkt simulate live`: shoppers on the real public API through the gateway, at a set rate of sessions.

Each session browses a category the shopper likes (GET /v1/products, product pages), reports what the storefront
saw (POST /v1/events/track, skipped with a note if that route is not deployed), and sometimes buys: cart, order
(Idempotency-Key), payment intent and the dev-only simulated payment; later it may review a bought product.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
import numpy as np

from simulator.api import call, ok
from simulator.catalog_data import CITIES
from simulator.flows import Nudge, no_nudge
from simulator.world_spec import SIM_PASSWORD

PASSWORD = SIM_PASSWORD  # world shoppers (simulator.live_world) and newly registered ones alike
BUY_P, REVIEW_P, FAIL_P = 0.3, 0.15, 0.05


@dataclass
class LiveProduct:
    id: str
    slug: str
    vendor_id: str
    category_ids: list[str]
    skus: list[tuple[str, int]]
    title: str = ""
    currency: str = "USD"


@dataclass
class LiveShopper:
    email: str
    token: str
    user_id: str
    address_id: str | None
    device: str
    taste: np.ndarray  # weights over categories (hidden preference)
    orders: list[tuple[str, str]] = field(default_factory=list)  # (orderNo, productId) paid
    world_idx: int | None = None  # a world shopper (simulator.live_world): their index in the population
    checkout: asyncio.Lock = field(default_factory=asyncio.Lock)  # one checkout at a time takes one cart


@dataclass
class LiveStats:
    counts: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)
    samples: dict[str, str] = field(default_factory=dict)  # the last answer of each kind of error
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def discover(http: httpx.AsyncClient) -> list[LiveProduct]:
    """Every active product of the public catalog (all pages); a product's SKUs are read from its page when a
    session first opens it, so a catalog of thousands costs a few list requests, not one request per product."""
    found, page = [], 1
    while True:
        items = ok(await call(http, "GET", "/v1/products", params={"page": page, "perPage": 100}), 200)["items"]
        found += [LiveProduct(i["id"], i["slug"], i["vendorId"], i["categoryIds"], [], i["title"], i["currency"])
                  for i in items]
        if len(items) < 100:
            return found
        page += 1


class LiveDriver:
    def __init__(self, http: httpx.AsyncClient, products: list[LiveProduct], *, seed: int,
                 nudge: Nudge = no_nudge) -> None:
        self.http, self.products, self.rng = http, products, np.random.default_rng(seed)
        self.nudge = nudge
        self.categories = sorted({c for p in products for c in p.category_ids})
        self.by_category = {c: [p for p in products if c in p.category_ids] for c in self.categories}
        self.stats = LiveStats()
        self.tracking = True

    def _count(self, resp: httpx.Response, what: str) -> httpx.Response:
        if resp.status_code >= 400:
            self.stats.errors[f"{what} {resp.status_code}"] += 1
            self.stats.samples[f"{what} {resp.status_code}"] = resp.text[:300]
        return resp

    async def register(self, i: int) -> LiveShopper | None:
        email = f"shopper-{uuid.uuid4().hex[:10]}@sim.example.com"
        reg = self._count(await call(self.http, "POST", "/v1/auth/register",
                                     json={"email": email, "password": PASSWORD, "name": f"Shopper {i}"}), "register")
        if reg.status_code != 201:
            return None
        tokens = ok(await call(self.http, "POST", "/v1/auth/login", json={"email": email, "password": PASSWORD}), 200)
        city, country, prefix = CITIES[int(self.rng.integers(0, 16))]
        addr = self._count(await call(self.http, "POST", "/v1/me/addresses", token=tokens["accessToken"], json={
            "label": "Home", "line1": f"{int(self.rng.integers(1, 999))} Main St", "city": city,
            "postalCode": f"{prefix}{int(self.rng.integers(10, 99))}", "country": country, "isDefault": True}),
            "address")
        self.stats.counts["shoppers"] += 1
        taste = self.rng.dirichlet(np.full(max(1, len(self.categories)), 0.3))
        return LiveShopper(email, tokens["accessToken"], reg.json()["userId"],
                           addr.json().get("id") if addr.status_code == 201 else None,
                           f"dev_{uuid.uuid4().hex[:16]}", taste)

    async def _authed(self, sh: LiveShopper, method: str, path: str, **kw) -> httpx.Response:
        resp = await call(self.http, method, path, token=sh.token, **kw)
        if resp.status_code == 401:  # access tokens last 15 minutes: sign in again
            tokens = ok(await call(self.http, "POST", "/v1/auth/login",
                                   json={"email": sh.email, "password": PASSWORD}), 200)
            sh.token = tokens["accessToken"]
            resp = await call(self.http, method, path, token=sh.token, **kw)
        return resp

    async def _track(self, sh: LiveShopper, session: str, events: list[dict]) -> None:
        if not self.tracking:
            return
        resp = await self._authed(sh, "POST", "/v1/events/track",
                                  json={"sessionId": session, "deviceId": sh.device, "events": events})
        if resp.status_code in (404, 503):
            self.tracking = False
            self.stats.notes.append(f"POST /v1/events/track answered {resp.status_code}: clickstream not sent")
        elif self._count(resp, "track").status_code in (200, 202):
            self.stats.counts["tracked_events"] += len(events)

    def _pick(self, sh: LiveShopper, k: int) -> list[LiveProduct]:
        category = self.categories[int(self.rng.choice(len(self.categories), p=sh.taste))]
        pool = self.by_category[category]
        return [pool[int(i)] for i in self.rng.integers(0, len(pool), size=k)]

    async def session(self, sh: LiveShopper) -> None:
        session = uuid.uuid4().hex
        viewed = self._pick(sh, 1 + int(self.rng.poisson(1.5)))
        self._count(await call(self.http, "GET", "/v1/products",
                               params={"category": viewed[0].category_ids[0]}), "browse")
        query = (viewed[0].title or viewed[0].slug).split()[-1].lower()
        events: list[dict] = [{"type": "search.performed", "query": query,
                               "resultsCount": len(self.by_category.get(viewed[0].category_ids[0], []))}]
        for p in viewed:
            page = self._count(await call(self.http, "GET", f"/v1/products/{p.slug}"), "product")
            if page.status_code == 200:
                p.skus = [(v["sku"], v["priceMinor"]) for v in page.json()["variants"]]
            if not p.skus:
                continue
            sku, price = p.skus[int(self.rng.integers(0, len(p.skus)))]
            events.append({"type": "product.viewed", "productId": p.id, "sku": sku, "vendorId": p.vendor_id,
                           "categoryIds": p.category_ids, "priceMinor": price, "currency": p.currency,
                           "source": "category"})
        self.stats.counts["sessions"] += 1
        self.stats.counts["views"] += len(viewed)
        await self._track(sh, session, events)
        if self.rng.random() < BUY_P and sh.address_id and viewed[-1].skus:
            async with sh.checkout:
                await self.buy(sh, viewed[-1])
        elif sh.orders and self.rng.random() < REVIEW_P:
            await self.review(sh)

    async def buy(self, sh: LiveShopper, product: LiveProduct) -> None:
        sku, _ = product.skus[int(self.rng.integers(0, len(product.skus)))]
        if self._count(await self._authed(sh, "POST", "/v1/cart/items", json={"sku": sku, "qty": 1}),
                       "cart").status_code != 201:
            return
        self.stats.counts["cart_adds"] += 1
        order = self._count(await self._authed(
            sh, "POST", "/v1/orders", json={"shippingAddressId": sh.address_id, "shippingMethod": "standard"},
            headers={"Idempotency-Key": uuid.uuid4().hex, "X-Device-Id": sh.device}), "order")
        if order.status_code != 201:
            return
        order_no = order.json()["orderNo"]
        self.stats.counts["orders"] += 1
        await self.nudge("orders", order_no)
        intent = self._count(await self._authed(sh, "POST", "/v1/payments/intent", json={"orderNo": order_no},
                                                headers={"Idempotency-Key": uuid.uuid4().hex}), "intent")
        if intent.status_code not in (200, 201):
            return
        failed = self.rng.random() < FAIL_P
        paid = self._count(await self._authed(sh, "POST", f"/v1/payments/simulate/{intent.json()['intentId']}",
                                              json={"outcome": "failed" if failed else "succeeded"}), "pay")
        if paid.status_code == 200:
            await self.nudge("payments", order_no)
            self.stats.counts["payments_failed" if failed else "payments_succeeded"] += 1
            if not failed:
                sh.orders.append((order_no, product.id))

    async def review(self, sh: LiveShopper) -> None:
        order_no, product_id = sh.orders.pop(0)
        rating = int(np.clip(round(self.rng.normal(4.0, 1.0)), 1, 5))
        resp = await self._authed(sh, "POST", "/v1/reviews",
                                  json={"productId": product_id, "orderNo": order_no, "rating": rating})
        if resp.status_code == 201:
            self.stats.counts["reviews"] += 1
        elif resp.status_code == 403:  # reviews has not yet seen the payment: try again in a later session
            sh.orders.append((order_no, product_id))
        else:
            self._count(resp, "review")

    async def run(self, shoppers: int, minutes: float, rate: float, parallel: int = 16) -> LiveStats:
        started = time.monotonic()
        gate = asyncio.Semaphore(parallel)

        async def bounded(coro):
            async with gate:
                try:
                    return await coro
                except (httpx.HTTPError, RuntimeError, KeyError, ValueError) as exc:
                    self.stats.errors[type(exc).__name__] += 1
                    return None

        registered = [s for s in await asyncio.gather(*(bounded(self.register(i)) for i in range(shoppers))) if s]
        if not registered or not self.products:
            self.stats.notes.append("no shoppers or no products: nothing to simulate")
            return self.stats
        tasks, deadline = set(), time.monotonic() + minutes * 60
        while time.monotonic() < deadline:
            shopper = registered[int(self.rng.integers(0, len(registered)))]
            task = asyncio.create_task(bounded(self.session(shopper)))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            await asyncio.sleep(float(self.rng.exponential(1.0 / rate)))
        if tasks:
            await asyncio.wait(tasks, timeout=60)
        self.stats.seconds = round(time.monotonic() - started, 1)
        return self.stats


def products_of(summary) -> list[LiveProduct]:
    """The products a seeding run created (simulator.seed.SeedSummary), ready for the live driver."""
    return [LiveProduct(p.id, p.slug, p.vendor_id, p.category_ids, p.skus, p.title) for p in summary.products]
