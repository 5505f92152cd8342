"""Money as integer minor units with an ISO currency; Decimal only at the edges. Never float."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

# ISO 4217 exponents that differ from 2.
_EXPONENT = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "BHD": 3, "KWD": 3, "OMR": 3, "JOD": 3, "TND": 3}


def exponent(currency: str) -> int:
    return _EXPONENT.get(currency.upper(), 2)


def divide_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest integer, ties to even (never float)."""
    return int((Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` into parts proportional to `weights` that sum to exactly `amount` (largest remainder; ties go
    to the earlier part). All-zero weights split evenly, so a fee or discount is never lost when every weight is
    zero (a fully discounted cart). Negative weights are refused."""
    if not weights:
        return []
    if any(w < 0 for w in weights):
        raise ValueError("weights must be non-negative")
    usable = list(weights) if sum(weights) > 0 else [1] * len(weights)
    total = sum(usable)
    shares = [amount * w // total for w in usable]
    order = sorted(range(len(usable)), key=lambda i: (-(amount * usable[i] % total), i))
    for i in order[: amount - sum(shares)]:
        shares[i] += 1
    return shares


@dataclass(frozen=True, order=True)
class Money:
    amount_minor: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int):
            raise TypeError("amount_minor must be an int (minor units), never a float")
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            raise ValueError(f"currency must be an ISO 4217 code, got {self.currency!r}")

    @classmethod
    def from_decimal(cls, amount: Decimal | str, currency: str = "USD") -> "Money":
        if isinstance(amount, float):
            raise TypeError("use Decimal or str, never float")
        quantum = Decimal(1).scaleb(-exponent(currency))
        minor = (Decimal(amount).quantize(quantum, rounding=ROUND_HALF_EVEN) / quantum).to_integral_value()
        return cls(int(minor), currency)

    def to_decimal(self) -> Decimal:
        return Decimal(self.amount_minor).scaleb(-exponent(self.currency))

    def _same(self, other: "Money") -> None:
        if other.currency != self.currency:
            raise ValueError(f"currency mismatch: {self.currency} vs {other.currency}")

    def __add__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def percent(self, pct: Decimal | str) -> "Money":
        """`pct` percent of this amount, banker's rounding to the minor unit."""
        value = (Decimal(self.amount_minor) * Decimal(pct) / 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        return Money(int(value), self.currency)

    def allocate(self, weights: Sequence[int]) -> list["Money"]:
        """Split into parts proportional to `weights` whose sum is exactly this amount (module `allocate`)."""
        return [Money(s, self.currency) for s in allocate(self.amount_minor, weights)]

    def to_api(self) -> dict[str, int | str]:
        return {"amountMinor": self.amount_minor, "currency": self.currency}
