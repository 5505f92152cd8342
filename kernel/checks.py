"""Readiness probes for shared dependencies."""
from __future__ import annotations

import asyncio


async def tcp_reachable(hostport: str, timeout: float = 2.0) -> None:
    """The broker answers on its listener (first of a comma-separated bootstrap list)."""
    host, _, port = hostport.split(",")[0].strip().rpartition(":")
    _, writer = await asyncio.wait_for(asyncio.open_connection(host or "127.0.0.1", int(port)), timeout)
    writer.close()
    await writer.wait_closed()
