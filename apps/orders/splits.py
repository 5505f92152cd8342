"""Pure money arithmetic of an order: per-line discount, per-vendor gross, commission and net, and the shipping
and tax shares. Integer minor units only; every split reconciles exactly:
    sum(line discounts) == discount, sum(vendor gross) == subtotal - discount, net == gross - commission,
    sum(vendor shipping) == shipping, sum(vendor tax) == tax.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from kernel.money import allocate

BPS = 10_000


@dataclass(frozen=True)
class Line:
    sku: str
    vendor_id: str
    qty: int
    price_minor: int

    @property
    def total_minor(self) -> int:
        return self.qty * self.price_minor


@dataclass(frozen=True)
class Commission:
    """percent: `value` in basis points of the vendor's gross (after its discount share); fixed: `value` minor
    units per vendor per order, never more than that vendor's gross."""

    type: str
    value: int

    def of(self, gross_minor: int) -> int:
        if self.type == "fixed":
            return max(0, min(self.value, gross_minor))
        share = (Decimal(gross_minor) * Decimal(self.value) / BPS).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return max(0, min(int(share), gross_minor))


@dataclass(frozen=True)
class VendorSplit:
    vendor_id: str
    items_subtotal_minor: int
    discount_minor: int
    gross_minor: int
    commission_minor: int
    net_minor: int
    shipping_minor: int
    tax_minor: int
    commission: Commission


def line_discounts(lines: Sequence[Line], discount_minor: int,
                   allocations: Mapping[str, int] | None = None) -> dict[str, int]:
    """Each line's share of the discount: the coupon's own per-SKU allocation when it adds up (scoped coupons
    discount only some lines), otherwise proportional to line totals."""
    if allocations and _allocations_fit(lines, discount_minor, allocations):
        return {line.sku: int(allocations.get(line.sku, 0)) for line in lines}
    shares = allocate(discount_minor, [line.total_minor for line in lines])
    return {line.sku: share for line, share in zip(lines, shares)}


def _allocations_fit(lines: Sequence[Line], discount_minor: int, allocations: Mapping[str, int]) -> bool:
    by_sku = {line.sku: line for line in lines}
    if any(sku not in by_sku for sku in allocations):
        return False
    ok = all(isinstance(v, int) and 0 <= v <= by_sku[sku].total_minor for sku, v in allocations.items())
    return ok and sum(allocations.values()) == discount_minor


def vendor_splits(lines: Sequence[Line], *, discounts: Mapping[str, int], shipping_minor: int, tax_minor: int,
                  commissions: Mapping[str, Commission], default: Commission,
                  currency: str = "USD") -> list[VendorSplit]:
    """One split per vendor, in vendor id order (stable output for events and tests)."""
    vendors = sorted({line.vendor_id for line in lines})
    subtotal = {v: sum(line.total_minor for line in lines if line.vendor_id == v) for v in vendors}
    discount = {v: sum(discounts.get(line.sku, 0) for line in lines if line.vendor_id == v) for v in vendors}
    gross = [subtotal[v] - discount[v] for v in vendors]
    weights = gross if sum(gross) > 0 else [subtotal[v] for v in vendors]
    shipping = allocate(shipping_minor, weights)
    tax = allocate(tax_minor, weights)
    out = []
    for i, vendor in enumerate(vendors):
        rule = commissions.get(vendor, default)
        commission = rule.of(gross[i])
        out.append(VendorSplit(vendor_id=vendor, items_subtotal_minor=subtotal[vendor],
                               discount_minor=discount[vendor], gross_minor=gross[i], commission_minor=commission,
                               net_minor=gross[i] - commission, shipping_minor=shipping[i], tax_minor=tax[i],
                               commission=rule))
    return out
