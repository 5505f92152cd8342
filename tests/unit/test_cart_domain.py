"""apps.cart.domain: what may be added, how many, and the public view of a cart document."""
from __future__ import annotations

import pytest

from apps.cart.domain import (CartRuleViolation, QtyChange, check_currency, check_new_line, check_qty, purchasable,
                              view)


@pytest.mark.parametrize(("product", "vendor", "ok"), [
    ("active", "active", True), ("active", None, False), ("active", "suspended", False),
    ("pending", "active", False), ("archived", "active", False), (None, "active", False),
])
def test_only_active_products_of_active_vendors_are_purchasable(product, vendor, ok):
    assert purchasable(product, vendor) is ok


def test_quantity_lines_and_currency_rules():
    check_qty(1, 99)
    check_qty(99, 99)
    for qty in (0, 100, -3):
        with pytest.raises(CartRuleViolation) as err:
            check_qty(qty, 99)
        assert err.value.kind == "qty"
    check_new_line(49, 50)
    with pytest.raises(CartRuleViolation):
        check_new_line(50, 50)
    check_currency(None, "EUR", has_items=False)
    check_currency("USD", "EUR", has_items=False)  # an emptied cart takes the next item's currency
    with pytest.raises(CartRuleViolation) as err:
        check_currency("USD", "EUR", has_items=True)
    assert err.value.kind == "currency"


def test_quantity_changes_read_as_adds_or_removals():
    assert QtyChange.between(2, 5) == QtyChange("cart.item_added", 3)
    assert QtyChange.between(5, 1) == QtyChange("cart.item_removed", 4)
    assert QtyChange.between(3, 3) == QtyChange(None, 0)


def test_view_adds_line_totals_subtotal_and_count():
    doc = {"userId": "u", "version": 3, "currency": "USD", "couponCode": None, "updatedAt": None,
           "items": [{"sku": "A", "qty": 2, "priceMinor": 1_250}, {"sku": "B", "qty": 1, "priceMinor": 99}]}
    out = view(doc)
    assert [i["lineTotalMinor"] for i in out["items"]] == [2_500, 99]
    assert (out["subtotalMinor"], out["itemCount"]) == (2_599, 3)
    assert "lineTotalMinor" not in doc["items"][0]  # the cached document is not modified
