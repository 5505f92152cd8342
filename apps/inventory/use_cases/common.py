"""What the stock and reservation use cases share: the inventory.adjusted payload, and how a reservation is locked
with its stock, closed, gives its stock back and is announced."""
from __future__ import annotations

from collections.abc import Callable

from apps.inventory.ledger import apply_change, lock_stock
from apps.inventory.orm import Reservation, StockItem
from apps.inventory.queries import get_reservation
from kernel.clock import utcnow
from kernel.uow import UnitOfWork


def adjusted(item: StockItem, *, delta: int, reason: str) -> dict:
    return {"sku": item.sku, "vendorId": item.vendor_id, "productId": item.product_id, "onHand": item.on_hand,
            "reserved": item.reserved, "available": item.available, "delta": delta, "reason": reason,
            "reorderPoint": item.reorder_point, "safetyStock": item.safety_stock, "at": item.updated_at}


async def lock_reservation(uow: UnitOfWork, reservation_id: str, *,
                           proceed: Callable[[str], bool]) -> tuple[Reservation, dict[str, StockItem] | None]:
    """The reservation row locked first, then (when `proceed(status)` says there is work) its stock rows: the lock
    order every reservation path keeps, so they never deadlock. No stock: nothing to do, the repeat is a no-op."""
    reservation = await get_reservation(uow=uow, reservation_id=reservation_id, lock=True)
    if not proceed(reservation.status):
        return reservation, None
    return reservation, await lock_stock(uow, (line.sku for line in reservation.items))


def give_back(uow: UnitOfWork, reservation: Reservation, stock: dict[str, StockItem], *, status: str) -> None:
    movement = "expire" if status == "expired" else "release"
    for line in reservation.items:
        apply_change(uow, stock[line.sku], reason=movement, delta_reserved=-line.qty, reference=reservation.id)
    close(reservation, status)
    uow.emit("inventory.released", reservation_event(reservation, stock, reason=status), key=reservation.id)


def close(reservation: Reservation, status: str) -> None:
    reservation.status = status
    reservation.closed_at = utcnow()


def reservation_event(reservation: Reservation, stock: dict[str, StockItem], *, reason: str | None = None) -> dict:
    return {
        "reservationId": reservation.id, "reference": reservation.reference, "status": reservation.status,
        "items": [{"sku": line.sku, "qty": line.qty, "vendorId": stock[line.sku].vendor_id}
                  for line in reservation.items],
        "expiresAt": reservation.expires_at, "reason": reason, "at": reservation.closed_at or reservation.created_at,
    }
