"""Vendor health and velocity: daily from the warehouse, order velocity from the stream."""
from datetime import timedelta

from feast import FeatureView, Field
from feast.types import Float64, Int64

from entities import vendor
from sources import vendor_daily_source, vendor_stream_push

vendor_daily_features = FeatureView(
    name="vendor_daily_features",
    entities=[vendor],
    ttl=timedelta(days=60),
    schema=[Field(name=name, dtype=Int64) for name in (
        "orders_1d", "gross_1d_minor", "orders_7d", "orders_30d", "gross_30d_minor", "net_30d_minor",
        "deliveries_30d", "late_deliveries_30d",
    )] + [Field(name="late_rate_30d", dtype=Float64)],
    source=vendor_daily_source,
    online=True,
    description="Per vendor, as of the end of each active day. Money in minor units.",
    tags={"domain": "vendor", "freshness": "daily"},
)

vendor_stream_features = FeatureView(
    name="vendor_stream_features",
    entities=[vendor],
    ttl=timedelta(days=1),
    schema=[Field(name=name, dtype=Int64) for name in (
        "vendor_orders_1h", "vendor_orders_24h", "vendor_gross_24h_minor",
    )],
    source=vendor_stream_push,
    online=True,
    description="Orders per vendor over trailing windows, pushed by the stream worker.",
    tags={"domain": "vendor", "freshness": "stream"},
)
