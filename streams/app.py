"""The faust application every stream worker runs: `faust -A streams.app worker` (or `mkt streams worker`).

Agents live in streams/<concern>/agents.py and are found by autodiscovery, so this module never imports them
(importing agents here would be a cycle: they import `app` from here).
Creating the App connects to nothing; the broker is only reached when a worker starts.
"""
from __future__ import annotations

from collections import Counter
from typing import Literal

import faust
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from kernel.contracts.topics import DOMAIN_TOPICS
from kernel.settings import CommonSettings

# Faust's defaults (60 s rebalance, 60 s session, 3 s heartbeat) suit a multi-broker cluster; a consumer-group
# join on the local Tansu broker waits the whole rebalance timeout, so the local defaults below make a worker
# ready in ~5 s instead of ~30 s. Production sets STREAMS_BROKER_* back to cluster values.
LOCAL_REBALANCE_TIMEOUT = 3.0
LOCAL_SESSION_TIMEOUT = 6.0
LOCAL_HEARTBEAT_INTERVAL = 1.0


class StreamsSettings(CommonSettings):
    """STREAMS_* knobs; the shared names (KAFKA_BOOTSTRAP_SERVERS, CLICKHOUSE_URL, ...) come from CommonSettings."""

    model_config = SettingsConfigDict(env_prefix="STREAMS_", env_file=".env", extra="ignore", populate_by_name=True)

    app_id: str = Field("marketplace-streams", description="faust app id = Kafka consumer group")
    broker_rebalance_timeout: float = LOCAL_REBALANCE_TIMEOUT
    broker_session_timeout: float = LOCAL_SESSION_TIMEOUT
    broker_heartbeat_interval: float = LOCAL_HEARTBEAT_INTERVAL
    # Where a consumer group with no committed offsets starts: "latest" lets a throwaway group (the streams
    # benchmark's) see only what is produced after it joins.
    consumer_auto_offset_reset: Literal["earliest", "latest"] = "earliest"
    web_enabled: bool = False
    web_port: int = 16066
    # Prometheus exposition of the worker (kernel/metrics.py names); 0 = off (the local stack), 9100 in deploy/.
    metrics_port: int = Field(0, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    # One INSERT per batch: a part per insert, so bigger batches mean fewer parts and far less work per event;
    # the window bounds how long an event waits for its batch (freshness).
    sink_batch_size: int = Field(20_000, ge=1, le=200_000)
    sink_batch_seconds: float = Field(0.5, gt=0)
    sink_max_backoff_seconds: float = Field(30.0, gt=0)
    # Consumers of the sink's group in one worker, each with its own warehouse client: while one lane's batch is
    # inserted (waiting on the warehouse, on the other core) another lane's is fetched and parsed. Partitions are
    # spread over the lanes by the group, so each keeps the one-batch-at-a-time order on its own partitions.
    sink_lanes: int = Field(3, ge=1, le=16)
    # "recent": ask the warehouse only about ids the worker cannot vouch for (warehouse_sink/recent_ids.py): after a
    # start or a rebalance, until the backlog from before it is landed; then no lookup at all. Exact within one sink
    # group (a rebalance waits for the batch being landed, consumer.py). Two groups sinking the same topics into one
    # warehouse (a test's private worker beside the stack's) may both land an event new to each: the
    # ReplacingMergeTree on event_id collapses those (read with FINAL). "always": look every batch's ids up first,
    # which only narrows that window (lookup and insert are not atomic); about 1 s more produce → queryable p95.
    sink_lookup: Literal["recent", "always"] = "recent"
    # "batch": the sink's own aiokafka consumer (warehouse_sink/consumer.py); "faust": the old per-event agent.
    sink_reader: Literal["batch", "faust"] = "batch"
    sink_recent_seconds: float = Field(300.0, gt=0, description="how much occurredAt history of landed ids to keep")
    sink_recent_max_ids: int = Field(1_000_000, ge=0)
    sink_clock_skew_seconds: float = Field(2.0, ge=0, description="how far producers' clocks may run ahead")


def _default_partitions() -> int:
    """Internal topics (table changelogs) must match their source topics' partitioning: use the common count."""
    counts = Counter(topic.partitions for topic in DOMAIN_TOPICS)
    return counts.most_common(1)[0][0]


def _broker_urls(bootstrap_servers: str) -> list[str]:
    return [f"kafka://{server.strip()}" for server in bootstrap_servers.split(",") if server.strip()]


def create_app(settings: StreamsSettings) -> faust.App:
    # Faust creates its data dir without parents and fails on a fresh checkout: make the parent first.
    datadir = settings.stack_dir / "faust" / settings.app_id
    datadir.parent.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.app_id,
        broker=_broker_urls(settings.kafka_bootstrap_servers),
        store="memory://",
        autodiscover=True,
        origin="streams",
        topic_partitions=_default_partitions(),
        # The topics are created up front with declared partitions (`mkt stack up`); the leader-assignor topic
        # is the only thing faust would create, and nothing here needs it.
        topic_disable_leader=True,
        value_serializer="raw",
        key_serializer="raw",
        # Agents ack only what they have fully sunk and every sink dedupes on eventId, so neither a shutdown nor
        # a rebalance has to wait for in-flight batches; waiting would hang both while a sink retries through a
        # warehouse outage. Un-acked events are redelivered and deduped.
        stream_wait_empty=False,
        consumer_auto_offset_reset=settings.consumer_auto_offset_reset,
        broker_rebalance_timeout=settings.broker_rebalance_timeout,
        broker_session_timeout=settings.broker_session_timeout,
        broker_heartbeat_interval=settings.broker_heartbeat_interval,
        web_enabled=settings.web_enabled,
        web_host="127.0.0.1",
        web_port=settings.web_port,
        # Faust writes a per-app data dir (default: ./<id>-data in the cwd): keep it under the stack dir.
        datadir=str(datadir),
    )


settings = StreamsSettings()
app = create_app(settings)
