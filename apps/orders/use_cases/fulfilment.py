"""Fulfilment: stock leaving on payment, items shipped (vendor PATCH or shipping.label.created) and delivered
(shipping.delivered). Items move pending → shipped → delivered; the order follows once every item has."""
from __future__ import annotations

from datetime import datetime

import structlog

from apps.orders import domain
from apps.orders.clients import OrderClients
from apps.orders.exceptions import IllegalTransition, InsufficientStock, ItemNotFound, OrderNotFound
from apps.orders.orm import Order, OrderItem, utcnow
from apps.orders.use_cases.common import follow_items, get_order, note
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

log = structlog.get_logger("orders.fulfilment")
SHIPPABLE = ("processing", "shipped")


async def commit_stock(*, uow: UnitOfWork, clients: OrderClients, order: Order) -> bool:
    """Let the reserved stock leave. If the reservation already lapsed (paid after its TTL), reserve again and
    commit; False (and a timeline note) when the stock is gone meanwhile: the order then needs a refund."""
    if order.reservation_id and await clients.commit_reservation(order.reservation_id) == "committed":
        return True
    try:
        fresh = await clients.reserve(order_no=order.order_no, lines=[(i.sku, i.qty) for i in order.items],
                                      ttl_minutes=5)
    except InsufficientStock:
        note(order, "note", "paid after the reservation lapsed and the stock is gone: refund due")
        log.warning("orders.stock_lost_after_payment", order_no=order.order_no)
        return False
    order.reservation_id = fresh.id
    await clients.commit_reservation(fresh.id)
    note(order, "note", "reservation had lapsed; stock reserved again and committed")
    return True


def ship(uow: UnitOfWork, order: Order, items: list[OrderItem], *, carrier: str | None, tracking_no: str | None,
         text: str | None = None, at: datetime | None = None) -> list[OrderItem]:
    """Mark pending items shipped; `order.fulfilled` for each vendor whose items are now all shipped."""
    at = at or utcnow()
    shipped = [i for i in items if i.status == "pending"]
    for item in shipped:
        item.status, item.carrier, item.tracking_no, item.shipped_at = "shipped", carrier, tracking_no, at
        note(order, "shipment", f"{item.sku} x{item.qty} shipped" + (f" ({carrier} {tracking_no})" if carrier
                                                                      else ""), at=at)
        uow.emit("order.item_shipped", {"orderNo": order.order_no, "vendorId": item.vendor_id, "sku": item.sku,
                                        "qty": item.qty, "carrier": carrier, "trackingNo": tracking_no,
                                        "shippedAt": at}, key=order.order_no)
    _fulfilled_vendors(uow, order, {i.vendor_id for i in shipped}, at)
    order.updated_at = at
    follow_items(uow, order, text=text, at=at)
    return shipped


def _fulfilled_vendors(uow: UnitOfWork, order: Order, vendor_ids: set[str], at: datetime) -> None:
    for split in order.splits:
        theirs = [i for i in order.items if i.vendor_id == split.vendor_id]
        if split.vendor_id in vendor_ids and split.fulfilled_at is None and \
                all(i.status != "pending" for i in theirs):
            split.fulfilled_at = at
            uow.emit("order.fulfilled", {"orderNo": order.order_no, "vendorId": split.vendor_id,
                                         "userId": order.user_id,
                                         "trackingNos": sorted({i.tracking_no for i in theirs if i.tracking_no}),
                                         "shippedAt": at}, key=order.order_no)


def deliver(uow: UnitOfWork, order: Order, items: list[OrderItem], *, text: str | None = None,
            at: datetime | None = None) -> None:
    """Items delivered (shipping them first if their shipment was never reported); the order follows."""
    at = at or utcnow()
    ship(uow, order, items, carrier=None, tracking_no=None, at=at)
    for item in items:
        if item.status == "shipped":
            item.status, item.delivered_at = "delivered", at
            note(order, "delivery", f"{item.sku} delivered", at=at)
    order.updated_at = at
    follow_items(uow, order, text=text, at=at)


@use_case
async def vendor_ship(*, uow: UnitOfWork, vendor_id: str, order_no: str, sku: str, carrier: str,
                      tracking_no: str) -> Order:
    order = await get_order(uow, order_no, lock=True)
    if all(i.vendor_id != vendor_id for i in order.items):
        raise OrderNotFound(f"No order {order_no!r} with this vendor's items.")
    item = next((i for i in order.items if i.sku == sku and i.vendor_id == vendor_id), None)
    if item is None:
        raise ItemNotFound(f"No item {sku[:64]!r} of this vendor in order {order_no}.")
    if item.status != "pending":
        if item.tracking_no == tracking_no and item.carrier == carrier:
            return order  # the same request again: already done
        raise IllegalTransition(f"{sku} was already shipped ({item.carrier} {item.tracking_no}).")
    if order.status not in SHIPPABLE:
        raise IllegalTransition(f"Items of a {order.status} order cannot ship (it must be paid first).")
    domain.check_not_held(order_no=order.order_no, fraud_hold=order.fraud_hold, action="ship")
    ship(uow, order, [item], carrier=carrier, tracking_no=tracking_no)
    return order
