"""BACKUP and RESTORE of the warehouse with ClickHouse's own statements, and the restore drill.

Where a backup goes is a ClickHouse backup destination: `File('<name>')` under the server's
`backups.allowed_path` (the local chDB server allows `.stack/warehouse/backups`), or `S3('<url>', '<key>',
'<secret>')` in production (deploy/RUNBOOK.md). A backup is only trusted once the drill has restored it beside the
live database and every table's row count matched.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass

from clickhouse_connect.driver.client import Client

_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def file_destination(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"backup names are letters, digits, '.', '_' and '-': {name!r}")
    return f"File('{name}')"


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"odd database name {name!r}")
    return f"`{name}`"


def backup(client: Client, database: str, destination: str) -> None:
    client.command(f"BACKUP DATABASE {_ident(database)} TO {destination}")


def restore_as(client: Client, source_database: str, target_database: str, destination: str) -> None:
    client.command(f"RESTORE DATABASE {_ident(source_database)} AS {_ident(target_database)} FROM {destination}")


def table_counts(client: Client, database: str) -> dict[str, int]:
    """Rows per stored table (views and materialized-view triggers hold no rows of their own)."""
    tables = [r[0] for r in client.query(
        "SELECT name FROM system.tables WHERE database = {db:String} AND engine LIKE '%MergeTree%' ORDER BY name",
        parameters={"db": database}).result_rows]
    return {t: int(client.query(f"SELECT count() FROM {_ident(database)}.{_ident(t)}").result_rows[0][0])
            for t in tables}


@dataclass
class DrillResult:
    backup: str
    live: dict[str, int]
    restored: dict[str, int]
    seconds: float

    @property
    def exact(self) -> bool:
        return bool(self.live) and self.live == self.restored


def drill(client: Client, database: str, *, name: str | None = None) -> DrillResult:
    """Back the database up, restore it as `<database>_drill`, compare every table's rows, drop the copy.
    Run while nothing writes (or compare against counts taken at the backup): a live sink adds rows meanwhile."""
    started = time.monotonic()
    name = name or f"{database}-{time.strftime('%Y%m%dT%H%M%S')}"
    destination = file_destination(name)
    live = table_counts(client, database)
    backup(client, database, destination)
    target = f"{database}_drill"
    client.command(f"DROP DATABASE IF EXISTS {_ident(target)}")
    try:
        restore_as(client, database, target, destination)
        restored = table_counts(client, target)
    finally:
        client.command(f"DROP DATABASE IF EXISTS {_ident(target)}")
    return DrillResult(name, live, restored, time.monotonic() - started)
