"""Checkout arithmetic shared by cart (the summary a shopper sees) and orders (the totals it charges); the
package docstring says why it is shared and how it is versioned.

Both services call `checkout_totals` with the same inputs, so an order's totals equal the cart summary to the
minor unit. Rules, all in integer minor units:
- tax base = subtotal - discount (goods after discount); shipping is not taxed;
- tax = tax base * rate_bps / 10_000 (cart and orders read TAX_RATE_BPS), banker's rounding (half to even) to
  the minor unit;
- a rate of 0 (TAX_RATE_BPS' default) means prices are tax-inclusive: no tax line is added;
- total = subtotal - discount + shipping + tax.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from pydantic import BaseModel, ConfigDict, Field, model_validator

BPS = 10_000
MAX_TAX_RATE_BPS = BPS  # 100 %: anything above is a configuration mistake


def _whole(value: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int in minor units, never a float")
    return value


def tax_minor(taxable_minor: int, rate_bps: int) -> int:
    """Tax on `taxable_minor` at `rate_bps` basis points (825 = 8.25 %), rounded half to even."""
    _whole(taxable_minor, "taxable_minor")
    _whole(rate_bps, "rate_bps")
    if taxable_minor < 0:
        raise ValueError("taxable_minor must not be negative")
    if not 0 <= rate_bps <= MAX_TAX_RATE_BPS:
        raise ValueError(f"rate_bps must be within 0..{MAX_TAX_RATE_BPS}")
    exact = Decimal(taxable_minor) * Decimal(rate_bps) / Decimal(BPS)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


class CheckoutTotals(BaseModel):
    """Totals of one checkout. Build with either spelling (`subtotalMinor=` or `subtotal_minor=`);
    `to_api()` gives the camelCase JSON of API.md."""

    model_config = ConfigDict(populate_by_name=True, frozen=True, extra="forbid")

    subtotal_minor: int = Field(alias="subtotalMinor", ge=0, strict=True)
    discount_minor: int = Field(alias="discountMinor", ge=0, strict=True)
    shipping_minor: int = Field(alias="shippingMinor", ge=0, strict=True)
    tax_minor: int = Field(alias="taxMinor", ge=0, strict=True)
    total_minor: int = Field(alias="totalMinor", ge=0, strict=True)
    currency: str = Field(pattern=r"^[A-Z]{3}$")

    @model_validator(mode="after")
    def _consistent(self) -> "CheckoutTotals":
        if self.discount_minor > self.subtotal_minor:
            raise ValueError("discount cannot exceed the subtotal")
        expected = self.subtotal_minor - self.discount_minor + self.shipping_minor + self.tax_minor
        if self.total_minor != expected:
            raise ValueError(f"total must be subtotal - discount + shipping + tax = {expected}")
        return self

    def to_api(self) -> dict[str, int | str]:
        return self.model_dump(by_alias=True)


def checkout_totals(*, subtotal_minor: int, discount_minor: int, shipping_minor: int, tax_rate_bps: int,
                    currency: str) -> CheckoutTotals:
    """The one way to compute totals; a discount larger than the subtotal is refused, not clipped, so a caller's
    bug surfaces instead of a silently different total."""
    for name, value in (("subtotal_minor", subtotal_minor), ("discount_minor", discount_minor),
                        ("shipping_minor", shipping_minor)):
        if _whole(value, name) < 0:
            raise ValueError(f"{name} must not be negative")
    if discount_minor > subtotal_minor:
        raise ValueError("discount cannot exceed the subtotal")
    taxable = subtotal_minor - discount_minor
    tax = tax_minor(taxable, tax_rate_bps)
    return CheckoutTotals(subtotal_minor=subtotal_minor, discount_minor=discount_minor,
                          shipping_minor=shipping_minor, tax_minor=tax,
                          total_minor=taxable + shipping_minor + tax, currency=currency)
