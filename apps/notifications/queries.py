"""Reads of the notifications service: templates (one, a filtered list, the active ones of a key) and messages
(one, the admin's paged list)."""
from __future__ import annotations

from sqlalchemy import func, select

from apps.notifications.exceptions import MessageNotFound, TemplateNotFound
from apps.notifications.orm import Message, Template
from apps.notifications.repository import NotificationsRepository
from kernel.ids import is_uuid
from kernel.lookup import by_uuid
from kernel.uow import UnitOfWork


async def get_template(uow: UnitOfWork, template_id: str, *, lock: bool = False) -> Template:
    return await by_uuid(template_id, lambda i: uow.repository(NotificationsRepository).template(i, lock=lock), TemplateNotFound, "template")


async def list_templates(uow: UnitOfWork, *, key: str | None, channel: str | None) -> list[Template]:
    return await uow.repository(NotificationsRepository).templates(key=key, channel=channel)


async def active_templates(uow: UnitOfWork, key: str, *, channels: tuple[str, ...] | None = None) -> list[Template]:
    return await uow.repository(NotificationsRepository).active_templates(key, channels=channels)


async def get_message(uow: UnitOfWork, message_id: str) -> Message:
    msg = await uow.repository(NotificationsRepository).message(message_id) if is_uuid(message_id) else None
    if msg is None:
        raise MessageNotFound(f"No message {message_id[:40]!r}.")
    return msg


async def list_messages(uow: UnitOfWork, *, status: str | None, reference: str | None, page: int,
                        per_page: int) -> tuple[list[Message], int]:
    conditions = [c for c in (Message.status == status if status else None,
                              Message.reference == reference if reference else None) if c is not None]
    total = await uow.session.scalar(select(func.count()).select_from(Message).where(*conditions))
    rows = await uow.session.scalars(select(Message).where(*conditions).order_by(Message.created_at.desc())
                                     .offset((page - 1) * per_page).limit(per_page))
    return list(rows.all()), total or 0
