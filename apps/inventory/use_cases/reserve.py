"""Checkout holds stock: every line or none. A reservation holds stock by raising `reserved`; commit lets it leave,
release or expiry gives it back (the sibling modules).

The order of the writes is the point: the reservation, its lines and its event are written first, and the stock
rows are locked and changed last, in one statement (ledger.move_stock), right before the commit. A popular SKU's
row is then held for one round-trip per checkout. An unlocked read up front says who sells each SKU (for the event)
and turns away a checkout that cannot be covered without locking or writing anything."""
from __future__ import annotations

from datetime import timedelta

from apps.inventory import domain
from apps.inventory.domain import Movement
from apps.inventory.exceptions import InsufficientStock
from apps.inventory.ledger import move_stock
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
    rows = uow.repository(InventoryRepository)
    seen = await rows.stock_items(list(wanted))
    short = domain.shortfalls(wanted, {sku: item.available for sku, item in seen.items()})
    if short:
        raise _insufficient(len(wanted), short)
    now = utcnow()
    reservation = Reservation(id=new_id_str(), reference=reference, status="active", created_at=now, closed_at=None,
                              expires_at=now + timedelta(minutes=ttl_minutes),
                              items=[ReservationItem(sku=sku, qty=qty) for sku, qty in wanted.items()])
    rows.stage(reservation)
    uow.emit("inventory.reserved", reservation_event(reservation, {sku: seen[sku].vendor_id for sku in wanted}),
             key=reservation.id)
    await uow.write_events_now()
    moved = await move_stock(uow, [Movement(sku, delta_reserved=qty, reference=reservation.id)
                                   for sku, qty in wanted.items()], reason="reserve")
    if len(moved) < len(wanted):  # another checkout took the stock between the read and the lock
        unmoved = {sku: qty for sku, qty in wanted.items() if sku not in moved}
        # The statement locked every wanted row and the transaction still holds them: this read sees the very
        # numbers it refused on, so at least one SKU is short.
        now_there = await rows.stock_items(list(unmoved))
        short = domain.shortfalls(unmoved, {sku: item.available for sku, item in now_there.items()})
        if not short:
            raise RuntimeError(f"stock rows {sorted(unmoved)} were not moved yet cover the reservation")
        raise _insufficient(len(wanted), short)
    return reservation


def _insufficient(wanted: int, short: list[domain.Shortfall]) -> InsufficientStock:
    return InsufficientStock(f"{len(short)} of {wanted} SKUs cannot be reserved; nothing was reserved.",
                             errors=[s.as_error() for s in short])
