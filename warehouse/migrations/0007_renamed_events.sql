-- Renamed events (issue 13; kernel/contracts/*.py): payment.intent_created → payment.intent.created and
-- shipping.label_created → shipping.label.created. Producers now emit the new names; the events table keeps history
-- under the old ones, so every reader takes both from here on.
-- The typed-fact materialized views of 0002 stay (they keep reading the old names, e.g. from a replayed outbox);
-- a second view per table reads the new name, so no insert is missed while switching (no drop, no gap).

CREATE MATERIALIZED VIEW IF NOT EXISTS payments_intent_created_mv TO payments AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(data, 'intentId') AS intent_id,
       '' AS payment_id, 'created' AS status,
       JSONExtractInt(data, 'amountMinor') AS amount_minor, JSONExtractString(data, 'currency') AS currency,
       JSONExtractString(data, 'provider') AS provider, '' AS reason, occurred_at AS at, event_id
FROM events WHERE type = 'payment.intent.created';

CREATE MATERIALIZED VIEW IF NOT EXISTS shipments_label_created_mv TO shipments AS
SELECT JSONExtractString(data, 'trackingNo') AS tracking_no, JSONExtractString(data, 'orderNo') AS order_no,
       JSONExtractString(data, 'vendorId') AS vendor_id, JSONExtractString(data, 'carrier') AS carrier,
       JSONExtractString(data, 'serviceLevel') AS service_level, JSONExtractString(data, 'zone') AS zone,
       JSONExtractString(data, 'destinationCountry') AS destination_country,
       JSONExtractUInt(data, 'etaDays') AS eta_days,
       parseDateTime64BestEffortOrNull(JSONExtractString(data, 'promisedAt'), 3, 'UTC') AS promised_at,
       occurred_at AS label_created_at
FROM events WHERE type = 'shipping.label.created';

-- The first card each payment event of an order showed (both names of the intent event), for the two stream
-- feature views below, which are 0004's with this one view in place of their copies of the query.
CREATE OR REPLACE VIEW payment_cards AS
SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(data, 'cardFingerprint') AS card,
       min(occurred_at) AS at
FROM events
WHERE type IN ('payment.intent.created', 'payment.intent_created', 'payment.succeeded', 'payment.failed')
  AND JSONExtractString(data, 'cardFingerprint') != ''
GROUP BY order_no, card;

CREATE OR REPLACE VIEW feat_user_stream AS
WITH placed AS
(
    SELECT o.order_no AS order_no, o.user_id AS user_id, o.created_at AS at, o.total_minor AS total_minor,
           concat(o.ship_country, '|', upper(o.ship_postal_code)) AS address, d.device_id AS device_id
    FROM orders AS o FINAL
    LEFT JOIN
    (
        SELECT JSONExtractString(data, 'orderNo') AS order_no, any(JSONExtractString(data, 'deviceId')) AS device_id
        FROM events WHERE type = 'order.created' GROUP BY order_no
    ) AS d ON d.order_no = o.order_no
    WHERE o.user_id != ''
),
activity AS
(
    SELECT user_id, at, 1 AS orders, total_minor, address, device_id, '' AS card FROM placed
    UNION ALL
    SELECT p.user_id AS user_id, c.at AS at, 0 AS orders, 0 AS total_minor, '' AS address, p.device_id AS device_id,
           c.card AS card
    FROM
    payment_cards AS c
    INNER JOIN placed AS p ON p.order_no = c.order_no
    UNION ALL
    SELECT if(JSONExtractString(data, 'userId') != '', JSONExtractString(data, 'userId'), actor_id) AS user_id,
           occurred_at AS at, 0 AS orders, 0 AS total_minor, '' AS address,
           JSONExtractString(data, 'deviceId') AS device_id, '' AS card
    FROM events
    WHERE type = 'product.viewed' AND JSONExtractString(data, 'deviceId') != ''
      AND (JSONExtractString(data, 'userId') != '' OR actor_id != '')
)
SELECT user_id, at AS event_timestamp,
       toInt64(sum(orders) OVER h1) AS user_orders_1h, toInt64(sum(orders) OVER h24) AS user_orders_24h,
       toInt64(sum(orders) OVER d7) AS user_orders_7d, toInt64(sum(total_minor) OVER h1) AS user_spend_1h_minor,
       toInt64(sum(total_minor) OVER h24) AS user_spend_24h_minor,
       toInt64(sum(total_minor) OVER d7) AS user_spend_7d_minor,
       toInt64(uniqExactIf(card, card != '') OVER h24) AS user_distinct_cards_24h,
       toInt64(uniqExactIf(card, card != '') OVER d7) AS user_distinct_cards_7d,
       toInt64(uniqExactIf(address, address != '') OVER h24) AS user_distinct_addresses_24h,
       toInt64(uniqExactIf(address, address != '') OVER d7) AS user_distinct_addresses_7d,
       toInt64(uniqExactIf(device_id, device_id != '') OVER h24) AS user_distinct_devices_24h,
       toInt64(uniqExactIf(device_id, device_id != '') OVER d7) AS user_distinct_devices_7d
FROM (SELECT *, toUnixTimestamp(at) AS ts FROM activity)
WINDOW h1 AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN 3599 PRECEDING AND CURRENT ROW),
       h24 AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN 86399 PRECEDING AND CURRENT ROW),
       d7 AS (PARTITION BY user_id ORDER BY ts RANGE BETWEEN 604799 PRECEDING AND CURRENT ROW);

CREATE OR REPLACE VIEW feat_device_stream AS
WITH placed AS
(
    SELECT o.order_no AS order_no, o.user_id AS user_id, o.created_at AS at,
           concat(o.ship_country, '|', upper(o.ship_postal_code)) AS address, d.device_id AS device_id
    FROM orders AS o FINAL
    INNER JOIN
    (
        SELECT JSONExtractString(data, 'orderNo') AS order_no, any(JSONExtractString(data, 'deviceId')) AS device_id
        FROM events WHERE type = 'order.created' AND JSONExtractString(data, 'deviceId') != '' GROUP BY order_no
    ) AS d ON d.order_no = o.order_no
),
activity AS
(
    SELECT device_id, at, 1 AS orders, user_id, address, '' AS card FROM placed
    UNION ALL
    SELECT p.device_id AS device_id, c.at AS at, 0 AS orders, p.user_id AS user_id, '' AS address, c.card AS card
    FROM
    payment_cards AS c
    INNER JOIN placed AS p ON p.order_no = c.order_no
    UNION ALL
    SELECT JSONExtractString(data, 'deviceId') AS device_id, occurred_at AS at, 0 AS orders,
           if(JSONExtractString(data, 'userId') != '', JSONExtractString(data, 'userId'), actor_id) AS user_id,
           '' AS address, '' AS card
    FROM events
    WHERE type = 'product.viewed' AND JSONExtractString(data, 'deviceId') != ''
)
SELECT device_id, at AS event_timestamp, toInt64(sum(orders) OVER h24) AS device_orders_24h,
       toInt64(uniqExactIf(user_id, user_id != '') OVER h24) AS device_distinct_users_24h,
       toInt64(uniqExactIf(user_id, user_id != '') OVER d7) AS device_distinct_users_7d,
       toInt64(uniqExactIf(card, card != '') OVER h24) AS device_distinct_cards_24h,
       toInt64(uniqExactIf(card, card != '') OVER d7) AS device_distinct_cards_7d,
       toInt64(uniqExactIf(address, address != '') OVER h24) AS device_distinct_addresses_24h,
       toInt64(uniqExactIf(address, address != '') OVER d7) AS device_distinct_addresses_7d
FROM (SELECT *, toUnixTimestamp(at) AS ts FROM activity)
WINDOW h24 AS (PARTITION BY device_id ORDER BY ts RANGE BETWEEN 86399 PRECEDING AND CURRENT ROW),
       d7 AS (PARTITION BY device_id ORDER BY ts RANGE BETWEEN 604799 PRECEDING AND CURRENT ROW);
