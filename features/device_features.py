"""Device features for fraud: how many accounts, cards and addresses one device is used with."""
from datetime import timedelta

from feast import FeatureView, Field
from feast.types import Int64

from entities import device
from sources import device_stream_push

device_stream_features = FeatureView(
    name="device_stream_features",
    entities=[device],
    ttl=timedelta(days=7),
    schema=[Field(name=name, dtype=Int64) for name in (
        "device_orders_24h", "device_distinct_users_24h", "device_distinct_users_7d",
        "device_distinct_cards_24h", "device_distinct_cards_7d",
        "device_distinct_addresses_24h", "device_distinct_addresses_7d",
    )],
    source=device_stream_push,
    online=True,
    description="Trailing-window usage per device, pushed by the stream worker (needs a deviceId on events).",
    tags={"domain": "device", "freshness": "stream"},
)
