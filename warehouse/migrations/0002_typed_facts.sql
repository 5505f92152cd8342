-- Typed facts and dimensions, filled by materialized views from the raw `events` log as rows land.
-- Why MVs over Python mapping: one parse path (ClickHouse's JSON functions), replay-safe because the raw insert
-- is already deduplicated by eventId, and a new view can be backfilled from `events` with INSERT ... SELECT.
-- Out-of-order arrival: dimensions are ReplacingMergeTree versioned by the event's occurred_at, so the newest
-- state wins whatever the arrival order; facts are keyed by their natural id. Read with FINAL.

CREATE TABLE IF NOT EXISTS orders
(
    order_no String, order_id String, user_id String, currency LowCardinality(String),
    subtotal_minor Int64, discount_minor Int64, shipping_minor Int64, tax_minor Int64, total_minor Int64,
    coupon_code String, shipping_method LowCardinality(String), ship_city String,
    ship_country LowCardinality(String), ship_postal_code String, item_count UInt32,
    created_at DateTime64(3, 'UTC'), event_id UUID
)
ENGINE = ReplacingMergeTree(created_at) PARTITION BY toYYYYMM(created_at) ORDER BY order_no;

CREATE MATERIALIZED VIEW IF NOT EXISTS orders_mv TO orders AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(data, 'orderId') AS order_id,
       JSONExtractString(data, 'userId') AS user_id, JSONExtractString(data, 'currency') AS currency,
       JSONExtractInt(data, 'totals', 'subtotalMinor') AS subtotal_minor,
       JSONExtractInt(data, 'totals', 'discountMinor') AS discount_minor,
       JSONExtractInt(data, 'totals', 'shippingMinor') AS shipping_minor,
       JSONExtractInt(data, 'totals', 'taxMinor') AS tax_minor,
       JSONExtractInt(data, 'totals', 'totalMinor') AS total_minor,
       JSONExtractString(data, 'couponCode') AS coupon_code,
       JSONExtractString(data, 'shippingMethod') AS shipping_method,
       JSONExtractString(data, 'shippingAddress', 'city') AS ship_city,
       JSONExtractString(data, 'shippingAddress', 'country') AS ship_country,
       JSONExtractString(data, 'shippingAddress', 'postalCode') AS ship_postal_code,
       length(JSONExtractArrayRaw(data, 'items')) AS item_count, occurred_at AS created_at, event_id
FROM events WHERE type = 'order.created';

CREATE TABLE IF NOT EXISTS order_items
(
    order_no String, sku String, product_id String, vendor_id String, user_id String, qty UInt32,
    price_minor Int64, line_total_minor Int64, discount_minor Int64, category_ids Array(String),
    currency LowCardinality(String), created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(created_at) PARTITION BY toYYYYMM(created_at) ORDER BY (order_no, sku);

CREATE MATERIALIZED VIEW IF NOT EXISTS order_items_mv TO order_items AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(item, 'sku') AS sku,
       JSONExtractString(item, 'productId') AS product_id, JSONExtractString(item, 'vendorId') AS vendor_id,
       JSONExtractString(data, 'userId') AS user_id, JSONExtractUInt(item, 'qty') AS qty,
       JSONExtractInt(item, 'priceMinor') AS price_minor, JSONExtractInt(item, 'lineTotalMinor') AS line_total_minor,
       JSONExtractInt(item, 'discountMinor') AS discount_minor,
       JSONExtract(item, 'categoryIds', 'Array(String)') AS category_ids,
       JSONExtractString(data, 'currency') AS currency, occurred_at AS created_at
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'items') AS item WHERE type = 'order.created';

CREATE TABLE IF NOT EXISTS vendor_splits
(
    order_no String, vendor_id String, gross_minor Int64, commission_minor Int64, net_minor Int64,
    shipping_minor Int64, currency LowCardinality(String), created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(created_at) PARTITION BY toYYYYMM(created_at) ORDER BY (order_no, vendor_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS vendor_splits_mv TO vendor_splits AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(split, 'vendorId') AS vendor_id,
       JSONExtractInt(split, 'grossMinor') AS gross_minor, JSONExtractInt(split, 'commissionMinor') AS commission_minor,
       JSONExtractInt(split, 'netMinor') AS net_minor, JSONExtractInt(split, 'shippingMinor') AS shipping_minor,
       JSONExtractString(data, 'currency') AS currency, occurred_at AS created_at
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'vendorSplits') AS split WHERE type = 'order.created';

-- Every lifecycle event of an order (paid, cancelled, shipped, delivered, returned, status changes): the order's
-- current state is derived from these (see views in 0003), never overwritten in place.
CREATE TABLE IF NOT EXISTS order_events
(
    order_no String, event_type LowCardinality(String), status LowCardinality(String),
    amount_minor Int64, reason String, vendor_id String, at DateTime64(3, 'UTC'), event_id UUID
)
ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(at) ORDER BY (order_no, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS order_events_mv TO order_events AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, type AS event_type,
       JSONExtractString(data, 'to') AS status,
       JSONExtractInt(data, 'totalMinor') AS amount_minor, JSONExtractString(data, 'reason') AS reason,
       JSONExtractString(data, 'vendorId') AS vendor_id, occurred_at AS at, event_id
FROM events WHERE type IN ('order.paid', 'order.cancelled', 'order.fulfilled', 'order.delivered',
                           'order.status_changed', 'order.return_requested', 'order.returned',
                           'order.payment_status_changed', 'cart.checked_out');

CREATE TABLE IF NOT EXISTS payments
(
    order_no String, intent_id String, payment_id String, status LowCardinality(String), amount_minor Int64,
    currency LowCardinality(String), provider LowCardinality(String), reason String, at DateTime64(3, 'UTC'),
    event_id UUID
)
ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(at) ORDER BY (order_no, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS payments_mv TO payments AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(data, 'intentId') AS intent_id,
       JSONExtractString(data, 'paymentId') AS payment_id,
       multiIf(type = 'payment.succeeded', 'succeeded', type = 'payment.failed', 'failed', 'created') AS status,
       JSONExtractInt(data, 'amountMinor') AS amount_minor, JSONExtractString(data, 'currency') AS currency,
       JSONExtractString(data, 'provider') AS provider, JSONExtractString(data, 'reason') AS reason,
       occurred_at AS at, event_id
FROM events WHERE type IN ('payment.intent_created', 'payment.succeeded', 'payment.failed');

CREATE TABLE IF NOT EXISTS refunds
(
    refund_id String, order_no String, amount_minor Int64, currency LowCardinality(String), reason String,
    full UInt8, rma_id String, at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(at) PARTITION BY toYYYYMM(at) ORDER BY refund_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS refunds_mv TO refunds AS
SELECT JSONExtractString(data, 'refundId') AS refund_id, JSONExtractString(data, 'orderNo') AS order_no,
       JSONExtractInt(data, 'amountMinor') AS amount_minor, JSONExtractString(data, 'currency') AS currency,
       JSONExtractString(data, 'reason') AS reason, JSONExtractBool(data, 'full') AS full,
       JSONExtractString(data, 'rmaId') AS rma_id, occurred_at AS at
FROM events WHERE type = 'payment.refunded';

CREATE TABLE IF NOT EXISTS shipments
(
    tracking_no String, order_no String, vendor_id String, carrier LowCardinality(String),
    service_level LowCardinality(String), zone LowCardinality(String), destination_country LowCardinality(String),
    eta_days UInt16, promised_at Nullable(DateTime64(3, 'UTC')), label_created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(label_created_at) PARTITION BY toYYYYMM(label_created_at) ORDER BY tracking_no;

CREATE MATERIALIZED VIEW IF NOT EXISTS shipments_mv TO shipments AS
SELECT JSONExtractString(data, 'trackingNo') AS tracking_no, JSONExtractString(data, 'orderNo') AS order_no,
       JSONExtractString(data, 'vendorId') AS vendor_id, JSONExtractString(data, 'carrier') AS carrier,
       JSONExtractString(data, 'serviceLevel') AS service_level, JSONExtractString(data, 'zone') AS zone,
       JSONExtractString(data, 'destinationCountry') AS destination_country,
       JSONExtractUInt(data, 'etaDays') AS eta_days,
       parseDateTime64BestEffortOrNull(JSONExtractString(data, 'promisedAt'), 3, 'UTC') AS promised_at,
       occurred_at AS label_created_at
FROM events WHERE type = 'shipping.label_created';

CREATE TABLE IF NOT EXISTS deliveries
(
    tracking_no String, order_no String, vendor_id String, delivered_at DateTime64(3, 'UTC'),
    promised_at Nullable(DateTime64(3, 'UTC')), late UInt8
)
ENGINE = ReplacingMergeTree(delivered_at) PARTITION BY toYYYYMM(delivered_at) ORDER BY tracking_no;

CREATE MATERIALIZED VIEW IF NOT EXISTS deliveries_mv TO deliveries AS
SELECT JSONExtractString(data, 'trackingNo') AS tracking_no, JSONExtractString(data, 'orderNo') AS order_no,
       JSONExtractString(data, 'vendorId') AS vendor_id,
       ifNull(parseDateTime64BestEffortOrNull(JSONExtractString(data, 'deliveredAt'), 3, 'UTC'), occurred_at)
           AS delivered_at,
       parseDateTime64BestEffortOrNull(JSONExtractString(data, 'promisedAt'), 3, 'UTC') AS promised_at,
       JSONExtractBool(data, 'late') AS late
FROM events WHERE type = 'shipping.delivered';

-- Stock movements: adjustments carry the new levels; reservation events carry their lines.
CREATE TABLE IF NOT EXISTS inventory_movements
(
    sku String, vendor_id String, kind LowCardinality(String), qty Int64, on_hand Nullable(Int64),
    reserved Nullable(Int64), available Nullable(Int64), reorder_point Nullable(Int64), reference String,
    reason String, at DateTime64(3, 'UTC'), event_id UUID
)
ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(at) ORDER BY (sku, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS inventory_adjusted_mv TO inventory_movements AS
SELECT JSONExtractString(data, 'sku') AS sku, JSONExtractString(data, 'vendorId') AS vendor_id,
       replaceOne(type, 'inventory.', '') AS kind, JSONExtractInt(data, 'delta') AS qty,
       JSONExtractInt(data, 'onHand') AS on_hand, JSONExtractInt(data, 'reserved') AS reserved,
       JSONExtractInt(data, 'available') AS available, JSONExtractInt(data, 'reorderPoint') AS reorder_point,
       '' AS reference, JSONExtractString(data, 'reason') AS reason, occurred_at AS at, event_id
FROM events WHERE type IN ('inventory.adjusted', 'inventory.low_stock');

CREATE MATERIALIZED VIEW IF NOT EXISTS inventory_reservations_mv TO inventory_movements AS
SELECT JSONExtractString(line, 'sku') AS sku, JSONExtractString(line, 'vendorId') AS vendor_id,
       replaceOne(type, 'inventory.', '') AS kind, JSONExtractInt(line, 'qty') AS qty,
       CAST(NULL AS Nullable(Int64)) AS on_hand, CAST(NULL AS Nullable(Int64)) AS reserved,
       CAST(NULL AS Nullable(Int64)) AS available, CAST(NULL AS Nullable(Int64)) AS reorder_point,
       JSONExtractString(data, 'reference') AS reference, JSONExtractString(data, 'reason') AS reason,
       occurred_at AS at, event_id
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'items') AS line
WHERE type IN ('inventory.reserved', 'inventory.committed', 'inventory.released');

CREATE TABLE IF NOT EXISTS dim_products
(
    product_id String, vendor_id String, title String, slug String, status LowCardinality(String),
    brand_id String, category_ids Array(String), updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at) ORDER BY product_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_products_mv TO dim_products AS
SELECT JSONExtractString(data, 'productId') AS product_id, JSONExtractString(data, 'vendorId') AS vendor_id,
       JSONExtractString(data, 'title') AS title, JSONExtractString(data, 'slug') AS slug,
       JSONExtractString(data, 'status') AS status, JSONExtractString(data, 'brandId') AS brand_id,
       JSONExtract(data, 'categoryIds', 'Array(String)') AS category_ids, occurred_at AS updated_at
FROM events WHERE type IN ('product.created', 'product.updated', 'product.approved', 'product.rejected',
                           'product.archived');

CREATE TABLE IF NOT EXISTS dim_skus
(
    sku String, product_id String, vendor_id String, price_minor Int64, currency LowCardinality(String),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at) ORDER BY sku;

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_skus_mv TO dim_skus AS
SELECT JSONExtractString(variant, 'sku') AS sku, JSONExtractString(data, 'productId') AS product_id,
       JSONExtractString(data, 'vendorId') AS vendor_id, JSONExtractInt(variant, 'priceMinor') AS price_minor,
       JSONExtractString(variant, 'currency') AS currency, occurred_at AS updated_at
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'variants') AS variant
WHERE type IN ('product.created', 'product.updated', 'product.approved');

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_skus_price_mv TO dim_skus AS
SELECT JSONExtractString(data, 'sku') AS sku, JSONExtractString(data, 'productId') AS product_id,
       JSONExtractString(data, 'vendorId') AS vendor_id, JSONExtractInt(data, 'newPriceMinor') AS price_minor,
       JSONExtractString(data, 'currency') AS currency, occurred_at AS updated_at
FROM events WHERE type = 'product.price.updated';

CREATE TABLE IF NOT EXISTS dim_vendors
(
    vendor_id String, name String, slug String, status LowCardinality(String), owner_user_id String,
    commission_type LowCardinality(String), commission_value Int64, updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at) ORDER BY vendor_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_vendors_mv TO dim_vendors AS
SELECT JSONExtractString(data, 'vendorId') AS vendor_id, JSONExtractString(data, 'name') AS name,
       JSONExtractString(data, 'slug') AS slug, JSONExtractString(data, 'status') AS status,
       JSONExtractString(data, 'ownerUserId') AS owner_user_id,
       JSONExtractString(data, 'commission', 'type') AS commission_type,
       JSONExtractInt(data, 'commission', 'value') AS commission_value, occurred_at AS updated_at
FROM events WHERE type IN ('vendor.applied', 'vendor.approved', 'vendor.rejected', 'vendor.suspended',
                           'vendor.reinstated');

CREATE TABLE IF NOT EXISTS dim_users
(
    user_id String, roles Array(String), email_domain String, created_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(created_at) ORDER BY user_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_users_mv TO dim_users AS
SELECT JSONExtractString(data, 'userId') AS user_id, JSONExtract(data, 'roles', 'Array(String)') AS roles,
       JSONExtractString(data, 'emailDomain') AS email_domain, occurred_at AS created_at
FROM events WHERE type = 'user.created';

CREATE TABLE IF NOT EXISTS vendor_earnings
(
    vendor_id String, order_no String, gross_minor Int64, commission_minor Int64, fees_minor Int64,
    net_minor Int64, status LowCardinality(String), updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at) ORDER BY (vendor_id, order_no);

CREATE MATERIALIZED VIEW IF NOT EXISTS vendor_earnings_mv TO vendor_earnings AS
SELECT JSONExtractString(data, 'vendorId') AS vendor_id, JSONExtractString(data, 'orderNo') AS order_no,
       JSONExtractInt(data, 'grossMinor') AS gross_minor, JSONExtractInt(data, 'commissionMinor') AS commission_minor,
       JSONExtractInt(data, 'feesMinor') AS fees_minor, JSONExtractInt(data, 'netMinor') AS net_minor,
       JSONExtractString(data, 'status') AS status, occurred_at AS updated_at
FROM events WHERE type = 'earning.recorded';

CREATE TABLE IF NOT EXISTS payouts
(
    payout_id String, vendor_id String, amount_minor Int64, status LowCardinality(String),
    updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at) ORDER BY payout_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS payouts_mv TO payouts AS
SELECT JSONExtractString(data, 'payoutId') AS payout_id, JSONExtractString(data, 'vendorId') AS vendor_id,
       JSONExtractInt(data, 'amountMinor') AS amount_minor,
       if(type = 'payout.requested', 'requested', JSONExtractString(data, 'status')) AS status,
       occurred_at AS updated_at
FROM events WHERE type IN ('payout.requested', 'payout.processed');

-- Storefront behaviour (clickstream topic) plus cart adds: the funnel's upper stages.
CREATE TABLE IF NOT EXISTS clickstream
(
    event_type LowCardinality(String), session_id String, user_id String, product_id String, sku String,
    query String, at DateTime64(3, 'UTC'), event_id UUID
)
ENGINE = ReplacingMergeTree PARTITION BY toYYYYMM(at) ORDER BY (at, event_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS clickstream_mv TO clickstream AS
SELECT type AS event_type, JSONExtractString(data, 'sessionId') AS session_id,
       if(JSONExtractString(data, 'userId') != '', JSONExtractString(data, 'userId'), actor_id) AS user_id,
       JSONExtractString(data, 'productId') AS product_id, JSONExtractString(data, 'sku') AS sku,
       JSONExtractString(data, 'query') AS query, occurred_at AS at, event_id
FROM events WHERE type IN ('product.viewed', 'search.performed', 'recommendation.clicked', 'cart.viewed',
                           'cart.item_added');
