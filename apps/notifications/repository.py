"""The notifications database as its use cases see it (`uow.repository(NotificationsRepository)`): templates,
messages and the contact projections, so the decisions (a valid template, one message per active channel, who
receives it, retry or give up) run in unit tests on an in-memory stand-in (tests/fakes/notifications.py). The
admin's paged message list (queries.list_messages) still queries the session."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from apps.notifications.orm import Message, OrderContact, Template, VendorContact
from kernel.uow import Repository


class NotificationsRepository(Repository):
    async def template(self, template_id: str, *, lock: bool = False) -> Template | None:
        return await self.session.get(Template, template_id, with_for_update=lock)

    async def template_exists(self, key: str, channel: str) -> bool:
        return bool(await self.session.scalar(select(Template.id).where(Template.key == key,
                                                                        Template.channel == channel)))

    async def templates(self, *, key: str | None, channel: str | None) -> list[Template]:
        query = select(Template).order_by(Template.key, Template.channel)
        if key:
            query = query.where(Template.key == key)
        if channel:
            query = query.where(Template.channel == channel)
        return list((await self.session.scalars(query)).all())

    async def active_templates(self, key: str, *, channels: tuple[str, ...] | None = None) -> list[Template]:
        query = select(Template).where(Template.key == key, Template.is_active.is_(True)).order_by(Template.channel)
        if channels:
            query = query.where(Template.channel.in_(channels))
        return list((await self.session.scalars(query)).all())

    async def delete(self, row: Template) -> None:
        await self.session.delete(row)

    async def message(self, message_id: str) -> Message | None:
        return await self.session.get(Message, message_id)

    async def claim_due(self, now: datetime, message_ids: list[str] | None = None) -> Message | None:
        """The queued message due first, locked; one another sender holds is skipped (several send side by side)."""
        query = select(Message).where(Message.status == "queued", Message.next_attempt_at <= now)
        if message_ids is not None:
            query = query.where(Message.id.in_(message_ids))
        return await self.session.scalar(query.order_by(Message.next_attempt_at).limit(1)
                                         .with_for_update(skip_locked=True))

    async def order_contact(self, order_no: str) -> OrderContact | None:
        return await self.session.get(OrderContact, order_no)

    async def vendor_contact(self, vendor_id: str) -> VendorContact | None:
        return await self.session.get(VendorContact, vendor_id)
