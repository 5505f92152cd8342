"""Reactions that keep the search projections current (catalog, vendors, inventory, reviews, orders).

Each runs in the consumer's unit of work with the inbox row (a redelivered event is skipped); it only writes the
projections, and the sync loop pushes the changed products to Typesense after the commit, so a Typesense outage
delays the index instead of failing the events.
"""
from __future__ import annotations

import structlog

from apps.search import projections
from kernel.consumer import Event, Handler
from kernel.contracts.catalog import (BrandCreated, CategoryChanged, ProductChanged, ProductIndexRequested,
                                      ProductPriceUpdated)
from kernel.contracts.inventory import LowStock, ReservationChanged, StockAdjusted
from kernel.contracts.orders import OrderPaid
from kernel.contracts.reviews import ReviewModerated
from kernel.contracts.vendors import VendorApplied, VendorStatusChanged, VendorUpdated
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("search.consumers")

VENDOR_EVENTS = ("vendor.applied", "vendor.approved", "vendor.reinstated", "vendor.suspended", "vendor.rejected",
                 "vendor.updated")
# Reserved stock is not available; released stock is again. (Committed stock was already not available.)
RESERVATION_SIGN = {"inventory.reserved": -1, "inventory.released": 1}


async def on_product(*, uow: UnitOfWork, event: Event[ProductChanged]) -> None:
    if not is_uuid(event.data.product_id):
        log.warning("search.product_event_without_id", event_id=event.event_id)
        return
    await projections.apply_product(uow.session, event.data, at=event.occurred_at)


async def on_price(*, uow: UnitOfWork, event: Event[ProductPriceUpdated]) -> None:
    await projections.apply_price(uow.session, event.data, at=event.occurred_at)


async def on_index_requested(*, uow: UnitOfWork, event: Event[ProductIndexRequested]) -> None:
    """The catalog asks for a product to be re-read (vendor visibility changed): push it again."""
    await projections.touch(uow.session, [event.data.product_id])


async def on_category(*, uow: UnitOfWork, event: Event[CategoryChanged]) -> None:
    await projections.apply_category(uow.session, event.data, at=event.occurred_at)


async def on_brand(*, uow: UnitOfWork, event: Event[BrandCreated]) -> None:
    await projections.apply_brand(uow.session, event.data)


async def on_vendor(*, uow: UnitOfWork, event: Event[VendorApplied | VendorStatusChanged | VendorUpdated]) -> None:
    vendor = event.data
    if not is_uuid(vendor.vendor_id):
        return
    await projections.apply_vendor(uow.session, vendor_id=vendor.vendor_id, name=vendor.name, status=vendor.status,
                                  at=event.occurred_at)


async def on_stock(*, uow: UnitOfWork, event: Event[StockAdjusted | LowStock]) -> None:
    stock = event.data
    await projections.apply_stock(uow.session, sku=stock.sku, product_id=stock.product_id,
                                 available=stock.available, delta=0, at=event.occurred_at)


async def on_reservation(*, uow: UnitOfWork, event: Event[ReservationChanged]) -> None:
    sign = RESERVATION_SIGN[event.type]
    for line in event.data.items:
        await projections.apply_stock(uow.session, sku=line.sku, product_id=None, available=None,
                                     delta=sign * line.qty, at=event.occurred_at)


async def on_rating(*, uow: UnitOfWork, event: Event[ReviewModerated]) -> None:
    await projections.apply_rating(uow.session, event.data, at=event.occurred_at)


async def on_paid(*, uow: UnitOfWork, event: Event[OrderPaid]) -> None:
    await projections.add_sales(uow.session, event.data.product_ids)


CONSUMERS: dict[str, Handler] = {
    **{t: on_product for t in ("product.created", "product.updated", "product.approved", "product.rejected",
                               "product.archived")},
    "product.price.updated": on_price,
    "product.index.requested": on_index_requested,
    "category.created": on_category,
    "category.updated": on_category,
    "brand.created": on_brand,
    **{t: on_vendor for t in VENDOR_EVENTS},
    "inventory.adjusted": on_stock,
    "inventory.low_stock": on_stock,
    **{t: on_reservation for t in RESERVATION_SIGN},
    "review.approved": on_rating,
    "review.rejected": on_rating,
    "order.paid": on_paid,
}
