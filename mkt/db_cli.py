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
