"""What the stock and reservation use cases share: the inventory.adjusted payload, and how a reservation is closed,
gives its stock back and is announced."""
from __future__ import annotations

from apps.inventory.ledger import apply_change
from apps.inventory.orm import Reservation, StockItem
from kernel.clock import utcnow
from kernel.uow import UnitOfWork


def adjusted(item: StockItem, *, delta: int, reason: str) -> dict:
    return {"sku": item.sku, "vendorId": item.vendor_id, "productId": item.product_id, "onHand": item.on_hand,
            "reserved": item.reserved, "available": item.available, "delta": delta, "reason": reason,
            "reorderPoint": item.reorder_point, "safetyStock": item.safety_stock, "at": item.updated_at}


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
