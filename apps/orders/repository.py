"""The orders database as the use cases see it: every read and write they make, behind one object per unit of work
(`uow.repository(OrderRepository)`), so unit tests hand in an in-memory stand-in (tests/fakes/orders.py) and the
use cases' decisions run without PostgreSQL. Queries that only list (queries.py, the staff return queue) still
use the session: they hold no decisions worth a fake.

CheckoutKeys is the one part that is not on the unit of work: checkout's Idempotency-Key claims, each committed on
its own short transaction before (claim) or after (release) the unit of work, so no transaction stays open while
checkout calls other services (use_cases/place_order.py)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from apps.orders.orm import IDEMPOTENCY, ORDER_NO_SEQ, Order, ReturnItem, ReturnRequest, VendorCommission
from kernel.idempotency import Claim, StoredResponse, claim, claim_ahead, release, remember, settle
from kernel.uow import Repository

OPEN_RETURNS = ("requested", "approved", "received")


class OrderRepository(Repository):
    async def order(self, *, order_id: str | None = None, order_no: str | None = None,
                    lock: bool = False) -> Order | None:
        """One order by id or by number; `lock` takes its row lock (FOR UPDATE) for the rest of the transaction."""
        condition = Order.id == order_id if order_id is not None else Order.order_no == order_no
        stmt = select(Order).where(condition).execution_options(populate_existing=True)
        return await self.session.scalar(stmt.with_for_update() if lock else stmt)

    async def next_overdue(self, now: datetime, *, skip: set[str]) -> Order | None:
        """The unpaid order whose reservation expired first, locked; SKIP LOCKED leaves an order another process
        (a payment reaction, another sweeper) holds to it. Held for fraud review: the shopper cannot pay until
        the risk team decides, so it does not expire."""
        stmt = (select(Order).where(Order.status == "unfulfilled", Order.payment_status.in_(("pending", "failed")),
                                    Order.expires_at <= now, Order.fraud_hold.is_(False))
                .order_by(Order.expires_at).limit(1)
                .with_for_update(skip_locked=True).execution_options(populate_existing=True))
        if skip:
            stmt = stmt.where(Order.id.not_in(skip))
        return await self.session.scalar(stmt)

    async def next_order_number(self) -> int:
        return int(await self.session.scalar(select(ORDER_NO_SEQ.next_value())))

    async def claim_key(self, *, scope: str, key: str, body: Any) -> StoredResponse | None:
        return await claim(self.session, IDEMPOTENCY, scope=scope, key=key, body=body)

    async def remember_key(self, *, scope: str, key: str, status_code: int, body: Any,
                           token: datetime | None = None) -> None:
        """With `token` (a claim CheckoutKeys made ahead): settle that claim, or ClaimLost if it was taken over."""
        if token is None:
            await remember(self.session, IDEMPOTENCY, scope=scope, key=key, status_code=status_code, body=body)
        else:
            await settle(self.session, IDEMPOTENCY, scope=scope, key=key, token=token, status_code=status_code,
                         body=body)

    async def vendors(self, vendor_ids: Iterable[str]) -> dict[str, VendorCommission]:
        ids = sorted(set(vendor_ids))
        if not ids:
            return {}
        rows = await self.session.scalars(select(VendorCommission).where(VendorCommission.vendor_id.in_(ids)))
        return {r.vendor_id: r for r in rows}

    async def vendor_for_update(self, vendor_id: str) -> VendorCommission | None:
        return await self.session.get(VendorCommission, vendor_id, with_for_update=True)

    async def claimed_return_qty(self, order_id: str) -> dict[str, int]:
        """Units already asked back per SKU by RMAs that are not rejected."""
        rows = await self.session.execute(
            select(ReturnItem.sku, ReturnItem.qty).join(ReturnRequest, ReturnRequest.id == ReturnItem.return_id)
            .where(ReturnRequest.order_id == order_id, ReturnRequest.status.in_(OPEN_RETURNS)))
        claimed: dict[str, int] = {}
        for sku, qty in rows:
            claimed[sku] = claimed.get(sku, 0) + qty
        return claimed

    async def return_order_id(self, rma_id: str) -> str | None:
        return await self.session.scalar(select(ReturnRequest.order_id).where(ReturnRequest.id == rma_id))

    async def return_request(self, rma_id: str, *, lock: bool = False) -> ReturnRequest | None:
        return await self.session.get(ReturnRequest, rma_id, with_for_update=lock, populate_existing=True)


class CheckoutKeys:
    """Idempotency-Key claims made ahead of checkout's unit of work, each in its own short, committed transaction."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim(self, *, scope: str, key: str, body: Any, stale_after: timedelta) -> Claim:
        async with self._sessions() as session, session.begin():
            return await claim_ahead(session, IDEMPOTENCY, scope=scope, key=key, body=body, stale_after=stale_after)

    async def release(self, *, scope: str, key: str, token: datetime) -> None:
        async with self._sessions() as session, session.begin():
            await release(session, IDEMPOTENCY, scope=scope, key=key, token=token)
