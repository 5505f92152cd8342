"""OpenTelemetry traces from the gateway through the services to the outbox and on to the consumers.

Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (the OTel standard variable): then every process exports spans over
OTLP/HTTP. Off means no tracer provider at all: the API's no-op tracer, and every helper here returns at its
first line, so an untraced deployment pays nothing.
The W3C `traceparent` crosses HTTP hops as a header and Kafka hops inside the event envelope (`trace.traceparent`),
so a consumer's span is a child of the request that wrote the event.
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

_state = {"on": False}
_tracer = trace.get_tracer("marketplace")


def configure(service_name: str = "marketplace", exporter=None) -> bool:
    """Install the exporting tracer provider once per process; True if tracing is on. `exporter` (tests) replaces
    the OTLP exporter the environment would configure."""
    if _state["on"]:
        return True
    if _state.get("provider") is not None and exporter is None:  # switched off by disable(): stays off
        return False
    if exporter is None and not os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        return False
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": os.environ.get("OTEL_SERVICE_NAME",
                                                                                       service_name)}))
    if exporter is None:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    else:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    if _state.get("provider") is None:
        trace.set_tracer_provider(provider)  # the global provider can be set once per process
    _state["provider"] = provider
    global _tracer
    _tracer = provider.get_tracer("marketplace")
    _state["on"] = True
    return True


def disable() -> None:
    """Stop making spans (tests that switched tracing on for themselves switch it off again)."""
    _state["on"] = False


def enabled() -> bool:
    return _state["on"]


@contextmanager
def span(name: str, *, kind: SpanKind = SpanKind.INTERNAL, parent: Mapping[str, str] | None = None,
         attributes: Mapping[str, str | int] | None = None) -> Iterator[trace.Span | None]:
    """A span around a block (None when tracing is off). `parent`: carrier headers to continue a remote trace."""
    if not _state["on"]:
        yield None
        return
    ctx = propagate.extract(dict(parent)) if parent else None
    with _tracer.start_as_current_span(name, context=ctx, kind=kind, attributes=dict(attributes or {}),
                                       record_exception=True, set_status_on_exception=True) as current:
        yield current


def mark_status(current: trace.Span | None, status: int) -> None:
    if current is not None:
        current.set_attribute("http.response.status_code", status)
        if status >= 500:
            current.set_status(Status(StatusCode.ERROR))


def finish_server_span(scope, status: int) -> None:
    """Name the request's span after its route template once routing has run, and record the status."""
    if not _state["on"]:
        return
    from kernel.metrics import route_of
    current = trace.get_current_span()
    current.update_name(f"{scope.get('method')} {route_of(scope)}")
    mark_status(current, status)


def inject(headers: dict[str, str]) -> dict[str, str]:
    """Add the current trace context to outgoing HTTP headers (unchanged when tracing is off)."""
    if _state["on"]:
        propagate.inject(headers)
    return headers


def current_traceparent() -> str | None:
    """The current span's W3C traceparent, for an event envelope; None when off or outside any span."""
    if not _state["on"]:
        return None
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")
