"""Stock per SKU: sales take from it, a crossing under the reorder point raises low stock and a restock order
that arrives after the vendor's lead time (sometimes late). Demand stock cannot cover is lost and recorded."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator.config import sub_seed
from simulator.demand import DemandModel
from simulator.world import World

SLOPPY_RESTOCK = 0.15  # share of restock orders that take twice the lead time


@dataclass
class Restock:
    sku: int
    qty: int
    arrives: int  # day


class StockBook:
    def __init__(self, world: World, demand: DemandModel) -> None:
        rng = np.random.default_rng(sub_seed(world.config.seed, "stock"))
        self.world, self.rng = world, rng
        base = demand.base
        lead = np.array([world.vendors[world.products[int(p)].vendor].lead_days for p in world.sku_product])
        self.lead = lead
        self.base = base
        self.available = (np.ceil(base * rng.uniform(20, 50, len(base))) + 3).astype(np.int64)
        self.initial = self.available.copy()
        self.reorder_point = np.maximum(2, np.ceil(base * (lead + 4))).astype(np.int64)
        self.on_order = np.zeros(len(base), dtype=bool)
        self.schedule: dict[int, list[Restock]] = {}

    def take(self, sku: int, qty: int, day: int) -> tuple[int, bool]:
        """Units actually sold (≤ qty) and whether this sale crossed under the reorder point."""
        before = int(self.available[sku])
        filled = min(qty, before)
        after = before - filled
        self.available[sku] = after
        crossed = before >= self.reorder_point[sku] > after
        if after < self.reorder_point[sku] and not self.on_order[sku]:
            self._order(sku, day)
        return filled, crossed

    def give_back(self, sku: int, qty: int) -> None:
        self.available[sku] += qty

    def _order(self, sku: int, day: int) -> None:
        lead = int(self.lead[sku]) * (2 if self.rng.random() < SLOPPY_RESTOCK else 1)
        qty = int(np.ceil(self.base[sku] * self.rng.uniform(25, 45))) + 5
        self.on_order[sku] = True
        self.schedule.setdefault(day + lead, []).append(Restock(sku, qty, day + lead))

    def arrivals(self, day: int) -> list[Restock]:
        """Restocks landing at the start of `day` (already added to stock)."""
        landed = self.schedule.pop(day, [])
        for r in landed:
            self.available[r.sku] += r.qty
            self.on_order[r.sku] = False
        return landed
