-- Category names for reports and dashboards (names, never raw ids): the category.created / category.updated events
-- of the catalog, newest state per category (ReplacingMergeTree by the event time, read with FINAL), like the other
-- dimensions in 0002. Categories created before this migration are backfilled from the raw event log once.
CREATE TABLE IF NOT EXISTS dim_categories
(
    category_id String, name String, slug String, parent_id String, path String, updated_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at) ORDER BY category_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS dim_categories_mv TO dim_categories AS
SELECT JSONExtractString(data, 'categoryId') AS category_id, JSONExtractString(data, 'name') AS name,
       JSONExtractString(data, 'slug') AS slug, JSONExtractString(data, 'parentId') AS parent_id,
       JSONExtractString(data, 'path') AS path, occurred_at AS updated_at
FROM events WHERE type IN ('category.created', 'category.updated');

INSERT INTO dim_categories
SELECT JSONExtractString(data, 'categoryId') AS category_id, JSONExtractString(data, 'name') AS name,
       JSONExtractString(data, 'slug') AS slug, JSONExtractString(data, 'parentId') AS parent_id,
       JSONExtractString(data, 'path') AS path, occurred_at AS updated_at
FROM events WHERE type IN ('category.created', 'category.updated');
