"""The supply side of a simulated marketplace: category tree, brands, vendors, products and their SKUs.

Hidden truths kept here for evaluation: vendor quality and shipping reliability, product quality and latent item
factors (recommendations), per-category price elasticity and yearly season (pricing and forecasting).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from simulator import catalog_data as data
from simulator.config import SimConfig, sub_seed
from simulator.ids import IdSource

MAX_VARIANTS = 4
VARIANTS_PER_PRODUCT = 2.5
WEIGHT_GRAMS = {"Electronics": 900, "Home": 2500, "Fashion": 600, "Sports": 1500, "Beauty": 250, "Toys": 800,
                "Books": 450}


@dataclass
class Category:
    id: str
    name: str
    slug: str
    parent_id: str | None
    path: str
    sort: int
    top: int
    created_at: datetime
    leaf: data.Leaf | None = None
    elasticity: float = 0.0
    factor_center: np.ndarray | None = None


@dataclass
class Brand:
    id: str
    name: str
    slug: str
    top: int
    quality: float  # additive offset on product quality
    created_at: datetime


@dataclass
class Vendor:
    idx: int
    id: str
    owner_id: str
    name: str
    slug: str
    quality: float  # 0..1: product quality and care
    reliability: float  # probability a shipment arrives by its promise
    handling_days: float  # mean days from payment to label
    lead_days: int  # restock lead time
    commission_bps: int
    tops: tuple[int, ...]
    owner_created_at: datetime
    applied_at: datetime
    approved_at: datetime


@dataclass
class Product:
    idx: int
    id: str
    vendor: int
    category: int  # index into World.categories (a leaf)
    brand: int
    title: str
    slug: str
    quality: float
    launch_day: int  # first day on sale (negative: before the window)
    created_at: datetime
    approved_at: datetime
    sku_slice: slice = field(default_factory=lambda: slice(0, 0))


@dataclass
class World:
    config: SimConfig
    categories: list[Category]
    brands: list[Brand]
    vendors: list[Vendor]
    products: list[Product]
    item_factors: np.ndarray  # (products, factors)
    sku_codes: list[str]
    sku_product: np.ndarray  # (skus,) product index
    sku_price: np.ndarray  # (skus,) list price, minor units
    sku_share: np.ndarray  # (skus,) share of its product's demand
    sku_weight: np.ndarray  # (skus,) grams
    sku_option: list[tuple[str, str]]  # (option name, value)

    @property
    def leaves(self) -> list[int]:
        return [i for i, c in enumerate(self.categories) if c.leaf is not None]

    def product_of(self, sku_idx: int) -> Product:
        return self.products[int(self.sku_product[sku_idx])]


def _slug(text: str) -> str:
    return "-".join("".join(ch if ch.isalnum() else " " for ch in text.lower()).split())


def _categories(cfg: SimConfig, rng: np.random.Generator, ids: IdSource) -> list[Category]:
    at = cfg.start_at - timedelta(days=90)
    cats: list[Category] = []
    for t, top in enumerate(data.TREE):
        slug = _slug(top.name)
        parent = Category(ids.uuid(at), top.name, slug, None, slug, t, t, at)
        cats.append(parent)
        for s, leaf in enumerate(top.leaves):
            at += timedelta(minutes=7)
            leaf_slug = _slug(leaf.name)
            cats.append(Category(ids.uuid(at), leaf.name, leaf_slug, parent.id, f"{slug}/{leaf_slug}", s, t, at,
                                 leaf=leaf, elasticity=round(float(rng.uniform(*leaf.elasticity)), 3),
                                 factor_center=rng.normal(0.0, 1.0, cfg.factors)))
    return cats


def _brands(cfg: SimConfig, rng: np.random.Generator, ids: IdSource) -> list[Brand]:
    at = cfg.start_at - timedelta(days=85)
    firsts, seconds = data.BRAND_PARTS
    brands = []
    for t in range(len(data.TREE)):
        for b in range(3):
            name = f"{firsts[(t * 3 + b) % len(firsts)]} {seconds[(t * 7 + b * 3) % len(seconds)]}"
            at += timedelta(minutes=11)
            brands.append(Brand(ids.uuid(at), name, _slug(name), t, float(rng.normal(0, 0.5)), at))
    return brands


def _vendors(cfg: SimConfig, rng: np.random.Generator, ids: IdSource) -> list[Vendor]:
    firsts, seconds = data.VENDOR_WORDS
    vendors = []
    for v in range(cfg.vendors):
        created = cfg.start_at - timedelta(days=80) + timedelta(hours=int(rng.integers(0, 24 * 20)))
        applied = created + timedelta(minutes=int(rng.integers(5, 600)))
        approved = applied + timedelta(hours=int(rng.integers(2, 72)))
        name = f"{firsts[v % len(firsts)]} {seconds[(v // len(firsts) + v) % len(seconds)]}"
        if v >= len(firsts) * len(seconds) // 4:
            name += f" {v}"
        n_tops = 1 + int(rng.random() < 0.35)
        tops = tuple(int(t) for t in rng.choice(len(data.TREE), n_tops, replace=False))
        owner_id = ids.uuid(created)
        vendors.append(Vendor(
            idx=v, id=ids.uuid(applied), owner_id=owner_id, name=name, slug=_slug(name),
            quality=float(rng.beta(5, 2)), reliability=float(np.clip(rng.beta(12, 1.6), 0.55, 0.995)),
            handling_days=float(rng.uniform(0.3, 2.5)), lead_days=int(rng.integers(3, 15)),
            commission_bps=int(rng.choice([800, 1000, 1200, 1500])), tops=tops,
            owner_created_at=created, applied_at=applied, approved_at=approved))
    return vendors


def _price(base: float) -> int:
    """A shop price: whole units ending in .99, never below 0.99."""
    return max(99, int(round(base / 100.0)) * 100 - 1)


def _products(cfg: SimConfig, rng: np.random.Generator, ids: IdSource, cats: list[Category], brands: list[Brand],
              vendors: list[Vendor]) -> tuple[list[Product], np.ndarray]:
    n = max(cfg.vendors, int(np.ceil(cfg.skus / VARIANTS_PER_PRODUCT)))
    size = rng.lognormal(0.0, 0.8, cfg.vendors)
    owner = np.concatenate([np.arange(cfg.vendors), rng.choice(cfg.vendors, n - cfg.vendors, p=size / size.sum())])
    leaves_by_top = {t: [i for i, c in enumerate(cats) if c.leaf is not None and c.top == t]
                     for t in range(len(data.TREE))}
    products, factors = [], np.zeros((n, cfg.factors))
    for p in range(n):
        vendor = vendors[int(owner[p])]
        top = int(rng.choice(vendor.tops))
        cat = int(rng.choice(leaves_by_top[top]))
        brand = 3 * top + int(rng.integers(0, 3))
        leaf = cats[cat].leaf
        noun = leaf.nouns[int(rng.integers(0, len(leaf.nouns)))]
        title = f"{brands[brand].name} {data.ADJECTIVES[int(rng.integers(0, len(data.ADJECTIVES)))]} {noun}"
        quality = 1 / (1 + np.exp(-(2.5 * (vendor.quality - 0.6) + brands[brand].quality + rng.normal(0, 0.6))))
        launch = int(rng.integers(-200, -1)) if rng.random() < 0.8 else int(rng.integers(0, cfg.days))
        created = max(cfg.start_at + timedelta(days=launch, hours=-30 + int(rng.integers(0, 6))),
                      vendor.approved_at + timedelta(hours=1))
        approved = created + timedelta(hours=int(rng.integers(2, 24)))
        products.append(Product(p, ids.uuid(created), vendor.idx, cat, brand, title, f"{_slug(title)}-{p}",
                                float(quality), launch, created, approved))
        factors[p] = cats[cat].factor_center + rng.normal(0.0, 0.6, cfg.factors)
    return products, factors


def _variant_counts(cfg: SimConfig, rng: np.random.Generator, n_products: int) -> np.ndarray:
    counts = np.ones(n_products, dtype=np.int64)
    for _ in range(cfg.skus - n_products):
        open_ = np.flatnonzero(counts < MAX_VARIANTS)
        if open_.size == 0:
            break
        counts[int(rng.choice(open_))] += 1
    return counts


def build_world(cfg: SimConfig) -> World:
    rng = np.random.default_rng(sub_seed(cfg.seed, "world"))
    ids = IdSource(sub_seed(cfg.seed, "world-ids"))
    cats = _categories(cfg, rng, ids)
    brands = _brands(cfg, rng, ids)
    vendors = _vendors(cfg, rng, ids)
    products, factors = _products(cfg, rng, ids, cats, brands, vendors)
    counts = _variant_counts(cfg, rng, len(products))
    codes, owner, prices, shares, weights, options = [], [], [], [], [], []
    for product, count in zip(products, counts):
        start = len(codes)
        product.sku_slice = slice(start, start + int(count))
        top = data.TREE[cats[product.category].top]
        leaf = cats[product.category].leaf
        base = leaf.price_minor * rng.lognormal(0.0, 0.45) * (0.8 + 0.4 * product.quality)
        share = rng.dirichlet(np.full(int(count), 2.0))
        option_name, values = top.option
        for v in range(int(count)):
            codes.append(f"{cfg.run_key}-{product.idx:05d}-{v}")
            owner.append(product.idx)
            prices.append(_price(base * (1 + 0.06 * v)))
            shares.append(share[v])
            weights.append(int(WEIGHT_GRAMS[top.name] * rng.uniform(0.5, 1.5)))
            options.append((option_name, values[v % len(values)]))
    return World(cfg, cats, brands, vendors, products, factors, [f"SIM-{c}" for c in codes],
                 np.array(owner), np.array(prices, dtype=np.int64), np.array(shares), np.array(weights), options)
