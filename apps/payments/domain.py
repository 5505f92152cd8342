"""Pure money rules of the payments service: provider fees, vendor earnings, refund shares, payout allocation and
the payout state machine. Everything is integer minor units; every split sums exactly to what it splits.

Earnings (from order.paid): each vendor's gross and commission come from the order's vendorSplits. The provider's
fee for the order (PAYMENT_FEE_BPS of the total, banker's rounding, + PAYMENT_FEE_FIXED_MINOR) is charged to the
vendors in proportion to their gross (largest remainder, so the parts sum to the fee). net = gross − commission −
fees. Shipping and tax stay with the marketplace, which buys the labels and remits the tax.

Refunds reduce earnings by this rule:
1. The refund amount R is split between the vendors and the marketplace ("house"):
   - with items: each vendor's weight is the value of its refunded items (line total − line discount, per unit,
     × refunded qty). If R is at most the items' value, R is split by those weights; beyond it, every vendor
     takes exactly its items' value and the excess (shipping, tax) is the house's.
   - without items: the weights are each vendor's original gross plus the house's part of the order (total −
     Σ gross), so a refund of the whole total takes exactly each vendor's gross.
2. No vendor's share exceeds the gross it still has; what cannot be placed on vendors is the house's.
3. A refund that makes the payment fully refunded takes every vendor's remaining gross (nothing is left to pay).
A vendor's refunded share lowers its gross; its commission and fees shrink in the same proportion (the
marketplace gives its commission back, and the fee share follows the gross), and net = gross − commission − fees.
So a full refund leaves every earning at zero and partial refunds never push net below zero unless the original
commission + fees already exceeded the gross.
"""
from __future__ import annotations

from dataclasses import dataclass

from kernel.money import allocate, divide_half_even

BPS = 10_000
HOUSE = "__house__"
PAYOUT_TRANSITIONS: dict[str, frozenset[str]] = {
    "requested": frozenset({"processing", "paid", "failed"}),
    "processing": frozenset({"paid", "failed"}),
    "paid": frozenset(),
    "failed": frozenset(),
}


def provider_fee(total_minor: int, *, fee_bps: int, fixed_minor: int) -> int:
    """What the provider keeps of a captured payment; nothing for a zero-amount order."""
    if total_minor <= 0:
        return 0
    return divide_half_even(total_minor * fee_bps, BPS) + fixed_minor


@dataclass(frozen=True)
class VendorSplit:
    vendor_id: str
    gross_minor: int
    commission_minor: int


@dataclass(frozen=True)
class Figures:
    gross_minor: int
    commission_minor: int
    fees_minor: int

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.commission_minor - self.fees_minor


def vendor_earnings(splits: list[VendorSplit], *, fees_minor: int) -> dict[str, Figures]:
    """Each vendor's figures for one order, the order's provider fee shared by gross."""
    fees = allocate(fees_minor, [max(s.gross_minor, 0) for s in splits])
    return {s.vendor_id: Figures(s.gross_minor, s.commission_minor, fee) for s, fee in zip(splits, fees)}


def remaining_figures(original: Figures, refunded_gross: int) -> Figures:
    """An earning's figures after `refunded_gross` of its gross went back to the shopper."""
    if original.gross_minor <= 0:
        return original
    left = original.gross_minor - min(max(refunded_gross, 0), original.gross_minor)
    return Figures(left, divide_half_even(original.commission_minor * left, original.gross_minor),
                   divide_half_even(original.fees_minor * left, original.gross_minor))


def refund_shares(amount: int, *, weights: dict[str, int], remaining_gross: dict[str, int],
                  house_weight: int = 0, full: bool = False) -> dict[str, int]:
    """How much of a refund each vendor bears (rule above); the HOUSE key holds the marketplace's part."""
    if full:
        shares = {v: max(g, 0) for v, g in remaining_gross.items()}
        return {**shares, HOUSE: amount - sum(shares.values())}
    vendors = sorted(weights)
    items_value = sum(weights[v] for v in vendors)
    if house_weight == 0 and items_value and amount >= items_value:
        raw = {v: weights[v] for v in vendors}
    else:
        split = allocate(amount, [weights[v] for v in vendors] + [max(house_weight, 0)])
        raw = dict(zip(vendors, split[:-1]))
    shares = {v: min(raw.get(v, 0), max(remaining_gross.get(v, 0), 0)) for v in vendors}
    return {**shares, HOUSE: amount - sum(shares.values())}


def allocate_payout(amount: int, available: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Cover `amount` from earnings oldest first; each (earning id, amount still payable) in that order."""
    taken: list[tuple[str, int]] = []
    left = amount
    for earning_id, payable in available:
        if left <= 0:
            break
        take = min(left, payable)
        if take > 0:
            taken.append((earning_id, take))
            left -= take
    if left > 0:
        raise ValueError("amount exceeds what the earnings cover")
    return taken


def can_transition(current: str, target: str) -> bool:
    return target in PAYOUT_TRANSITIONS.get(current, frozenset())


def earning_status_after_payment(net_minor: int, paid_minor: int) -> str:
    """An eligible earning becomes paid once payouts settled all of its net."""
    return "paid" if paid_minor >= net_minor else "eligible"
