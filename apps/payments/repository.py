"""The payments database as the intent use case sees it (`uow.repository(PaymentRepository)`): the orders
projection, fraud flags, payment intents and the Idempotency-Key store, so its decisions (who may pay what, one
open intent per order, fraud holds) run in unit tests on an in-memory stand-in (tests/fakes/payments.py).
Refunds, earnings and payouts still use the session directly."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert

from apps.payments.orm import IDEMPOTENCY, FraudFlag, OrderProjection, PaymentIntent
from kernel.idempotency import StoredResponse, claim, remember
from kernel.uow import Repository


class PaymentRepository(Repository):
    async def order(self, order_no: str, *, lock: bool = False) -> OrderProjection | None:
        stmt = select(OrderProjection).where(OrderProjection.order_no == order_no)
        stmt = stmt.execution_options(populate_existing=True)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def record_order(self, values: dict[str, Any]) -> None:
        """Insert the order unless known (the first source wins)."""
        await self.session.execute(insert(OrderProjection).values(**values)
                                   .on_conflict_do_nothing(index_elements=["order_no"]))

    async def fraud_flag(self, order_no: str) -> str | None:
        return await self.session.scalar(select(FraudFlag.status).where(FraudFlag.order_no == order_no))

    async def open_intent(self, order_no: str) -> PaymentIntent | None:
        return await self.session.scalar(select(PaymentIntent).where(PaymentIntent.order_no == order_no,
                                                                     PaymentIntent.status == "requires_payment"))

    async def intent_count(self, order_no: str) -> int:
        return int(await self.session.scalar(select(func.count()).select_from(PaymentIntent)
                                             .where(PaymentIntent.order_no == order_no)) or 0)

    async def claim_key(self, *, scope: str, key: str, body: Any) -> StoredResponse | None:
        return await claim(self.session, IDEMPOTENCY, scope=scope, key=key, body=body)

    async def remember_key(self, *, scope: str, key: str, status_code: int, body: Any) -> None:
        await remember(self.session, IDEMPOTENCY, scope=scope, key=key, status_code=status_code, body=body)
