"""Where features come from: warehouse views (warehouse/migrations/0003_feature_views.sql) and push sources.

Batch sources are ClickHouse views in the offline store's database (CLICKHOUSE_DATABASE), created by
warehouse/migrations/0003_feature_views.sql (the user and device stream twins replaced in 0004 to count devices
and cards). Each push source is fed
by the stream worker (streams/realtime_features) and backed by a view computing the same trailing windows at each
event, so historical retrieval and `materialize` see what the stream served.
"""
from feast import PushSource
from feast.infra.offline_stores.contrib.clickhouse_offline_store.clickhouse_source import ClickhouseSource


def _view(name: str, description: str) -> ClickhouseSource:
    return ClickhouseSource(name=name, table=name, timestamp_field="event_timestamp", description=description)


user_daily_source = _view("feat_user_daily", "Per user and active day: orders, spend, refunds, rolling windows.")
product_daily_source = _view("feat_product_daily", "Per product and active day: views, purchases, conversion.")
vendor_daily_source = _view("feat_vendor_daily", "Per vendor and active day: orders, GMV, late deliveries.")
sku_daily_source = _view("feat_sku_daily", "Per SKU and active day: units sold, price, last known stock.")

user_stream_push = PushSource(
    name="user_stream_push",
    batch_source=_view("feat_user_stream", "Per order, payment or view: the user's trailing velocity."),
    description="Per-user order count, spend and distinct cards/addresses/devices over trailing windows.",
)
device_stream_push = PushSource(
    name="device_stream_push",
    batch_source=_view("feat_device_stream", "Per device order, payment or view: trailing usage."),
    description="Per-device orders and distinct users/cards/addresses over trailing windows.",
)
product_stream_push = PushSource(
    name="product_stream_push",
    batch_source=_view("feat_product_stream", "Per product view or purchase: trailing counts."),
    description="Per-product views and purchases over the last 1 h and 24 h.",
)
vendor_stream_push = PushSource(
    name="vendor_stream_push",
    batch_source=_view("feat_vendor_stream", "Per vendor split of an order: trailing velocity."),
    description="Per-vendor order velocity over the last 1 h and 24 h.",
)
