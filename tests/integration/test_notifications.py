"""Notifications against the real stack: admin templates CRUD, the admin's direct email, consumed events turned
into mail in the SMTP sink (shopper and vendor addressing), and retries that end `failed` on a dead SMTP server."""
from __future__ import annotations

import asyncio
import socket
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from apps.notifications import sender
from apps.notifications.use_cases.deliver import deliver_due
from apps.notifications.use_cases.enqueue import enqueue
from apps.notifications.transports import SmtpTransport
from deploy.local.mailbox import wait_for_message
from kernel.contracts.registry import contract_for
from kernel.events import Envelope
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from tests.integration.order_events import line, order_created, order_no

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def notifications(gateway):
    return gateway.state.services["notifications"]


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def event(event_type: str, **data) -> Envelope:
    return Envelope(type=event_type, data=contract_for(event_type).validate(data))


async def handle(app, env: Envelope) -> None:
    assert await app.state.consumer.handle(env.to_json()), f"{env.type} was not handled"


def body_of(msg, kind: str) -> str:
    return msg.get_body((kind,)).get_content()


async def wait_message(client, admin_token: str, message_id: str, status: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        resp = await client.get(f"/v1/notify/messages/{message_id}", headers=auth(admin_token))
        assert resp.status_code == 200, resp.text
        if resp.json()["status"] == status or time.monotonic() > deadline:
            return resp.json()
        await asyncio.sleep(0.2)


async def mail_to(address: str, subject_part: str, timeout: float = 30.0):
    return await asyncio.to_thread(wait_for_message, lambda m: m["To"] == address and subject_part in m["Subject"],
                                   timeout=timeout)


async def test_default_templates_are_seeded(client, admin_token):
    resp = await client.get("/v1/admin/templates", params={"channel": "email"}, headers=auth(admin_token))
    assert resp.status_code == 200, resp.text
    keys = {t["key"] for t in resp.json()["items"]}
    assert {"order_confirmation", "order_shipped", "refund_issued", "low_stock", "payout_processed",
            "password_reset"} <= keys
    shipped = next(t for t in resp.json()["items"] if t["key"] == "order_shipped")
    assert "trackingNo" in shipped["placeholders"] and shipped["textBody"]


async def test_templates_crud_and_validation(client, admin_token, customer):
    admin, key = auth(admin_token), f"promo_{uuid.uuid4().hex[:8]}"
    body = {"key": key, "subject": "Hello {{ name }}", "body": "**{{ offer }}** today", "textBody": "{{ offer }}"}
    assert (await client.post("/v1/admin/templates", json=body)).status_code == 401
    assert (await client.post("/v1/admin/templates", json=body, headers=auth(customer["accessToken"]))).status_code \
        == 403
    created = await client.post("/v1/admin/templates", json=body, headers=admin)
    assert created.status_code == 201, created.text
    template = created.json()
    assert template["channel"] == "email" and template["placeholders"] == ["name", "offer"]
    assert (await client.post("/v1/admin/templates", json=body, headers=admin)).status_code == 409
    push = await client.post("/v1/admin/templates", json={**body, "channel": "push", "subject": None}, headers=admin)
    assert push.status_code == 201  # same key, another channel
    for bad in ({**body, "key": "Bad Key"}, {**body, "body": "{{ 7*7 }}"}, {**body, "subject": None},
                {**body, "channel": "fax"}, {**body, "body": "x" * 20_001}):
        assert (await client.post("/v1/admin/templates", json={**bad, "key": bad["key"] + "x"},
                                  headers=admin)).status_code == 422, bad
    url = f"/v1/admin/templates/{template['id']}"
    patched = await client.patch(url, json={"subject": "Deal for {{ name }}", "isActive": False}, headers=admin)
    assert patched.status_code == 200 and patched.json()["isActive"] is False
    assert (await client.patch(url, json={"body": "{{ broken"}, headers=admin)).status_code == 422
    preview = await client.post(f"{url}/preview", json={"payload": {"name": "Ada"}}, headers=admin)
    assert preview.json()["subject"] == "Deal for Ada" and preview.json()["missing"] == ["offer"]
    assert (await client.delete(url, headers=admin)).status_code == 204
    assert (await client.get(url, headers=admin)).status_code == 404
    assert (await client.get("/v1/admin/templates/not-an-id", headers=admin)).status_code == 404


async def test_admin_email_lands_in_the_sink_with_escaped_html(client, admin_token):
    to = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    payload = {"orderNo": "MKT-<b>1</b>", "itemCount": 2, "total": "12.50 USD", "name": "Ada"}
    resp = await client.post("/v1/notify/email", json={"templateKey": "order_confirmation", "to": to,
                                                       "payload": payload}, headers=auth(admin_token))
    assert resp.status_code == 202, resp.text
    assert resp.json()["status"] == "queued"
    mail = await mail_to(to, "is confirmed")
    assert "Hi Ada" in body_of(mail, "plain") and "12.50 USD" in body_of(mail, "plain")
    html = body_of(mail, "html")
    assert "&lt;b&gt;1&lt;/b&gt;" in html and "<b>1</b>" not in html and "<strong>12.50 USD</strong>" in html
    sent = await wait_message(client, admin_token, resp.json()["id"], "sent")
    assert sent["status"] == "sent" and sent["attempts"] == 1 and sent["recipient"] == to


@pytest.mark.parametrize(("change", "status"), [
    ({"templateKey": "no_such_template"}, 404), ({"payload": {"orderNo": "X"}}, 422), ({"to": "not-an-email"}, 422),
    ({"sendAt": "2030-01-01T00:00:00"}, 422),
])
async def test_bad_admin_emails_are_refused(client, admin_token, change, status):
    body = {"templateKey": "low_stock", "to": "v@example.com",
            "payload": {"sku": "S", "available": 1, "reorderPoint": 5}, **change}
    assert (await client.post("/v1/notify/email", json=body, headers=auth(admin_token))).status_code == status


async def test_consumed_order_and_shipping_events_mail_the_shopper(client, notifications, customer):
    number = order_no()
    await handle(notifications, order_created(number, customer["userId"], [line(new_id_str(), qty=3)]))
    confirmation = await mail_to(customer["email"], number)
    assert "Your order" in confirmation["Subject"] and "Items: 3" in body_of(confirmation, "plain")
    tracking = f"MKT1Z{uuid.uuid4().hex[:12].upper()}"
    await handle(notifications, event("shipping.label_created", orderNo=number, vendorId=new_id_str(),
                                      trackingNo=tracking, carrier="MKT Express", serviceLevel="express"))
    shipped = await mail_to(customer["email"], "has shipped")
    assert tracking in body_of(shipped, "plain") and f"/v1/shipping/track/{tracking}" in body_of(shipped, "html")


async def test_low_stock_and_payout_mail_the_vendor(client, notifications, customer):
    vendor_id = new_id_str()
    await handle(notifications, event("vendor.applied", vendorId=vendor_id, ownerUserId=customer["userId"],
                                      name="Lamp Shop", slug=f"lamp-{vendor_id[-8:]}", status="pending",
                                      appliedAt=datetime.now(timezone.utc)))
    sku = f"SKU-{uuid.uuid4().hex[:8].upper()}"
    await handle(notifications, event("inventory.low_stock", sku=sku, vendorId=vendor_id, available=2,
                                      reorderPoint=5, onHand=2, reserved=0, at=datetime.now(timezone.utc)))
    low = await mail_to(customer["email"], sku)
    assert "Hello Lamp Shop" in body_of(low, "plain") and "down to 2" in body_of(low, "plain")
    await handle(notifications, event("payout.processed", payoutId="po_" + vendor_id[-10:], vendorId=vendor_id,
                                      amountMinor=12345, status="paid", currency="USD"))
    payout = await mail_to(customer["email"], "po_" + vendor_id[-10:])
    assert "123.45 USD" in body_of(payout, "plain")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_failing_smtp_is_retried_with_backoff_then_failed(client, notifications, admin_token):
    """The message is scheduled in the future, so only this test's sender (pointed at a closed port) sees it."""
    later = datetime.now(timezone.utc) + timedelta(days=1)
    resp = await client.post("/v1/notify/email", json={
        "templateKey": "password_reset", "to": "nobody@example.com", "sendAt": later.isoformat(),
        "payload": {"link": "https://example.com/r", "ttlMinutes": 30}}, headers=auth(admin_token))
    assert resp.status_code == 202, resp.text
    message_id, max_attempts = resp.json()["id"], resp.json()["maxAttempts"]
    dead = SmtpTransport(host="127.0.0.1", port=closed_port(), sender="no-reply@example.com", timeout=2)
    ctx = sender.context_for(notifications, transports={**notifications.state.transports, "email": dead})
    waits, due = [], later
    for attempt in range(1, max_attempts + 1):
        assert await deliver_due(ctx, now=due, message_ids=[message_id]) == 1
        msg = (await client.get(f"/v1/notify/messages/{message_id}", headers=auth(admin_token))).json()
        assert msg["attempts"] == attempt and "Connection" in msg["lastError"]
        if attempt < max_attempts:
            assert msg["status"] == "queued"
            next_at = datetime.fromisoformat(msg["nextAttemptAt"])
            waits.append((next_at - due).total_seconds())
            assert await deliver_due(ctx, now=next_at - timedelta(seconds=1), message_ids=[message_id]) == 0
            due = next_at
    assert msg["status"] == "failed" and msg["nextAttemptAt"] is None
    assert all(b == 2 * a for a, b in zip(waits, waits[1:])), waits  # exponential backoff
    async with notifications.state.db.engine.connect() as conn:
        failed = await conn.scalar(text("SELECT count(*) FROM outbox WHERE event_type = 'notification.failed' "
                                        "AND payload->'data'->>'messageId' = :m"), {"m": message_id})
    assert failed == 1


async def test_every_active_channel_gets_a_message_and_push_never_becomes_email(client, notifications, admin_token,
                                                                                  customer):
    admin, key = auth(admin_token), f"fanout_{uuid.uuid4().hex[:8]}"
    for channel, subject in (("email", "Fan-out {{ code }}"), ("push", None), ("sms", None)):
        resp = await client.post("/v1/admin/templates", json={"key": key, "channel": channel, "subject": subject,
                                                              "body": "Code {{ code }}"}, headers=admin)
        assert resp.status_code == 201, resp.text
    await client.patch(f"/v1/admin/templates/{resp.json()['id']}", json={"isActive": False}, headers=admin)  # sms off
    code = uuid.uuid4().hex[:8]
    async with UnitOfWork(notifications.state.db.sessions, notifications.state.outbox) as uow:
        queued = await enqueue(uow=uow, template_key=key, recipient_kind="user", recipient_ref=customer["userId"],
                               payload={"code": code}, max_attempts=3, reference=code)
        await uow.commit()
    assert sorted(m.channel for m in queued) == ["email", "push"]
    by_channel = {m.channel: await wait_message(client, admin_token, m.id, "sent") for m in queued}
    assert by_channel["push"]["status"] == "sent" and by_channel["push"]["recipient"] == f"user:{customer['userId']}"
    assert by_channel["email"]["recipient"] == customer["email"]
    await mail_to(customer["email"], f"Fan-out {code}")
    listed = (await client.get("/v1/notify/messages", params={"reference": code}, headers=admin)).json()
    assert listed["total"] == 2


async def test_the_smtp_connection_is_kept_and_replaced_once_the_server_dropped_it(stack):
    from apps.notifications.config import NotificationsSettings
    from apps.notifications.rendering import Rendered

    settings = NotificationsSettings()
    transport = SmtpTransport(host=settings.smtp_host, port=settings.smtp_port, sender="no-reply@example.com")
    tag = uuid.uuid4().hex[:8]

    async def send(n: int) -> None:
        await transport.send(to=f"keep-{tag}-{n}@example.com", message_id=f"{tag}-{n}",
                             rendered=Rendered(subject=f"kept {tag} {n}", text="hello", html="<p>hello</p>"))

    try:
        await send(1)
        first = transport._smtp
        await send(2)
        assert transport._smtp is first  # the second message reused the connection
        first.quit()  # the server side goes away while the connection sits idle
        await send(3)
        assert transport._smtp is not None and transport._smtp is not first
        for n in (1, 2, 3):
            wait_for_message(lambda m, n=n: m["Subject"] == f"kept {tag} {n}")
    finally:
        transport.close()
    assert transport._smtp is None
