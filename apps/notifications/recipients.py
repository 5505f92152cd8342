"""Turning a message's recipient reference into a contact, at send time.

email → the address itself; user → auth's account email; order → the order's shopper (our projection from
order.created, else the orders service); vendor → the vendor's supportEmail when the vendors service exposes it,
else the vendor owner's account email (the owner is known from vendor events)."""
from __future__ import annotations

from apps.notifications.clients import Contact, Directory
from apps.notifications.exceptions import DeliveryFailed
from apps.notifications.orm import Message
from apps.notifications.repository import NotificationsRepository
from kernel.uow import UnitOfWork


async def resolve(uow: UnitOfWork, directory: Directory, msg: Message) -> Contact:
    kind, ref = msg.recipient_kind, msg.recipient_ref
    if kind == "email":
        return Contact(address=ref, name=msg.payload.get("name"))
    if kind == "user":
        return await directory.user(ref)
    if kind == "order":
        return await directory.user(await _order_user(uow, directory, ref))
    if kind == "vendor":
        return await _vendor(uow, directory, ref)
    raise DeliveryFailed(f"unknown recipient kind {kind!r}", permanent=True)


async def _order_user(uow: UnitOfWork, directory: Directory, order_no: str) -> str:
    row = await uow.repository(NotificationsRepository).order_contact(order_no)
    if row is not None:
        return row.user_id
    user_id = await directory.order_user(order_no)
    if not user_id:  # order.created may still be on its way: retry rather than give up
        raise DeliveryFailed(f"the shopper of order {order_no} is not known yet")
    return user_id


async def _vendor(uow: UnitOfWork, directory: Directory, vendor_id: str) -> Contact:
    row = await uow.repository(NotificationsRepository).vendor_contact(vendor_id)
    name = row.name if row else None
    if support := await directory.vendor_support_email(vendor_id):
        return Contact(address=support, name=name)
    if row is None or not row.owner_user_id:
        raise DeliveryFailed(f"vendor {vendor_id} is not known yet")
    owner = await directory.user(row.owner_user_id)
    return Contact(address=owner.address, name=name or owner.name)
