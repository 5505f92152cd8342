"""Checkout holds stock: every line or none. A reservation holds stock by raising `reserved`; commit lets it leave,
release or expiry gives it back (the sibling modules). Every reservation path locks the reservation row first and
its stock rows second (through ledger.lock_stock), so they never deadlock with each other."""
from __future__ import annotations

from datetime import timedelta

from apps.inventory import domain
from apps.inventory.exceptions import InsufficientStock
from apps.inventory.ledger import apply_change, lock_stock
from apps.inventory.orm import Reservation, ReservationItem
from apps.inventory.repository import InventoryRepository
from apps.inventory.use_cases.common import reservation_event
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def reserve(*, uow: UnitOfWork, reference: str, lines: list[tuple[str, int]],
                  ttl_minutes: int) -> Reservation:
    """A shortfall on any SKU raises InsufficientStock listing all short SKUs, and nothing is held."""
    wanted = domain.merge_lines(lines)
    stock = await lock_stock(uow, wanted)
    short = domain.shortfalls(wanted, {sku: item.available for sku, item in stock.items()})
    if short:
        raise InsufficientStock(f"{len(short)} of {len(wanted)} SKUs cannot be reserved; nothing was reserved.",
                                errors=[s.as_error() for s in short])
    now = utcnow()
    reservation = Reservation(id=new_id_str(), reference=reference, status="active", created_at=now, closed_at=None,
                              expires_at=now + timedelta(minutes=ttl_minutes),
                              items=[ReservationItem(sku=sku, qty=qty) for sku, qty in wanted.items()])
    rows = uow.repository(InventoryRepository)
    rows.stage(reservation)
    for sku, qty in wanted.items():
        apply_change(uow, stock[sku], reason="reserve", delta_reserved=qty, reference=reservation.id)
    await rows.flush()
    uow.emit("inventory.reserved", reservation_event(reservation, stock), key=reservation.id)
    return reservation
