-- Offline sources of the Feast repo (features/): one view per feature view, computed from the typed facts at
-- query time, so a backfill or late event is reflected without a rebuild. Every view has the entity column, an
-- `event_timestamp` (when the row became knowable: point-in-time joins never see the future) and the features.
-- Money stays in integer minor units; ratios are Float64.
--
-- Daily views: one row per entity and active day, stamped at the END of that day (the day's totals are only
-- known then); rolling windows count days with RANGE over the day number, so quiet days still age out.

CREATE VIEW IF NOT EXISTS feat_user_daily AS
WITH activity AS
(
    SELECT user_id, toDate(created_at) AS day, 1 AS orders, total_minor AS spend_minor, 0 AS refunds,
           0 AS refund_minor, concat(ship_country, '|', upper(ship_postal_code)) AS address
    FROM orders FINAL WHERE user_id != ''
    UNION ALL
    SELECT o.user_id AS user_id, toDate(r.at) AS day, 0 AS orders, 0 AS spend_minor, 1 AS refunds,
           r.amount_minor AS refund_minor, '' AS address
    FROM refunds AS r FINAL
    INNER JOIN (SELECT order_no, user_id FROM orders FINAL) AS o ON o.order_no = r.order_no
),
daily AS
(
    SELECT user_id, day, toInt64(sum(orders)) AS orders_1d, toInt64(sum(spend_minor)) AS spend_1d_minor,
           toInt64(sum(refunds)) AS refunds_1d, toInt64(sum(refund_minor)) AS refund_1d_minor,
           groupUniqArrayIf(address, address != '') AS addresses
    FROM activity GROUP BY user_id, day
),
rolled AS
(
    SELECT user_id, day, orders_1d, spend_1d_minor,
           sum(orders_1d) OVER w30 AS orders_30d, sum(spend_1d_minor) OVER w30 AS spend_30d_minor,
           sum(refunds_1d) OVER w90 AS refunds_90d, sum(refund_1d_minor) OVER w90 AS refund_90d_minor,
           sum(orders_1d) OVER everything AS lifetime_orders, sum(spend_1d_minor) OVER everything AS lifetime_spend_minor,
           length(arrayDistinct(arrayFlatten(groupArray(addresses) OVER w30))) AS distinct_addresses_30d
    FROM daily
    WINDOW w30 AS (PARTITION BY user_id ORDER BY toRelativeDayNum(day) RANGE BETWEEN 29 PRECEDING AND CURRENT ROW),
           w90 AS (PARTITION BY user_id ORDER BY toRelativeDayNum(day) RANGE BETWEEN 89 PRECEDING AND CURRENT ROW),
           everything AS (PARTITION BY user_id ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT r.user_id AS user_id, toDateTime64(r.day + 1, 3, 'UTC') AS event_timestamp,
       r.orders_1d AS orders_1d, r.spend_1d_minor AS spend_1d_minor, toInt64(r.orders_30d) AS orders_30d,
       toInt64(r.spend_30d_minor) AS spend_30d_minor, toInt64(r.refunds_90d) AS refunds_90d,
       toInt64(r.refund_90d_minor) AS refund_90d_minor, toInt64(r.lifetime_orders) AS lifetime_orders,
       toInt64(r.lifetime_spend_minor) AS lifetime_spend_minor,
       toInt64(intDiv(r.lifetime_spend_minor, greatest(r.lifetime_orders, 1))) AS avg_order_value_minor,
       toInt64(r.distinct_addresses_30d) AS distinct_addresses_30d,
       -- -1 when the user.created event has not landed (yet): unknown age must not look like a new account
       toInt64(if(u.user_id = '', -1, dateDiff('day', toDate(u.created_at), r.day + 1))) AS account_age_days
FROM rolled AS r
LEFT JOIN (SELECT user_id, created_at FROM dim_users FINAL) AS u ON u.user_id = r.user_id;

CREATE VIEW IF NOT EXISTS feat_product_daily AS
WITH activity AS
(
    SELECT product_id, toDate(at) AS day, 1 AS views, 0 AS purchases, 0 AS units, 0 AS revenue_minor
    FROM clickstream FINAL WHERE event_type = 'product.viewed' AND product_id != ''
    UNION ALL
    SELECT product_id, toDate(min(created_at)) AS day, 0 AS views, 1 AS purchases, sum(qty) AS units,
           sum(line_total_minor) AS revenue_minor
    FROM order_items FINAL WHERE product_id != '' GROUP BY product_id, order_no
),
daily AS
(
    SELECT product_id, day, toInt64(sum(views)) AS views_1d, toInt64(sum(purchases)) AS purchases_1d,
           toInt64(sum(units)) AS units_1d, toInt64(sum(revenue_minor)) AS revenue_1d_minor
    FROM activity GROUP BY product_id, day
),
rolled AS
(
    SELECT product_id, day, views_1d, purchases_1d, units_1d, revenue_1d_minor,
           sum(views_1d) OVER w7 AS views_7d, sum(purchases_1d) OVER w7 AS purchases_7d,
           sum(views_1d) OVER w30 AS views_30d, sum(purchases_1d) OVER w30 AS purchases_30d,
           sum(units_1d) OVER w30 AS units_30d, sum(revenue_1d_minor) OVER w30 AS revenue_30d_minor
    FROM daily
    WINDOW w7 AS (PARTITION BY product_id ORDER BY toRelativeDayNum(day) RANGE BETWEEN 6 PRECEDING AND CURRENT ROW),
           w30 AS (PARTITION BY product_id ORDER BY toRelativeDayNum(day) RANGE BETWEEN 29 PRECEDING AND CURRENT ROW)
)
SELECT product_id, toDateTime64(day + 1, 3, 'UTC') AS event_timestamp, views_1d, purchases_1d, units_1d,
       revenue_1d_minor, toInt64(views_7d) AS views_7d, toInt64(purchases_7d) AS purchases_7d,
       toInt64(views_30d) AS views_30d, toInt64(purchases_30d) AS purchases_30d, toInt64(units_30d) AS units_30d,
       toInt64(revenue_30d_minor) AS revenue_30d_minor,
       -- purchases per view; 0 without views (orders placed without a tracked view still count as purchases)
       toFloat64(if(views_30d = 0, 0, purchases_30d / views_30d)) AS conversion_30d
FROM rolled;

CREATE VIEW IF NOT EXISTS feat_vendor_daily AS
WITH activity AS
(
    SELECT vendor_id, toDate(created_at) AS day, 1 AS orders, gross_minor, net_minor, 0 AS deliveries, 0 AS late
    FROM vendor_splits FINAL WHERE vendor_id != ''
    UNION ALL
    SELECT vendor_id, toDate(delivered_at) AS day, 0 AS orders, 0 AS gross_minor, 0 AS net_minor, 1 AS deliveries,
           toInt64(late) AS late
    FROM deliveries FINAL WHERE vendor_id != ''
),
daily AS
(
    SELECT vendor_id, day, toInt64(sum(orders)) AS orders_1d, toInt64(sum(gross_minor)) AS gross_1d_minor,
           toInt64(sum(net_minor)) AS net_1d_minor, toInt64(sum(deliveries)) AS deliveries_1d,
           toInt64(sum(late)) AS late_1d
    FROM activity GROUP BY vendor_id, day
),
rolled AS
(
    SELECT vendor_id, day, orders_1d, gross_1d_minor, sum(orders_1d) OVER w7 AS orders_7d,
           sum(orders_1d) OVER w30 AS orders_30d, sum(gross_1d_minor) OVER w30 AS gross_30d_minor,
           sum(net_1d_minor) OVER w30 AS net_30d_minor, sum(deliveries_1d) OVER w30 AS deliveries_30d,
           sum(late_1d) OVER w30 AS late_deliveries_30d
    FROM daily
    WINDOW w7 AS (PARTITION BY vendor_id ORDER BY toRelativeDayNum(day) RANGE BETWEEN 6 PRECEDING AND CURRENT ROW),
           w30 AS (PARTITION BY vendor_id ORDER BY toRelativeDayNum(day) RANGE BETWEEN 29 PRECEDING AND CURRENT ROW)
)
SELECT vendor_id, toDateTime64(day + 1, 3, 'UTC') AS event_timestamp, orders_1d, gross_1d_minor,
       toInt64(orders_7d) AS orders_7d, toInt64(orders_30d) AS orders_30d,
       toInt64(gross_30d_minor) AS gross_30d_minor, toInt64(net_30d_minor) AS net_30d_minor,
       toInt64(deliveries_30d) AS deliveries_30d, toInt64(late_deliveries_30d) AS late_deliveries_30d,
       toFloat64(if(deliveries_30d = 0, 0, late_deliveries_30d / deliveries_30d)) AS late_rate_30d
FROM rolled;

-- Demand per SKU for forecasting. Stock is the last known `available` level, carried forward over days without
-- an adjustment (anyLast skips NULLs); -1 when no level was ever reported.
CREATE VIEW IF NOT EXISTS feat_sku_daily AS
WITH activity AS
(
    SELECT sku, created_at AS at, toInt64(qty) AS units, line_total_minor AS revenue_minor,
           price_minor, 1 AS lines, CAST(NULL AS Nullable(Int64)) AS available
    FROM order_items FINAL WHERE sku != ''
    UNION ALL
    SELECT sku, at, 0 AS units, 0 AS revenue_minor, 0 AS price_minor, 0 AS lines, available
    FROM inventory_movements FINAL WHERE sku != '' AND available IS NOT NULL
),
daily AS
(
    SELECT sku, day, toInt64(sum(units)) AS units_1d, toInt64(sum(revenue_minor)) AS revenue_1d_minor,
           toInt64(if(sum(lines) = 0, 0, intDiv(sumIf(price_minor, lines = 1), sum(lines)))) AS avg_price_1d_minor,
           argMaxIf(available, at, available IS NOT NULL) AS available_at_day
    FROM activity GROUP BY sku, toDate(at) AS day
),
rolled AS
(
    SELECT sku, day, units_1d, revenue_1d_minor, avg_price_1d_minor,
           sum(units_1d) OVER w7 AS units_7d, sum(units_1d) OVER w28 AS units_28d,
           anyLast(available_at_day) OVER everything AS available_stock
    FROM daily
    WINDOW w7 AS (PARTITION BY sku ORDER BY toRelativeDayNum(day) RANGE BETWEEN 6 PRECEDING AND CURRENT ROW),
           w28 AS (PARTITION BY sku ORDER BY toRelativeDayNum(day) RANGE BETWEEN 27 PRECEDING AND CURRENT ROW),
           everything AS (PARTITION BY sku ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
)
SELECT sku, toDateTime64(day + 1, 3, 'UTC') AS event_timestamp, units_1d, revenue_1d_minor, avg_price_1d_minor,
       toInt64(units_7d) AS units_7d, toInt64(units_28d) AS units_28d,
       toFloat64(units_28d / 28) AS avg_daily_units_28d, toInt64(ifNull(available_stock, -1)) AS available_stock
FROM rolled;

-- Offline twins of the stream features (streams/realtime_features): the same trailing windows, evaluated at each
-- event, so training data matches what the stream served at that moment. One row per event, stamped at it.
-- Cards and devices are not in any event contract yet, so their counts are 0 here as in the stream.
CREATE VIEW IF NOT EXISTS feat_user_stream AS
SELECT user_id, created_at AS event_timestamp,
       toInt64(count() OVER h1) AS user_orders_1h, toInt64(count() OVER h24) AS user_orders_24h,
       toInt64(count() OVER d7) AS user_orders_7d, toInt64(sum(total_minor) OVER h1) AS user_spend_1h_minor,
       toInt64(sum(total_minor) OVER h24) AS user_spend_24h_minor,
       toInt64(sum(total_minor) OVER d7) AS user_spend_7d_minor,
       toInt64(0) AS user_distinct_cards_24h, toInt64(0) AS user_distinct_cards_7d,
       toInt64(uniqExact(address) OVER h24) AS user_distinct_addresses_24h,
       toInt64(uniqExact(address) OVER d7) AS user_distinct_addresses_7d,
       toInt64(0) AS user_distinct_devices_24h, toInt64(0) AS user_distinct_devices_7d
FROM
(
    SELECT user_id, created_at, total_minor, toUnixTimestamp(created_at) AS ts,
           concat(ship_country, '|', upper(ship_postal_code)) AS address
    FROM orders FINAL WHERE user_id != ''
)
WINDOW h1 AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN 3599 PRECEDING AND CURRENT ROW),
       h24 AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN 86399 PRECEDING AND CURRENT ROW),
       d7 AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN 604799 PRECEDING AND CURRENT ROW);

-- No event carries a device id yet (see features/README.md): an empty source with the stream view's columns.
CREATE VIEW IF NOT EXISTS feat_device_stream AS
SELECT '' AS device_id, toDateTime64(0, 3, 'UTC') AS event_timestamp, toInt64(0) AS device_orders_24h,
       toInt64(0) AS device_distinct_users_24h, toInt64(0) AS device_distinct_users_7d,
       toInt64(0) AS device_distinct_cards_24h, toInt64(0) AS device_distinct_cards_7d,
       toInt64(0) AS device_distinct_addresses_24h, toInt64(0) AS device_distinct_addresses_7d
WHERE 0;

CREATE VIEW IF NOT EXISTS feat_product_stream AS
SELECT product_id, at AS event_timestamp,
       toInt64(sum(views) OVER h1) AS product_views_1h, toInt64(sum(views) OVER h24) AS product_views_24h,
       toInt64(sum(purchases) OVER h1) AS product_purchases_1h,
       toInt64(sum(purchases) OVER h24) AS product_purchases_24h
FROM
(
    SELECT product_id, at, toUnixTimestamp(at) AS ts, 1 AS views, 0 AS purchases
    FROM clickstream FINAL WHERE event_type = 'product.viewed' AND product_id != ''
    UNION ALL
    SELECT product_id, min(created_at) AS at, toUnixTimestamp(at) AS ts, 0 AS views, 1 AS purchases
    FROM order_items FINAL WHERE product_id != '' GROUP BY product_id, order_no
)
WINDOW h1 AS (PARTITION BY product_id ORDER BY ts RANGE BETWEEN 3599 PRECEDING AND CURRENT ROW),
       h24 AS (PARTITION BY product_id ORDER BY ts RANGE BETWEEN 86399 PRECEDING AND CURRENT ROW);

CREATE VIEW IF NOT EXISTS feat_vendor_stream AS
SELECT vendor_id, created_at AS event_timestamp,
       toInt64(count() OVER h1) AS vendor_orders_1h, toInt64(count() OVER h24) AS vendor_orders_24h,
       toInt64(sum(gross_minor) OVER h24) AS vendor_gross_24h_minor
FROM
(
    SELECT vendor_id, created_at, gross_minor, toUnixTimestamp(created_at) AS ts
    FROM vendor_splits FINAL WHERE vendor_id != ''
)
WINDOW h1 AS (PARTITION BY vendor_id ORDER BY ts RANGE BETWEEN 3599 PRECEDING AND CURRENT ROW),
       h24 AS (PARTITION BY vendor_id ORDER BY ts RANGE BETWEEN 86399 PRECEDING AND CURRENT ROW);
