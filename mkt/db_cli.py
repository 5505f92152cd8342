from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from kernel.migrations import downgrade, ensure_database, upgrade
from kernel.settings import common_settings, service_database_url
from mkt.composition import MIGRATED_SERVICES, migrations_dir

db_app = typer.Typer(no_args_is_help=True)
console = Console()


def upgrade_all(services: list[str] | None = None) -> list[str]:
    done = []
    for service in services or MIGRATED_SERVICES:
        ensure_database(common_settings().database_url, service)
        upgrade(migrations_dir(service), service_database_url(service))
        done.append(service)
    return done


@db_app.command("upgrade")
def upgrade_cmd(services: Annotated[list[str] | None, typer.Argument(help="Services (default: all).")] = None) -> None:
    """Create each service's database if missing and apply its Alembic migrations."""
    for service in upgrade_all(services):
        console.print(f"[green]✓[/] {service}: at head")


@db_app.command("downgrade")
def downgrade_cmd(service: str, revision: Annotated[str, typer.Argument()] = "base") -> None:
    """Roll one service's database back to a revision (default: base, i.e. empty)."""
    downgrade(migrations_dir(service), service_database_url(service), revision)
    console.print(f"[yellow]↓[/] {service}: at {revision}")


# Every column encrypted at rest, per service database: (table, columns, stored as JSONB).
ENCRYPTED_COLUMNS: dict[str, list[tuple[str, list[str], bool]]] = {
    "vendors": [("vendor_bank_accounts", ["account_number_encrypted"], False)],
    "profiles": [("profiles", ["phone"], False), ("addresses", ["line1", "line2"], False)],
    "orders": [("orders", ["shipping_address"], True), ("idempotency_keys", ["response"], True)],
}


@db_app.command("rotate-key")
def rotate_key_cmd() -> None:
    """Re-encrypt every column encrypted at rest under the first DATA_ENCRYPTION_KEY, so older keys can be dropped."""
    from sqlalchemy import create_engine

    from kernel.db import sync_url
    from kernel.encrypted_columns import rewrite_rows

    for service, tables in ENCRYPTED_COLUMNS.items():
        engine = create_engine(sync_url(service_database_url(service)))
        try:
            with engine.begin() as conn:
                for table, columns, as_json in tables:
                    n = rewrite_rows(conn, table, columns, encrypt=True, as_json=as_json, rotate=True)
                    console.print(f"[green]✓[/] {service}.{table}: {n} rows re-encrypted")
        finally:
            engine.dispose()
