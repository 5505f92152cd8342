from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from mkt.composition import SERVICE_FACTORIES, build_all_in_one, build_one


def serve(
    service: Annotated[str | None, typer.Argument(
        help=f"Run only this service: gateway, web, {', '.join(SERVICE_FACTORIES)}. Omit for all in one process.")] = None,
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1).")] = 8000,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
) -> None:
    """Run the gateway with every service mounted (default), or one service alone for scale-out."""
    if service is not None and service not in ("gateway", "web") and service not in SERVICE_FACTORIES:
        raise typer.BadParameter(f"unknown service {service!r}")
    app = build_all_in_one() if service is None else build_one(service)
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)
