"""The warehouse reads behind dataset.load, one statement each. All take {since} and {until} (UTC, until
exclusive) so a training window never sees what happened after it."""

# Units ordered per SKU and day: demand as shoppers expressed it (a later cancel or refund does not undo it).
DAILY_UNITS = """
SELECT sku, toDate(created_at) AS ds, toFloat64(sum(qty)) AS y
FROM order_items FINAL
WHERE sku != '' AND created_at >= {since:DateTime64(3)} AND created_at < {until:DateTime64(3)}
GROUP BY sku, ds
"""

# A SKU is listed from its first stock movement (stock opens when the product is approved): zero-filling starts
# there, so days a listed SKU sold nothing count as zeros, while days before it existed do not.
LISTED = """
SELECT sku, toDate(min(at)) AS listed FROM inventory_movements FINAL
WHERE sku != '' AND at < {until:DateTime64(3)} GROUP BY sku
"""

# Every price a SKU was given: product snapshots' variants, then product.price.updated. A promotion shows as a
# compare-at price above the price charged (the simulator and the catalog service both emit it that way).
PRICES = """
SELECT JSONExtractString(data, 'sku') AS sku, occurred_at AS at, JSONExtractInt(data, 'newPriceMinor') AS price,
       JSONExtractInt(data, 'newCompareAtPriceMinor') AS compare_at
FROM events WHERE type = 'product.price.updated' AND occurred_at < {until:DateTime64(3)}
UNION ALL
SELECT JSONExtractString(v, 'sku') AS sku, occurred_at AS at, JSONExtractInt(v, 'priceMinor') AS price,
       JSONExtractInt(v, 'compareAtPriceMinor') AS compare_at
FROM events ARRAY JOIN JSONExtractArrayRaw(data, 'variants') AS v
WHERE type IN ('product.created', 'product.updated', 'product.approved') AND occurred_at < {until:DateTime64(3)}
"""

# Stock as of `until`: the newest snapshot of `available` (adjustments and low-stock alerts carry one), minus the
# units reserved after it, plus reservations released after it. Commits do not move `available` (the reservation
# already did), so they are left out.
STOCK = """
WITH snap AS
(
    SELECT sku, argMax(available, at) AS snap_available, max(at) AS snap_at
    FROM inventory_movements FINAL
    WHERE sku != '' AND available IS NOT NULL AND at < {until:DateTime64(3)}
    GROUP BY sku
)
SELECT snap.sku AS sku, toInt64(snap.snap_available) AS snapshot, snap.snap_at AS snapshot_at,
       toInt64(sumIf(m.qty, m.kind = 'reserved' AND m.at > snap.snap_at)) AS reserved_after,
       toInt64(sumIf(m.qty, m.kind = 'released' AND m.at > snap.snap_at)) AS released_after
FROM snap
LEFT JOIN
(
    SELECT sku, kind, qty, at FROM inventory_movements FINAL
    WHERE kind IN ('reserved', 'released') AND at < {until:DateTime64(3)}
) AS m ON m.sku = snap.sku
GROUP BY snap.sku, snap.snap_available, snap.snap_at
"""

# Observed lead times: a low-stock alert, then the first stock increase of that SKU after it (days between).
# Returns put units back too, so a single pair can be short; dataset.py takes the vendor's median.
LEAD_TIMES = """
SELECT l.sku AS sku, l.vendor_id AS vendor_id, dateDiff('day', toDate(l.at), toDate(r.at)) AS lead_days
FROM (SELECT sku, vendor_id, at FROM inventory_movements FINAL
      WHERE kind = 'low_stock' AND at < {until:DateTime64(3)}) AS l
ASOF JOIN (SELECT sku, at FROM inventory_movements FINAL
           WHERE kind = 'adjusted' AND reason = 'delta' AND qty > 0 AND at < {until:DateTime64(3)}) AS r
ON l.sku = r.sku AND r.at > l.at
"""

SKU_VENDORS = "SELECT sku, any(vendor_id) AS vendor_id FROM inventory_movements FINAL WHERE sku != '' GROUP BY sku"
