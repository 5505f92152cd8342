"""Cart rules, pure: what may be added, how many, and the cart document both PostgreSQL and Redis serve.

A line's price is captured when the SKU first enters the cart; adding more of it, or changing its quantity, keeps
that price (the shopper sees no surprise). Removing the line and adding it again captures the current price.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ACTIVE = "active"


class CartRuleViolation(ValueError):
    """`kind`: qty | lines | currency — the router maps each to its status."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def purchasable(product_status: str | None, vendor_status: str | None) -> bool:
    """Only an active product of an active vendor can be bought (unknown vendor = not yet approved)."""
    return product_status == ACTIVE and vendor_status == ACTIVE


def check_qty(qty: int, max_qty: int) -> None:
    if not 1 <= qty <= max_qty:
        raise CartRuleViolation("qty", f"A line holds 1..{max_qty} units; this change would make it {qty}.")


def check_new_line(line_count: int, max_lines: int) -> None:
    if line_count >= max_lines:
        raise CartRuleViolation("lines", f"A cart holds at most {max_lines} different items.")


def check_currency(cart_currency: str | None, item_currency: str, has_items: bool) -> None:
    """One currency per cart (and so per order); an empty cart takes the first item's."""
    if has_items and cart_currency and cart_currency != item_currency:
        raise CartRuleViolation("currency", f"This cart is in {cart_currency}; the item is priced in "
                                            f"{item_currency}. Check out or empty the cart first.")


def check_stock(qty: int, available: int) -> bool:
    return qty <= available


def subtotal_minor(items: list[dict[str, Any]]) -> int:
    return sum(int(i["qty"]) * int(i["priceMinor"]) for i in items)


@dataclass(frozen=True)
class QtyChange:
    """How a quantity change reads as clickstream: units added or removed."""

    event_type: str | None
    delta: int

    @classmethod
    def between(cls, old: int, new: int) -> "QtyChange":
        if new > old:
            return cls("cart.item_added", new - old)
        if new < old:
            return cls("cart.item_removed", old - new)
        return cls(None, 0)


def view(doc: dict[str, Any]) -> dict[str, Any]:
    """The public cart: the document plus line totals and the subtotal, computed on read (never cached)."""
    items = [{**i, "lineTotalMinor": int(i["qty"]) * int(i["priceMinor"])} for i in doc["items"]]
    return {**doc, "items": items, "subtotalMinor": subtotal_minor(doc["items"]),
            "itemCount": sum(int(i["qty"]) for i in doc["items"])}
