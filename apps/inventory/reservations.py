"""Reservation use cases for checkout: reserve (all or nothing), commit, release, and expiry by the sweeper.

A reservation holds stock by raising `reserved`; commit lets the stock leave (on_hand and reserved both drop);
release or expiry gives it back. Commit and release are idempotent on repeat. Every path locks the reservation
row first and its stock rows second (through ledger.lock_stock), so they never deadlock with each other.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from apps.inventory import domain
from apps.inventory.exceptions import InsufficientStock, ReservationNotFound
from apps.inventory.ledger import apply_change, lock_stock, utcnow
from apps.inventory.orm import Reservation, ReservationItem, StockItem
from apps.inventory.repository import InventoryRepository
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def reserve(*, uow: UnitOfWork, reference: str, lines: list[tuple[str, int]],
                  ttl_minutes: int) -> Reservation:
    """Hold every line or none: a shortfall on any SKU raises InsufficientStock listing all short SKUs."""
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
    uow.emit("inventory.reserved", _event(reservation, stock), key=reservation.id)
    return reservation


async def get_reservation(*, uow: UnitOfWork, reservation_id: str, lock: bool = False) -> Reservation:
    if not is_uuid(reservation_id):
        raise ReservationNotFound(f"No reservation {reservation_id[:64]!r}.")
    reservation = await uow.repository(InventoryRepository).reservation(reservation_id, lock=lock)
    if reservation is None:
        raise ReservationNotFound(f"No reservation {reservation_id!r}.")
    return reservation


@use_case
async def commit(*, uow: UnitOfWork, reservation_id: str) -> Reservation:
    """The reserved stock leaves: on_hand and reserved drop by each line's qty. Twice is the same as once."""
    reservation = await get_reservation(uow=uow, reservation_id=reservation_id, lock=True)
    if not domain.should_commit(reservation.status):
        return reservation
    stock = await lock_stock(uow, (line.sku for line in reservation.items))
    for line in reservation.items:
        apply_change(uow, stock[line.sku], reason="commit", delta_on_hand=-line.qty, delta_reserved=-line.qty,
                     reference=reservation.id)
    _close(reservation, "committed")
    await uow.repository(InventoryRepository).flush()
    uow.emit("inventory.committed", _event(reservation, stock), key=reservation.id)
    return reservation


@use_case
async def release(*, uow: UnitOfWork, reservation_id: str) -> Reservation:
    """Give the held stock back. Releasing a released or expired reservation changes nothing."""
    reservation = await get_reservation(uow=uow, reservation_id=reservation_id, lock=True)
    if not domain.should_release(reservation.status):
        return reservation
    stock = await lock_stock(uow, (line.sku for line in reservation.items))
    _give_back(uow, reservation, stock, status="released")
    await uow.repository(InventoryRepository).flush()
    return reservation


async def expire_due(*, uow: UnitOfWork, now: datetime | None = None, limit: int = 100) -> int:
    """Expire up to `limit` active reservations past their expiry; returns how many.

    SKIP LOCKED: a reservation another process (sweeper, commit, release) holds is left to it, so two sweepers
    share the work instead of queueing behind each other.
    """
    rows = uow.repository(InventoryRepository)
    due = await rows.due_reservations(now or utcnow(), limit)
    if not due:
        return 0
    stock = await lock_stock(uow, (line.sku for r in due for line in r.items))
    for reservation in due:
        _give_back(uow, reservation, stock, status="expired")
    await rows.flush()
    return len(due)


def _give_back(uow: UnitOfWork, reservation: Reservation, stock: dict[str, StockItem], *, status: str) -> None:
    movement = "expire" if status == "expired" else "release"
    for line in reservation.items:
        apply_change(uow, stock[line.sku], reason=movement, delta_reserved=-line.qty, reference=reservation.id)
    _close(reservation, status)
    uow.emit("inventory.released", _event(reservation, stock, reason=status), key=reservation.id)


def _close(reservation: Reservation, status: str) -> None:
    reservation.status = status
    reservation.closed_at = utcnow()


def _event(reservation: Reservation, stock: dict[str, StockItem], *, reason: str | None = None) -> dict:
    return {
        "reservationId": reservation.id, "reference": reservation.reference, "status": reservation.status,
        "items": [{"sku": line.sku, "qty": line.qty, "vendorId": stock[line.sku].vendor_id}
                  for line in reservation.items],
        "expiresAt": reservation.expires_at, "reason": reason, "at": reservation.closed_at or reservation.created_at,
    }
