"""An in-memory stand-in for inventory's database (InventoryRepository): stock rows, reservations and the
movement ledger. What a unit of work adds is kept only if it commits; stock rows change in place, as loaded rows
do in a session."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.inventory.domain import Movement, StockLevel
from apps.inventory.orm import Reservation, StockItem, StockMovement
from apps.inventory.repository import InventoryRepository
from kernel.ids import new_id_str
from kernel.testing import FakeRepository, FakeUnitOfWork, with_defaults

VENDOR = "0190a000-0000-7000-8000-0000000000aa"


class FakeInventoryRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.stock: dict[str, StockItem] = {}
        self.reservations: dict[str, Reservation] = {}
        self.movements: list[StockMovement] = []
        self.lock_calls: list[list[str]] = []  # the SKU lists lock_stock was asked for, in call order
        self.moves: list[str] = []  # the reason of each move_stock call, in call order

    async def lock_stock(self, ordered_skus: list[str]) -> dict[str, StockItem]:
        self.lock_calls.append(list(ordered_skus))
        return {sku: self.stock[sku] for sku in ordered_skus if sku in self.stock}

    async def move_stock(self, movements: list[Movement], *, reason: str, actor: str,
                         at: datetime) -> dict[str, StockLevel]:
        """As the one statement does: net deltas per SKU, applied only where the CHECK constraints still hold, and a
        ledger row per movement of a changed SKU."""
        self.moves.append(reason)
        net: dict[str, tuple[int, int]] = {}
        for m in movements:
            on_hand, reserved = net.get(m.sku, (0, 0))
            net[m.sku] = (on_hand + m.delta_on_hand, reserved + m.delta_reserved)
        moved: dict[str, StockLevel] = {}
        for sku, (d_on_hand, d_reserved) in sorted(net.items()):
            item = self.stock.get(sku)
            if item is None or not 0 <= item.reserved + d_reserved <= item.on_hand + d_on_hand:
                continue
            item.on_hand, item.reserved, item.updated_at = item.on_hand + d_on_hand, item.reserved + d_reserved, at
            moved[sku] = StockLevel(sku, item.vendor_id, item.product_id, item.on_hand, item.reserved,
                                    item.reorder_point, d_on_hand, d_reserved)
        for m in movements:
            if m.sku in moved:
                self.stage(StockMovement(id=new_id_str(), sku=m.sku, delta_on_hand=m.delta_on_hand,
                                         delta_reserved=m.delta_reserved, reason=reason, reference=m.reference,
                                         actor=actor, at=at))
        return moved

    async def stock_items(self, skus: list[str]) -> dict[str, StockItem]:
        return {sku: self.stock[sku] for sku in skus if sku in self.stock}

    async def moved_skus(self, skus: list[str]) -> set[str]:
        return {m.sku for m in self.rows(StockMovement) if m.sku in skus}

    async def open_rows(self, rows: list[dict]) -> list[str]:
        fresh = [row for row in rows if row["sku"] not in self.stock]
        for row in fresh:  # a new product's rows, as the INSERT ... ON CONFLICT DO NOTHING opens them
            self.stock[row["sku"]] = with_defaults(StockItem(**row))
        return [row["sku"] for row in fresh]

    async def reservation(self, reservation_id: str, *, lock: bool = False) -> Reservation | None:
        return next((r for r in self.rows(Reservation) if r.id == reservation_id), None)

    async def due_reservations(self, now: datetime, limit: int) -> list[Reservation]:
        due = [r for r in self.reservations.values() if r.status == "active" and r.expires_at <= now]
        return sorted(due, key=lambda r: r.expires_at)[:limit]

    def keep(self, row: Any) -> None:
        if isinstance(row, Reservation):
            self.reservations[row.id] = row
        else:
            self.movements.append(row)

    def _kept_rows(self) -> list[Any]:
        return [*self.reservations.values(), *self.movements]

    def put_stock(self, sku: str, *, on_hand: int, reserved: int = 0, reorder_point: int = 0) -> StockItem:
        item = with_defaults(StockItem(sku=sku, vendor_id=VENDOR, on_hand=on_hand, reserved=reserved,
                                       reorder_point=reorder_point, safety_stock=0))
        self.stock[sku] = item
        return item


def inventory_world(**stock: int) -> tuple[FakeUnitOfWork, FakeInventoryRepository]:
    """A unit of work over stock rows given as sku=on_hand."""
    repo = FakeInventoryRepository()
    for sku, on_hand in stock.items():
        repo.put_stock(sku, on_hand=on_hand)
    return FakeUnitOfWork({InventoryRepository: repo}), repo
