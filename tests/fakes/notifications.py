"""In-memory stand-ins for the notifications service's seams: its database (NotificationsRepository: templates,
messages, the contact projections) and the transports, with the address lookups answered through
FakeServiceClients so the service's own Directory (clients.py) runs. Rows an uncommitted unit of work added or
deleted are dropped or kept; loaded rows change in place, as in a session."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.notifications.clients import Directory
from apps.notifications.config import NotificationsSettings
from apps.notifications.orm import Message, OrderContact, Template, VendorContact
from apps.notifications.rendering import Rendered
from apps.notifications.repository import NotificationsRepository
from apps.notifications.use_cases.deliver import SenderContext
from kernel.clock import utcnow
from kernel.ids import new_id_str
from kernel.testing import Calls, FakeRepository, FakeServiceClients, FakeUnitOfWork


class FakeNotificationsRepository(FakeRepository):
    def __init__(self) -> None:
        super().__init__()
        self.templates_by_id: dict[str, Template] = {}
        self.messages: dict[str, Message] = {}
        self.order_contacts: dict[str, OrderContact] = {}
        self.vendor_contacts: dict[str, VendorContact] = {}

    async def template(self, template_id: str, *, lock: bool = False) -> Template | None:
        return next((t for t in self.rows(Template) if t.id == template_id), None)

    async def template_exists(self, key: str, channel: str) -> bool:
        return any(t.key == key and t.channel == channel for t in self.rows(Template))

    async def templates(self, *, key: str | None, channel: str | None) -> list[Template]:
        return sorted((t for t in self.rows(Template) if (not key or t.key == key)
                       and (not channel or t.channel == channel)), key=lambda t: (t.key, t.channel))

    async def active_templates(self, key: str, *, channels: tuple[str, ...] | None = None) -> list[Template]:
        return sorted((t for t in self.rows(Template) if t.key == key and t.is_active
                       and (not channels or t.channel in channels)), key=lambda t: t.channel)

    async def message(self, message_id: str) -> Message | None:
        return next((m for m in self.rows(Message) if m.id == message_id), None)

    async def claim_due(self, now: datetime, message_ids: list[str] | None = None) -> Message | None:
        due = [m for m in self.rows(Message) if m.status == "queued" and m.next_attempt_at <= now
               and (message_ids is None or m.id in message_ids)]
        return min(due, key=lambda m: m.next_attempt_at, default=None)

    async def order_contact(self, order_no: str) -> OrderContact | None:
        return self.order_contacts.get(order_no)

    async def vendor_contact(self, vendor_id: str) -> VendorContact | None:
        return self.vendor_contacts.get(vendor_id)

    def keep(self, row: Any) -> None:
        (self.templates_by_id if isinstance(row, Template) else self.messages)[row.id] = row

    def forget(self, row: Any) -> None:
        del self.templates_by_id[row.id]

    def _kept_rows(self) -> list[Any]:
        return [*self.templates_by_id.values(), *self.messages.values()]

    # what earlier commits and events left behind
    def has_template(self, key: str, channel: str = "email", *, subject: str | None = "Hello {{ name }}",
                     body: str = "Your order {{ orderNo }}.", active: bool = True) -> Template:
        row = Template(id=new_id_str(), key=key, channel=channel, subject=subject, body=body, text_body=None,
                       description=None, is_active=active, created_at=utcnow(), updated_at=utcnow())
        self.templates_by_id[row.id] = row
        return row

    def has_message(self, *, template_key: str, channel: str = "email", kind: str = "email",
                    ref: str = "ada@example.com", payload: dict | None = None, attempts: int = 0,
                    max_attempts: int = 3, due: datetime | None = None) -> Message:
        row = Message(id=new_id_str(), template_key=template_key, channel=channel, recipient_kind=kind,
                      recipient_ref=ref, payload=payload or {"orderNo": "MKT-1"}, reference=None,
                      source_event_type=None, status="queued", attempts=attempts, max_attempts=max_attempts,
                      next_attempt_at=due or utcnow(), created_at=utcnow())
        self.messages[row.id] = row
        return row

    def knows_order(self, order_no: str, user_id: str) -> None:
        self.order_contacts[order_no] = OrderContact(order_no=order_no, user_id=user_id)

    def knows_vendor(self, vendor_id: str, *, owner_user_id: str | None, name: str = "Acme") -> None:
        self.vendor_contacts[vendor_id] = VendorContact(vendor_id=vendor_id, owner_user_id=owner_user_id, name=name,
                                                        status="approved", source_occurred_at=utcnow())


class FakeTransport:
    """A channel's transport that records what it was handed; `calls.fail("send", error)` makes a send fail."""

    def __init__(self) -> None:
        self.calls = Calls()

    async def send(self, *, to: str, rendered: Rendered, message_id: str) -> None:
        self.calls.record("send", to=to, rendered=rendered, message_id=message_id)


def notifications_world(**settings: Any) -> tuple[FakeUnitOfWork, FakeNotificationsRepository,
                                                  FakeServiceClients, SenderContext]:
    repo = FakeNotificationsRepository()
    uow, svc = FakeUnitOfWork({NotificationsRepository: repo}), FakeServiceClients()
    ctx = SenderContext(settings=NotificationsSettings(**settings), directory=Directory(svc),
                        transports={c: FakeTransport() for c in ("email", "sms", "push")}, unit_of_work=lambda: uow)
    return uow, repo, svc, ctx
