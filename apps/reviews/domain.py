"""Pure review rules: who is a verified purchaser, the purchase status a new order event leads to, moderation
transitions and the rating arithmetic."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

REVIEWABLE = frozenset({"paid", "delivered"})
_RANK = {"pending": 0, "paid": 1, "delivered": 2}


class RuleViolation(ValueError):
    pass


def next_purchase_status(current: str | None, incoming: str) -> str:
    """Order events only move a purchase forward; a cancellation ends anything not yet delivered, and a
    delivered order stays delivered (a late-arriving or replayed event never demotes it)."""
    if current is None:
        return incoming
    if current == "cancelled" or incoming == "cancelled":
        return "delivered" if current == "delivered" else "cancelled"
    return incoming if _RANK[incoming] > _RANK[current] else current


def is_verified_purchase(*, status: str | None, owner_id: str | None, product_ids: set[str], user_id: str,
                         product_id: str) -> bool:
    return status in REVIEWABLE and owner_id == user_id and product_id in product_ids


def moderate(current: str, approve: bool) -> str:
    new = "approved" if approve else "rejected"
    if new == current:
        raise RuleViolation(f"The review is already {current}.")
    return new


@dataclass(frozen=True)
class RatingStats:
    total: int
    count: int

    @property
    def average(self) -> float | None:
        """Two decimals, half-even, computed in Decimal so 4.445 never becomes 4.44 through float error."""
        if self.count == 0:
            return None
        return float((Decimal(self.total) / self.count).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN))

    def moved(self, rating: int, *, was_approved: bool, is_approved: bool) -> "RatingStats":
        if was_approved == is_approved:
            return self
        sign = 1 if is_approved else -1
        return RatingStats(self.total + sign * rating, self.count + sign)
