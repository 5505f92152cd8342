"""Versioned feature sets, one per model family. A model pins a service name; changing what a model reads means a
new version (recs_v2), never editing a published one."""
from feast import FeatureService

from device_features import device_stream_features
from product_features import product_daily_features, product_stream_features
from sku_features import sku_daily_features
from user_features import user_daily_features, user_stream_features
from vendor_features import vendor_daily_features

recs_v1 = FeatureService(
    name="recs_v1",
    features=[
        user_daily_features[["orders_30d", "spend_30d_minor", "lifetime_orders", "avg_order_value_minor"]],
        product_daily_features[["views_7d", "views_30d", "purchases_30d", "units_30d", "conversion_30d"]],
        product_stream_features,
    ],
    description="Recommendations: shopper activity and product popularity (entities: user, product).",
    tags={"model": "recs", "version": "1"},
)

fraud_v1 = FeatureService(
    name="fraud_v1",
    features=[
        user_stream_features,
        device_stream_features,
        user_daily_features[["account_age_days", "lifetime_orders", "avg_order_value_minor", "refunds_90d",
                             "distinct_addresses_30d"]],
    ],
    description="Fraud: order velocity, distinct cards/addresses/devices, account age (entities: user, device).",
    tags={"model": "fraud", "version": "1"},
)

forecast_v1 = FeatureService(
    name="forecast_v1",
    features=[
        sku_daily_features,
        product_daily_features[["views_7d", "views_30d", "conversion_30d"]],
        vendor_daily_features[["late_rate_30d"]],
    ],
    description="Demand forecasting per SKU, with its product's interest and vendor reliability "
                "(entities: sku, product, vendor).",
    tags={"model": "forecast", "version": "1"},
)
