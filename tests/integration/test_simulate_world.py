"""`mkt simulate world` on the real stack: a small world seeded through the services' use cases is live — every
vendor, product, SKU and user id its backfill would emit resolves — a second seeding creates nothing, and one of
the world's shoppers signs in with the simulator's password and buys one of the world's SKUs."""
from __future__ import annotations

import random
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from apps.auth.config import AuthSettings
from apps.auth.orm import User
from apps.catalog.config import CatalogSettings
from apps.catalog.orm import Brand, Category, Product
from kernel.db import Database
from mkt.world_seed import seed_world
from simulator.config import SimConfig
from simulator.live import discover
from simulator.live_world import WorldLiveDriver
from simulator.population import build_population
from simulator.world import build_world
from simulator.world_spec import SIM_PASSWORD, build_spec, shopper_email
from tests.flows import _ok, bearer, deliver_now
from tests.unit.test_world_spec import _backfill_ids

pytestmark = pytest.mark.timeout(180)


def _nothing(step: str, n: int) -> None:
    pass


@pytest.fixture(scope="module")
def cfg() -> SimConfig:
    # A fresh seed per run: the world is new to the databases, so the first seeding really creates it.
    return SimConfig(seed=random.randrange(10**9), days=3, shoppers=20, vendors=3, skus=30, end=date(2024, 5, 1))


@pytest.fixture(scope="module")
async def seeded(stack, cfg):
    first = await seed_world(build_spec(cfg), _nothing)
    again = await seed_world(build_spec(cfg), _nothing)
    print(f"seeded in {first.seconds} s, again in {again.seconds} s")
    return first, again


async def _count(settings, model, ids: set[str]) -> int:
    db = Database(settings.db_url(), pool_size=1)
    try:
        async with db.sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(model).where(model.id.in_(list(ids)))))
    finally:
        await db.dispose()


async def test_every_id_of_the_worlds_history_resolves_to_a_live_row(client, cfg, seeded):
    first, _ = seeded
    spec, ids = build_spec(cfg), _backfill_ids(cfg)
    assert first.created["accounts"] == len(spec.accounts) + 1 and first.created["products"] == len(spec.products)
    assert await _count(AuthSettings(), User, ids["users"]) == len(ids["users"])
    assert await _count(CatalogSettings(), Category, ids["categories"]) == len(ids["categories"])
    assert await _count(CatalogSettings(), Brand, ids["brands"]) == len(ids["brands"])
    slugs = {p.id: p.slug for p in spec.products}
    for product_id in ids["products"]:
        page = _ok(await client.get(f"/v1/products/{slugs[product_id]}"), 200)
        assert page["id"] == product_id and page["status"] == "active"
    for vendor_id in ids["vendors"]:
        assert _ok(await client.get(f"/v1/vendors/{vendor_id}"), 200)["status"] == "active"
    for sku in ids["skus"]:
        stock = _ok(await client.get(f"/v1/inventory/{sku}"), 200)
        assert stock["onHand"] == spec.stock[sku][0] > 0


async def test_seeding_again_creates_nothing(cfg, seeded):
    first, again = seeded
    assert sum(first.created.values()) > 0
    assert again.created == {k: 0 for k in first.created}, again.created
    spec = build_spec(cfg)
    assert await _count(CatalogSettings(), Product, {p.id for p in spec.products}) == len(spec.products)


async def test_a_world_shopper_signs_in_and_buys_a_world_sku(client, cfg, seeded):
    spec = build_spec(cfg)
    shopper = build_population(build_world(cfg)).shoppers[0]
    tokens = _ok(await client.post("/v1/auth/login", json={"email": shopper_email(cfg, shopper),
                                                           "password": SIM_PASSWORD}), 200)
    auth = bearer(tokens["accessToken"])
    address = _ok(await client.post("/v1/me/addresses", headers=auth, json={
        "label": "Home", "line1": "1 Main St", "city": "Austin", "postalCode": "78701", "country": "US",
        "isDefault": True}), 201)
    product = spec.products[0]
    sku = product.body["variants"][0]["sku"]
    # The cart and orders learn products and vendors from events; hand them over now rather than wait on Kafka.
    await deliver_now(client, "vendors", product.vendor_id)
    await deliver_now(client, "catalog", product.id)
    _ok(await client.post("/v1/cart/items", headers=auth, json={"sku": sku, "qty": 1}), 201)
    order = _ok(await client.post("/v1/orders", headers={**auth, "Idempotency-Key": uuid.uuid4().hex},
                                  json={"shippingAddressId": address["id"], "shippingMethod": "standard"}), 201)
    assert [i["sku"] for i in order["items"]] == [sku] and order["items"][0]["vendorId"] == product.vendor_id
    stock = _ok(await client.get(f"/v1/inventory/{sku}"), 200)
    assert stock["reserved"] == 1 and stock["onHand"] == spec.stock[sku][0]


async def test_live_sessions_sign_in_as_world_shoppers_and_browse_by_taste(client, cfg, seeded):
    products = await discover(client)
    world_ids = {p.id for p in build_spec(cfg).products}
    assert world_ids <= {p.id for p in products}  # the whole catalog, not the first page or 300
    driver = WorldLiveDriver(client, products, cfg, seed=1)
    stats = await driver.run(shoppers=2, minutes=0.1, rate=5.0)
    assert stats.counts["shoppers"] == 2 and not stats.errors.get("login 401"), (stats.counts, stats.errors)
    assert stats.counts["views"] > 0, (stats.counts, stats.errors)
    picked = driver._pick(next(s for s in [await driver.register(0)] if s), 20)
    assert {p.id for p in picked} <= world_ids  # tastes pick among the world's own products
