"""POST /v1/orders as a small saga: plan (no side effects), redeem the coupon, reserve the stock, then ONE
transaction writes the order, its items, vendor splits, timeline, the idempotency record and `order.created`.
A failure after a side effect runs its compensations in reverse (release reservation, release coupon).

Idempotency: the key is claimed first, inside the same transaction that finally inserts the order. A concurrent
request with the same key therefore waits on the key's unique index until this one commits (then replays its
stored answer) or rolls back (then runs itself): never a second order, coupon use or reservation. The price is a
database connection held open across the calls to other services for the length of one checkout.
It commits by hand rather than through kernel.use_case because compensation depends on whether the commit happened.

The HTTP answer is the router's business: it hands in `answer` (views.order_json), which runs inside the
transaction only because the key's record must hold the exact answer a repeat replays, committed with the order.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog

from apps.orders import domain, payloads
from apps.orders.clients import OrderClients
from apps.orders.config import OrdersSettings
from apps.orders.orm import Order, OrderItem, TimelineEntry, VendorSplitRow, utcnow
from apps.orders.repository import OrderRepository
from apps.orders.schemas import OrderCreate
from apps.orders.use_cases.checkout_plan import Plan, build_plan
from apps.orders.use_cases.common import actor
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


async def place_order(*, uow: UnitOfWork, clients: OrderClients, settings: OrdersSettings, cmd: PlaceOrder,
                      answer: Answer) -> Placed:
    scope = f"orders:{cmd.user_id}"
    request_body = cmd.cmd.model_dump(mode="json", by_alias=True, exclude_none=True)
    async with uow:
        orders = uow.repository(OrderRepository)
        stored = await orders.claim_key(scope=scope, key=cmd.idempotency_key, body=request_body)
        if stored is not None:
            return Placed(stored.status_code, stored.body, replayed=True)
        plan = await build_plan(uow=uow, clients=clients, settings=settings, user_id=cmd.user_id, cmd=cmd.cmd)
        number = await orders.next_order_number()
        order_no = domain.format_order_no(settings.order_no_prefix, number, settings.order_no_digits)
        undo = Compensations()
        try:
            order = await _hold_and_insert(uow=uow, clients=clients, settings=settings, cmd=cmd, plan=plan,
                                           order_no=order_no, undo=undo)
            body = answer(order)
            await orders.remember_key(scope=scope, key=cmd.idempotency_key, status_code=201, body=body)
            await uow.commit()
        except BaseException:
            await undo.run(order_no)
            raise
    await _empty_cart(clients, cmd.user_id, order_no, [(line.sku, line.qty) for line in plan.lines])
    return Placed(201, body, replayed=False, order=order)


async def _hold_and_insert(*, uow: UnitOfWork, clients: OrderClients, settings: OrdersSettings, cmd: PlaceOrder,
                           plan: Plan, order_no: str, undo: Compensations) -> Order:
    if plan.coupon_code:
        await clients.redeem_coupon(code=plan.coupon_code, user_id=cmd.user_id, order_no=order_no,
                                    discount_minor=plan.totals.discount_minor, currency=plan.totals.currency)
        undo.add("release_coupon", lambda: clients.release_coupon(order_no))
    reservation = await clients.reserve(order_no=order_no, lines=[(line.sku, line.qty) for line in plan.lines],
                                        ttl_minutes=settings.reservation_ttl_minutes)
    undo.add("release_reservation", lambda: clients.release_reservation(reservation.id))
    order = build_order(plan, user_id=cmd.user_id, order_no=order_no, method=cmd.cmd.shipping_method,
                        reservation_id=reservation.id, expires_at=reservation.expires_at)
    await uow.repository(OrderRepository).add(order)
    uow.emit("order.created", {**payloads.created(order), **(cmd.signals or {})}, key=order_no)
    return order


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
