"""Metrics and traces of one request, without servers: the kernel's request middleware on a bare FastAPI app.
The envelope and consumer halves use the kernel's own helpers (the consumer's broker path is covered by the
integration suite; here only the trace context's hand-over is under test)."""
from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from kernel import tracing
from kernel.consumer import _trace_parent
from kernel.events import Envelope, Trace
from kernel.http import RequestContextMiddleware
from kernel.metrics import REQUEST_SECONDS, exposition, metrics_router


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(RequestContextMiddleware, service="demo")
    app.include_router(metrics_router())

    @app.get("/v1/things/{thing_id}")
    async def thing(thing_id: str) -> dict:
        return {"id": thing_id, "traceparent": tracing.current_traceparent()}

    return app


async def _get(app: FastAPI, path: str, **kw) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        return await client.get(path, **kw)


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    tracing.disable()
    assert tracing.configure(exporter=exporter)
    yield exporter
    tracing.disable()


async def test_latency_is_recorded_per_route_template_not_per_raw_path():
    app = _app()
    before = REQUEST_SECONDS.labels("demo", "GET", "/v1/things/{thing_id}", "200")._sum.get()
    for thing in ("a", "b", "c"):
        assert (await _get(app, f"/v1/things/{thing}")).status_code == 200
    assert (await _get(app, "/nowhere")).status_code == 404
    text = (await _get(app, "/metrics")).text
    assert 'route="/v1/things/{thing_id}"' in text and 'route="/v1/things/a"' not in text
    assert 'http_request_duration_seconds_count{method="GET",route="/v1/things/{thing_id}",service="demo",' \
           'status="200"}' in text
    assert 'route="unmatched",service="demo",status="404"' in text
    assert REQUEST_SECONDS.labels("demo", "GET", "/v1/things/{thing_id}", "200")._sum.get() > before
    assert b"outbox_oldest_unpublished_seconds" in exposition()


async def test_tracing_off_costs_no_span_and_writes_no_traceparent():
    tracing.disable()
    body = (await _get(_app(), "/v1/things/x")).json()
    assert body["traceparent"] is None
    assert "traceparent" not in Envelope(type="thing.made", data={}).model_dump(by_alias=True)["trace"]


async def test_a_request_span_continues_the_callers_trace_and_reaches_the_consumer(spans):
    caller = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    body = (await _get(_app(), "/v1/things/x", headers={"traceparent": caller})).json()
    # FastAPI adds spans of its own; ours are the "marketplace" instrumentation scope.
    [server] = [s for s in spans.get_finished_spans()
                if s.kind == SpanKind.SERVER and s.instrumentation_scope.name == "marketplace"]
    assert server.name == "GET /v1/things/{thing_id}"
    assert format(server.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert body["traceparent"].split("-")[1] == "0af7651916cd43dd8448eb211c80319c"
    # The event the request wrote carries that context; the consumer's span is its child.
    envelope = Envelope(type="thing.made", data={}, trace=Trace(traceparent=body["traceparent"]))
    again = Envelope.from_json(envelope.to_json())
    with tracing.span("consume thing.made", kind=SpanKind.CONSUMER, parent=_trace_parent(again)):
        pass
    consumer = [s for s in spans.get_finished_spans() if s.kind == SpanKind.CONSUMER][0]
    assert consumer.context.trace_id == server.context.trace_id
    assert format(consumer.parent.span_id, "016x") == body["traceparent"].split("-")[2]


async def test_a_library_setting_the_multiprocess_variable_later_does_not_empty_our_metrics(monkeypatch, tmp_path):
    app = _app()
    await _get(app, "/v1/things/late")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))  # what importing feast.metrics does
    text = (await _get(app, "/metrics")).text
    assert 'route="/v1/things/{thing_id}",service="demo"' in text
