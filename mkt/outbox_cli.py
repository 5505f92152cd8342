from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timezone
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy import MetaData

from kernel.db import Database
from kernel.kafka import KafkaPublisher
from kernel.outbox import outbox_table
from kernel.relay import OutboxRelay
from kernel.settings import service_database_url
from mkt.composition import MIGRATED_SERVICES

outbox_app = typer.Typer(no_args_is_help=True)
console = Console()
_OUTBOX = outbox_table(MetaData())


def _parse_since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise typer.BadParameter("use ISO 8601, e.g. 2026-11-25T00:00:00Z or 2026-11-25") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


async def replay_all(since: datetime, services: list[str] | None = None) -> dict[str, int]:
    publisher = KafkaPublisher()
    counts: dict[str, int] = {}
    try:
        for service in services or MIGRATED_SERVICES:
            db = Database(service_database_url(service), pool_size=1)
            try:
                counts[service] = await OutboxRelay(db, _OUTBOX, publisher, name=service).replay(since)
            finally:
                await db.dispose()
    finally:
        await publisher.close()
    return counts


@outbox_app.command("replay")
def replay(
    since: Annotated[str, typer.Option(help="Re-publish events created at or after this time (ISO 8601, UTC).")],
    service: Annotated[list[str] | None, typer.Option(help="Only these services (repeatable).")] = None,
) -> None:
    """Re-publish retained outbox events (the local broker keeps topics only in memory). Consumers dedupe on
    eventId, so a replay never double-counts."""
    counts = asyncio.run(replay_all(_parse_since(since), service))
    for name, n in counts.items():
        console.print(f"[green]✓[/] {name}: re-published {n} events")


async def _relay_forever(services: list[str]) -> None:
    publisher, stop = KafkaPublisher(), asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    asyncio.get_running_loop().add_signal_handler(signal.SIGINT, stop.set)
    dbs = [Database(service_database_url(s), pool_size=2) for s in services]
    # No commit in this process wakes these relays (kernel/outbox_wake.py): they poll, as often as before.
    relays = [OutboxRelay(db, _OUTBOX, publisher, name=s, poll_interval=0.2) for db, s in zip(dbs, services)]
    try:
        await asyncio.gather(*(r.run(stop) for r in relays))
    finally:
        await publisher.close()
        for db in dbs:
            await db.dispose()


@outbox_app.command("relay")
def relay(service: Annotated[list[str] | None, typer.Option(help="Only these services.")] = None) -> None:
    """Run the outbox relays in the foreground (when services run without their in-process relay)."""
    asyncio.run(_relay_forever(service or list(MIGRATED_SERVICES)))
