"""Reactions that keep the search projections current (catalog, vendors, inventory, reviews, orders).

Each runs in the consumer's unit of work with the inbox row (a redelivered event is skipped); it only writes the
projections, and the sync loop pushes the changed products to Typesense after the commit, so a Typesense outage
delays the index instead of failing the events.
"""
from __future__ import annotations

import structlog

from apps.search import projection
from kernel.consumer import Handler
from kernel.events import Envelope
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("search.consumers")

VENDOR_STATUS_BY_EVENT = {
    "vendor.applied": "pending", "vendor.approved": "active", "vendor.reinstated": "active",
    "vendor.suspended": "suspended", "vendor.rejected": "rejected", "vendor.updated": None,
}


async def on_product(*, uow: UnitOfWork, event: Envelope) -> None:
    if not is_uuid(str(event.data.get("productId", ""))):
        log.warning("search.product_event_without_id", event_id=event.event_id)
        return
    await projection.apply_product(uow.session, event.data, at=event.occurred_at)


async def on_price(*, uow: UnitOfWork, event: Envelope) -> None:
    await projection.apply_price(uow.session, event.data, at=event.occurred_at)


async def on_index_requested(*, uow: UnitOfWork, event: Envelope) -> None:
    """The catalog asks for a product to be re-read (vendor visibility changed): push it again."""
    await projection.touch(uow.session, [str(event.data.get("productId", ""))])


async def on_category(*, uow: UnitOfWork, event: Envelope) -> None:
    await projection.apply_category(uow.session, event.data, at=event.occurred_at)


async def on_brand(*, uow: UnitOfWork, event: Envelope) -> None:
    await projection.apply_brand(uow.session, event.data)


async def on_vendor(*, uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    vendor_id = str(data.get("vendorId") or "")
    if not is_uuid(vendor_id):
        return
    status = data.get("status") or VENDOR_STATUS_BY_EVENT.get(event.type) or "pending"
    await projection.apply_vendor(uow.session, vendor_id=vendor_id, name=str(data.get("name") or ""),
                                  status=str(status)[:32], at=event.occurred_at)


async def on_stock(*, uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    await projection.apply_stock(uow.session, sku=data["sku"], product_id=data.get("productId"),
                                 available=int(data["available"]), delta=0, at=event.occurred_at)


async def on_reservation(*, uow: UnitOfWork, event: Envelope) -> None:
    """Reserved stock is not available; released stock is again. (Committed stock was already not available.)"""
    sign = {"inventory.reserved": -1, "inventory.released": 1}.get(event.type, 0)
    if not sign:
        return
    for line in event.data.get("items") or []:
        await projection.apply_stock(uow.session, sku=line["sku"], product_id=None, available=None,
                                     delta=sign * int(line["qty"]), at=event.occurred_at)


async def on_rating(*, uow: UnitOfWork, event: Envelope) -> None:
    await projection.apply_rating(uow.session, event.data, at=event.occurred_at)


async def on_paid(*, uow: UnitOfWork, event: Envelope) -> None:
    await projection.add_sales(uow.session, [str(p) for p in event.data.get("productIds") or []])


CONSUMERS: dict[str, Handler] = {
    **{t: on_product for t in ("product.created", "product.updated", "product.approved", "product.rejected",
                               "product.archived")},
    "product.price.updated": on_price,
    "product.index.requested": on_index_requested,
    "category.created": on_category,
    "category.updated": on_category,
    "brand.created": on_brand,
    **{t: on_vendor for t in VENDOR_STATUS_BY_EVENT},
    "inventory.adjusted": on_stock,
    "inventory.low_stock": on_stock,
    "inventory.reserved": on_reservation,
    "inventory.released": on_reservation,
    "review.approved": on_rating,
    "review.rejected": on_rating,
    "order.paid": on_paid,
}
