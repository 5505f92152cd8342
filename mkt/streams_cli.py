"""`mkt streams ...`: run the faust worker in the foreground and look at what it dead-lettered."""
from __future__ import annotations

import asyncio
import json
import os
import sys

import typer
from aiokafka import AIOKafkaConsumer, TopicPartition
from rich.console import Console
from rich.table import Table

from kernel.contracts.topics import DEAD_LETTER
from kernel.settings import common_settings

streams_app = typer.Typer(no_args_is_help=True)
console = Console()
_LEVELS = ("debug", "info", "warning", "error", "critical")


# faust's CLI spells two levels its own way.
_FAUST_LEVEL = {"warning": "warn", "critical": "crit"}


def worker_argv(loglevel: str) -> list[str]:
    """The exact command a stack manager (or a test) runs; `-m faust` works from any cwd with the editable install."""
    # --without-web: faust's CLI enables its web server (on 0.0.0.0) whatever the app config says; we need none.
    return [sys.executable, "-m", "faust", "-A", "streams.app", "worker", "-l", _FAUST_LEVEL.get(loglevel, loglevel),
            "--without-web"]


@streams_app.command("worker", help="Run the faust stream worker (events -> warehouse) in the foreground.")
def worker(
    loglevel: str = typer.Option("info", "--loglevel", "-l", help=f"One of {', '.join(_LEVELS)}."),
) -> None:
    if loglevel.lower() not in _LEVELS:
        raise typer.BadParameter(f"choose one of {', '.join(_LEVELS)}", param_hint="--loglevel")
    argv = worker_argv(loglevel.lower())
    sys.stdout.flush()
    sys.stderr.flush()
    # exec, not a child process: the PID a supervisor records is the worker's, and signals reach faust directly.
    os.execv(argv[0], argv)


def _decode(value: bytes | None) -> dict:
    try:
        record = json.loads(value or b"")
    except ValueError:
        record = None
    return record if isinstance(record, dict) else {"reason": "(not a dead-letter record)", "originalPreview": repr(value)}


async def _caught_up(consumer: AIOKafkaConsumer, ends: dict) -> bool:
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True


async def _read_dead_letters(limit: int) -> list[dict]:
    consumer = AIOKafkaConsumer(bootstrap_servers=common_settings().kafka_bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(DEAD_LETTER.name, p) for p in range(DEAD_LETTER.partitions)]
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for tp, end in ends.items():
            consumer.seek(tp, max(0, end - limit))
        records = []
        while not await _caught_up(consumer, ends):
            batch = await consumer.getmany(timeout_ms=1000)
            if not batch:
                break
            records.extend(_decode(m.value) for msgs in batch.values() for m in msgs)
        return records[-limit:]
    finally:
        await consumer.stop()


@streams_app.command("dead-letters", help="Show the most recent records of the dead-letter topic.")
def dead_letters(limit: int = typer.Option(20, help="How many records.")) -> None:
    records = asyncio.run(_read_dead_letters(limit))
    table = Table("source", "reason", "rejected at", "preview")
    for record in records:
        source = record.get("source", {})
        table.add_row(f"{source.get('topic')}[{source.get('partition')}]@{source.get('offset')}",
                      record.get("reason", "?"), record.get("rejectedAt", "?"), record.get("originalPreview", "")[:60])
    console.print(table if records else f"{DEAD_LETTER.name} is empty")


async def warehouse_lag(group: str) -> int:
    """Events on the domain topics the stream worker's warehouse sink has not landed yet: the lag of the sink's own
    consumer group, `<app id>-warehouse-sink` (streams/warehouse_sink/consumer.py), which commits only after a
    batch landed. `group` is the worker's app id (faust's group, which reads only the real-time feature topics)."""
    group = f"{group}-warehouse-sink"
    from aiokafka.admin import AIOKafkaAdminClient

    from kernel.contracts.topics import DOMAIN_TOPICS

    servers = common_settings().kafka_bootstrap_servers
    admin, consumer = AIOKafkaAdminClient(bootstrap_servers=servers), AIOKafkaConsumer(bootstrap_servers=servers)
    await admin.start()
    await consumer.start()
    try:
        partitions = [TopicPartition(t.name, p) for t in DOMAIN_TOPICS for p in range(t.partitions)]
        committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
        ends = await consumer.end_offsets(partitions)
        return sum(max(0, end - max(0, getattr(committed.get(tp), "offset", 0))) for tp, end in ends.items())
    finally:
        await consumer.stop()
        await admin.close()


@streams_app.command("wait", help="Wait until the stream worker has consumed every event on the domain topics.")
def wait(
    timeout: float = typer.Option(900.0, "--timeout", min=1, help="Give up after this many seconds."),
    group: str = typer.Option("marketplace-streams", "--group", help="The worker's consumer group (faust app id)."),
) -> None:
    import time

    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    started, first = time.monotonic(), asyncio.run(warehouse_lag(group))
    with Progress(TextColumn("stream worker lag"), BarColumn(), TextColumn("{task.fields[lag]:,} events"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("lag", total=max(first, 1), lag=first)
        lag = first
        while lag > 0 and time.monotonic() - started < timeout:
            time.sleep(2.0)
            lag = asyncio.run(warehouse_lag(group))
            progress.update(task, completed=max(0, first - lag), lag=lag)
    if lag > 0:
        console.print(f"[red]✗[/] the stream worker still lags {lag:,} events after {timeout:.0f} s")
        raise typer.Exit(1)
    console.print(f"[green]✓[/] the warehouse has every event ({time.monotonic() - started:.0f} s)")
