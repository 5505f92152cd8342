"""Storefront sessions: searches, product views (∝ the shopper's hidden preferences), recommendation clicks,
add-to-cart and cart views — the clickstream and cart events that precede (or never reach) a purchase."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from simulator import catalog_data as data
from simulator.emitter import Emitter
from simulator.ids import IdSource
from simulator.population import Population, Shopper, new_device
from simulator.world import World

# Share of sessions starting in each hour of the day (UTC); evenings are busiest.
HOURS = np.array([2, 1, 1, 1, 1, 1, 2, 3, 4, 5, 5, 5, 6, 6, 5, 5, 5, 6, 7, 8, 8, 7, 5, 3], dtype=float)
HOURS_CDF = np.cumsum(HOURS / HOURS.sum())
SOURCES = ("category", "home", "search", "recommendation", "direct")
SOURCE_CDF = np.cumsum([0.3, 0.2, 0.25, 0.1, 0.15])


def time_in_day(day_start: datetime, rng: np.random.Generator) -> datetime:
    hour = min(23, int(np.searchsorted(HOURS_CDF, rng.random(), side="right")))
    return day_start + timedelta(hours=hour, milliseconds=int(rng.integers(0, 3_600_000)))


class Sessions:
    def __init__(self, world: World, population: Population, em: Emitter, ids: IdSource) -> None:
        self.world, self.population, self.em = world, population, em
        self.cur = world.config.currency
        self.anonymous_devices = [new_device(ids) for _ in range(max(10, world.config.shoppers // 2))]
        self.prices: np.ndarray = world.sku_price  # today's prices, set by the engine every day
        self.category_ids = [[world.categories[p.category].id] for p in world.products]
        self.popular_cdf = np.cumsum(population.popularity) / population.popularity.sum()

    def _sku_of(self, product: int, rng: np.random.Generator) -> int:
        sl = self.world.products[product].sku_slice
        return int(rng.integers(sl.start, sl.stop))

    def _query(self, product: int, rng: np.random.Generator) -> str:
        p = self.world.products[product]
        words = p.title.split()
        base = words[-1] if rng.random() < 0.6 else self.world.brands[p.brand].name
        return (base + data.SEARCH_SUFFIXES[int(rng.integers(0, len(data.SEARCH_SUFFIXES)))]).lower()

    def view(self, ctx: dict, product: int, sku: int, at: datetime, source: str, position: int | None,
             query: str | None) -> None:
        p = self.world.products[product]
        self.em.emit("product.viewed", {
            **ctx, "productId": p.id, "sku": self.world.sku_codes[sku], "vendorId": self.world.vendors[p.vendor].id,
            "categoryIds": self.category_ids[product], "priceMinor": int(self.prices[sku]), "currency": self.cur,
            "source": source, "position": position, "query": query, "at": at}, key=ctx["sessionId"], at=at,
            actor_id=ctx["userId"])

    def search(self, ctx: dict, query: str, at: datetime, rng: np.random.Generator) -> None:
        self.em.emit("search.performed", {**ctx, "query": query, "resultsCount": int(rng.integers(3, 240)),
                                          "categoryId": None, "page": 1, "at": at},
                     key=ctx["sessionId"], at=at, actor_id=ctx["userId"])

    def browse_products(self, ctx: dict, products: np.ndarray, at: datetime, rng: np.random.Generator) -> datetime:
        """Views of `products` (each through a search, a listing or a recommendation), time moving on."""
        for product in products:
            product = int(product)
            source = SOURCES[min(len(SOURCES) - 1, int(np.searchsorted(SOURCE_CDF, rng.random(), side="right")))]
            query, position = None, int(rng.integers(0, 24))
            if source == "search":
                query = self._query(product, rng)
                self.search(ctx, query, at, rng)
                at += timedelta(seconds=int(rng.integers(3, 40)))
            elif source == "recommendation":
                self.em.emit("recommendation.clicked", {
                    **ctx, "productId": self.world.products[product].id, "position": position % 8,
                    "context": "home", "strategy": "popular", "modelVersion": None, "at": at},
                    key=ctx["sessionId"], at=at, actor_id=ctx["userId"])
            self.view(ctx, product, self._sku_of(product, rng), at, source, position, query)
            at += timedelta(seconds=int(rng.integers(10, 180)))
        return at

    def add_to_cart(self, shopper: Shopper, sku: int, qty: int, at: datetime) -> None:
        p = self.world.product_of(sku)
        self.em.emit("cart.item_added", {
            "userId": shopper.id, "sku": self.world.sku_codes[sku], "productId": p.id,
            "vendorId": self.world.vendors[p.vendor].id, "qty": qty, "lineQty": qty,
            "priceMinor": int(self.prices[sku]), "currency": self.cur, "categoryIds": self.category_ids[p.idx],
            "reason": "added", "at": at}, key=shopper.id, at=at, actor_id=shopper.id)

    def cart_viewed(self, ctx: dict, count: int, subtotal: int, at: datetime) -> None:
        self.em.emit("cart.viewed", {**ctx, "itemCount": count, "subtotalMinor": subtotal, "currency": self.cur,
                                     "at": at}, key=ctx["sessionId"], at=at, actor_id=ctx["userId"])

    def context(self, at: datetime, user_id: str | None, device: str, ids: IdSource) -> dict:
        return {"sessionId": ids.uuid(at), "userId": user_id, "deviceId": device}

    def before_order(self, shopper: Shopper, device: str, lines: list[tuple[int, int]], checkout_at: datetime,
                     rng: np.random.Generator, ids: IdSource) -> None:
        """The session that ends in a checkout: a few browsed products, the bought ones, cart adds, cart view."""
        extra = self.population.pick_products(shopper.idx, int(rng.poisson(1.5)), rng) if shopper.fraud is None \
            else np.array([], dtype=int)
        start = checkout_at - timedelta(minutes=int(rng.integers(4, 30)))
        ctx = self.context(start, shopper.id, device, ids)
        at = self.browse_products(ctx, extra, start, rng)
        subtotal = 0
        for sku, qty in lines:
            product = int(self.world.sku_product[sku])
            at = min(at, checkout_at - timedelta(seconds=90))
            self.view(ctx, product, sku, at, "search" if shopper.fraud else "category", 0, None)
            self.add_to_cart(shopper, sku, qty, at + timedelta(seconds=20))
            subtotal += int(self.prices[sku]) * qty
            at += timedelta(seconds=30)
        self.cart_viewed(ctx, len(lines), subtotal, checkout_at - timedelta(seconds=20))

    def browse(self, day: int, day_start: datetime, n: int, rng: np.random.Generator, ids: IdSource) -> None:
        """Sessions that buy nothing: signed-in shoppers (∝ activity) or anonymous devices."""
        pop = self.population
        active = np.flatnonzero(pop.signup_day <= day)
        if active.size == 0:
            return
        cdf = np.cumsum(pop.activity[active])
        who = active[np.minimum(np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right"), active.size - 1)]
        anonymous = rng.random(n) < self.world.config.anonymous_share
        sizes = 1 + rng.poisson(1.3, n)
        for i in range(n):
            at, k = time_in_day(day_start, rng), int(sizes[i])
            if anonymous[i]:
                device = self.anonymous_devices[int(rng.integers(0, len(self.anonymous_devices)))]
                products = np.minimum(np.searchsorted(self.popular_cdf, rng.random(k), side="right"),
                                      len(self.popular_cdf) - 1)
                self.browse_products(self.context(at, None, device, ids), products, at, rng)
                continue
            shopper = pop.shoppers[int(who[i])]
            ctx = self.context(at, shopper.id, shopper.devices[int(rng.integers(0, len(shopper.devices)))], ids)
            products = pop.pick_products(shopper.idx, k, rng)
            end = self.browse_products(ctx, products, at, rng)
            if rng.random() < 0.08:  # an abandoned cart
                sku = self._sku_of(int(products[-1]), rng)
                self.add_to_cart(shopper, sku, 1, end)
                self.cart_viewed(ctx, 1, int(self.prices[sku]), end + timedelta(seconds=15))
