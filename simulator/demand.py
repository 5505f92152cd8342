"""Per-SKU daily demand, the forecasting and pricing ground truth:

expected(d, s) = base × trend × weekly × yearly × promo uplift × (price / ref_price) ^ elasticity

base: the SKU's share of the shoppers' purchases (choice model popularity × variant share); trend: the
marketplace's growth (shoppers signing up) × a per-product drift × a ramp after launch; weekly: weekend-heavy;
yearly: the category's season plus the holiday peak; promotions cut the price and lift visibility. Units
demanded are Poisson around `expected`; what stock cannot cover is lost demand (stock.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from simulator.config import sub_seed
from simulator.population import Population
from simulator.world import World

WEEKLY = np.array([0.92, 0.88, 0.90, 0.95, 1.05, 1.22, 1.08])  # Monday..Sunday
WEEKLY = WEEKLY / WEEKLY.mean()
QTY_VALUES = np.array([1, 2, 3])
QTY_PROBS = np.array([0.85, 0.12, 0.03])
MEAN_QTY = float((QTY_VALUES * QTY_PROBS).sum())
LAUNCH_RAMP_DAYS = 14.0


@dataclass
class Promotion:
    product: int
    start: int
    end: int  # exclusive
    discount: float  # share off the list price
    uplift: float  # visibility multiplier on top of the price effect


@dataclass
class DayDemand:
    trend: np.ndarray
    weekly: float
    yearly: np.ndarray
    promo: np.ndarray
    price: np.ndarray  # minor units charged that day
    price_effect: np.ndarray
    expected: np.ndarray


def _holiday(doy: int) -> float:
    """Black Friday week and the run-up to Christmas."""
    if 327 <= doy <= 333:
        return 1.45
    if 334 <= doy <= 355:
        return 1.2
    return 1.0


class DemandModel:
    def __init__(self, world: World, population: Population) -> None:
        cfg = world.config
        self.world, self.cfg = world, cfg
        rng = np.random.default_rng(sub_seed(cfg.seed, "demand"))
        n_skus, n_products = len(world.sku_codes), len(world.products)
        prod = world.sku_product
        units_per_day = cfg.shoppers * cfg.orders_per_shopper_year / 365.0 * MEAN_QTY
        self.base = units_per_day * population.popularity[prod] * world.sku_share
        self.ref_price = world.sku_price.astype(np.float64)
        self.elasticity = np.array([world.categories[p.category].elasticity for p in world.products])[prod]
        cats = [world.categories[p.category] for p in world.products]
        self.season_amp = np.array([c.leaf.season_amp for c in cats])[prod]
        self.season_peak = np.array([c.leaf.season_peak for c in cats])[prod]
        self.drift = rng.normal(0.05, 0.25, n_products)[prod]
        self.launch = np.array([p.launch_day for p in world.products])[prod]
        act = population.activity
        self.growth = np.array([act[population.signup_day <= d].sum() for d in range(cfg.days)]) / act.sum()
        self.promotions = self._promotions(rng, n_products)
        self.list_factor, self.promo_off, self.promo_uplift = self._calendars(rng, n_products, n_skus, prod)

    def _promotions(self, rng: np.random.Generator, n_products: int) -> list[Promotion]:
        promos = []
        per_product = rng.poisson(3.0 * self.cfg.days / 365.0, n_products)
        for p in np.flatnonzero(per_product):
            for _ in range(int(per_product[p])):
                start = int(rng.integers(0, self.cfg.days))
                promos.append(Promotion(int(p), start, min(self.cfg.days, start + int(rng.integers(3, 11))),
                                        float(rng.choice([0.1, 0.15, 0.2, 0.25, 0.3])),
                                        float(1.0 + rng.uniform(0.1, 0.5))))
        return promos

    def _calendars(self, rng: np.random.Generator, n_products: int, n_skus: int,
                   prod: np.ndarray) -> tuple[np.ndarray, ...]:
        days = self.cfg.days
        list_factor = np.ones((days, n_products))
        for p in np.flatnonzero(rng.poisson(1.0 * days / 365.0, n_products)):
            at = int(rng.integers(1, days))
            list_factor[at:, p] *= rng.uniform(0.88, 1.12)
        off, uplift = np.zeros((days, n_products)), np.ones((days, n_products))
        for promo in self.promotions:  # overlapping promotions: the deeper one wins
            window = slice(promo.start, promo.end)
            deeper = off[window, promo.product] < promo.discount
            off[window, promo.product] = np.where(deeper, promo.discount, off[window, promo.product])
            uplift[window, promo.product] = np.where(deeper, promo.uplift, uplift[window, promo.product])
        return list_factor[:, prod], off[:, prod], uplift[:, prod]

    def price(self, day: int) -> np.ndarray:
        """What each SKU sells for on `day` (list price × permanent changes × promotion), minor units .99."""
        raw = self.ref_price * self.list_factor[day] * (1.0 - self.promo_off[day])
        return np.maximum(99, np.round(raw / 100.0) * 100 - 1).astype(np.int64)

    def list_price(self, day: int) -> np.ndarray:
        raw = self.ref_price * self.list_factor[day]
        return np.maximum(99, np.round(raw / 100.0) * 100 - 1).astype(np.int64)

    def components(self, day: int) -> DayDemand:
        date = self.cfg.start + timedelta(days=day)
        doy = date.timetuple().tm_yday
        since_launch = day - self.launch
        ramp = np.where(since_launch < 0, 0.0, 1.0 - np.exp(-(since_launch + 1) / LAUNCH_RAMP_DAYS))
        ramp = np.where(self.launch < 0, 1.0, ramp)
        trend = self.growth[day] * np.exp(self.drift * (day - self.cfg.days / 2) / 365.0) * ramp
        yearly = (1.0 + self.season_amp * np.cos(2 * np.pi * (doy - self.season_peak) / 365.25)) * _holiday(doy)
        weekly = float(WEEKLY[date.weekday()])
        price = self.price(day)
        price_effect = (price / self.ref_price) ** self.elasticity
        promo = self.promo_uplift[day]
        expected = self.base * trend * weekly * yearly * promo * price_effect
        return DayDemand(trend, weekly, yearly, promo, price, price_effect, expected)

    def draw(self, day: DayDemand, rng: np.random.Generator) -> list[tuple[int, int]]:
        """Purchase intents of the day as (sku, qty): intents ~ Poisson(expected / mean qty)."""
        counts = rng.poisson(day.expected / MEAN_QTY)
        skus = np.repeat(np.arange(len(counts)), counts)
        qtys = rng.choice(QTY_VALUES, size=len(skus), p=QTY_PROBS)
        order = rng.permutation(len(skus))
        return [(int(skus[i]), int(qtys[i])) for i in order]
