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


@warehouse_app.command("backup-drill", help="BACKUP the warehouse, RESTORE it beside the live one, compare rows.")
def backup_drill_cmd(database: Optional[str] = _DatabaseOpt) -> None:
    from warehouse.backup import drill

    settings = common_settings()
    target = database or settings.clickhouse_database
    client = warehouse_client(settings, database=target)
    try:
        result = drill(client, target)
    finally:
        client.close()
    table = Table("table", "live rows", "restored rows")
    for name, rows in result.live.items():
        table.add_row(name, str(rows), str(result.restored.get(name)))
    console.print(table)
    verdict = "[green]exact[/green]" if result.exact else "[red]NOT EXACT[/red] (was something writing?)"
    console.print(f"backup {result.backup} restored in {result.seconds:.1f} s: {verdict}")
    if not result.exact:
        raise typer.Exit(1)


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


def _money_cell(column: str, value) -> str:
    if column.endswith("_minor") and isinstance(value, (int, float)) and value == value:
        return f"{value / 100:,.2f}"
    return str(value)


def named(client, columns: list[str], rows: list[tuple]) -> tuple[list[str], list[tuple]]:
    """Names from the warehouse's dimensions in place of the ids a person cannot read (vendor, category, product):
    the back office's lookup adds the name beside each id; the report then drops the id."""
    from apps.backoffice.analytics import NAME_LOOKUPS, with_names

    columns, rows = with_names(client, columns, rows)
    keep = [i for i, c in enumerate(columns)
            if not any(c == id_col and name_col in columns for id_col, name_col, _ in NAME_LOOKUPS)]
    return [columns[i] for i in keep], [tuple(r[i] for i in keep) for r in rows]


def print_metric(name: str, *, days: int, vendor_id: str | None = None) -> None:
    from warehouse.metrics.analytics import METRICS, run_metric, window

    client = warehouse_client()
    columns, rows = named(client, *run_metric(client, name, vendor_id=vendor_id, **window(None, None, days)))
    table = Table(title=f"{name} — {METRICS[name].title} (last {days} days)", title_justify="left")
    for column in columns:
        table.add_column(column.replace("_minor", ""), justify="right" if column != columns[0] else "left")
    for row in rows[:25]:
        table.add_row(*[_money_cell(c, v) for c, v in zip(columns, row)])
    console.print(table)


@warehouse_app.command("report", help="Print the marketplace analytics (GMV, AOV, conversion, cohorts, ...).")
def report_cmd(
    metric: Optional[list[str]] = typer.Argument(None, help="Metrics to show (default: all)."),
    days: int = typer.Option(30, help="Window: the last N days."),
    vendor: Optional[str] = typer.Option(None, help="A vendor's own slice (vendor id)."),
) -> None:
    from warehouse.metrics.analytics import METRICS, vendor_metrics

    names = metric or (vendor_metrics() if vendor else list(METRICS))
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise typer.BadParameter(f"unknown metrics {unknown}; choose from {', '.join(METRICS)}")
    for name in names:
        print_metric(name, days=days, vendor_id=vendor)
