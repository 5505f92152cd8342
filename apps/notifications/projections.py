"""The small contact projections the sender addresses mail with: order → its shopper (order.created) and vendor →
its owner, name and status (vendor.* events, newest event wins). Never commits (the consumer's unit of work does)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects.postgresql import insert

from apps.notifications.orm import OrderContact, VendorContact
from kernel.uow import UnitOfWork


async def remember_order(uow: UnitOfWork, *, order_no: str, user_id: str) -> None:
    """Who placed the order (the first event wins: an order's shopper never changes)."""
    await uow.session.execute(insert(OrderContact).values(order_no=order_no[:64], user_id=user_id[:64])
                              .on_conflict_do_nothing())


async def apply_vendor(uow: UnitOfWork, *, vendor_id: str, name: str, status: str, owner_user_id: str | None,
                       at: datetime) -> None:
    """Who owns the vendor (its owner's account is the fallback address), its name and status: newest event wins.
    An event without an owner (vendor.updated does not say) keeps the one known."""
    values = {"name": name[:200] or None, "status": status[:16] or None, "source_occurred_at": at}
    if owner_user_id:
        values["owner_user_id"] = owner_user_id[:64]
    stmt = insert(VendorContact).values(vendor_id=vendor_id[:64], **values)
    await uow.session.execute(stmt.on_conflict_do_update(
        index_elements=[VendorContact.vendor_id], set_=values, where=VendorContact.source_occurred_at <= at))
