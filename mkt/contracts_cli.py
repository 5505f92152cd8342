from __future__ import annotations

import typer
from rich.console import Console

from kernel.contracts.schemas import SCHEMA_DIR, write_all

contracts_app = typer.Typer(no_args_is_help=True)
console = Console()


@contracts_app.command("schemas")
def schemas() -> None:
    """Regenerate the checked-in JSON Schemas of every event payload (kernel/contracts/schemas/)."""
    for name in write_all():
        console.print(f"[green]✓[/] {SCHEMA_DIR.name}/{name}")
