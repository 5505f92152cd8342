"""Typed calls to the services checkout depends on (cart, coupons, profiles, shipping, inventory), over
kernel.service_client. Their 4xx answers become this service's own errors, so a refusal elsewhere is a clear
4xx here and never a 500; unreachable services are 503 (ServiceUnavailable) from the kernel."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

import httpx
import structlog
from pydantic import Field, ValidationError

from apps.orders.exceptions import (
    CouponExhausted,
    EmptyCart,
    InsufficientStock,
    InvalidAddress,
    InvalidCart,
    InvalidCoupon,
    ShippingUnavailable,
)
from kernel.api_model import CamelModel
from kernel.errors import DomainError, ServiceUnavailable
from kernel.service_client import ServiceClients

log = structlog.get_logger("orders.clients")
# The coupons service's reasons for a coupon whose uses are gone: a 409 like a lost redeem race, not a 422.
EXHAUSTED = ("usage_limit_reached", "per_user_limit_reached")


class CartLine(CamelModel):  # another service's answer: fields added there later are ignored here
    sku: str = Field(min_length=1, max_length=64)
    product_id: str | None = Field(None, max_length=64)
    vendor_id: str = Field(min_length=1, max_length=64)
    title: str | None = Field(None, max_length=300)
    qty: int = Field(ge=1, le=10_000, strict=True)
    price_minor: int = Field(ge=0, le=10**13, strict=True)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    category_ids: list[str] = Field(default_factory=list)
    weight_grams: int | None = Field(None, ge=0)
    purchasable: bool | None = None  # the cart's view of the product and vendor status right now


class Cart(CamelModel):
    user_id: str
    items: list[CartLine] = Field(default_factory=list)
    coupon_code: str | None = None
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")


@dataclass(frozen=True)
class CouponResult:
    discount_minor: int
    allocations: dict[str, int]


@dataclass(frozen=True)
class Quote:
    amount_minor: int
    currency: str
    eta_days: int | None
    fallback: bool = False


@dataclass(frozen=True)
class Reservation:
    id: str
    expires_at: datetime


def _problem(resp: httpx.Response) -> dict[str, Any]:
    try:
        body = resp.json()
        return body if isinstance(body, dict) else {}
    except ValueError:
        return {}


def _fail(resp: httpx.Response, service: str) -> DomainError:
    """A non-mapped answer: 5xx is the other service's outage (503 here), anything else its refusal."""
    detail = str(_problem(resp).get("detail") or resp.text[:200])
    if resp.status_code >= 500:
        return ServiceUnavailable(f"The {service} service failed: {detail}")
    return InvalidCart(f"The {service} service refused the request ({resp.status_code}): {detail}")


class OrderClients:
    def __init__(self, clients: ServiceClients) -> None:
        self._c = clients

    async def cart(self, user_id: str) -> Cart:
        resp = await self._c.request("cart", "GET", f"/internal/v1/carts/{user_id}")
        if resp.status_code == 404:
            raise EmptyCart("Your cart is empty.")
        if resp.status_code != 200:
            raise _fail(resp, "cart")
        try:
            return Cart.model_validate(resp.json())
        except (ValidationError, ValueError) as exc:
            raise InvalidCart(f"The cart cannot be ordered: {str(exc)[:300]}") from None

    async def checked_out(self, user_id: str, order_no: str, lines: list[tuple[str, int]]) -> None:
        """Only the ordered lines leave the cart: an item added while the order was placed stays."""
        resp = await self._c.request("cart", "POST", f"/internal/v1/carts/{user_id}/checked-out",
                                     json={"orderNo": order_no, "items": [{"sku": s, "qty": q} for s, q in lines]})
        if resp.status_code >= 300:
            raise _fail(resp, "cart")

    async def evaluate_coupon(self, *, code: str, user_id: str, currency: str,
                              items: list[dict[str, Any]]) -> CouponResult:
        resp = await self._c.request("coupons", "POST", "/internal/v1/coupons/evaluate",
                                     json={"code": code, "userId": user_id, "items": items, "currency": currency})
        if resp.status_code in (404, 422):
            raise InvalidCoupon(f"Coupon {code!r} cannot be used: {_problem(resp).get('detail', resp.status_code)}")
        if resp.status_code != 200:
            raise _fail(resp, "coupons")
        body = resp.json()
        if body.get("reason") in EXHAUSTED:
            raise CouponExhausted(f"Coupon {code!r} has no uses left: {body.get('message') or body['reason']}")
        if not body.get("valid"):
            raise InvalidCoupon(f"Coupon {code!r} no longer applies: {body.get('message') or body.get('reason')}.",
                                errors=[{"field": "couponCode", "message": str(body.get("reason"))}])
        allocations = {str(a["sku"]): int(a["discountMinor"]) for a in body.get("allocations") or []}
        return CouponResult(int(body["discountMinor"]), allocations)

    async def redeem_coupon(self, *, code: str, user_id: str, order_no: str, discount_minor: int,
                            currency: str) -> None:
        resp = await self._c.request("coupons", "POST", "/internal/v1/coupons/redeem", json={
            "code": code, "userId": user_id, "orderNo": order_no, "discountMinor": discount_minor,
            "currency": currency})
        if resp.status_code == 409:
            raise CouponExhausted(f"Coupon {code!r} has no uses left: {_problem(resp).get('detail', '')}")
        if resp.status_code in (404, 422):
            raise InvalidCoupon(f"Coupon {code!r} cannot be used: {_problem(resp).get('detail', '')}")
        if resp.status_code >= 300:
            raise _fail(resp, "coupons")

    async def release_coupon(self, order_no: str) -> None:
        resp = await self._c.request("coupons", "POST", "/internal/v1/coupons/release", json={"orderNo": order_no})
        if resp.status_code >= 300 and resp.status_code != 404:
            raise _fail(resp, "coupons")

    async def address(self, user_id: str, address_id: str) -> dict[str, Any]:
        resp = await self._c.request("profiles", "GET",
                                     f"/internal/v1/users/{user_id}/addresses/{quote(address_id, safe='')}")
        if resp.status_code in (404, 422):
            raise InvalidAddress("No such address in your address book.",
                                 errors=[{"field": "shippingAddressId", "message": "unknown address"}])
        if resp.status_code != 200:
            raise _fail(resp, "profiles")
        return resp.json()

    async def shipping_quote(self, *, items: list[dict[str, Any]], country: str, postal_code: str | None,
                             service_level: str) -> Quote | None:
        """None when the shipping service is not deployed (the caller then uses the flat fallback)."""
        try:
            resp = await self._c.request("shipping", "POST", "/internal/v1/shipping/quote", json={
                "items": items, "destination": {"country": country, "postalCode": postal_code},
                "serviceLevel": service_level})
        except ServiceUnavailable:
            return None
        if resp.status_code in (404, 405) and _problem(resp).get("detail") in ("Not Found", "Method Not Allowed"):
            return None  # FastAPI's own answer: the route itself is missing (an older shipping service)
        if resp.status_code in (404, 409, 422):
            raise ShippingUnavailable(f"Cannot ship there: {_problem(resp).get('detail', resp.status_code)}")
        if resp.status_code != 200:
            raise _fail(resp, "shipping")
        body = resp.json()
        return Quote(int(body["amountMinor"]), str(body["currency"]), body.get("etaDays"))

    async def reserve(self, *, order_no: str, lines: list[tuple[str, int]], ttl_minutes: int) -> Reservation:
        resp = await self._c.request("inventory", "POST", "/internal/v1/reservations", json={
            "reference": order_no, "items": [{"sku": s, "qty": q} for s, q in lines], "ttlMinutes": ttl_minutes})
        if resp.status_code == 409:
            problem = _problem(resp)
            raise InsufficientStock(str(problem.get("detail") or "Not enough stock; nothing was reserved."),
                                    errors=problem.get("errors") or [])
        if resp.status_code in (404, 422):
            raise InvalidCart(f"Some items cannot be reserved: {_problem(resp).get('detail', '')}")
        if resp.status_code != 201:
            raise _fail(resp, "inventory")
        body = resp.json()
        return Reservation(str(body["reservationId"]), datetime.fromisoformat(body["expiresAt"]))

    async def commit_reservation(self, reservation_id: str) -> str:
        """Returns the reservation's status after the call ("committed", or "expired"/"released" if too late)."""
        resp = await self._c.request("inventory", "POST", f"/internal/v1/reservations/{reservation_id}/commit")
        if resp.status_code == 409:  # too late: inventory says why in errors[0].status
            errors = resp.json().get("errors") or [{}]
            status = str(errors[0].get("status") or "")
            if status in ("expired", "released"):
                return status
        if resp.status_code != 200:
            raise _fail(resp, "inventory")
        return str(resp.json()["status"])

    async def release_reservation(self, reservation_id: str) -> None:
        resp = await self._c.request("inventory", "POST", f"/internal/v1/reservations/{reservation_id}/release")
        if resp.status_code != 200 and resp.status_code != 404:
            raise _fail(resp, "inventory")
