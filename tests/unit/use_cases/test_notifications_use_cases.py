"""Notification use cases on the fake unit of work (no PostgreSQL, Kafka or SMTP): templates refused when they
cannot render, one message per active channel, the admin's direct email, and the sender's decisions for one
message — who receives it (projection first, then the owning service), sent, retried with backoff, or failed for
good — with the address lookups answered through FakeServiceClients so notifications' own Directory runs."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.notifications.exceptions import InvalidTemplate, MissingPlaceholders, TemplateExists, TemplateNotFound
from apps.notifications.use_cases import manage_templates
from apps.notifications.use_cases.deliver import deliver_due, deliver_next
from apps.notifications.use_cases.enqueue import enqueue
from apps.notifications.use_cases.queue_email import queue_email
from kernel.clock import utcnow
from kernel.ids import new_id_str
from tests.fakes.notifications import notifications_world

USER = "0190a000-0000-7000-8000-0000000000c1"
OWNER = "0190a000-0000-7000-8000-0000000000c2"
VENDOR = "0190a000-0000-7000-8000-0000000000e1"


def _user(svc, user_id=USER, *, email="ada@example.com", name="Ada", status=200, active=True):
    svc.answer("auth", "GET", f"/internal/v1/users/{user_id}", status=status,
               json={"id": user_id, "email": email, "name": name, "isActive": active})


# -- templates -------------------------------------------------------------------------------------------------

async def test_a_valid_template_is_stored_and_announced():
    uow, repo, _, _ = notifications_world()
    t = await manage_templates.create_template(uow=uow, key="order_confirmation", channel="email",
                                               values={"subject": "Order {{ orderNo }}", "body": "Thanks, {{name}}"})
    assert list(repo.templates_by_id) == [t.id] and t.is_active
    [changed] = uow.events("notification.template_changed")
    assert (changed["key"], changed["change"], changed["isActive"]) == ("order_confirmation", "created", True)


@pytest.mark.parametrize("channel, values, field", [
    ("email", {"subject": "Hi", "body": "Total {{ 7*7 }}"}, "body"),  # not a placeholder: would be mailed as is
    ("email", {"subject": "  ", "body": "Hi"}, "subject"),  # mail needs a subject
    ("sms", {"body": "Hi", "text_body": "{{ na me }}"}, "textBody"),
])
async def test_a_template_that_cannot_render_is_refused(channel, values, field):
    uow, repo, _, _ = notifications_world()
    with pytest.raises(InvalidTemplate) as err:
        await manage_templates.create_template(uow=uow, key="k_bad", channel=channel, values=values)
    assert field in [e["field"] for e in err.value.errors]
    assert repo.templates_by_id == {} and uow.committed == []


async def test_one_template_per_key_and_channel_and_an_sms_needs_no_subject():
    uow, repo, _, _ = notifications_world()
    repo.has_template("welcome", "email")
    with pytest.raises(TemplateExists):
        await manage_templates.create_template(uow=uow, key="welcome", channel="email",
                                               values={"subject": "Hi", "body": "Hi"})
    await manage_templates.create_template(uow=uow, key="welcome", channel="sms", values={"body": "Hi"})
    assert sorted(t.channel for t in repo.templates_by_id.values()) == ["email", "sms"]


async def test_updating_and_deleting_a_template_are_announced_and_an_unknown_one_is_404():
    uow, repo, _, _ = notifications_world()
    t = repo.has_template("welcome")
    await manage_templates.update_template(uow=uow, template_id=t.id, changes={"is_active": False})
    await manage_templates.delete_template(uow=uow, template_id=t.id)

    assert repo.templates_by_id == {}
    assert [(e["change"], e["isActive"]) for e in uow.events("notification.template_changed")] == [
        ("updated", False), ("deleted", False)]
    for missing in (t.id, "not-a-uuid"):
        with pytest.raises(TemplateNotFound):
            await manage_templates.delete_template(uow=uow, template_id=missing)


# -- queueing --------------------------------------------------------------------------------------------------

async def test_an_event_queues_one_message_per_active_channel():
    uow, repo, _, _ = notifications_world()
    repo.has_template("order_shipped", "email")
    repo.has_template("order_shipped", "push")
    repo.has_template("order_shipped", "sms", active=False)
    queued = await enqueue(uow=uow, template_key="order_shipped", recipient_kind="order", recipient_ref="MKT-9",
                           payload={"orderNo": "MKT-9"}, max_attempts=4, reference="MKT-9",
                           source_event_type="shipping.label.created")

    assert sorted(m.channel for m in queued) == ["email", "push"] and len(repo.messages) == 2
    assert all(m.status == "queued" and m.max_attempts == 4 for m in queued)
    assert [e["sourceEventType"] for e in uow.events("notification.queued")] == ["shipping.label.created"] * 2


async def test_a_key_without_an_active_template_queues_nothing():
    uow, repo, _, _ = notifications_world()
    assert await enqueue(uow=uow, template_key="nothing_here", recipient_kind="user", recipient_ref=USER,
                         payload={}, max_attempts=3) == []
    assert repo.messages == {} and uow.committed == []


async def test_the_admins_email_needs_an_email_template_and_every_value_but_the_name():
    uow, repo, _, _ = notifications_world()
    with pytest.raises(TemplateNotFound):
        await queue_email(uow=uow, template_key="promo", to="ada@example.com", payload={}, max_attempts=3)
    repo.has_template("promo", subject="Hi {{ name }}", body="{{ code }} until {{ until }}")
    with pytest.raises(MissingPlaceholders) as err:
        await queue_email(uow=uow, template_key="promo", to="ada@example.com", payload={"code": "X"},
                          max_attempts=3)
    assert [e["field"] for e in err.value.errors] == ["payload.until"]  # {{ name }} is filled at send time

    later = utcnow() + timedelta(hours=2)
    msg = await queue_email(uow=uow, template_key="promo", to="ada@example.com", not_before=later,
                            payload={"code": "X", "until": "Friday"}, max_attempts=3)
    assert (msg.recipient_kind, msg.recipient_ref, msg.next_attempt_at) == ("email", "ada@example.com", later)
    assert list(repo.messages) == [msg.id]


# -- delivering ------------------------------------------------------------------------------------------------

async def _deliver_one(uow, ctx, msg, now=None):
    return await deliver_next(uow=uow, ctx=ctx, now=now or utcnow(), message_ids=[msg.id])


async def test_a_message_to_a_shopper_is_addressed_from_their_account_rendered_and_sent():
    uow, repo, svc, ctx = notifications_world()
    repo.has_template("order_confirmation")
    msg = repo.has_message(template_key="order_confirmation", kind="user", ref=USER)
    _user(svc)
    assert await _deliver_one(uow, ctx, msg)

    [sent] = ctx.transports["email"].calls.of("send")
    assert (sent["to"], sent["rendered"].subject, sent["message_id"]) == ("ada@example.com", "Hello Ada", msg.id)
    assert (msg.status, msg.attempts, msg.recipient, msg.last_error) == ("sent", 1, "ada@example.com", None)
    assert [e["status"] for e in uow.events("notification.sent")] == ["sent"]


async def test_an_unreachable_account_service_is_retried_with_backoff_without_an_event():
    uow, repo, svc, ctx = notifications_world(retry_base_seconds=30)
    repo.has_template("order_confirmation")
    msg = repo.has_message(template_key="order_confirmation", kind="user", ref=USER)
    svc.down("auth")
    now = utcnow()
    await _deliver_one(uow, ctx, msg, now)

    assert (msg.status, msg.attempts, msg.next_attempt_at) == ("queued", 1, now + timedelta(seconds=30))
    assert "auth" in msg.last_error and ctx.transports["email"].calls.log == []
    assert uow.committed == []  # a retry is no news


@pytest.mark.parametrize("answer", [{"status": 404}, {"active": False}])
async def test_a_shopper_who_is_gone_fails_the_message_for_good(answer):
    uow, repo, svc, ctx = notifications_world()
    repo.has_template("order_confirmation")
    msg = repo.has_message(template_key="order_confirmation", kind="user", ref=USER, max_attempts=5)
    _user(svc, **answer)
    await _deliver_one(uow, ctx, msg)

    assert (msg.status, msg.attempts) == ("failed", 1)
    [failed] = uow.events("notification.failed")
    assert USER in failed["error"]


async def test_the_last_allowed_attempt_fails_the_message_and_says_so():
    uow, repo, svc, ctx = notifications_world()
    repo.has_template("welcome")
    msg = repo.has_message(template_key="welcome", attempts=2, max_attempts=3)
    ctx.transports["email"].calls.fail("send", ConnectionRefusedError("smtp down"))
    await _deliver_one(uow, ctx, msg)
    assert (msg.status, msg.attempts) == ("failed", 3)
    assert "smtp down" in uow.events("notification.failed")[0]["error"]


async def test_a_template_switched_off_after_queueing_fails_the_message():
    uow, repo, _, ctx = notifications_world()
    repo.has_template("welcome", active=False)
    msg = repo.has_message(template_key="welcome", max_attempts=5)
    await _deliver_one(uow, ctx, msg)
    assert msg.status == "failed" and "no active email template" in msg.last_error


async def test_an_order_is_addressed_through_the_projection_then_the_orders_service():
    uow, repo, svc, ctx = notifications_world()
    repo.has_template("order_shipped")
    _user(svc)
    known = repo.has_message(template_key="order_shipped", kind="order", ref="MKT-1")
    repo.knows_order("MKT-1", USER)
    await _deliver_one(uow, ctx, known)
    assert known.status == "sent" and svc.requests_to("orders") == []

    fresh = repo.has_message(template_key="order_shipped", kind="order", ref="MKT-2")
    svc.answer("orders", "GET", "/internal/v1/orders/MKT-2", json={"orderNo": "MKT-2", "userId": USER})
    await _deliver_one(uow, ctx, fresh)
    assert fresh.status == "sent" and svc.requests_to("orders") == [("/internal/v1/orders/MKT-2", None)]

    unknown = repo.has_message(template_key="order_shipped", kind="order", ref="MKT-3")  # orders: 404
    await _deliver_one(uow, ctx, unknown)
    assert unknown.status == "queued" and "not known yet" in unknown.last_error  # order.created may be late


async def test_a_vendor_gets_mail_at_its_support_address_else_at_its_owners_account():
    uow, repo, svc, ctx = notifications_world()
    repo.has_template("low_stock", subject="Low stock for {{ name }}", body="{{ sku }}")
    repo.knows_vendor(VENDOR, owner_user_id=OWNER, name="Acme")
    _user(svc, OWNER, email="owner@acme.example", name="Olga")
    by_owner = repo.has_message(template_key="low_stock", kind="vendor", ref=VENDOR, payload={"sku": "S-1"})
    await _deliver_one(uow, ctx, by_owner)
    assert (by_owner.recipient, by_owner.subject) == ("owner@acme.example", "Low stock for Acme")

    svc.answer("vendors", "GET", f"/internal/v1/vendors/{VENDOR}", json={"supportEmail": "help@acme.example"})
    by_support = repo.has_message(template_key="low_stock", kind="vendor", ref=VENDOR, payload={"sku": "S-2"})
    await _deliver_one(uow, ctx, by_support)
    assert by_support.recipient == "help@acme.example"

    stranger = repo.has_message(template_key="low_stock", kind="vendor", ref=new_id_str(), payload={"sku": "S"})
    await _deliver_one(uow, ctx, stranger)
    assert stranger.status == "queued" and "not known yet" in stranger.last_error


async def test_push_and_sms_go_to_the_no_op_transport_with_the_reference_not_an_address():
    uow, repo, svc, ctx = notifications_world()
    repo.has_template("order_shipped", "push", subject=None, body="Shipped {{ orderNo }}")
    msg = repo.has_message(template_key="order_shipped", channel="push", kind="user", ref=USER)
    await _deliver_one(uow, ctx, msg)
    assert msg.status == "sent" and svc.sent == []
    assert ctx.transports["push"].calls.of("send")[0]["to"] == f"user:{USER}"


async def test_the_sender_attempts_due_messages_oldest_first_each_in_its_own_commit_up_to_the_limit():
    uow, repo, _, ctx = notifications_world()
    repo.has_template("welcome")
    now = utcnow()
    second = repo.has_message(template_key="welcome", due=now - timedelta(minutes=1))
    first = repo.has_message(template_key="welcome", due=now - timedelta(minutes=5))
    later = repo.has_message(template_key="welcome", due=now + timedelta(minutes=5))

    assert await deliver_due(ctx, now=now, limit=1) == 1
    assert (first.status, second.status, uow.commits) == ("sent", "queued", 1)
    assert await deliver_due(ctx, now=now) == 1
    assert (second.status, later.status) == ("sent", "queued")
    assert [m["to"] for m in ctx.transports["email"].calls.of("send")] == ["ada@example.com"] * 2
