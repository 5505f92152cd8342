"""Product popularity and conversion: daily from the warehouse, trending (1 h / 24 h) from the stream."""
from datetime import timedelta

from feast import FeatureView, Field
from feast.types import Float64, Int64

from entities import product
from sources import product_daily_source, product_stream_push

product_daily_features = FeatureView(
    name="product_daily_features",
    entities=[product],
    ttl=timedelta(days=60),
    schema=[Field(name=name, dtype=Int64) for name in (
        "views_1d", "purchases_1d", "units_1d", "revenue_1d_minor", "views_7d", "purchases_7d",
        "views_30d", "purchases_30d", "units_30d", "revenue_30d_minor",
    )] + [Field(name="conversion_30d", dtype=Float64)],
    source=product_daily_source,
    online=True,
    description="Per product, as of the end of each active day. purchases = orders containing the product.",
    tags={"domain": "product", "freshness": "daily"},
)

product_stream_features = FeatureView(
    name="product_stream_features",
    entities=[product],
    ttl=timedelta(days=1),
    schema=[Field(name=name, dtype=Int64) for name in (
        "product_views_1h", "product_views_24h", "product_purchases_1h", "product_purchases_24h",
    )],
    source=product_stream_push,
    online=True,
    description="Views (clickstream product.viewed) and purchases (order.created lines) over trailing windows.",
    tags={"domain": "product", "freshness": "stream"},
)
