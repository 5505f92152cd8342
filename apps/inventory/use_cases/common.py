"""What the stock and reservation use cases share: the inventory.adjusted payload, and how a reservation is locked,
closed, gives its stock back and is announced."""
from __future__ import annotations

from collections.abc import Callable, Mapping

from apps.inventory.domain import Movement, StockLevel
from apps.inventory.ledger import move_stock
from apps.inventory.orm import Reservation, StockItem
from apps.inventory.queries import get_reservation
from apps.inventory.repository import InventoryRepository
from kernel.clock import utcnow
from kernel.uow import UnitOfWork


def adjusted(item: StockItem, *, delta: int, reason: str) -> dict:
    return {"sku": item.sku, "vendorId": item.vendor_id, "productId": item.product_id, "onHand": item.on_hand,
            "reserved": item.reserved, "available": item.available, "delta": delta, "reason": reason,
            "reorderPoint": item.reorder_point, "safetyStock": item.safety_stock, "at": item.updated_at}


async def lock_reservation(uow: UnitOfWork, reservation_id: str, *,
                           proceed: Callable[[str], bool]) -> tuple[Reservation, bool]:
    """The reservation row locked (before any stock row: the lock order every reservation path keeps, so they never
    deadlock), and whether `proceed(status)` says there is work to do (a repeat is a no-op)."""
    reservation = await get_reservation(uow=uow, reservation_id=reservation_id, lock=True)
    return reservation, proceed(reservation.status)


async def settle(uow: UnitOfWork, reservations: list[Reservation], *, status: str, reason: str,
                 leaves: bool) -> dict[str, str]:
    """Close locked reservations and move their stock out of `reserved` (and off the shelf when `leaves`) in one
    statement, the last write before the commit. Returns who sells each SKU, for the events."""
    for reservation in reservations:
        close(reservation, status)
    await uow.repository(InventoryRepository).flush()
    movements = [Movement(line.sku, delta_on_hand=-line.qty if leaves else 0, delta_reserved=-line.qty,
                          reference=reservation.id) for reservation in reservations for line in reservation.items]
    moved = await move_stock(uow, movements, reason=reason)
    stuck = sorted({m.sku for m in movements} - set(moved))
    if stuck:  # the CHECK constraints' invariant says an active reservation's units are always there to move
        raise RuntimeError(f"reserved units of SKUs {stuck} could not be moved")
    return vendors_of(moved)


async def give_back(uow: UnitOfWork, reservations: list[Reservation], *, status: str) -> None:
    vendors = await settle(uow, reservations, status=status, reason="expire" if status == "expired" else "release",
                           leaves=False)
    for reservation in reservations:
        uow.emit("inventory.released", reservation_event(reservation, vendors, reason=status), key=reservation.id)


def vendors_of(levels: Mapping[str, StockLevel]) -> dict[str, str]:
    return {sku: level.vendor_id for sku, level in levels.items()}


def close(reservation: Reservation, status: str) -> None:
    reservation.status = status
    reservation.closed_at = utcnow()


def reservation_event(reservation: Reservation, vendors: Mapping[str, str], *, reason: str | None = None) -> dict:
    return {
        "reservationId": reservation.id, "reference": reservation.reference, "status": reservation.status,
        "items": [{"sku": line.sku, "qty": line.qty, "vendorId": vendors[line.sku]} for line in reservation.items],
        "expiresAt": reservation.expires_at, "reason": reason, "at": reservation.closed_at or reservation.created_at,
    }
