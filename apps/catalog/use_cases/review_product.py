"""An admin reviews a pending product: approve puts it live (and asks the search indexer to add it), reject sends
it back to the vendor as a draft with the reviewer's reason. Each is one unit of work, committed (@use_case)."""
from __future__ import annotations

from datetime import datetime

from apps.catalog.exceptions import InvalidStatusChange
from apps.catalog.orm import Product
from apps.catalog.queries import load_product
from apps.catalog.use_cases.common import change_status, flush, request_index
from apps.catalog.use_cases.variants import snapshot
from kernel.clock import utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def approve_product(*, uow: UnitOfWork, product_id: str, at: datetime | None = None) -> Product:
    """`at` (when it was approved) is for imports of history; default now."""
    product = await _pending(uow, product_id, "approved")
    previous = change_status(product, "active", by_admin=True)
    product.approved_at = product.updated_at = at or utcnow()
    product.rejection_reason = None
    await flush(uow)
    uow.emit("product.approved", snapshot(product, previous_status=previous), key=product.id, occurred_at=at)
    await request_index(uow, product, reason="product.approved")
    return product


@use_case
async def reject_product(*, uow: UnitOfWork, product_id: str, reason: str | None) -> Product:
    product = await _pending(uow, product_id, "rejected")
    previous = change_status(product, "draft", by_admin=True)
    product.rejection_reason, product.updated_at = reason, utcnow()
    await flush(uow)
    uow.emit("product.rejected", {**snapshot(product, previous_status=previous), "reason": reason}, key=product.id)
    return product


async def _pending(uow: UnitOfWork, product_id: str, verb: str) -> Product:
    product = await load_product(uow, product_id, lock=True)
    if product.status != "pending":
        raise InvalidStatusChange(f"Only a pending product can be {verb}; this one is {product.status!r}.")
    return product
