"""Reactions to other domains' events: every catalog SKU gets a stock row (on hand 0) when it first appears, and
returned goods (order.returned, an RMA received) go back on hand.

product.created opens rows for the product's SKUs; product.updated carries the whole product too, so a variant
added later also gets its row. Both are idempotent (existing rows are left alone), as is the inbox.
"""
from __future__ import annotations

from apps.inventory.use_cases.open_stock import create_stock_for_product
from apps.inventory.use_cases.restock_return import restock_return
from kernel.consumer import Event, Handler
from kernel.contracts.catalog import ProductChanged
from kernel.contracts.orders import OrderReturned
from kernel.uow import UnitOfWork


async def open_stock_rows(*, uow: UnitOfWork, event: Event[ProductChanged]) -> None:
    product = event.data
    await create_stock_for_product(uow=uow, product_id=product.product_id, vendor_id=product.vendor_id,
                                   skus=[v.sku for v in product.variants if v.sku])


async def restock_returned(*, uow: UnitOfWork, event: Event[OrderReturned]) -> None:
    returned = event.data
    await restock_return(uow=uow, rma_id=returned.rma_id or returned.order_no,
                         items=[(line.sku, line.qty) for line in returned.items])


CONSUMERS: dict[str, Handler] = {"product.created": open_stock_rows, "product.updated": open_stock_rows,
                                 "order.returned": restock_returned}
