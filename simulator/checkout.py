"""An order's money, as the services compute it: lines, per-vendor shipping, totals and vendor splits
(gross, commission at the vendor's basis points with banker's rounding, net), provider fees shared by gross."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kernel.money import allocate, divide_half_even
from simulator.population import Shopper
from simulator.world import World

BPS = 10_000
HOME_COUNTRY = "US"  # where every simulated vendor ships from
FREE_SHIPPING_FROM = 5_000  # a vendor's subtotal (minor units) from which standard domestic shipping is free
RATES = {("domestic", "standard"): (499, 5), ("domestic", "express"): (1_299, 2),
         ("international", "standard"): (1_999, 10), ("international", "express"): (3_999, 4)}
PAYMENT_FEE_BPS, PAYMENT_FEE_FIXED_MINOR = 290, 30


@dataclass
class Line:
    sku: int
    qty: int
    price: int
    product: int
    vendor: int

    @property
    def total(self) -> int:
        return self.price * self.qty


@dataclass
class OrderPlan:
    """What a shopper (genuine or not) does at checkout; the fraud truth travels with it."""

    shopper: Shopper
    at: datetime
    lines: list[Line]
    device: str
    card: tuple[str, str]  # (fingerprint, issuing country)
    city: tuple[str, str, str]  # (city, country, postal code)
    ip_country: str
    service_level: str = "standard"
    pattern: str = "legit"
    declines: int = 0  # failed payment attempts before the outcome
    pays: bool = True  # whether an attempt finally succeeds
    chargeback: bool = False

    @property
    def is_fraud(self) -> bool:
        return self.pattern != "legit"


@dataclass
class Split:
    vendor: int
    gross: int
    commission: int
    shipping: int
    commission_bps: int
    eta_days: int

    @property
    def net(self) -> int:
        return self.gross - self.commission


@dataclass
class Money:
    subtotal: int
    shipping: int
    total: int
    splits: list[Split] = field(default_factory=list)


def zone(country: str) -> str:
    return "domestic" if country == HOME_COUNTRY else "international"


def price_order(world: World, plan: OrderPlan) -> Money:
    by_vendor: dict[int, int] = {}
    for line in plan.lines:
        by_vendor[line.vendor] = by_vendor.get(line.vendor, 0) + line.total
    where = zone(plan.city[1])
    splits = []
    for v, gross in sorted(by_vendor.items()):
        amount, eta = RATES[(where, plan.service_level)]
        if where == "domestic" and plan.service_level == "standard" and gross >= FREE_SHIPPING_FROM:
            amount = 0
        bps = world.vendors[v].commission_bps
        splits.append(Split(v, gross, divide_half_even(gross * bps, BPS), amount, bps, eta))
    subtotal = sum(by_vendor.values())
    shipping = sum(s.shipping for s in splits)
    return Money(subtotal, shipping, subtotal + shipping, splits)


def provider_fee(total: int) -> int:
    return divide_half_even(total * PAYMENT_FEE_BPS, BPS) + PAYMENT_FEE_FIXED_MINOR if total > 0 else 0


def vendor_fees(money: Money) -> list[int]:
    return allocate(provider_fee(money.total), [max(s.gross, 0) for s in money.splits])
