"""Stock use cases: availability, vendor adjustments and listings, stock rows for new catalog SKUs.
Reservations live in reservations.py; both change stock only through ledger.py."""
from __future__ import annotations

from dataclasses import dataclass

import structlog
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from apps.inventory import domain
from apps.inventory.exceptions import InvalidStockChange, StockItemNotFound
from apps.inventory.ledger import apply_change, lock_stock, utcnow
from apps.inventory.orm import SKU_MAX, StockItem, StockMovement
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("inventory")


@dataclass(frozen=True)
class StockChange:
    """A vendor's PATCH: at most one of on_hand/delta; None leaves a field as it is."""

    on_hand: int | None = None
    delta: int | None = None
    reorder_point: int | None = None
    safety_stock: int | None = None

    @property
    def touches_stock(self) -> bool:
        return self.on_hand is not None or self.delta is not None

    @property
    def reason(self) -> str:
        return "set" if self.on_hand is not None else "delta" if self.delta is not None else "settings"


def _valid_sku(sku: str) -> bool:
    return 0 < len(sku) <= SKU_MAX


async def get_stock(*, uow: UnitOfWork, sku: str) -> StockItem:
    item = await uow.session.get(StockItem, sku) if _valid_sku(sku) else None
    if item is None:
        raise StockItemNotFound(f"No stock for SKU {sku[:SKU_MAX]!r}.")
    return item


async def list_vendor_stock(*, uow: UnitOfWork, vendor_id: str, low_only: bool, page: int,
                            per_page: int) -> tuple[list[StockItem], int]:
    if not is_uuid(vendor_id):
        return [], 0
    stmt = select(StockItem).where(StockItem.vendor_id == vendor_id)
    if low_only:
        stmt = stmt.where(StockItem.on_hand - StockItem.reserved < StockItem.reorder_point)
    total = await uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = await uow.session.scalars(stmt.order_by(StockItem.sku).offset((page - 1) * per_page).limit(per_page))
    return list(rows.all()), int(total or 0)


@use_case
async def adjust_stock(*, uow: UnitOfWork, vendor_id: str, sku: str, change: StockChange) -> StockItem:
    """A vendor sets stock (absolute or delta, never below reserved) and/or its reorder settings."""
    if change == StockChange():
        raise InvalidStockChange("Nothing to change: send onHand, delta, reorderPoint or safetyStock.")
    item = (await lock_stock(uow, [sku])).get(sku) if _valid_sku(sku) and is_uuid(vendor_id) else None
    # Another vendor's SKU looks exactly like a missing one: no probing of competitors' catalogues.
    if item is None or item.vendor_id != vendor_id:
        raise StockItemNotFound(f"No stock for SKU {sku[:SKU_MAX]!r} in this vendor's inventory.")
    before = item.on_hand
    target = before
    if change.touches_stock:
        target = domain.target_on_hand(on_hand=before, reserved=item.reserved, set_to=change.on_hand,
                                       delta=change.delta)
    apply_change(uow, item, reason="adjust", delta_on_hand=target - before, reference=change.reason,
                 reorder_point=change.reorder_point, safety_stock=change.safety_stock)
    await uow.session.flush()
    uow.emit("inventory.adjusted", _adjusted(item, delta=target - before, reason=change.reason), key=item.sku)
    return item


def _adjusted(item: StockItem, *, delta: int, reason: str) -> dict:
    return {"sku": item.sku, "vendorId": item.vendor_id, "productId": item.product_id, "onHand": item.on_hand,
            "reserved": item.reserved, "available": item.available, "delta": delta, "reason": reason,
            "reorderPoint": item.reorder_point, "safetyStock": item.safety_stock, "at": item.updated_at}


async def create_stock_for_product(*, uow: UnitOfWork, product_id: str, vendor_id: str,
                                   skus: list[str]) -> list[str]:
    """Stock rows (on hand 0) for a product's SKUs; SKUs that already have a row are left alone."""
    if not is_uuid(product_id) or not is_uuid(vendor_id):
        log.warning("inventory.product_ignored", reason="bad ids", product_id=product_id, vendor_id=vendor_id)
        return []
    wanted = sorted({s for s in skus if _valid_sku(s)})
    if len(wanted) != len(set(skus)):
        log.warning("inventory.skus_ignored", product_id=product_id, reason=f"SKU longer than {SKU_MAX}")
    if not wanted:
        return []
    now = utcnow()
    rows = [{"sku": s, "vendor_id": vendor_id, "product_id": product_id, "created_at": now, "updated_at": now}
            for s in wanted]
    result = await uow.session.execute(
        insert(StockItem).values(rows).on_conflict_do_nothing(index_elements=["sku"]).returning(StockItem.sku))
    created = sorted(result.scalars().all())
    for sku in created:
        uow.emit("inventory.adjusted", {
            "sku": sku, "vendorId": vendor_id, "productId": product_id, "onHand": 0, "reserved": 0,
            "available": 0, "delta": 0, "reason": "created", "reorderPoint": 0, "safetyStock": 0, "at": now},
            key=sku)
    return created


@dataclass(frozen=True)
class OpeningStock:
    on_hand: int
    reorder_point: int = 0


async def _never_set(uow: UnitOfWork, items: dict[str, StockItem]) -> list[str]:
    """SKUs whose rows are still as opened for a new product: nothing on hand or reserved, no reorder point, no
    movement ever."""
    if not items:
        return []
    moved = set((await uow.session.scalars(select(StockMovement.sku).where(
        StockMovement.sku.in_(list(items))).distinct())).all())
    return [sku for sku, item in sorted(items.items())
            if sku not in moved and not (item.on_hand or item.reserved or item.reorder_point)]


async def awaiting_opening_stock(*, uow: UnitOfWork, skus: list[str]) -> list[str]:
    rows = await uow.session.scalars(select(StockItem).where(StockItem.sku.in_([s for s in skus if _valid_sku(s)])))
    return await _never_set(uow, {item.sku: item for item in rows})


async def set_opening_stock(*, uow: UnitOfWork, levels: dict[str, OpeningStock]) -> list[str]:
    """Bulk import of stock levels: only rows never set (see _never_set) take their level, so a re-run, or a SKU
    already sold from or restocked, is left alone. Returns the SKUs set."""
    locked = await lock_stock(uow, [s for s in levels if _valid_sku(s)])
    done = []
    for sku in await _never_set(uow, locked):
        level = levels[sku]
        if level.on_hand < 0 or level.reorder_point < 0 or (level.on_hand, level.reorder_point) == (0, 0):
            continue
        apply_change(uow, locked[sku], reason="adjust", delta_on_hand=level.on_hand, reference="opening",
                     reorder_point=level.reorder_point)
        done.append(sku)
    await uow.session.flush()
    for sku in done:
        item = locked[sku]
        uow.emit("inventory.adjusted", _adjusted(item, delta=item.on_hand, reason="set"), key=sku)
    return done


async def restock_return(*, uow: UnitOfWork, rma_id: str, items: list[tuple[str, int]]) -> list[str]:
    """Returned goods go back on hand (one movement per SKU, referenced by the RMA); unknown SKUs are skipped."""
    wanted: dict[str, int] = {}
    for sku, qty in items:
        if _valid_sku(sku) and qty > 0:
            wanted[sku] = wanted.get(sku, 0) + qty
    locked = await lock_stock(uow, wanted)
    for sku, item in locked.items():
        apply_change(uow, item, reason="restock", delta_on_hand=wanted[sku], reference=rma_id[:64])
        await uow.session.flush()
        uow.emit("inventory.adjusted", _adjusted(item, delta=wanted[sku], reason="restock"), key=sku)
    return sorted(locked)
