"""The back office turns what a person types into the API's minor units, and the API's rows into Chart.js
configurations; both without IO."""
from __future__ import annotations

from apps.web.admin_charts import CHARTS
from apps.web.admin_marketing_pages import _coupon_body
from apps.web.admin_shipping_pages import _patch_from

FORM = dict(code="SPRING10", type="percent", value="10", starts_at="2026-03-01T00:00", ends_at="2026-04-01T00:00",
            currency="", min_order="", max_discount="", usage_limit="", per_user_limit="")


def test_coupon_form_becomes_minor_units_or_a_sentence():
    body, problem = _coupon_body(FORM)
    assert problem is None and body["value"] == 10 and "minOrderMinor" not in body
    body, problem = _coupon_body({**FORM, "type": "fixed", "value": "5.50", "currency": "USD", "min_order": "20",
                                  "usage_limit": "100"})
    assert problem is None and (body["value"], body["minOrderMinor"], body["usageLimit"]) == (550, 2000, 100)
    assert _coupon_body({**FORM, "value": "ten"})[1] == "A percent coupon's value is a whole number from 1 to 100."
    assert "amount" in _coupon_body({**FORM, "type": "fixed", "value": "5.555"})[1]
    assert "whole number" in _coupon_body({**FORM, "per_user_limit": "1.5"})[1]


def test_rate_form_keeps_bracket_weights_and_reads_prices():
    table = {"method": "table", "brackets": [{"maxGrams": 500, "amountMinor": 1}, {"maxGrams": None,
                                                                                     "amountMinor": 2}]}
    body, problem = _patch_from({"eta_days": "4", "amount_0": "14.99", "amount_1": "39.99", "extra_1": "6"}, table)
    assert problem is None
    assert body == {"etaDays": 4, "brackets": [
        {"maxGrams": 500, "amountMinor": 1499, "extraPerKgMinor": 0},
        {"maxGrams": None, "amountMinor": 3999, "extraPerKgMinor": 600}]}
    assert _patch_from({"eta_days": "4", "amount_0": "x", "amount_1": "1"}, table)[1].startswith("Every bracket")
    flat = {"method": "flat", "brackets": []}
    assert _patch_from({"eta_days": "2", "flat_amount": "4.99"}, flat) == ({"etaDays": 2, "flatAmountMinor": 499},
                                                                           None)
    assert _patch_from({"eta_days": "two", "flat_amount": "4.99"}, flat)[1] == "Promised days must be a whole number."


def test_charts_plot_major_units_and_names():
    gmv = CHARTS["gmv"].build([{"day": "2026-12-01", "orders": 2, "gmv_minor": 12345, "aov_minor": 6172}])
    assert gmv["data"]["labels"] == ["2026-12-01"]
    assert [d["data"] for d in gmv["data"]["datasets"]] == [[123.45], [61.72]]
    cats = CHARTS["top_categories"].build([{"category_id": "c1", "category": "Phones", "revenue_minor": 500,
                                            "units": 1},
                                           {"category_id": "c2abcdefgh", "category": "", "revenue_minor": 100,
                                            "units": 1}])
    assert cats["data"]["labels"] == ["Phones", "c2abcdef"]  # an unnamed id is shortened, never blank
    on_time = CHARTS["on_time_delivery"].build([{"vendor_id": "v1", "vendor": "Acme", "delivered": 4, "on_time": 3,
                                                 "on_time_rate": 0.75},
                                                {"vendor_id": "", "delivered": 4, "on_time": 3, "on_time_rate": 0.75}])
    assert on_time["data"]["labels"] == ["Acme"] and on_time["data"]["datasets"][0]["data"] == [75.0]
    refunds = CHARTS["refund_rate"].build([{"gmv_minor": 10_000, "refunded_minor": 700, "refunded_orders": 1,
                                            "refund_rate": 0.07}])
    assert refunds["data"]["datasets"][0]["data"] == [93.0, 7.0]
