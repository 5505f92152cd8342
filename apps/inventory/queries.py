"""Reads: one SKU's availability, a vendor's stock list, one reservation (also the loader the reservation use
cases lock through), and which SKUs still wait for their opening stock. Nothing here writes."""
from __future__ import annotations

from sqlalchemy import select

from apps.inventory.exceptions import ReservationNotFound, StockItemNotFound
from apps.inventory.orm import SKU_MAX, Reservation, StockItem
from apps.inventory.repository import InventoryRepository
from kernel.ids import is_uuid
from kernel.paging import Found, Paging, fetch_page
from kernel.lookup import by_uuid
from kernel.uow import UnitOfWork


def valid_sku(sku: str) -> bool:
    return 0 < len(sku) <= SKU_MAX


async def get_stock(*, uow: UnitOfWork, sku: str) -> StockItem:
    item = await uow.session.get(StockItem, sku) if valid_sku(sku) else None
    if item is None:
        raise StockItemNotFound(f"No stock for SKU {sku[:SKU_MAX]!r}.")
    return item


async def list_vendor_stock(*, uow: UnitOfWork, vendor_id: str, low_only: bool, paging: Paging) -> Found[StockItem]:
    if not is_uuid(vendor_id):
        return Found([], 0, paging.page, paging.per_page)
    stmt = select(StockItem).where(StockItem.vendor_id == vendor_id)
    if low_only:
        stmt = stmt.where(StockItem.on_hand - StockItem.reserved < StockItem.reorder_point)
    return await fetch_page(uow.session, stmt, paging, order_by=[StockItem.sku])


async def get_reservation(*, uow: UnitOfWork, reservation_id: str, lock: bool = False) -> Reservation:
    return await by_uuid(reservation_id, lambda i: uow.repository(InventoryRepository).reservation(i, lock=lock), ReservationNotFound, "reservation")


async def never_set(uow: UnitOfWork, items: dict[str, StockItem]) -> list[str]:
    """SKUs whose rows are still as opened for a new product: nothing on hand or reserved, no reorder point, no
    movement ever."""
    if not items:
        return []
    moved = await uow.repository(InventoryRepository).moved_skus(list(items))
    return [sku for sku, item in sorted(items.items())
            if sku not in moved and not (item.on_hand or item.reserved or item.reorder_point)]


async def awaiting_opening_stock(*, uow: UnitOfWork, skus: list[str]) -> list[str]:
    rows = await uow.repository(InventoryRepository).stock_items([s for s in skus if valid_sku(s)])
    return await never_set(uow, rows)
