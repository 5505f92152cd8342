-- The raw event log: every envelope from every domain topic, one row per eventId.
-- Consumers dedupe on eventId (ARCHITECTURE §3). The sink already skips eventIds it finds here; the
-- ReplacingMergeTree keyed on event_id is the safety net for races (two workers, a crash between insert and
-- commit), collapsing leftovers at merge time. Query with FINAL (or GROUP BY event_id) when exactness matters.
-- Absent optional envelope fields (actor.id, trace.*) are stored as '' rather than Nullable: cheaper to scan,
-- and ClickHouse's own idiom.
CREATE TABLE IF NOT EXISTS events
(
    event_id       UUID,
    type           LowCardinality(String),
    version        UInt16,
    occurred_at    DateTime64(3, 'UTC'),
    actor_type     LowCardinality(String),
    actor_id       String,
    data           String CODEC(ZSTD(3)),
    request_id     String,
    correlation_id String,
    topic          LowCardinality(String),
    partition      UInt32,
    offset         UInt64,
    ingested_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(occurred_at)
ORDER BY event_id;
