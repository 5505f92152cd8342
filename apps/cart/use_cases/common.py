"""What the cart's use cases share: the shopper's cart locked for a change, its clock, a domain rule turned into its problem."""
from __future__ import annotations

from datetime import datetime

from apps.cart import domain
from apps.cart.exceptions import CartFull, CurrencyMismatch, InvalidQuantity
from apps.cart.orm import Cart
from apps.cart.repository import CartRepository
from kernel.uow import UnitOfWork


_RULE_ERRORS = {"qty": InvalidQuantity, "lines": CartFull, "currency": CurrencyMismatch}


def _rule(check, *args) -> None:
    try:
        check(*args)
    except domain.CartRuleViolation as exc:
        raise _RULE_ERRORS[exc.kind](str(exc)) from None


async def lock_cart(uow: UnitOfWork, user_id: str) -> Cart:
    """The shopper's cart row, created empty if missing, locked until the unit of work ends."""
    return await uow.repository(CartRepository).lock_cart(user_id)


def touch(cart: Cart, at: datetime) -> None:
    cart.version += 1
    cart.updated_at = at
    if not cart.items:
        cart.currency = None  # an empty cart takes the next item's currency
