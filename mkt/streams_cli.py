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
