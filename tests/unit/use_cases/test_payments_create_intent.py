"""Creating a payment intent on fakes (payments' database, the simulated provider, orders answering through
FakeServiceClients): who may pay which order, one open intent per order, the Idempotency-Key, fraud holds and a
provider that fails. The webhook that settles the intent, and the rest of payments, are shown by
tests/integration/test_payments_*.py."""
from __future__ import annotations

import pytest

from apps.payments.exceptions import OrderNotFound, OrderNotPayable, ProviderFailed
from apps.payments.providers.base import ProviderError
from apps.payments.use_cases.create_intent import create_intent
from kernel.auth import CurrentUser
from kernel.errors import ValidationFailed
from tests.fakes.payments import SHOPPER, payments_world

ME = CurrentUser(id=SHOPPER, roles=("customer",))
STRANGER = CurrentUser(id="0190a000-0000-7000-8000-0000000000c2", roles=("customer",))
ORDER = "MKT-00000021"


async def _pay(uow, provider, svc, *, user=ME, key="k1", order_no=ORDER):
    return await create_intent(uow=uow, provider=provider, clients=svc, user=user, order_no=order_no,
                               idempotency_key=key)


async def test_the_buyer_gets_an_intent_for_the_order_total_and_it_is_announced():
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER, total_minor=2500)
    status, body = await _pay(uow, provider, svc)

    assert status == 201 and (body["amountMinor"], body["currency"], body["status"]) == (2500, "USD",
                                                                                        "requires_payment")
    assert provider.calls.of("create_intent")[0]["idempotency_key"] == f"intent:{ORDER}:0"
    assert uow.events("payment.intent.created")[0]["intentId"] == body["intentId"]
    assert [i.id for i in repo.intents] == [body["intentId"]]


async def test_a_second_request_reuses_the_open_intent_and_the_same_key_replays():
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER)
    _, first = await _pay(uow, provider, svc, key="k1")
    _, other_tab = await _pay(uow, provider, svc, key="k2")
    _, replay = await _pay(uow, provider, svc, key="k1")

    assert first == other_tab == replay
    assert len(provider.calls.of("create_intent")) == 1 and len(repo.intents) == 1
    with pytest.raises(ValidationFailed):  # the key reused for another order
        await _pay(uow, provider, svc, key="k1", order_no="MKT-00000022")


async def test_someone_elses_order_is_not_found_like_no_order_at_all():
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER)
    with pytest.raises(OrderNotFound):
        await _pay(uow, provider, svc, user=STRANGER)
    with pytest.raises(OrderNotFound):
        await _pay(uow, provider, svc, order_no="MKT-00000099")
    assert provider.calls.log == [] and uow.committed == []


@pytest.mark.parametrize("status, payment_status", [("processing", "paid"), ("cancelled", "pending"),
                                                    ("unfulfilled", "refunded")])
async def test_an_order_with_nothing_to_pay_is_refused(status, payment_status):
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER, status=status, payment_status=payment_status)
    with pytest.raises(OrderNotPayable):
        await _pay(uow, provider, svc)
    assert provider.calls.log == []


async def test_a_failed_payment_may_be_retried_with_a_new_intent():
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER)
    await _pay(uow, provider, svc, key="k1")
    repo.intents[0].status, repo.orders[ORDER].payment_status = "failed", "failed"
    _, retry = await _pay(uow, provider, svc, key="k2")
    assert retry["intentId"] != repo.intents[0].id
    assert [c["idempotency_key"] for c in provider.calls.of("create_intent")] == [f"intent:{ORDER}:0",
                                                                                  f"intent:{ORDER}:1"]


@pytest.mark.parametrize("flag", ["hold", "rejected"])
async def test_an_order_held_or_rejected_by_fraud_screening_cannot_be_paid(flag):
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER)
    repo.flags[ORDER] = flag
    with pytest.raises(OrderNotPayable):
        await _pay(uow, provider, svc)
    assert provider.calls.log == []


async def test_an_order_whose_event_has_not_arrived_is_read_from_orders():
    uow, repo, provider, svc = payments_world()
    svc.answer("orders", "GET", f"/internal/v1/orders/{ORDER}", json={
        "orderNo": ORDER, "userId": SHOPPER, "status": "unfulfilled", "paymentStatus": "pending",
        "currency": "USD", "totals": {"totalMinor": 4200}})
    _, body = await _pay(uow, provider, svc)
    assert body["amountMinor"] == 4200 and repo.orders[ORDER].user_id == SHOPPER


async def test_a_provider_failure_is_a_clear_error_and_keeps_nothing():
    uow, repo, provider, svc = payments_world()
    repo.order_placed(ORDER)
    provider.calls.fail("create_intent", ProviderError("card network down"))
    with pytest.raises(ProviderFailed):
        await _pay(uow, provider, svc)
    assert repo.intents == [] and repo.idempotency.kept == {} and uow.committed == []
    _, body = await _pay(uow, provider, svc)  # the same key works once the provider is back
    assert body["status"] == "requires_payment"
