"""The day loop: restocks and price changes at dawn, the day's demand turned into shoppers' orders (and lost
sales when stock runs out), fraudulent checkouts, browsing sessions; then the day's events, encoded.

Each day draws from its own seeded streams, so a day's events depend only on the seed and the state carried in
(stock, prices), and the same seed always gives the same event stream, byte for byte.
"""
from __future__ import annotations

from datetime import timedelta

import numpy as np

from simulator import catalog_data as data
from simulator.checkout import Line, OrderPlan
from simulator.config import SimConfig, sub_seed
from simulator.demand import MEAN_QTY, DemandModel
from simulator.emitter import PRE_WINDOW, Emitter, Encoder, Message
from simulator.fraud import FraudModel
from simulator.ids import IdSource
from simulator.lifecycle import Orders
from simulator.population import build_population
from simulator.sessions import Sessions, time_in_day
from simulator.setup import all_setup, shopper_signups, stock_event
from simulator.stock import StockBook
from simulator.truth import Truth
from simulator.world import build_world


class Simulation:
    def __init__(self, cfg: SimConfig) -> None:
        self.cfg = cfg
        self.world = build_world(cfg)
        self.population = build_population(self.world)
        self.demand = DemandModel(self.world, self.population)
        self.stock = StockBook(self.world, self.demand)
        self.fraud = FraudModel(self.world, first_shopper_idx=cfg.shoppers)
        self.truth = Truth(cfg.days, len(self.world.sku_codes))
        self.em = Emitter(cfg)
        self.encoder = Encoder(correlation_id=f"simulator:{cfg.run_id}")
        self.admin_id = IdSource(sub_seed(cfg.seed, "admin")).uuid(cfg.start_at - timedelta(days=120))
        self.sessions = Sessions(self.world, self.population, self.em, IdSource(sub_seed(cfg.seed, "anon")))
        self.orders = Orders(self.world, self.em, self.stock, self.truth, self.admin_id)
        self.launch_day = np.array([p.launch_day for p in self.world.products])[self.world.sku_product]
        self.listed: np.ndarray | None = None
        self.order_seq = 0

    def setup(self) -> list[Message]:
        """Everything before the window: catalog, vendors, products with stock, earlier signups."""
        self.listed = np.array(all_setup(self.em, self.world, self.population, self.demand, self.stock,
                                         self.admin_id), dtype=np.int64)
        shopper_signups(self.em, self.fraud.accounts)
        return self.encoder.encode(self.em.take(PRE_WINDOW), IdSource(sub_seed(self.cfg.seed, "pre-ids")))

    def run_day(self, day: int) -> list[Message]:
        rng = np.random.default_rng(sub_seed(self.cfg.seed, "day", day))
        ids = IdSource(sub_seed(self.cfg.seed, "day-ids", day))
        start = self.cfg.day_start(day)
        stock_start = self.stock.available.copy()
        restocked = self._restocks(day, start)
        self._prices(day, start)
        comp = self.demand.components(day)
        self._record_components(day, comp, stock_start, restocked)
        plans = self._shopper_orders(day, comp, rng, ids) + self._fraud_orders(day, rng)
        plans.sort(key=lambda p: p.at)
        for plan in plans:
            self.order_seq += 1
            self.sessions.before_order(plan.shopper, plan.device, [(ln.sku, ln.qty) for ln in plan.lines],
                                       plan.at, rng, ids)
            row = self.orders.place(plan, self.cfg.order_no(self.order_seq), rng, ids)
            if row["paid"] and not plan.is_fraud:
                for ln in plan.lines:
                    self.truth.demand["sold"][day, ln.sku] += ln.qty
        browse = int(rng.poisson(comp.expected.sum() / MEAN_QTY * self.cfg.browse_sessions_per_order))
        self.sessions.browse(day, start, browse, rng, ids)
        self.truth.demand["stock_end"][day] = self.stock.available
        return self.encoder.encode(self.em.take(day), IdSource(sub_seed(self.cfg.seed, "event-ids", day)))

    def _restocks(self, day: int, start) -> np.ndarray:
        restocked = np.zeros(len(self.world.sku_codes), dtype=np.int64)
        for r in self.stock.arrivals(day):
            restocked[r.sku] += r.qty
            stock_event(self.em, self.world, r.sku, available=int(self.stock.available[r.sku]), delta=r.qty,
                        reason="delta", at=start + timedelta(hours=7, minutes=r.sku % 60),
                        reorder_point=int(self.stock.reorder_point[r.sku]))
        for sku, qty, at in self.orders.fulfilment.restocks.pop(day, []):
            self.stock.give_back(sku, qty)
            restocked[sku] += qty
            stock_event(self.em, self.world, sku, available=int(self.stock.available[sku]), delta=qty,
                        reason="delta", at=at + timedelta(minutes=30),
                        reorder_point=int(self.stock.reorder_point[sku]))
        return restocked

    def _prices(self, day: int, start) -> None:
        """Promotions and price changes take effect at dawn: product.price.updated per changed SKU on sale."""
        price = self.demand.price(day)
        listing = self.demand.list_price(day)
        changed = np.flatnonzero((price != self.listed) & (self.launch_day <= day))
        for sku in changed:
            p = self.world.product_of(int(sku))
            promo = price[sku] < listing[sku]
            self.em.emit("product.price.updated", {
                "productId": p.id, "vendorId": self.world.vendors[p.vendor].id, "sku": self.world.sku_codes[sku],
                "oldPriceMinor": int(self.listed[sku]), "newPriceMinor": int(price[sku]),
                "currency": self.cfg.currency, "oldCompareAtPriceMinor": None,
                "newCompareAtPriceMinor": int(listing[sku]) if promo else None,
                "changedAt": start + timedelta(minutes=5)}, key=p.id, at=start + timedelta(minutes=5),
                actor_id=self.world.vendors[p.vendor].owner_id)
            self.listed[sku] = price[sku]
        self.sessions.prices = price

    def _record_components(self, day: int, comp, stock_start: np.ndarray, restocked: np.ndarray) -> None:
        d = self.truth.demand
        d["trend"][day], d["weekly"][day], d["yearly"][day], d["promo"][day] = (comp.trend, comp.weekly,
                                                                                 comp.yearly, comp.promo)
        d["price"][day], d["price_effect"][day], d["expected"][day] = comp.price, comp.price_effect, comp.expected
        d["stock_start"][day], d["restocked"][day] = stock_start, restocked

    def _take(self, sku: int, qty: int, at, day: int) -> int:
        filled, crossed = self.stock.take(sku, qty, day)
        if crossed:
            p = self.world.product_of(sku)
            available = int(self.stock.available[sku])
            self.em.emit("inventory.low_stock", {
                "sku": self.world.sku_codes[sku], "vendorId": self.world.vendors[p.vendor].id, "productId": p.id,
                "available": available, "reorderPoint": int(self.stock.reorder_point[sku]), "onHand": available,
                "reserved": 0, "at": at}, key=self.world.sku_codes[sku], at=at)
        return filled

    def _shopper_orders(self, day: int, comp, rng: np.random.Generator, ids: IdSource) -> list[OrderPlan]:
        """The day's purchase intents → buyers (∝ activity × preference) → one order per buyer per day."""
        start, pop, world = self.cfg.day_start(day), self.population, self.world
        intents = [(time_in_day(start, rng), sku, qty) for sku, qty in self.demand.draw(comp, rng)]
        intents.sort(key=lambda i: i[0])
        baskets: dict[int, list] = {}
        for at, sku, qty in intents:
            product = int(world.sku_product[sku])
            buyer = pop.pick_buyer(product, day, rng)
            self.truth.demand["demanded"][day, sku] += qty
            filled = self._take(sku, qty, at, day)
            self.truth.demand["lost"][day, sku] += qty - filled
            if filled == 0:  # out of stock: the shopper looks, and leaves
                shopper = pop.shoppers[buyer]
                ctx = self.sessions.context(at, shopper.id, shopper.devices[0], ids)
                self.sessions.view(ctx, product, sku, at, "category", 0, None)
                continue
            basket = baskets.setdefault(buyer, [at, []])
            basket[1].append(Line(sku, filled, int(comp.price[sku]), product, world.products[product].vendor))
        return [self._plan(pop.shoppers[buyer], at, lines, rng) for buyer, (at, lines) in baskets.items()]

    def _plan(self, shopper, at, lines: list[Line], rng: np.random.Generator) -> OrderPlan:
        city, country, prefix = data.CITIES[shopper.city]
        card = shopper.cards[int(rng.integers(0, len(shopper.cards)))]
        declines = int(rng.random() < 0.04)
        return OrderPlan(shopper, at, lines, shopper.devices[int(rng.integers(0, len(shopper.devices)))], card,
                         (city, country, f"{prefix}{shopper.idx % 100:02d}"),
                         country if rng.random() < 0.95 else "MX", "express" if rng.random() < 0.2 else "standard",
                         declines=declines, pays=not declines or rng.random() < 0.7)

    def _fraud_orders(self, day: int, rng: np.random.Generator) -> list[OrderPlan]:
        launched = self.launch_day <= day
        plans = []
        for order in self.fraud.due(day):
            lines = []
            for sku, qty in self.fraud.pick_lines(order, launched, rng):
                filled = self._take(sku, qty, order.at, day)
                if filled:
                    self.truth.fraud_units[day, sku] += filled
                    product = int(self.world.sku_product[sku])
                    lines.append(Line(sku, filled, int(self.sessions.prices[sku]), product,
                                      self.world.products[product].vendor))
            if lines:
                plans.append(self.fraud.plan(order, lines, rng))
        return plans
