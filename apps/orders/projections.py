"""Vendors, as the orders service keeps them (fed by vendor.approved|suspended|reinstated): whether a vendor
sells, and its commission, frozen onto each order's vendor split at checkout."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from apps.orders.orm import VendorCommission, utcnow
from apps.orders.repository import OrderRepository
from apps.orders.splits import Commission
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


async def upsert(uow: UnitOfWork, *, vendor_id: str, status: str, commission: dict[str, Any] | None,
                 occurred_at: datetime) -> bool:
    """Apply one vendor event; False when a newer event already set the row (out-of-order redelivery).
    An event without a commission (a suspension) keeps the one the vendor had."""
    vendors = uow.repository(OrderRepository)
    row = await vendors.vendor_for_update(vendor_id)
    if row is not None and row.source_occurred_at > occurred_at:
        return False
    row = row if row is not None else VendorCommission(vendor_id=vendor_id)
    row.status, row.source_occurred_at, row.updated_at = status[:16], occurred_at, utcnow()
    if commission and commission.get("type") in ("percent", "fixed"):
        row.commission_type, row.commission_value = commission["type"], max(0, int(commission.get("value") or 0))
    await vendors.add(row)
    return True


async def load(uow: UnitOfWork, vendor_ids: Iterable[str]) -> dict[str, VendorCommission]:
    return await uow.repository(OrderRepository).vendors(v for v in vendor_ids if is_uuid(v))


def commissions(rows: dict[str, VendorCommission]) -> dict[str, Commission]:
    return {v: Commission(r.commission_type, int(r.commission_value or 0))
            for v, r in rows.items() if r.commission_type in ("percent", "fixed")}


def not_selling(rows: dict[str, VendorCommission]) -> list[str]:
    """Vendors the projection knows are not active; unknown vendors pass (the projection may lag)."""
    return sorted(v for v, r in rows.items() if r.status != "active")
