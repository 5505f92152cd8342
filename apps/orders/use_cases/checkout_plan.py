"""Everything checkout must know before it changes anything elsewhere: the cart's lines, the vendors may sell,
the address, the shipping quote, the coupon's discount, the totals, the vendor splits and the order's number.

No transaction stays open across a call to another service: the only database step, the vendor projection and
the number (a sequence: gaps are fine), is one short read of its own between the cart call and the others.

Prices: the cart's captured unit prices are authoritative (the cart took them from the catalog when the shopper
added the item, and the shopper saw them in the summary); orders checks them for shape, currency and bounds and
computes the same totals with the shared pricing package, so the order equals the cart summary to the minor unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.orders import domain, projections, splits
from apps.orders.clients import Cart, OrderClients, Quote
from apps.orders.config import OrdersSettings
from apps.orders.exceptions import EmptyCart, InvalidCart, VendorUnavailable
from apps.orders.repository import OrderRepository
from apps.orders.schemas import OrderCreate
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork
from pricing import CheckoutTotals, checkout_totals


@dataclass(frozen=True)
class Plan:
    cart: Cart
    lines: list[splits.Line]
    address: dict[str, Any]
    quote: Quote
    coupon_code: str | None
    discounts: dict[str, int]
    totals: CheckoutTotals
    splits: list[splits.VendorSplit]
    order_no: str  # taken now: coupons and inventory know the order by it before it is written


def cart_lines(cart: Cart, settings: OrdersSettings) -> list[splits.Line]:
    if not cart.items:
        raise EmptyCart("Your cart is empty.")
    if len(cart.items) > settings.max_items_per_order:
        raise InvalidCart(f"An order holds at most {settings.max_items_per_order} different items.")
    if len({i.sku for i in cart.items}) != len(cart.items):
        raise InvalidCart("The cart lists a SKU twice.")
    wrong = sorted({i.currency for i in cart.items} - {cart.currency})
    if wrong:
        raise InvalidCart(f"Every item must be priced in {cart.currency}; found {', '.join(wrong)}.")
    if not all(is_uuid(i.vendor_id) for i in cart.items):
        raise InvalidCart("An item has no valid vendor.")
    if gone := sorted(i.sku for i in cart.items if i.purchasable is False):
        raise InvalidCart("Some items are no longer for sale; remove them from the cart.",
                          errors=[{"field": "items", "message": f"{sku} is not for sale"} for sku in gone])
    return [splits.Line(sku=i.sku, vendor_id=i.vendor_id, qty=i.qty, price_minor=i.price_minor)
            for i in sorted(cart.items, key=lambda i: i.sku)]


async def resolve_address(clients: OrderClients, user_id: str, cmd: OrderCreate) -> dict[str, Any]:
    """A snapshot: later edits of the address book never change where an order ships."""
    if cmd.shipping_address is not None:
        return cmd.shipping_address.model_dump(by_alias=True)
    found = await clients.address(user_id, str(cmd.shipping_address_id))
    keys = ("label", "line1", "line2", "city", "state", "postalCode", "country")
    return {"addressId": found.get("id"), **{k: found.get(k) for k in keys}}


async def shipping_quote(clients: OrderClients, settings: OrdersSettings, cart: Cart, address: dict[str, Any],
                         method: str) -> Quote:
    items = [{"sku": i.sku, "vendorId": i.vendor_id, "productId": i.product_id, "qty": i.qty,
              "weightGrams": i.weight_grams} for i in cart.items]
    quote = await clients.shipping_quote(items=items, country=address["country"],
                                         postal_code=address.get("postalCode"), service_level=method)
    if quote is None and settings.shipping_fallback_enabled:
        # Shipping not deployed: the flat per-level rate (same settings numbers as the cart's summary).
        return Quote(settings.shipping_fallback_minor, cart.currency, settings.shipping_fallback_eta_days,
                     fallback=True)
    if quote is None:
        raise InvalidCart("Shipping cannot be quoted right now.")
    if quote.currency != cart.currency:
        raise InvalidCart(f"Shipping is quoted in {quote.currency}, the cart in {cart.currency}.")
    return quote


async def build_plan(*, uow: UnitOfWork, clients: OrderClients, settings: OrdersSettings, user_id: str,
                     cmd: OrderCreate) -> Plan:
    cart = await clients.cart(user_id)
    lines = cart_lines(cart, settings)
    async with uow.reading():  # a short read, closed before the next remote call
        vendors = await projections.load(uow, {line.vendor_id for line in lines})
        number = await uow.repository(OrderRepository).next_order_number()
    if blocked := projections.not_selling(vendors):
        raise VendorUnavailable("Some items come from vendors that are not selling right now.",
                                errors=[{"field": "items", "message": f"vendor {v} is not active"} for v in blocked])
    address = await resolve_address(clients, user_id, cmd)
    quote = await shipping_quote(clients, settings, cart, address, cmd.shipping_method)
    subtotal = sum(line.total_minor for line in lines)
    discount, allocations = 0, None
    if cart.coupon_code:
        result = await clients.evaluate_coupon(code=cart.coupon_code, user_id=user_id, currency=cart.currency,
                                               items=_coupon_items(cart))
        discount, allocations = min(result.discount_minor, subtotal), result.allocations
    discounts = splits.line_discounts(lines, discount, allocations)
    totals = checkout_totals(subtotal_minor=subtotal, discount_minor=discount, shipping_minor=quote.amount_minor,
                             tax_rate_bps=settings.tax_rate_bps, currency=cart.currency)
    default = splits.Commission("percent", settings.default_commission_bps)
    vendor_splits = splits.vendor_splits(lines, discounts=discounts, shipping_minor=totals.shipping_minor,
                                         tax_minor=totals.tax_minor, commissions=projections.commissions(vendors),
                                         default=default, currency=cart.currency)
    return Plan(cart=cart, lines=lines, address=address, quote=quote, coupon_code=cart.coupon_code,
                discounts=discounts, totals=totals, splits=vendor_splits,
                order_no=domain.format_order_no(settings.order_no_prefix, number, settings.order_no_digits))


def _coupon_items(cart: Cart) -> list[dict[str, Any]]:
    return [{"sku": i.sku, "productId": i.product_id, "vendorId": i.vendor_id, "categoryIds": i.category_ids,
             "qty": i.qty, "priceMinor": i.price_minor} for i in cart.items]
