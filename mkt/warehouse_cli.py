"""`mkt warehouse ...`: migrations of the ClickHouse warehouse and a quick look at what landed."""
from __future__ import annotations

from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from warehouse.migrate import MigrationError, migrate, status

warehouse_app = typer.Typer(no_args_is_help=True)
console = Console()

_DatabaseOpt = typer.Option(None, "--database", help="Target database (default: CLICKHOUSE_DATABASE).")


@warehouse_app.command("migrate", help="Apply pending warehouse/migrations/NNNN_*.sql in order.")
def migrate_cmd(database: Optional[str] = _DatabaseOpt) -> None:
    settings = common_settings()
    target = database or settings.clickhouse_database
    try:
        applied = migrate(settings, database=target)
    except MigrationError as exc:
        console.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    if not applied:
        console.print(f"warehouse [bold]{target}[/bold] is up to date ({settings.clickhouse_url})")
        return
    for migration in applied:
        console.print(f"applied [green]{migration.path.name}[/green] ({migration.checksum[:12]})")
    console.print(f"{len(applied)} migration(s) applied to [bold]{target}[/bold]")


@warehouse_app.command("status", help="List migrations and whether each is applied.")
def status_cmd(database: Optional[str] = _DatabaseOpt) -> None:
    try:
        rows = status(database=database)
    except MigrationError as exc:
        console.print(f"[red]refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    table = Table("version", "file", "applied", "checksum")
    for migration, applied in rows:
        table.add_row(f"{migration.version:04d}", migration.path.name, "yes" if applied else "[yellow]no[/yellow]",
                      migration.checksum[:12])
    console.print(table)


@warehouse_app.command("events", help="Counts of raw events per type (what the streams sink has landed).")
def events_cmd(limit: int = typer.Option(20, help="Show this many types.")) -> None:
    client = warehouse_client()
    try:
        result = client.query(
            "SELECT type, count() AS n, max(occurred_at) AS last FROM events "
            "GROUP BY type ORDER BY n DESC LIMIT %(limit)s",
            parameters={"limit": limit},
        )
    finally:
        client.close()
    table = Table("type", "events", "last occurred")
    for type_, n, last in result.result_rows:
        table.add_row(type_, f"{n:,}", str(last))
    console.print(table)
