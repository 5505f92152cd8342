"""Reactions of the recommender to other domains' events: keep the projections (projection.py) current, and drop
a shopper's cached answers the moment they buy.

The Redis side effects (user generation bump, the hidden-products set) run inside the handler, before the unit of
work commits: a stale answer is refused a little early rather than a little late. If the commit then fails, the
event is redelivered and does it again, which only costs a cache miss.
"""
from __future__ import annotations

import structlog

from apps.serving.config import ServingSettings
from apps.serving.recommendations import candidates, projection
from apps.serving.recommendations.cache import RecoCache
from kernel.consumer import Handler
from kernel.events import Envelope
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork

log = structlog.get_logger("serving.reco_reactions")

PRODUCT_SNAPSHOTS = ("product.created", "product.updated", "product.approved", "product.archived",
                     "product.rejected")
VENDOR_STATUS_BY_EVENT = {"vendor.applied": "pending", "vendor.approved": "active", "vendor.reinstated": "active",
                          "vendor.suspended": "suspended", "vendor.rejected": "rejected"}


class _CacheHolder:
    """The process's cache, bound at start-up (lifecycle.py); built from settings if a consumer runs first."""

    cache: RecoCache | None = None

    @classmethod
    def get(cls) -> RecoCache:
        if cls.cache is None:
            cls.cache = RecoCache(ServingSettings().redis_url)
        return cls.cache


def bind_cache(cache: RecoCache | None) -> None:
    _CacheHolder.cache = cache


async def visibility(uow: UnitOfWork, product_ids: list[str]) -> None:
    """Tell the cache which of these products may be shown now (this transaction's view of the projections)."""
    product_ids = sorted(set(product_ids))
    if not product_ids:
        return
    live = await candidates.showable(uow, product_ids)
    await _CacheHolder.get().mark(hidden=[p for p in product_ids if p not in live], shown=sorted(live))


async def on_product(*, uow: UnitOfWork, event: Envelope) -> None:
    status = await projection.apply_product(uow, event.data, event.occurred_at)
    if status is None:
        log.warning("serving.reco_product_skipped", event_id=event.event_id, event_type=event.type)
        return
    await visibility(uow, [str(event.data["productId"]).lower()])


async def on_vendor(*, uow: UnitOfWork, event: Envelope) -> None:
    vendor_id = str(event.data.get("vendorId") or "")
    if not is_uuid(vendor_id):
        return
    status = str(event.data.get("status") or VENDOR_STATUS_BY_EVENT[event.type])
    await projection.apply_vendor(uow, vendor_id, status, event.occurred_at)
    await visibility(uow, await projection.vendor_products(uow, vendor_id.lower()))


async def on_stock(*, uow: UnitOfWork, event: Envelope) -> None:
    product_id = await projection.set_available(uow, event.data, event.occurred_at)
    if product_id:
        await visibility(uow, [product_id])


async def on_reserved(*, uow: UnitOfWork, event: Envelope) -> None:
    await visibility(uow, await projection.move_available(uow, event.data.get("items") or [], -1))


async def on_released(*, uow: UnitOfWork, event: Envelope) -> None:
    await visibility(uow, await projection.move_available(uow, event.data.get("items") or [], +1))


async def on_order_created(*, uow: UnitOfWork, event: Envelope) -> None:
    """An order placed: its products count as bought together and as sales, and the buyer's answers go stale."""
    user_id, products = str(event.data.get("userId") or ""), projection.basket_products(event.data)
    await projection.count_order(uow, products, event.occurred_at)
    await _bought(uow, user_id, products, event)


async def on_order_paid(*, uow: UnitOfWork, event: Envelope) -> None:
    # Counted once, at order.created; payment only repeats the invalidation (in case that event was missed).
    await _bought(uow, str(event.data.get("userId") or ""), projection.basket_products(event.data), event)


async def _bought(uow: UnitOfWork, user_id: str, products: list[str], event: Envelope) -> None:
    if not is_uuid(user_id):
        return
    await projection.record_purchases(uow, user_id.lower(), products, event.occurred_at)
    await _CacheHolder.get().invalidate_user(user_id.lower(), products)


REACTIONS: dict[str, Handler] = {
    **{event_type: on_product for event_type in PRODUCT_SNAPSHOTS},
    **{event_type: on_vendor for event_type in VENDOR_STATUS_BY_EVENT},
    "inventory.adjusted": on_stock,
    "inventory.low_stock": on_stock,
    "inventory.reserved": on_reserved,
    "inventory.released": on_released,
    "order.created": on_order_created,
    "order.paid": on_order_paid,
}
