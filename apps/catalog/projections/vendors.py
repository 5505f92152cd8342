"""Vendors, as the catalog keeps them (fed by vendor.* events): who may sell, and whose products are public."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from apps.catalog import domain
from apps.catalog.orm import Product
from apps.catalog.repository import ProductRepository
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


@dataclass(frozen=True)
class VendorChange:
    vendor_id: str
    previous_status: str | None
    status: str

    @property
    def visibility_changed(self) -> bool:
        return (self.previous_status == "active") != (self.status == "active")


async def vendor_status(uow: UnitOfWork, vendor_id: str) -> str | None:
    if not is_uuid(vendor_id):
        return None
    return await uow.repository(ProductRepository).vendor_status(vendor_id)


async def upsert_vendor(uow: UnitOfWork, *, vendor_id: str, name: str, slug: str, status: str,
                        occurred_at: datetime) -> VendorChange | None:
    """Apply one vendor event; None when a newer event already set the row (redelivery out of order)."""
    applied, previous = await uow.repository(ProductRepository).upsert_vendor(
        vendor_id=vendor_id, name=name, slug=slug, status=status, occurred_at=occurred_at)
    return VendorChange(vendor_id, previous, status) if applied else None


async def request_reindex(uow: UnitOfWork, change: VendorChange, *, reason: str) -> int:
    """Ask the search indexer to drop or re-add this vendor's approved products; returns how many."""
    ids = (await uow.session.scalars(select(Product.id).where(Product.vendor_id == change.vendor_id,
                                                              Product.status == "active")
                                     .order_by(Product.id))).all()
    public = domain.is_public("active", change.status)
    for product_id in ids:
        uow.emit("product.index.requested", {"productId": product_id, "reason": reason,
                                             "vendorId": change.vendor_id, "public": public}, key=product_id)
    return len(ids)
