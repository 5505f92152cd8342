-- `events` keeps the ids (data hashes) of its last 1000 inserted parts, so a part inserted again byte for byte is
-- dropped by the server (issue 12). The warehouse sink's retry after a failed insert sends exactly the parts the
-- failed attempt sent (streams/warehouse_sink/agents.py, write()): if that attempt landed after the retry's eventId
-- lookup ran (still in flight), or landed only some of its parts, the repeat is dropped here instead of landing
-- twice. Non-replicated MergeTree keeps no such ids unless told to; replicated tables (the cluster variant) keep
-- them by default and take this setting harmlessly.
-- Only `events`: the views' targets would need the same setting to drop their share of a repeat, and with it on all
-- 17 of them the streams benchmark's produce → queryable p95 at 20k events/s rose from ~1.05 s to ~1.85 s (each
-- insert then writes an insert log per target). A repeat reaching them collapses in their ReplacingMergeTree keys.
ALTER TABLE events MODIFY SETTING non_replicated_deduplication_window = 1000;
