"""Reactions to other domains' events: every catalog SKU gets a stock row (on hand 0) when it first appears, and
returned goods (order.returned, an RMA received) go back on hand.

product.created opens rows for the product's SKUs; product.updated carries the whole product too, so a variant
added later also gets its row. Both are idempotent (existing rows are left alone), as is the inbox.
"""
from __future__ import annotations

from apps.inventory import service
from kernel.consumer import Handler
from kernel.events import Envelope
from kernel.uow import UnitOfWork


async def open_stock_rows(*, uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    skus = [str(v["sku"]) for v in data.get("variants") or [] if isinstance(v, dict) and v.get("sku")]
    await service.create_stock_for_product(uow=uow, product_id=str(data.get("productId")),
                                           vendor_id=str(data.get("vendorId")), skus=skus)


async def restock_returned(*, uow: UnitOfWork, event: Envelope) -> None:
    data = event.data
    items = [(str(i.get("sku")), int(i.get("qty") or 0)) for i in data.get("items") or [] if isinstance(i, dict)]
    await service.restock_return(uow=uow, rma_id=str(data.get("rmaId") or data.get("orderNo")), items=items)


CONSUMERS: dict[str, Handler] = {"product.created": open_stock_rows, "product.updated": open_stock_rows,
                                 "order.returned": restock_returned}
