"""Reactions of the recommender to other domains' events: keep the projections (projections.py) current, and drop
a shopper's cached answers the moment they buy.

The Redis side effects (user generation bump, the hidden-products set) run inside the handler, before the unit of
work commits: a stale answer is refused a little early rather than a little late. If the commit then fails, the
event is redelivered and does it again, which only costs a cache miss.
"""
from __future__ import annotations

from datetime import datetime

import structlog

from apps.serving.projections import recommendations as projections
from apps.serving.queries import recommendations as candidates
from apps.serving.cache import RecoCache
from kernel.consumer import Event, Handler
from kernel.contracts.catalog import ProductChanged
from kernel.contracts.inventory import LowStock, ReservationChanged, StockAdjusted
from kernel.contracts.orders import OrderCreated, OrderPaid
from kernel.contracts.vendors import VendorApplied, VendorStatusChanged
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("serving.reco_reactions")

PRODUCT_SNAPSHOTS = ("product.created", "product.updated", "product.approved", "product.archived",
                     "product.rejected")
VENDOR_EVENTS = ("vendor.applied", "vendor.approved", "vendor.reinstated", "vendor.suspended", "vendor.rejected")


def build_reactions(cache: RecoCache) -> dict[str, Handler]:
    """The recommender's reactions, with the process's cache (opened by lifecycle.start_recommendations; the
    serving wiring builds these after it)."""

    async def visibility(uow: UnitOfWork, product_ids: list[str]) -> None:
        """Tell the cache which of these products may be shown now (this transaction's view of the projections)."""
        product_ids = sorted(set(product_ids))
        if not product_ids:
            return
        live = await candidates.showable(uow, product_ids)
        await cache.mark(hidden=[p for p in product_ids if p not in live], shown=sorted(live))

    async def on_product(*, uow: UnitOfWork, event: Event[ProductChanged]) -> None:
        status = await projections.apply_product(uow, event.data.wire(), event.occurred_at)
        if status is None:
            log.warning("serving.reco_product_skipped", event_id=event.event_id, event_type=event.type)
            return
        await visibility(uow, [event.data.product_id.lower()])

    async def on_vendor(*, uow: UnitOfWork, event: Event[VendorApplied | VendorStatusChanged]) -> None:
        vendor_id = event.data.vendor_id
        if not is_uuid(vendor_id):
            return
        await projections.apply_vendor(uow, vendor_id, event.data.status, event.occurred_at)
        await visibility(uow, await projections.vendor_products(uow, vendor_id.lower()))

    async def on_stock(*, uow: UnitOfWork, event: Event[StockAdjusted | LowStock]) -> None:
        product_id = await projections.set_available(uow, event.data.wire(), event.occurred_at)
        if product_id:
            await visibility(uow, [product_id])

    async def on_reserved(*, uow: UnitOfWork, event: Event[ReservationChanged]) -> None:
        await visibility(uow, await projections.move_available(uow, event.data.wire()["items"], -1))

    async def on_released(*, uow: UnitOfWork, event: Event[ReservationChanged]) -> None:
        await visibility(uow, await projections.move_available(uow, event.data.wire()["items"], +1))

    async def on_order_created(*, uow: UnitOfWork, event: Event[OrderCreated]) -> None:
        """An order placed: its products count as bought together and as sales, and the buyer's answers go
        stale."""
        products = projections.basket_products(event.data.wire())
        await projections.count_order(uow, products, event.occurred_at)
        await bought(uow, event.data.user_id, products, event.occurred_at)

    async def on_order_paid(*, uow: UnitOfWork, event: Event[OrderPaid]) -> None:
        # Counted once, at order.created; payment only repeats the invalidation (in case that event was missed).
        await bought(uow, event.data.user_id, projections.basket_products(event.data.wire()), event.occurred_at)

    async def bought(uow: UnitOfWork, user_id: str, products: list[str], at: datetime) -> None:
        if not is_uuid(user_id):
            return
        await projections.record_purchases(uow, user_id.lower(), products, at)
        await cache.invalidate_user(user_id.lower(), products)

    return {
        **{event_type: on_product for event_type in PRODUCT_SNAPSHOTS},
        **{event_type: on_vendor for event_type in VENDOR_EVENTS},
        "inventory.adjusted": on_stock,
        "inventory.low_stock": on_stock,
        "inventory.reserved": on_reserved,
        "inventory.released": on_released,
        "order.created": on_order_created,
        "order.paid": on_order_paid,
    }
