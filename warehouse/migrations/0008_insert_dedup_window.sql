-- Insert deduplication on the raw log and every table its materialized views write to (issue 12).
-- The warehouse sink tags each batch's insert with an insert_deduplication_token and re-sends the same token when
-- it retries after a failure whose answer it never got: if the first attempt landed, the server drops the retry
-- here and in each view's target (deduplicate_blocks_in_dependent_materialized_views derives the views' tokens from
-- the insert's), so a retry needs no eventId lookup. Non-replicated MergeTree keeps no insert ids unless told to;
-- replicated tables (the cluster variant) keep them by default and take this setting harmlessly.
ALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE orders MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE order_items MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE vendor_splits MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE order_events MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE payments MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE refunds MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE shipments MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE deliveries MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE inventory_movements MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE dim_products MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE dim_skus MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE dim_vendors MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE dim_users MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE dim_categories MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE vendor_earnings MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE payouts MODIFY SETTING non_replicated_deduplication_window = 1000;
ALTER TABLE clickstream MODIFY SETTING non_replicated_deduplication_window = 1000;
