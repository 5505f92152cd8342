"""Prometheus metrics every process of ours exposes on GET /metrics: the golden signals of each route, and the
health of the event path (outbox lag, consumer lag, dead letters, warehouse sink) and of model serving.

Names and labels are the contract deploy/observability/ (alert rules, Grafana dashboard) is written against;
tests/unit/test_observability_as_code.py checks that every metric those files use is defined here.
With several worker processes, set PROMETHEUS_MULTIPROC_DIR (prometheus_client's multiprocess mode) and /metrics
sums every worker's figures.
"""
from __future__ import annotations

import os

from fastapi import APIRouter, Response
from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram,
                               generate_latest, multiprocess)
from starlette.types import Scope

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram("http_request_duration_seconds", "HTTP request latency by route and status",
                            ["service", "method", "route", "status"], buckets=_LATENCY_BUCKETS)
OUTBOX_OLDEST_SECONDS = Gauge("outbox_oldest_unpublished_seconds",
                              "Age of the oldest event the relay found unpublished at its last poll (0: none)",
                              ["service"], multiprocess_mode="max")
OUTBOX_PUBLISHED = Counter("outbox_published_events_total", "Events the relay published to Kafka", ["service"])
CONSUMER_LAG = Gauge("consumer_lag_messages", "Messages behind the partition's end, per consumer group",
                     ["group", "topic", "partition"], multiprocess_mode="max")
CONSUMER_HANDLED = Counter("consumer_events_handled_total", "Events a service's reactions handled",
                           ["group", "type"])
DEAD_LETTERS = Counter("dead_letters_total", "Events parked on the dead-letter topic", ["consumer"])
SINK_ROWS = Counter("warehouse_sink_rows_total", "Rows the stream worker inserted into the warehouse", ["table"])
SINK_BATCH_SECONDS = Histogram("warehouse_sink_batch_seconds", "Time to insert one batch into the warehouse",
                               buckets=_LATENCY_BUCKETS)
MODEL_SECONDS = Histogram("model_inference_seconds", "Time one model prediction took in the serving API",
                          ["model"], buckets=_LATENCY_BUCKETS)


def route_of(scope: Scope) -> str:
    """The route template (`/v1/orders/{orderNo}`), never the raw path: ids would explode the label set."""
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


def observe_request(service: str, scope: Scope, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(service, scope.get("method", ""), route_of(scope), str(status)).observe(seconds)


# Read once, when the metrics above were created: prometheus_client picks each metric's storage (in memory, or
# files shared by worker processes) at creation from this variable, and a library imported later may set it for
# itself (feast.metrics does, at import) — the exposition must match the storage our metrics really use.
_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")


def exposition() -> bytes:
    if _MULTIPROC_DIR:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=_MULTIPROC_DIR)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics_router() -> APIRouter:
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
