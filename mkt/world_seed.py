"""`mkt simulate world`: the simulator's world made real in the auth, vendors, catalog and inventory databases.

Everything goes through the services' own use cases (the same functions their routes call), with the world's ids
and times, so the same rows, invariants and outbox events exist as if the world had signed up and sold through
the API. What another service learns from an event (the catalog's vendor projection, auth's vendor_admin grant,
inventory's stock rows) is handed to that service's own consumer in-process, through the kernel's inbox: the
seeding needs no running API, and the same events arriving later over Kafka are skipped as already handled.
Existing ids are skipped, so a re-run creates nothing.
"""
from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select

from apps.auth.use_cases import register as auth
from apps.auth.config import AuthSettings
from apps.auth.consumers import CONSUMERS as AUTH_REACTIONS
from apps.auth.orm import Base as AuthBase
from apps.catalog import queries as catalog_queries
from apps.catalog.use_cases import taxonomy
from apps.catalog.use_cases.create_product import create_product
from apps.catalog.use_cases.review_product import approve_product
from apps.catalog.config import CatalogSettings
from apps.catalog.consumers import HANDLERS as CATALOG_REACTIONS
from apps.catalog.orm import Base as CatalogBase, Product
from apps.catalog.schemas.products import ProductCreate
from apps.inventory import queries as inventory_queries
from apps.inventory.config import InventorySettings
from apps.inventory.consumers import CONSUMERS as INVENTORY_REACTIONS
from apps.inventory.orm import Base as InventoryBase
from apps.inventory.use_cases.opening_stock import OpeningStock, set_opening_stock
from apps.vendors.config import VendorsSettings
from apps.vendors.domain import CommissionValue
from apps.vendors.orm import Base as VendorsBase, Vendor
from apps.vendors.use_cases.apply import apply as apply_vendor
from apps.vendors.use_cases.change_status import StatusChange, change_status
from kernel.auth import CurrentUser
from kernel.consumer import EventConsumer, reactions_group
from kernel.db import Database
from kernel.events import Envelope
from kernel.inbox import inbox_table
from kernel.kafka import KafkaPublisher
from kernel.outbox import outbox_table
from kernel.relay import OutboxRelay
from kernel.uow import UnitOfWork
from simulator.world_spec import SIM_PASSWORD, Account, ProductSpec, VendorSpec, WorldSpec

ACCOUNT_BATCH, PRODUCT_BATCH, STOCK_BATCH = 1000, 25, 500
Progress = Callable[[str, int], None]  # (step, units done since the last call)


@dataclass
class Service:
    name: str
    settings: Any
    db: Database
    outbox: Table
    reactions: EventConsumer | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.db.sessions, self.outbox)

    async def react(self, events: list[Envelope]) -> None:
        """This service's consumer handles `events` now, as it would from the broker (inbox: exactly once)."""
        for env in events:
            if self.reactions is not None and self.reactions.handles(env.type):
                await self.reactions.handle(env.to_json())


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    published: int = 0
    relay_note: str | None = None
    seconds: float = 0.0


def _service(name: str, settings: Any, metadata, handlers: dict | None, publisher: KafkaPublisher) -> Service:
    db, outbox = Database(settings.db_url(), pool_size=2), outbox_table(metadata)
    reactions = EventConsumer(name=reactions_group(name), topics=[], handlers=handlers, db=db, outbox=outbox,
                              inbox=inbox_table(metadata), publisher=publisher,
                              bootstrap_servers=settings.kafka_bootstrap_servers) if handlers else None
    return Service(name, settings, db, outbox, reactions)


def open_services(publisher: KafkaPublisher) -> dict[str, Service]:
    return {"auth": _service("auth", AuthSettings(), AuthBase.metadata, AUTH_REACTIONS, publisher),
            "vendors": _service("vendors", VendorsSettings(), VendorsBase.metadata, None, publisher),
            "catalog": _service("catalog", CatalogSettings(), CatalogBase.metadata, CATALOG_REACTIONS, publisher),
            "inventory": _service("inventory", InventorySettings(), InventoryBase.metadata, INVENTORY_REACTIONS,
                                  publisher)}


async def _commit(uow: UnitOfWork) -> list[Envelope]:
    events = uow.pending_events
    await uow.commit()
    return events


# ---- auth --------------------------------------------------------------------------------------------------------

def _new_account(a: Account) -> auth.NewAccount:
    return auth.NewAccount(a.email, SIM_PASSWORD, a.name, list(a.roles), a.user_id, a.at)


async def seed_accounts(svc: Service, spec: WorldSpec, progress: Progress) -> int:
    everyone, created = [spec.admin, *spec.accounts], 0
    for i in range(0, len(everyone), ACCOUNT_BATCH):
        batch = everyone[i:i + ACCOUNT_BATCH]
        async with svc.uow() as uow:
            created += len(await auth.create_users(uow=uow, settings=svc.settings,
                                                   accounts=[_new_account(a) for a in batch]))
            await uow.commit()
        progress("accounts", len(batch))
    return created


# ---- catalog: categories and brands ------------------------------------------------------------------------------

def _slug_for(wanted: str, taken: dict[str, str], own_id: str, run_key: str) -> str:
    """The world's slug unless another row (another world, the demo's seed) holds it: then a run-keyed one."""
    return wanted if taken.get(wanted, own_id) == own_id else f"{wanted}-{run_key.lower()}"


async def seed_taxonomy(svc: Service, spec: WorldSpec, progress: Progress) -> int:
    created, key = 0, spec.config.run_key
    async with svc.uow() as uow:
        cats = {c.slug: c.id for c in await catalog_queries.list_categories(uow)}
        for c in spec.categories:
            if c["id"] not in cats.values():
                await taxonomy.create_category(uow=uow, settings=svc.settings, name=c["name"],
                                               slug=_slug_for(c["slug"], cats, c["id"], key),
                                               parent_id=c["parentId"], sort=c["sort"], category_id=c["id"], at=c["at"])
                created += 1
        brands = {b.slug: b.id for b in await catalog_queries.list_brands(uow)}
        for b in spec.brands:
            if b["id"] not in brands.values():
                await taxonomy.create_brand(uow=uow, name=b["name"], slug=_slug_for(b["slug"], brands, b["id"], key),
                                           brand_id=b["id"], at=b["at"])
                created += 1
        await uow.commit()
    progress("taxonomy", len(spec.categories) + len(spec.brands))
    return created


# ---- vendors -----------------------------------------------------------------------------------------------------

async def _seed_vendor(svcs: dict[str, Service], v: VendorSpec, admin: CurrentUser) -> bool:
    vs = svcs["vendors"]
    async with vs.uow() as uow:
        found = await uow.session.scalar(select(Vendor.status).where(Vendor.id == v.id))
        if found is None:
            await apply_vendor(uow=uow, owner=CurrentUser(v.owner_id, ("customer",)), name=v.name,
                               support_email=v.owner_email, support_phone=None, vendor_id=v.id, at=v.applied_at)
        if found in (None, "pending"):
            change = StatusChange("active", CommissionValue("percent", v.commission_bps), at=v.approved_at)
            await change_status(uow=uow, settings=vs.settings, vendor_id=v.id, actor=admin, change=change)
        events = await _commit(uow)
    for name in ("catalog", "auth"):
        await svcs[name].react(events)
    return found is None


async def seed_vendors(svcs: dict[str, Service], spec: WorldSpec, progress: Progress) -> int:
    admin, created = CurrentUser(spec.admin.user_id, ("super_admin",)), 0
    for v in spec.vendors:
        created += await _seed_vendor(svcs, v, admin)
        progress("vendors", 1)
    return created


# ---- products and stock ------------------------------------------------------------------------------------------

async def _seed_products(svcs: dict[str, Service], batch: list[ProductSpec]) -> int:
    cs = svcs["catalog"]
    async with cs.uow() as uow:
        have = set((await uow.session.scalars(select(Product.id).where(Product.id.in_([p.id for p in batch])))).all())
        fresh = [p for p in batch if p.id not in have]
        for p in fresh:
            await create_product(uow=uow, settings=cs.settings, vendor_id=p.vendor_id,
                                 cmd=ProductCreate.model_validate(p.body), product_id=p.id, slug=p.slug,
                                 at=p.created_at)
            if p.approved_at is not None:
                await approve_product(uow=uow, product_id=p.id, at=p.approved_at)
        events = await _commit(uow)
    await svcs["inventory"].react(events)
    return len(fresh)


async def seed_products(svcs: dict[str, Service], spec: WorldSpec, progress: Progress) -> int:
    created = 0
    for i in range(0, len(spec.products), PRODUCT_BATCH):
        batch = spec.products[i:i + PRODUCT_BATCH]
        created += await _seed_products(svcs, batch)
        progress("products", len(batch))
    return created


async def seed_stock(svc: Service, spec: WorldSpec, progress: Progress) -> int:
    items, done = list(spec.stock.items()), 0
    for i in range(0, len(items), STOCK_BATCH):
        levels = {sku: OpeningStock(on_hand, reorder) for sku, (on_hand, reorder) in items[i:i + STOCK_BATCH]}
        async with svc.uow() as uow:
            done += len(await set_opening_stock(uow=uow, levels=levels))
            await uow.commit()
        progress("stock", len(levels))
    return done


async def _stock_unset(svc: Service, spec: WorldSpec) -> bool:
    """Whether any SKU still waits for its opening level (if not, a re-run need not wait for the simulation)."""
    async with svc.uow() as uow:
        return bool(await inventory_queries.awaiting_opening_stock(uow=uow, skus=list(spec.stock)))


# ---- the whole world ---------------------------------------------------------------------------------------------

async def _publish(svcs: dict[str, Service], publisher: KafkaPublisher, report: SeedReport) -> None:
    """Hand the outbox rows to Kafka now (a running API's relays would too; the relay lock keeps one at a time)."""
    try:
        for svc in svcs.values():
            report.published += await OutboxRelay(svc.db, svc.outbox, publisher, name=svc.name).drain()
    except Exception as exc:  # noqa: BLE001 - the rows stay in the outbox for the next relay; seeding succeeded
        report.relay_note = f"events left in the outboxes for the relay: {type(exc).__name__}: {exc}"[:300]


async def seed_world(spec: WorldSpec, progress: Progress, *, stock: Callable[[], Awaitable[Any]] | None = None,
                     publish: bool = True) -> SeedReport:
    """Seed `spec`; `stock` may supply the per-SKU opening levels late (an array in world SKU order, e.g. the
    simulation's stock at the window's end, computed meanwhile in another process)."""
    started, report = time.perf_counter(), SeedReport()
    publisher = KafkaPublisher(AuthSettings().kafka_bootstrap_servers)
    svcs = open_services(publisher)
    try:
        report.created["accounts"] = await seed_accounts(svcs["auth"], spec, progress)
        report.created["categories+brands"] = await seed_taxonomy(svcs["catalog"], spec, progress)
        report.created["vendors"] = await seed_vendors(svcs, spec, progress)
        report.created["products"] = await seed_products(svcs, spec, progress)
        if stock is not None and await _stock_unset(svcs["inventory"], spec):
            spec.set_on_hand(await stock())
        report.created["stock levels"] = await seed_stock(svcs["inventory"], spec, progress)
        if publish:
            await _publish(svcs, publisher, report)
    finally:
        for svc in svcs.values():
            await svc.db.dispose()
        await publisher.close()
    report.seconds = round(time.perf_counter() - started, 1)
    return report
