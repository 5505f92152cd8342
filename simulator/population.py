"""The demand side: shoppers with hidden taste vectors and the choice model that is the recommendations' truth.

P(shopper u views or buys product p) ∝ softmax_p(taste_u · factors_p + QUALITY_WEIGHT · quality_p).
Each shopper also carries what fraud features look at: devices, payment cards, home city, signup time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from simulator import catalog_data as data
from simulator.config import SimConfig, sub_seed
from simulator.ids import IdSource
from simulator.world import World

QUALITY_WEIGHT = 1.5
TASTE_SCALE = 0.7


@dataclass
class Shopper:
    idx: int
    id: str
    created_at: datetime
    signup_day: int  # day index of the signup (negative: before the window)
    city: int  # index into catalog_data.CITIES
    email_domain: str
    devices: list[str]
    cards: list[tuple[str, str]]  # (fingerprint, issuing country)
    fraud: str | None = None  # the pattern a fraudster account belongs to; None for genuine shoppers

    @property
    def country(self) -> str:
        return data.CITIES[self.city][1]


@dataclass
class Population:
    shoppers: list[Shopper]
    taste: np.ndarray  # (shoppers, factors)
    activity: np.ndarray  # (shoppers,) relative shopping frequency
    signup_day: np.ndarray  # (shoppers,)
    pref: np.ndarray  # (shoppers, products) softmax rows: P(product | shopper)
    pref_cdf: np.ndarray  # (shoppers, products) cumulative rows of pref, for fast sampling
    popularity: np.ndarray  # (products,) activity-weighted mean of pref
    buyer_cdf: np.ndarray  # (products, shoppers) cumulative P(shopper | product)

    def active(self, day: int) -> np.ndarray:
        return self.signup_day <= day

    def pick_buyer(self, product: int, day: int, rng: np.random.Generator) -> int:
        """A shopper for a purchase of `product`, ∝ activity × preference, among those signed up by `day`."""
        cdf = self.buyer_cdf[product]
        for _ in range(20):
            u = int(np.searchsorted(cdf, rng.random() * cdf[-1], side="right"))
            u = min(u, len(cdf) - 1)
            if self.signup_day[u] <= day:
                return u
        return int(rng.choice(np.flatnonzero(self.signup_day <= day)))

    def pick_products(self, shopper: int, k: int, rng: np.random.Generator) -> np.ndarray:
        cdf = self.pref_cdf[shopper]
        return np.minimum(np.searchsorted(cdf, rng.random(k) * cdf[-1], side="right"), len(cdf) - 1)


def new_device(ids: IdSource) -> str:
    return "dev_" + ids.hex(16)


def new_card(ids: IdSource, country: str) -> tuple[str, str]:
    return "card_" + ids.hex(16), country


def _shopper(cfg: SimConfig, idx: int, rng: np.random.Generator, ids: IdSource, signup_day: int) -> Shopper:
    created = cfg.start_at + timedelta(days=signup_day, seconds=int(rng.integers(0, 86_400)))
    city = int(rng.choice(len(data.CITIES), p=np.array(data.CITY_WEIGHTS) / sum(data.CITY_WEIGHTS)))
    country = data.CITIES[city][1]
    devices = [new_device(ids) for _ in range(1 + int(rng.random() < 0.35))]
    cards = [new_card(ids, country) for _ in range(1 + int(rng.random() < 0.3))]
    domain = data.EMAIL_DOMAINS[int(rng.integers(0, len(data.EMAIL_DOMAINS)))]
    return Shopper(idx, ids.uuid(created), created, signup_day, city, domain, devices, cards)


def _choice_model(world: World, taste: np.ndarray, activity: np.ndarray) -> tuple[np.ndarray, ...]:
    quality = np.array([p.quality for p in world.products])
    utility = taste @ world.item_factors.T + QUALITY_WEIGHT * quality
    utility -= utility.max(axis=1, keepdims=True)
    pref = np.exp(utility)
    pref /= pref.sum(axis=1, keepdims=True)
    weighted = pref * activity[:, None]
    popularity = weighted.sum(axis=0) / activity.sum()
    buyer_cdf = np.cumsum(weighted.T, axis=1)
    return pref, popularity, buyer_cdf


def build_population(world: World) -> Population:
    cfg = world.config
    rng = np.random.default_rng(sub_seed(cfg.seed, "population"))
    ids = IdSource(sub_seed(cfg.seed, "population-ids"))
    n = cfg.shoppers
    existing = rng.random(n) < cfg.pre_existing_shoppers
    signup = np.where(existing, -rng.integers(1, 730, n), rng.integers(0, cfg.days, n))
    order = np.argsort(signup, kind="stable")  # shopper ids in signup order, like a real user table
    signup = signup[order]
    shoppers = [_shopper(cfg, i, rng, ids, int(signup[i])) for i in range(n)]
    taste = rng.normal(0.0, TASTE_SCALE, (n, cfg.factors))
    activity = rng.gamma(0.8, 1.25, n)
    pref, popularity, buyer_cdf = _choice_model(world, taste, activity)
    return Population(shoppers, taste, activity, signup.astype(np.int64), pref, np.cumsum(pref, axis=1),
                      popularity, buyer_cdf)
