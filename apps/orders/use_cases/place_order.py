"""POST /v1/orders as a small saga with no database transaction open across a call to another service:

1. Claim the Idempotency-Key: one short transaction commits a *pending* claim row (CheckoutKeys), before any
   remote call. Same key + same body with an answer stored → that answer (replayed); another body → 422.
2. Plan (no side effects): cart, vendor projection + order number (one short read), address, shipping quote,
   coupon evaluation (checkout_plan.py).
3. Redeem the coupon, reserve the stock (inventory refuses what it cannot cover: no oversell), with no
   transaction open.
4. ONE short transaction writes the order, its items, vendor splits, timeline, `order.created` (outbox) and
   settles the key with the exact answer a repeat replays.
5. After the commit, empty the cart of the ordered lines (best effort).

A failure anywhere after the claim runs the compensations newest first (release reservation, release coupon),
then releases the claim, so a retry with the same key runs again and nothing half-written stays behind. Refusals
are not remembered (as before): a 409 for stock may succeed on a retry once stock returns.

A concurrent duplicate (same key while the claim is pending) polls the claim for up to
OrdersSettings.checkout_key_wait_seconds: it replays the first's answer once settled, runs itself if the first
failed and let the key go, or answers 409 checkout-in-progress (problem+json, Retry-After: 1; retry the same
request) if the first is still running. Never a second order, coupon use or reservation for one key: settle and
release are fenced on the claim's token, and a claim pending past checkout_claim_stale_seconds (its process died)
may be taken over by a retry.

The HTTP answer is the router's business: it hands in `answer` (views.order_json), which runs inside the write
transaction only because the key's record must hold the exact answer a repeat replays, committed with the order.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import structlog

from apps.orders import payloads
from apps.orders.clients import OrderClients, Reservation
from apps.orders.config import OrdersSettings
from apps.orders.exceptions import CheckoutInProgress
from apps.orders.orm import Order, OrderItem, TimelineEntry, VendorSplitRow, utcnow
from apps.orders.repository import OrderRepository
from apps.orders.schemas import OrderCreate
from apps.orders.use_cases.checkout_plan import Plan, build_plan
from apps.orders.use_cases.common import actor
from kernel.idempotency import Claim, StoredResponse
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork

log = structlog.get_logger("orders.checkout")


@dataclass(frozen=True)
class PlaceOrder:
    user_id: str
    idempotency_key: str
    cmd: OrderCreate
    # Fraud signals of the request (X-Device-Id, the client IP the gateway saw, the edge's IP country), carried by
    # order.created for scoring; None when the request did not tell.
    signals: dict[str, str] | None = None


Answer = Callable[[Order], dict[str, Any]]  # a placed order → the JSON answer POST /v1/orders gives (and replays)


@dataclass(frozen=True)
class Placed:
    status_code: int
    body: dict[str, Any]
    replayed: bool
    order: Order | None = None  # None when the answer is a replay of the key's stored one


class KeyClaims(Protocol):  # repository.CheckoutKeys; tests/fakes/orders.py FakeCheckoutKeys
    async def claim(self, *, scope: str, key: str, body: Any, stale_after: timedelta) -> Claim: ...

    async def release(self, *, scope: str, key: str, token: datetime) -> None: ...


class Compensations:
    """Undo steps of the saga, run newest first; a failing undo is logged, the others still run."""

    def __init__(self) -> None:
        self._steps: list[tuple[str, Callable[[], Awaitable[None]]]] = []

    def add(self, name: str, undo: Callable[[], Awaitable[None]]) -> None:
        self._steps.append((name, undo))

    async def run(self, order_no: str) -> None:
        for name, undo in reversed(self._steps):
            try:
                await undo()
            except Exception as exc:  # noqa: BLE001 - keep compensating; the reservation also expires by TTL
                log.error("orders.compensation_failed", step=name, order_no=order_no, error=str(exc)[:300])


async def place_order(*, uow: UnitOfWork, keys: KeyClaims, clients: OrderClients, settings: OrdersSettings,
                      cmd: PlaceOrder, answer: Answer) -> Placed:
    scope = f"orders:{cmd.user_id}"
    request_body = cmd.cmd.model_dump(mode="json", by_alias=True, exclude_none=True)
    held = await _hold_key(keys, settings, scope=scope, key=cmd.idempotency_key, body=request_body)
    if isinstance(held, StoredResponse):
        return Placed(held.status_code, held.body, replayed=True)
    undo, order_no, committed = Compensations(), "-", False
    try:
        plan = await build_plan(uow=uow, clients=clients, settings=settings, user_id=cmd.user_id, cmd=cmd.cmd)
        order_no = plan.order_no
        reservation = await _hold_stock_and_coupon(clients=clients, settings=settings, user_id=cmd.user_id,
                                                   plan=plan, undo=undo)
        async with uow:
            order = build_order(plan, user_id=cmd.user_id, order_no=order_no, method=cmd.cmd.shipping_method,
                                reservation_id=reservation.id, expires_at=reservation.expires_at)
            await uow.repository(OrderRepository).add(order)
            uow.emit("order.created", {**payloads.created(order), **(cmd.signals or {})}, key=order_no)
            body = answer(order)
            await uow.repository(OrderRepository).remember_key(scope=scope, key=cmd.idempotency_key,
                                                               status_code=201, body=body, token=held)
            await uow.commit()
            committed = True
    except BaseException:
        if not committed:  # once committed the order stands, with its reservation and coupon
            await undo.run(order_no)
            await _let_key_go(keys, scope=scope, key=cmd.idempotency_key, token=held)
        raise
    await _empty_cart(clients, cmd.user_id, order_no, [(line.sku, line.qty) for line in plan.lines])
    return Placed(201, body, replayed=False, order=order)


async def _hold_key(keys: KeyClaims, settings: OrdersSettings, *, scope: str, key: str,
                    body: dict[str, Any]) -> datetime | StoredResponse:
    """This request's claim token, or the key's stored answer; waits (polling) while another request holds it."""
    stale_after = timedelta(seconds=settings.checkout_claim_stale_seconds)
    deadline, pause = time.monotonic() + settings.checkout_key_wait_seconds, 0.02
    while True:
        claim = await keys.claim(scope=scope, key=key, body=body, stale_after=stale_after)
        if claim.stored is not None:
            return claim.stored
        if claim.token is not None:
            return claim.token
        if time.monotonic() + pause > deadline:
            raise CheckoutInProgress("An order with this Idempotency-Key is still being placed; retry the same "
                                     "request shortly for its answer.", headers={"Retry-After": "1"})
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.25)


async def _let_key_go(keys: KeyClaims, *, scope: str, key: str, token: datetime) -> None:
    """After the compensations, so a retry never races the undo of this attempt; if this fails too, the claim
    goes stale (checkout_claim_stale_seconds) and a retry takes it over."""
    try:
        await keys.release(scope=scope, key=key, token=token)
    except Exception as exc:  # noqa: BLE001 - the original failure is the answer
        log.error("orders.key_release_failed", key=key[:64], error=str(exc)[:300])


async def _hold_stock_and_coupon(*, clients: OrderClients, settings: OrdersSettings, user_id: str, plan: Plan,
                                 undo: Compensations) -> Reservation:
    if plan.coupon_code:
        await clients.redeem_coupon(code=plan.coupon_code, user_id=user_id, order_no=plan.order_no,
                                    discount_minor=plan.totals.discount_minor, currency=plan.totals.currency)
        undo.add("release_coupon", lambda: clients.release_coupon(plan.order_no))
    reservation = await clients.reserve(order_no=plan.order_no, lines=[(line.sku, line.qty) for line in plan.lines],
                                        ttl_minutes=settings.reservation_ttl_minutes)
    undo.add("release_reservation", lambda: clients.release_reservation(reservation.id))
    return reservation


def build_order(plan: Plan, *, user_id: str, order_no: str, method: str, reservation_id: str,
                expires_at) -> Order:
    now = utcnow()
    order_id = new_id_str()
    by_sku = {i.sku: i for i in plan.cart.items}
    t = plan.totals
    items = [OrderItem(order_id=order_id, sku=line.sku, product_id=by_sku[line.sku].product_id,
                       vendor_id=line.vendor_id, title=by_sku[line.sku].title,
                       category_ids=[c[:64] for c in by_sku[line.sku].category_ids][:50],
                       weight_grams=by_sku[line.sku].weight_grams, qty=line.qty, price_minor=line.price_minor,
                       line_total_minor=line.total_minor, discount_minor=plan.discounts.get(line.sku, 0),
                       status="pending", returned_qty=0) for line in plan.lines]
    splits = [VendorSplitRow(order_id=order_id, vendor_id=s.vendor_id, items_subtotal_minor=s.items_subtotal_minor,
                             discount_minor=s.discount_minor, gross_minor=s.gross_minor,
                             commission_minor=s.commission_minor, net_minor=s.net_minor,
                             shipping_minor=s.shipping_minor, tax_minor=s.tax_minor,
                             commission_type=s.commission.type, commission_value=s.commission.value)
              for s in plan.splits]
    created = TimelineEntry(order_id=order_id, kind="status", from_status=None, to_status="unfulfilled",
                            note="order placed" + (" (flat shipping fallback)" if plan.quote.fallback else ""),
                            actor=actor(), at=now)
    return Order(id=order_id, order_no=order_no, user_id=user_id, status="unfulfilled", payment_status="pending",
                 currency=t.currency, subtotal_minor=t.subtotal_minor, discount_minor=t.discount_minor,
                 shipping_minor=t.shipping_minor, tax_minor=t.tax_minor, total_minor=t.total_minor, refunded_minor=0,
                 coupon_code=plan.coupon_code, shipping_method=method, shipping_eta_days=plan.quote.eta_days,
                 shipping_address=plan.address, reservation_id=reservation_id, expires_at=expires_at,
                 created_at=now, updated_at=now, items=items, splits=splits, timeline=[created])


async def _empty_cart(clients: OrderClients, user_id: str, order_no: str, lines: list[tuple[str, int]]) -> None:
    """After the commit the order stands whatever happens here; a cart left full is only an inconvenience."""
    try:
        await clients.checked_out(user_id, order_no, lines)
    except Exception as exc:  # noqa: BLE001 - never turn a placed order into an error answer
        log.warning("orders.cart_not_checked_out", order_no=order_no, error=str(exc)[:300])
