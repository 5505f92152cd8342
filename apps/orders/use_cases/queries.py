"""Reads: one order for its owner (or staff), a shopper's orders, a vendor's orders, the admin's list."""
from __future__ import annotations

from sqlalchemy import Select, false, select

from apps.orders.exceptions import OrderNotFound
from apps.orders.orm import Order, OrderItem
from apps.orders.use_cases.common import find_order
from kernel.auth import CurrentUser
from kernel.ids import is_uuid
from kernel.paging import Found, Paging, fetch_page
from kernel.uow import UnitOfWork


Page = Found[Order]  # one page of orders, as a query found them


def is_staff(user: CurrentUser) -> bool:
    return user.has_any("super_admin", "staff")


async def order_for(uow: UnitOfWork, ref: str, user: CurrentUser) -> Order:
    """The owner's order, or any order for staff; someone else's order looks exactly like a missing one."""
    order = await find_order(uow, ref)
    if order is None or (order.user_id != user.id and not is_staff(user)):
        raise OrderNotFound(f"No order {ref[:32]!r}.")
    return order


async def _page(uow: UnitOfWork, stmt: Select, *, page: int, per_page: int) -> Page:
    return await fetch_page(uow.session, stmt, Paging(page, per_page),
                            order_by=(Order.created_at.desc(), Order.id.desc()))


async def list_for_user(uow: UnitOfWork, user_id: str, *, status: str | None, page: int, per_page: int) -> Page:
    if not is_uuid(user_id):
        return Page([], 0, page, per_page)
    stmt = select(Order).where(Order.user_id == user_id)
    if status:
        stmt = stmt.where(Order.status == status)
    return await _page(uow, stmt, page=page, per_page=per_page)


async def list_for_vendor(uow: UnitOfWork, vendor_id: str, *, status: str | None, page: int,
                          per_page: int) -> Page:
    if not is_uuid(vendor_id):
        return Page([], 0, page, per_page)
    theirs = select(OrderItem.order_id).where(OrderItem.vendor_id == vendor_id)
    stmt = select(Order).where(Order.id.in_(theirs))
    if status:
        stmt = stmt.where(Order.status == status)
    return await _page(uow, stmt, page=page, per_page=per_page)


async def list_all(uow: UnitOfWork, *, status: str | None, payment_status: str | None, user_id: str | None,
                   page: int, per_page: int) -> Page:
    stmt = select(Order)
    if status:
        stmt = stmt.where(Order.status == status)
    if payment_status:
        stmt = stmt.where(Order.payment_status == payment_status)
    if user_id:
        stmt = stmt.where(Order.user_id == user_id) if is_uuid(user_id) else stmt.where(false())
    return await _page(uow, stmt, page=page, per_page=per_page)
