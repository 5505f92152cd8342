"""Seeds a small, realistic marketplace through the public API (reusable by the demo): categories, brands,
vendors applied and approved with a commission, products with variants approved and stocked.

Names, categories and prices come from the same world model as the backfill (simulator/world.py), so a seeded
catalog looks like the simulated one. Each run adds new vendors and SKUs (tagged, so runs never collide) and
reuses categories and brands that already exist.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field

import httpx

from simulator import flows
from simulator.api import call, ok
from simulator.catalog_data import TREE
from simulator.config import SimConfig
from simulator.flows import Nudge, no_nudge
from simulator.world import World, build_world

PASSWORD = "Sim-vendor-pass-1"


@dataclass
class SeededVendor:
    id: str
    name: str
    owner_email: str
    token: str
    refresh_token: str


@dataclass
class SeededProduct:
    id: str
    slug: str
    vendor_id: str
    title: str
    category_ids: list[str]
    skus: list[tuple[str, int]]  # (sku, price minor)


@dataclass
class SeedSummary:
    tag: str
    vendors: list[SeededVendor] = field(default_factory=list)
    products: list[SeededProduct] = field(default_factory=list)
    categories: dict[str, str] = field(default_factory=dict)  # path -> id
    seconds: float = 0.0

    @property
    def skus(self) -> list[tuple[str, int, SeededProduct]]:
        return [(sku, price, p) for p in self.products for sku, price in p.skus]


async def _category(http: httpx.AsyncClient, admin: str, name: str, slug: str, parent: str | None) -> str:
    resp = await call(http, "POST", "/v1/admin/categories", token=admin,
                      json={"name": name, "slug": slug, **({"parentId": parent} if parent else {})})
    if resp.status_code == 201:
        return resp.json()["id"]
    if resp.status_code != 409:
        ok(resp, 201)
    items = ok(await call(http, "GET", "/v1/categories"), 200)["items"]
    found = [c for c in items if c.get("slug") == slug]
    if not found:
        ok(resp, 201)
    return found[0]["id"]


async def _categories(http: httpx.AsyncClient, admin: str, world: World) -> dict[int, str]:
    """World category index → id, creating what is missing (slugs are the tree's, so runs share them)."""
    ids: dict[int, str] = {}
    for i, c in enumerate(world.categories):
        parent = ids[next(j for j, p in enumerate(world.categories) if p.id == c.parent_id)] if c.parent_id else None
        slug = c.path.replace("/", "-")  # globally unique, like the catalog requires
        ids[i] = await _category(http, admin, c.name, slug, parent)
    return ids


async def _brand(http: httpx.AsyncClient, admin: str, name: str, slug: str) -> str | None:
    resp = await call(http, "POST", "/v1/admin/brands", token=admin, json={"name": name, "slug": slug})
    if resp.status_code == 201:
        return resp.json()["id"]
    items = ok(await call(http, "GET", "/v1/brands"), 200)["items"]
    return next((b["id"] for b in items if b.get("slug") == slug), None)


async def _vendor(http: httpx.AsyncClient, admin: str, name: str, commission_bps: int, tag: str,
                  timeout: float, nudge: Nudge) -> SeededVendor:
    email = f"vendor-{tag}-{uuid.uuid4().hex[:6]}@sim.example.com"
    owner = await flows.new_user(http, password=PASSWORD, name=name, email=email)
    vendor = await flows.approved_vendor(http, admin, f"{name} {tag}", owner=owner, commission_type="percent",
                                         commission_value=str(commission_bps / 100), timeout=timeout, nudge=nudge)
    return SeededVendor(vendor["id"], vendor["name"], email, vendor["token"], vendor["refreshToken"])


def _product_body(world: World, p, tag: str, brand_id: str | None, category_id: str) -> dict:
    option, _ = TREE[world.categories[p.category].top].option
    skus = range(p.sku_slice.start, p.sku_slice.stop)
    values = [world.sku_option[s][1] for s in skus]
    return {"title": p.title, "description": f"{p.title}: simulated catalog item.", "categoryIds": [category_id],
            **({"brandId": brand_id} if brand_id else {}), "options": [{"name": option, "values": values}],
            "variants": [{"sku": f"SIMLV-{tag}-{p.idx:04d}-{s - p.sku_slice.start}",
                          "optionValues": {option: world.sku_option[s][1]}, "priceMinor": int(world.sku_price[s]),
                          "currency": world.config.currency, "weightGrams": int(world.sku_weight[s])}
                         for s in skus]}


async def _product(http: httpx.AsyncClient, admin: str, vendor: SeededVendor, body: dict, stock: int,
                   timeout: float, nudge: Nudge) -> SeededProduct:
    created = await flows.publish_product(http, admin, {"id": vendor.id, "token": vendor.token}, body, stock=stock,
                                          reorder_point=5, timeout=timeout, nudge=nudge)
    return SeededProduct(created["id"], created["slug"], vendor.id, body["title"], body["categoryIds"],
                         [(v["sku"], v["priceMinor"]) for v in body["variants"]])


async def _bounded(limit: int, coros: list) -> list:
    gate = asyncio.Semaphore(limit)

    async def run(coro):
        async with gate:
            return await coro
    return await asyncio.gather(*(run(c) for c in coros))


async def seed_marketplace(http: httpx.AsyncClient, admin_token: str, *, vendors: int, products_per_vendor: int,
                           seed: int, stock: int = 500, timeout: float = 90.0, parallel: int = 6,
                           nudge: Nudge = no_nudge) -> SeedSummary:
    """Vendors (approved, commission from the world model), their products (approved, stocked) through `http`
    (a client whose base_url is the gateway). Returns what was created."""
    started = time.monotonic()
    world = build_world(SimConfig(seed=seed, days=1, shoppers=10, vendors=vendors,
                                  skus=max(vendors, vendors * products_per_vendor * 3)))
    summary = SeedSummary(tag=uuid.uuid4().hex[:6].upper())
    cat_ids = await _categories(http, admin_token, world)
    summary.categories = {world.categories[i].path: cid for i, cid in cat_ids.items()}
    brand_ids = [await _brand(http, admin_token, b.name, b.slug) for b in world.brands]
    summary.vendors = list(await _bounded(parallel, [
        _vendor(http, admin_token, v.name, v.commission_bps, summary.tag, timeout, nudge) for v in world.vendors]))
    jobs = []
    for v, seeded in zip(world.vendors, summary.vendors):
        mine = [p for p in world.products if p.vendor == v.idx][:products_per_vendor]
        jobs += [_product(http, admin_token, seeded, _product_body(world, p, summary.tag, brand_ids[p.brand],
                                                                   cat_ids[p.category]), stock, timeout, nudge)
                 for p in mine]
    summary.products = list(await _bounded(parallel, jobs))
    summary.seconds = round(time.monotonic() - started, 1)
    return summary
