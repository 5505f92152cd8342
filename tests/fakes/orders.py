"""In-memory stand-ins for what orders' use cases reach: its database (OrderRepository) and the services it calls
(OrderClients: cart, coupons, profiles, shipping, inventory). Both record what was asked and can be told to fail.

    repo, clients = FakeOrderRepository(), FakeOrderClients(cart=cart_of(line("SKU-1", qty=2)))
    uow = FakeUnitOfWork({OrderRepository: repo})
    clients.calls.fail("reserve", InsufficientStock("gone"))

FakeCheckoutKeys stands in for repository.CheckoutKeys: checkout's Idempotency-Key claims, kept at once (their own
committed transaction) in the repository's key store, fenced by a token like the real ones.
"""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from apps.orders import domain
from apps.orders.clients import Cart, CartLine, CouponResult, Quote, Reservation
from apps.orders.config import OrdersSettings
from apps.orders.orm import Order, OrderItem, ReturnRequest, VendorCommission, VendorSplitRow
from apps.orders.repository import OPEN_RETURNS, OrderRepository
from kernel.clock import utcnow
from kernel.errors import ValidationFailed
from kernel.idempotency import Claim, ClaimLost, StoredResponse, request_hash
from kernel.ids import new_id_str
from kernel.testing import Calls, FakeKeyedRepository, FakeUnitOfWork, with_defaults

VENDOR_A = "0190a000-0000-7000-8000-00000000000a"
VENDOR_B = "0190a000-0000-7000-8000-00000000000b"
USER = "0190a000-0000-7000-8000-000000000001"
ADDRESS = {"line1": "1 Main St", "city": "Springfield", "postalCode": "12345", "country": "US"}


def settings(**overrides: Any) -> OrdersSettings:
    """Fixed figures, whatever the developer's .env says."""
    values = dict(order_no_prefix="MKT-", order_no_digits=8, reservation_ttl_minutes=15, tax_rate_bps=0,
                  default_commission_bps=1000, shipping_fallback_enabled=True, shipping_fallback_minor=500,
                  max_items_per_order=100)
    return OrdersSettings(**{**values, **overrides})


class FakeOrderRepository(FakeKeyedRepository):
    """Rows added inside a unit of work become visible to later units of work only if it commits."""

    def __init__(self, *, first_number: int = 1) -> None:
        super().__init__()
        self.orders: dict[str, Order] = {}
        self.returns: dict[str, ReturnRequest] = {}
        self.vendor_rows: dict[str, VendorCommission] = {}
        self.locked: list[str] = []  # order numbers, in the order their rows were locked
        self.calls = Calls()  # writes are recorded (and can be told to fail, like a database error would)
        self._number = first_number

    @property
    def keys(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Idempotency keys kept by committed units of work."""
        return self.idempotency.kept

    # --- what OrderRepository offers ---------------------------------------------------------------------------
    async def order(self, *, order_id: str | None = None, order_no: str | None = None,
                    lock: bool = False) -> Order | None:
        found = next((o for o in self.rows(Order) if (o.id == order_id if order_id is not None
                                                      else o.order_no == order_no)), None)
        if found is not None and lock:
            self.locked.append(found.order_no)
        return found

    async def next_overdue(self, now: datetime, *, skip: set[str]) -> Order | None:
        due = [o for o in self.rows(Order) if o.id not in skip and not o.fraud_hold and domain.is_expired(
            status=o.status, payment_status=o.payment_status, expires_at=o.expires_at, now=now)]
        return min(due, key=lambda o: o.expires_at, default=None)

    async def add(self, row: Any) -> None:
        self.calls.record("add", row=row)
        for child in [*getattr(row, "items", []), *getattr(row, "splits", []), *getattr(row, "timeline", [])]:
            with_defaults(child)
        self.stage(row)

    async def next_order_number(self) -> int:
        number, self._number = self._number, self._number + 1  # a sequence: never given back on rollback
        return number

    async def remember_key(self, *, scope: str, key: str, status_code: int, body: Any,
                           token: datetime | None = None) -> None:
        self.calls.record("remember_key", scope=scope, key=key, status_code=status_code)
        if token is None:
            await super().remember_key(scope=scope, key=key, status_code=status_code, body=body)
            return
        row = self.keys.get((scope, key))  # a claim made ahead (FakeCheckoutKeys): settle it when this commits
        if row is None or row["status_code"] is not None or row.get("token") != token:
            raise ClaimLost("This request's Idempotency-Key was taken over by a retry; nothing was kept.")
        self.idempotency._staged[(scope, key)] = {**row, "status_code": status_code, "body": body}

    async def vendors(self, vendor_ids) -> dict[str, VendorCommission]:
        wanted = set(vendor_ids)
        return {v.vendor_id: v for v in self.rows(VendorCommission) if v.vendor_id in wanted}

    async def vendor_for_update(self, vendor_id: str) -> VendorCommission | None:
        return next((v for v in self.rows(VendorCommission) if v.vendor_id == vendor_id), None)

    async def claimed_return_qty(self, order_id: str) -> dict[str, int]:
        claimed: dict[str, int] = {}
        for rma in self.rows(ReturnRequest):
            if rma.order_id == order_id and rma.status in OPEN_RETURNS:
                for item in rma.items:
                    claimed[item.sku] = claimed.get(item.sku, 0) + item.qty
        return claimed

    async def return_order_id(self, rma_id: str) -> str | None:
        rma = await self.return_request(rma_id)
        return rma.order_id if rma else None

    async def return_request(self, rma_id: str, *, lock: bool = False) -> ReturnRequest | None:
        return next((r for r in self.rows(ReturnRequest) if r.id == rma_id), None)

    # --- the unit of work's outcome (FakeUnitOfWork calls these) ----------------------------------------------
    def keep(self, row: Any) -> None:
        if isinstance(row, VendorCommission):
            self.vendor_rows[row.vendor_id] = row
        else:
            {Order: self.orders, ReturnRequest: self.returns}[type(row)][row.id] = row

    def _kept_rows(self) -> list[Any]:
        return [*self.orders.values(), *self.returns.values(), *self.vendor_rows.values()]

    # --- for tests --------------------------------------------------------------------------------------------
    def put(self, *rows: Any) -> None:
        """Rows that exist before the use case runs."""
        for row in rows:
            self.stage(row)
        self.commit()


class FakeCheckoutKeys:
    """repository.CheckoutKeys in memory over `repo`'s key store. A claim is kept at once (pending: no status),
    `release` drops it; `claimed_while_open` records whether the unit of work was open at a claim (it must not be)."""

    _tokens = itertools.count(1)

    def __init__(self, repo: FakeOrderRepository, uow: FakeUnitOfWork | None = None) -> None:
        self.repo, self.uow = repo, uow
        self.calls = Calls()
        self.claimed_while_open: list[bool] = []
        self.now = utcnow  # a test moves it to make a pending claim stale

    async def claim(self, *, scope: str, key: str, body: Any, stale_after: timedelta) -> Claim:
        self.calls.record("claim", scope=scope, key=key)
        self.claimed_while_open.append(bool(self.uow and self.uow.open))
        if not key or len(key) > 200:
            raise ValidationFailed("Idempotency-Key must be 1..200 characters.")
        digest, kept = request_hash(body), self.repo.keys
        row = kept.get((scope, key))
        if row is not None and row["hash"] != digest:
            raise ValidationFailed("This Idempotency-Key was already used with a different request body.")
        if row is not None and row["status_code"] is not None:
            return Claim(stored=StoredResponse(row["status_code"], row["body"]))
        if row is not None and row.get("at", self.now()) > self.now() - stale_after:
            return Claim()  # another request holds it
        token = datetime(2000, 1, 1) + timedelta(microseconds=next(self._tokens))
        kept[(scope, key)] = {"hash": digest, "status_code": None, "body": None, "token": token, "at": self.now()}
        return Claim(token=token)

    async def release(self, *, scope: str, key: str, token: datetime) -> None:
        self.calls.record("release", scope=scope, key=key)
        row = self.repo.keys.get((scope, key))
        if row is not None and row["status_code"] is None and row.get("token") == token:
            del self.repo.keys[(scope, key)]


class _WatchedCalls(Calls):
    def __init__(self, clients: FakeOrderClients) -> None:
        super().__init__()
        self._clients = clients

    def record(self, name: str, **kwargs: Any) -> None:
        uow = self._clients.uow
        if uow is not None and uow.open:
            self._clients.in_transaction.append(name)
        super().record(name, **kwargs)


class FakeOrderClients:
    """OrderClients without HTTP. Every method records its arguments in `calls` (and raises what `calls.fail`
    queued for it); answers come from the attributes, which a test sets."""

    def __init__(self, *, cart: Cart | None = None, quote: Quote | None = None,
                 coupon: CouponResult | None = None) -> None:
        self.cart_answer = cart or cart_of(line("SKU-1"))
        self.quote_answer = quote if quote is not None else Quote(700, "USD", 3)
        self.coupon_answer = coupon or CouponResult(0, {})
        self.addresses: dict[str, dict[str, Any]] = {}
        self.commit_status: dict[str, str] = {}  # reservation id → what commit answers (default "committed")
        self.reserved: list[Reservation] = []
        self.uow: FakeUnitOfWork | None = None  # when set: `in_transaction` names each call made while it was open
        self.in_transaction: list[str] = []
        self.calls = _WatchedCalls(self)

    async def cart(self, user_id: str) -> Cart:
        self.calls.record("cart", user_id=user_id)
        return self.cart_answer

    async def checked_out(self, user_id: str, order_no: str, lines: list[tuple[str, int]]) -> None:
        self.calls.record("checked_out", user_id=user_id, order_no=order_no, lines=lines)

    async def evaluate_coupon(self, *, code: str, user_id: str, currency: str,
                              items: list[dict[str, Any]]) -> CouponResult:
        self.calls.record("evaluate_coupon", code=code, user_id=user_id, currency=currency, items=items)
        return self.coupon_answer

    async def redeem_coupon(self, *, code: str, user_id: str, order_no: str, discount_minor: int,
                            currency: str) -> None:
        self.calls.record("redeem_coupon", code=code, user_id=user_id, order_no=order_no,
                          discount_minor=discount_minor, currency=currency)

    async def release_coupon(self, order_no: str) -> None:
        self.calls.record("release_coupon", order_no=order_no)

    async def address(self, user_id: str, address_id: str) -> dict[str, Any]:
        self.calls.record("address", user_id=user_id, address_id=address_id)
        return self.addresses[address_id]

    async def shipping_quote(self, *, items: list[dict[str, Any]], country: str, postal_code: str | None,
                             service_level: str) -> Quote | None:
        self.calls.record("shipping_quote", items=items, country=country, postal_code=postal_code,
                          service_level=service_level)
        return self.quote_answer

    async def reserve(self, *, order_no: str, lines: list[tuple[str, int]], ttl_minutes: int) -> Reservation:
        self.calls.record("reserve", order_no=order_no, lines=lines, ttl_minutes=ttl_minutes)
        reservation = Reservation(new_id_str(), utcnow() + timedelta(minutes=ttl_minutes))
        self.reserved.append(reservation)
        return reservation

    async def commit_reservation(self, reservation_id: str) -> str:
        self.calls.record("commit_reservation", reservation_id=reservation_id)
        return self.commit_status.get(reservation_id, "committed")

    async def release_reservation(self, reservation_id: str) -> None:
        self.calls.record("release_reservation", reservation_id=reservation_id)


def line(sku: str, *, vendor_id: str = VENDOR_A, qty: int = 1, price_minor: int = 1000, currency: str = "USD",
         **extra: Any) -> CartLine:
    return CartLine(sku=sku, vendor_id=vendor_id, qty=qty, price_minor=price_minor, currency=currency,
                    product_id=new_id_str(), title=sku.title(), **extra)


def cart_of(*lines: CartLine, coupon_code: str | None = None, currency: str = "USD") -> Cart:
    return Cart(user_id=USER, items=list(lines), coupon_code=coupon_code, currency=currency)


def placed_order(*, status: str = "unfulfilled", payment_status: str = "pending", order_no: str = "MKT-00000042",
                 items: list[tuple[str, str, int, int]] | None = None, coupon_code: str | None = None,
                 reservation_id: str | None = "0190a000-0000-7000-8000-000000000071",
                 fraud_hold: bool = False, created_at: datetime | None = None,
                 expires_at: datetime | None = None) -> Order:
    """An order as checkout leaves it (then moved to `status`): items are (sku, vendor_id, qty, price_minor)."""
    order_id = new_id_str()
    now = created_at or utcnow()
    rows = [OrderItem(order_id=order_id, sku=sku, product_id=new_id_str(), vendor_id=vendor, title=sku, qty=qty,
                      price_minor=price, line_total_minor=qty * price, discount_minor=0, category_ids=[],
                      status="pending", returned_qty=0)
            for sku, vendor, qty, price in (items or [("SKU-1", VENDOR_A, 2, 1000)])]
    subtotal = sum(i.line_total_minor for i in rows)
    vendors = sorted({i.vendor_id for i in rows})
    splits = [VendorSplitRow(order_id=order_id, vendor_id=v, items_subtotal_minor=sum(
        i.line_total_minor for i in rows if i.vendor_id == v), discount_minor=0, gross_minor=sum(
        i.line_total_minor for i in rows if i.vendor_id == v), commission_minor=0, net_minor=sum(
        i.line_total_minor for i in rows if i.vendor_id == v), shipping_minor=0, tax_minor=0,
        commission_type="percent", commission_value=0) for v in vendors]
    return Order(id=order_id, order_no=order_no, user_id=USER, status=status, payment_status=payment_status,
                 currency="USD", subtotal_minor=subtotal, discount_minor=0, shipping_minor=0, tax_minor=0,
                 total_minor=subtotal, refunded_minor=0, coupon_code=coupon_code, shipping_method="standard",
                 shipping_address=dict(ADDRESS), reservation_id=reservation_id, fraud_hold=fraud_hold,
                 created_at=now, updated_at=now, expires_at=expires_at or now + timedelta(minutes=15),
                 paid_at=now if payment_status in ("paid", "partial", "refunded") else None,
                 items=rows, splits=splits, timeline=[])


def world(*orders: Order, **client_args: Any) -> tuple[FakeUnitOfWork, FakeOrderRepository, FakeOrderClients]:
    """A unit of work over a repository holding `orders`, and fake clients."""
    repo = FakeOrderRepository()
    repo.put(*orders)
    return FakeUnitOfWork({OrderRepository: repo}), repo, FakeOrderClients(**client_args)
