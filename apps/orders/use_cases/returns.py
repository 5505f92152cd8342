"""Returns (RMA): the owner asks to return delivered items; staff approve or reject, then mark the goods
received, which emits `order.returned` (inventory restocks, payments refunds through the staff refund route).
The order becomes "returned" once every unit of every item is back."""
from __future__ import annotations

from sqlalchemy import func, select

from apps.orders import domain, payloads
from apps.orders.exceptions import InvalidReturn, OrderNotFound, ReturnNotFound
from apps.orders.orm import Order, ReturnItem, ReturnRequest, utcnow
from apps.orders.repository import OrderRepository
from apps.orders.schemas import ReturnLineIn
from apps.orders.use_cases.common import find_order, note, set_status
from kernel.ids import is_uuid, new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


@use_case
async def request_return(*, uow: UnitOfWork, user_id: str, order_no: str, lines: list[ReturnLineIn],
                         reason: str) -> tuple[ReturnRequest, Order]:
    order = await find_order(uow, order_no, lock=True)
    if order is None or order.user_id != user_id:
        raise OrderNotFound(f"No order {order_no[:32]!r}.")
    domain.check_returnable(order.status)
    orders = uow.repository(OrderRepository)
    claimed = await orders.claimed_return_qty(order.id)
    by_sku = {i.sku: i for i in order.items}
    rma = ReturnRequest(id=new_id_str(), order_id=order.id, user_id=user_id, status="requested", reason=reason,
                        amount_minor=0, created_at=utcnow(), updated_at=utcnow(), items=[])
    for line in lines:
        item = by_sku.get(line.sku)
        if item is None:
            raise InvalidReturn(f"{line.sku} is not in order {order.order_no}.",
                                       errors=[{"field": "items", "message": f"unknown sku {line.sku}"}])
        before = claimed.get(item.sku, 0)
        domain.check_return_qty(sku=item.sku, qty=line.qty, bought=item.qty, already_returned=before)
        amount = domain.return_amount(line_net_minor=item.line_total_minor - item.discount_minor, bought=item.qty,
                                      returned_before=before, qty=line.qty)
        rma.items.append(ReturnItem(return_id=rma.id, sku=item.sku, vendor_id=item.vendor_id, qty=line.qty,
                                    amount_minor=amount))
    rma.amount_minor = sum(i.amount_minor for i in rma.items)
    note(order, "return", f"return {rma.id} requested: {_summary(rma)}")
    await orders.add(rma)
    uow.emit("order.return_requested", payloads.return_requested(order, rma), key=order.order_no)
    return rma, order


@use_case
async def update_return(*, uow: UnitOfWork, rma_id: str, target: str, text: str | None) -> tuple[ReturnRequest,
                                                                                                   Order]:
    # Lock order: the order row first, then the RMA (as request_return does), so the two never deadlock.
    orders = uow.repository(OrderRepository)
    order_id = await orders.return_order_id(rma_id) if is_uuid(rma_id) else None
    order = await find_order(uow, order_id, lock=True) if order_id else None
    rma = await orders.return_request(rma_id, lock=True) if order else None
    if order is None or rma is None:
        raise ReturnNotFound(f"No return {rma_id[:64]!r}.")
    domain.check_return_transition(rma.status, target)
    now = utcnow()
    previous, rma.status, rma.updated_at = rma.status, target, now
    rma.note = text or rma.note
    note(order, "return", f"return {rma.id} {target}" + (f": {text}" if text else ""), at=now,
         from_status=previous, to_status=target)
    uow.emit("order.return_status_changed", {"orderNo": order.order_no, "rmaId": rma.id, "from": previous,
                                             "to": target, "at": now}, key=order.order_no)
    if target == "received":
        _receive(uow, order, rma)
        uow.emit("order.returned", payloads.returned(order, rma, at=now), key=order.order_no)
    await orders.flush()
    return rma, order


def _receive(uow: UnitOfWork, order: Order, rma: ReturnRequest) -> None:
    by_sku = {i.sku: i for i in order.items}
    for line in rma.items:
        by_sku[line.sku].returned_qty += line.qty
    if all(i.returned_qty >= i.qty for i in order.items):
        set_status(uow, order, "returned", text=f"every item returned (return {rma.id})")


async def list_returns(uow: UnitOfWork, *, status: str | None, page: int,
                       per_page: int) -> tuple[list[tuple[ReturnRequest, Order]], int]:
    """The staff queue: returns newest first with their orders (for the order number and currency)."""
    stmt = select(ReturnRequest, Order).join(Order, Order.id == ReturnRequest.order_id)
    if status:
        stmt = stmt.where(ReturnRequest.status == status)
    total = await uow.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = await uow.session.execute(stmt.order_by(ReturnRequest.created_at.desc(), ReturnRequest.id.desc())
                                     .offset((page - 1) * per_page).limit(per_page))
    return [(rma, order) for rma, order in rows.all()], int(total or 0)


def _summary(rma: ReturnRequest) -> str:
    return ", ".join(f"{i.sku} x{i.qty}" for i in rma.items)
