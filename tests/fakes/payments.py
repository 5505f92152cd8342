"""In-memory stand-ins for what the payment-intent use case reaches: payments' database (PaymentRepository) and
its provider (the simulated provider, recording each call and told to fail through `calls`)."""
from __future__ import annotations

from typing import Any

from apps.payments.orm import OrderProjection, PaymentIntent
from apps.payments.providers.base import ProviderIntent
from apps.payments.providers.simulated import SimulatedProvider
from apps.payments.repository import PaymentRepository
from kernel.testing import Calls, FakeKeyedRepository, FakeServiceClients, FakeUnitOfWork, with_defaults

SHOPPER = "0190a000-0000-7000-8000-0000000000c1"


class FakePaymentRepository(FakeKeyedRepository):
    def __init__(self) -> None:
        super().__init__()
        self.orders: dict[str, OrderProjection] = {}
        self.flags: dict[str, str] = {}
        self.intents: list[PaymentIntent] = []

    async def order(self, order_no: str, *, lock: bool = False) -> OrderProjection | None:
        return self.orders.get(order_no)

    async def record_order(self, values: dict[str, Any]) -> None:
        self.orders.setdefault(values["order_no"], with_defaults(OrderProjection(**values)))

    async def fraud_flag(self, order_no: str) -> str | None:
        return self.flags.get(order_no)

    async def open_intent(self, order_no: str) -> PaymentIntent | None:
        return next((i for i in self.rows(PaymentIntent)
                     if i.order_no == order_no and i.status == "requires_payment"), None)

    async def intent_count(self, order_no: str) -> int:
        return sum(1 for i in self.rows(PaymentIntent) if i.order_no == order_no)

    def keep(self, row: Any) -> None:
        self.intents.append(row)

    def _kept_rows(self) -> list[Any]:
        return self.intents

    def order_placed(self, order_no: str, *, user_id: str = SHOPPER, total_minor: int = 2500,
                     status: str = "unfulfilled", payment_status: str = "pending") -> OrderProjection:
        row = with_defaults(OrderProjection(order_no=order_no, user_id=user_id, status=status,
                                            payment_status=payment_status, currency="USD", total_minor=total_minor,
                                            items=[], vendor_splits=[]))
        self.orders[order_no] = row
        return row


class FakeProvider(SimulatedProvider):
    """The simulated provider (Stripe-shaped ids, idempotency keys honoured), with its calls recorded."""

    def __init__(self) -> None:
        super().__init__(webhook_secret="whsec_test")
        self.calls = Calls()

    async def create_intent(self, *, amount_minor: int, currency: str, metadata: dict[str, str],
                            idempotency_key: str) -> ProviderIntent:
        self.calls.record("create_intent", amount_minor=amount_minor, currency=currency, metadata=metadata,
                          idempotency_key=idempotency_key)
        return await super().create_intent(amount_minor=amount_minor, currency=currency, metadata=metadata,
                                           idempotency_key=idempotency_key)


def payments_world() -> tuple[FakeUnitOfWork, FakePaymentRepository, FakeProvider, FakeServiceClients]:
    repo = FakePaymentRepository()
    return FakeUnitOfWork({PaymentRepository: repo}), repo, FakeProvider(), FakeServiceClients()
