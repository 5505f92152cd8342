"""Demand per SKU for forecasting: units, price and stock, as of the end of each active day."""
from datetime import timedelta

from feast import FeatureView, Field
from feast.types import Float64, Int64

from entities import sku
from sources import sku_daily_source

sku_daily_features = FeatureView(
    name="sku_daily_features",
    entities=[sku],
    # Forecasts look back four weeks; an SKU unsold for 60 days has no current demand row.
    ttl=timedelta(days=60),
    schema=[Field(name=name, dtype=Int64) for name in (
        "units_1d", "revenue_1d_minor", "avg_price_1d_minor", "units_7d", "units_28d", "available_stock",
    )] + [Field(name="avg_daily_units_28d", dtype=Float64)],
    source=sku_daily_source,
    online=True,
    description="Per SKU and active day. available_stock is the last reported level (-1 = never reported).",
    tags={"domain": "sku", "freshness": "daily"},
)
