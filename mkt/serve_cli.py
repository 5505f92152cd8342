from __future__ import annotations

from typing import Annotated

import typer

from mkt.composition import SERVICE_FACTORIES, build_all_in_one, build_one
from mkt.serve_workers import default_workers, run_workers, serve_app


def serve(
    service: Annotated[str | None, typer.Argument(
        help=f"Run only this service: gateway, web, {', '.join(SERVICE_FACTORIES)}. Omit for all in one process.")] = None,
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1).")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    workers: Annotated[int | None, typer.Option(
        help="Web worker processes on the port (plus one process for the background loops). Default: one per "
             "core. 1: a single process doing everything.")] = None,
    services: Annotated[str | None, typer.Option(
        help="Comma-separated services this process hosts behind its gateway; the others are reached over HTTP "
             "at SERVICE_URLS (each started with `mkt serve <service> --port N`). Default: all.")] = None,
) -> None:
    """Run the gateway with every service mounted (default), or one service alone for scale-out."""
    if service is not None and service not in ("gateway", "web") and service not in SERVICE_FACTORIES:
        raise typer.BadParameter(f"unknown service {service!r}")
    hosted = None
    if services is not None:
        hosted = [s.strip() for s in services.split(",") if s.strip()]
        if unknown := [s for s in hosted if s not in SERVICE_FACTORIES]:
            raise typer.BadParameter(f"unknown services: {', '.join(unknown)}")
    count = default_workers() if workers is None else workers
    if count < 1:
        raise typer.BadParameter("--workers must be at least 1")
    if service is None and count > 1:
        run_workers(host=host, port=port, workers=count, hosted=hosted)
        return
    app = build_all_in_one(hosted=hosted) if service is None else build_one(service)
    serve_app(app, host=host, port=port)
