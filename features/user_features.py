"""Shopper features: daily history from the warehouse, order velocity from the stream (fraud)."""
from datetime import timedelta

from feast import FeatureView, Field
from feast.types import Int64

from entities import user
from sources import user_daily_source, user_stream_push


def _ints(*names: str) -> list[Field]:
    return [Field(name=name, dtype=Int64) for name in names]


user_daily_features = FeatureView(
    name="user_daily_features",
    entities=[user],
    # A shopper quiet for 90 days has no current history worth serving; refunds look back that far too.
    ttl=timedelta(days=90),
    schema=_ints(
        "orders_1d", "spend_1d_minor", "orders_30d", "spend_30d_minor", "refunds_90d", "refund_90d_minor",
        "lifetime_orders", "lifetime_spend_minor", "avg_order_value_minor", "distinct_addresses_30d",
        "account_age_days",
    ),
    source=user_daily_source,
    online=True,
    description="Per user, as of the end of each active day. Money in minor units; account_age_days -1 = unknown.",
    tags={"domain": "user", "freshness": "daily"},
)

user_stream_features = FeatureView(
    name="user_stream_features",
    entities=[user],
    # The longest trailing window: a value older than that describes nothing current.
    ttl=timedelta(days=7),
    schema=_ints(
        "user_orders_1h", "user_orders_24h", "user_orders_7d",
        "user_spend_1h_minor", "user_spend_24h_minor", "user_spend_7d_minor",
        "user_distinct_cards_24h", "user_distinct_cards_7d",
        "user_distinct_addresses_24h", "user_distinct_addresses_7d",
        "user_distinct_devices_24h", "user_distinct_devices_7d",
    ),
    source=user_stream_push,
    online=True,
    description="Trailing-window order velocity per user, pushed by the stream worker within seconds of an order.",
    tags={"domain": "user", "freshness": "stream"},
)
