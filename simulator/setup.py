"""The marketplace as it stands before (and grows during) the window: admin, categories, brands, vendors and
their products with stock, and shopper signups — as the events the services emit for them."""
from __future__ import annotations

from datetime import datetime, timedelta

from simulator.demand import DemandModel
from simulator.emitter import Emitter
from simulator.population import Population, Shopper
from simulator.stock import StockBook
from simulator.world import Product, World


def user_created(em: Emitter, user_id: str, at: datetime, email_domain: str, roles: list[str]) -> None:
    em.emit("user.created", {"userId": user_id, "roles": roles, "emailDomain": email_domain, "createdAt": at},
            key=user_id, at=at, actor_id=user_id)


def catalog_events(em: Emitter, world: World, admin_id: str) -> None:
    user_created(em, admin_id, world.config.start_at - timedelta(days=120), "marketplace.local", ["super_admin"])
    for c in world.categories:
        em.emit("category.created", {"categoryId": c.id, "name": c.name, "slug": c.slug, "parentId": c.parent_id,
                                     "path": c.path, "sort": c.sort}, key=c.id, at=c.created_at, actor_id=admin_id)
    for b in world.brands:
        em.emit("brand.created", {"brandId": b.id, "name": b.name, "slug": b.slug}, key=b.id, at=b.created_at,
                actor_id=admin_id)
    for v in world.vendors:
        user_created(em, v.owner_id, v.owner_created_at, "example.com", ["customer"])
        base = {"vendorId": v.id, "ownerUserId": v.owner_id, "name": v.name, "slug": v.slug}
        em.emit("vendor.applied", {**base, "status": "pending", "appliedAt": v.applied_at}, key=v.id,
                at=v.applied_at, actor_id=v.owner_id)
        commission = {"type": "percent", "value": v.commission_bps, "unit": "basis_points", "currency": None,
                      "categoryId": None, "activeFrom": v.approved_at}
        em.emit("vendor.approved", {**base, "status": "active", "previousStatus": "pending", "commission": commission,
                                    "actorUserId": admin_id, "changedAt": v.approved_at},
                key=v.id, at=v.approved_at, actor_id=admin_id)


def product_snapshot(world: World, p: Product, prices: list[int], *, status: str, previous: str | None,
                     updated_at: datetime | None) -> dict:
    cur = world.config.currency
    variants = [{"sku": world.sku_codes[s], "priceMinor": prices[i], "currency": cur, "compareAtPriceMinor": None,
                 "weightGrams": int(world.sku_weight[s]), "optionValues": dict([world.sku_option[s]]),
                 "taxClass": None} for i, s in enumerate(range(p.sku_slice.start, p.sku_slice.stop))]
    return {"productId": p.id, "vendorId": world.vendors[p.vendor].id, "title": p.title, "slug": p.slug,
            "status": status, "previousStatus": previous, "categoryIds": [world.categories[p.category].id],
            "brandId": world.brands[p.brand].id, "variants": variants, "createdAt": p.created_at,
            "updatedAt": updated_at}


def stock_event(em: Emitter, world: World, sku: int, *, available: int, delta: int, reason: str, at: datetime,
                reorder_point: int) -> None:
    p = world.product_of(sku)
    em.emit("inventory.adjusted", {
        "sku": world.sku_codes[sku], "vendorId": world.vendors[p.vendor].id, "productId": p.id, "onHand": available,
        "reserved": 0, "available": available, "delta": delta, "reason": reason, "reorderPoint": reorder_point,
        "safetyStock": 0, "at": at}, key=world.sku_codes[sku], at=at, actor_id=world.vendors[p.vendor].owner_id)


def product_events(em: Emitter, world: World, demand: DemandModel, stock: StockBook, admin_id: str) -> list[int]:
    """Every product's creation, approval and opening stock; returns each SKU's price as listed."""
    listed = [0] * len(world.sku_codes)
    for p in world.products:
        owner = world.vendors[p.vendor].owner_id
        prices = [int(x) for x in demand.list_price(max(0, p.launch_day))[p.sku_slice]]
        listed[p.sku_slice] = prices
        em.emit("product.created", product_snapshot(world, p, prices, status="pending", previous=None,
                                                    updated_at=None), key=p.id, at=p.created_at, actor_id=owner)
        em.emit("product.approved", product_snapshot(world, p, prices, status="active", previous="pending",
                                                     updated_at=p.approved_at),
                key=p.id, at=p.approved_at, actor_id=admin_id)
        for s in range(p.sku_slice.start, p.sku_slice.stop):
            rp = int(stock.reorder_point[s])
            stock_event(em, world, s, available=0, delta=0, reason="created", at=p.approved_at, reorder_point=rp)
            stock_event(em, world, s, available=int(stock.initial[s]), delta=int(stock.initial[s]), reason="set",
                        at=p.approved_at + timedelta(minutes=20), reorder_point=rp)
    return listed


def shopper_signups(em: Emitter, shoppers: list[Shopper]) -> None:
    for s in shoppers:
        user_created(em, s.id, s.created_at, s.email_domain, ["customer"])


def all_setup(em: Emitter, world: World, population: Population, demand: DemandModel, stock: StockBook,
              admin_id: str) -> list[int]:
    catalog_events(em, world, admin_id)
    listed = product_events(em, world, demand, stock, admin_id)
    shopper_signups(em, population.shoppers)
    return listed
