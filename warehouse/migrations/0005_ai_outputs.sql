-- Batch predictions of the champion models, written by the Dagster pipeline (pipelines/defs/predictions) and read
-- by serving, the vendor portal and dashboards. Each run writes a full set stamped with generated_at; readers take
-- the newest set with FINAL (ReplacingMergeTree keeps the newest row per key) and may filter on generated_at.

-- Daily demand forecast per SKU: the band a vendor's plot shows.
CREATE TABLE IF NOT EXISTS ai_forecasts
(
    sku String, ds Date, yhat Float64, yhat_lower Float64, yhat_upper Float64,
    model_version String, generated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(generated_at) ORDER BY (sku, ds);

-- Per SKU: stock-out and reorder plan from the same forecast (safety stock from a service level).
CREATE TABLE IF NOT EXISTS ai_stock_plans
(
    sku String, vendor_id String, product_id String, method LowCardinality(String), forecast_start Date,
    horizon_days UInt16, forecast_units Float64, forecast_lower Float64, forecast_upper Float64, daily_rate Float64,
    current_stock Int64, lead_time_days Float64, safety_stock Float64, reorder_point Float64, order_up_to Float64,
    reorder_qty Int64, days_to_stockout Nullable(Float64), stockout_date Nullable(Date),
    model_version String, generated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(generated_at) ORDER BY sku;

-- Per SKU: a bounded price suggestion with its confidence (money in minor units).
CREATE TABLE IF NOT EXISTS ai_price_suggestions
(
    sku String, vendor_id String, product_id String, category_id String,
    current_price_minor Int64, suggested_price_minor Int64, min_price_minor Int64, max_price_minor Int64,
    change_pct Float64, elasticity Float64, elasticity_se Float64, confidence Float64,
    expected_units_change_pct Float64, expected_gain_pct Float64, objective LowCardinality(String),
    binding LowCardinality(String), model_version String, generated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(generated_at) ORDER BY sku;

-- Precomputed "recommended for you" for recently active shoppers; strategy names what produced each item.
CREATE TABLE IF NOT EXISTS ai_recommendations
(
    user_id String, rank UInt16, product_id String, score Float64, strategy LowCardinality(String),
    model_version String, generated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(generated_at) ORDER BY (user_id, rank);
