"""`mkt dashboards import | build | list`: Superset's datasets, charts and dashboards from dashboards/*.yaml."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

dashboards_app = typer.Typer(no_args_is_help=True)
console = Console()


@dashboards_app.command("build", help="Write the assets bundle ZIP (what `import` sends) to a file, for review.")
def build_cmd(out: Path = typer.Option(Path("dashboards-bundle.zip"), "--out", help="ZIP file to write.")) -> None:
    from dashboards.bundle import build_bundle

    out.write_bytes(build_bundle())
    console.print(f"wrote {out} ({out.stat().st_size:,} bytes)")


@dashboards_app.command("import", help="Build the bundle and import it through Superset's assets API (overwrites "
                                       "the database connection, datasets, charts and dashboards it holds).")
def import_cmd() -> None:
    from dashboards.bundle import build_bundle
    from dashboards.superset_api import SupersetApi, SupersetError
    from kernel.settings import stack_settings

    settings = stack_settings()
    t0 = time.monotonic()
    try:
        bundle = build_bundle(settings)
        with SupersetApi.login(settings) as api:
            api.import_bundle(bundle, settings)
            boards = api.list("dashboard")
    except SupersetError as exc:
        console.print(f"[red]import failed:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    console.print(f"imported {len(bundle):,}-byte bundle in {time.monotonic() - t0:.1f}s into {settings.superset_url}")
    _print_boards(boards, settings.superset_url)


@dashboards_app.command("list", help="The dashboards in Superset, with their addresses.")
def list_cmd(title: Optional[str] = typer.Option(None, help="Only dashboards with this exact title.")) -> None:
    from dashboards.superset_api import SupersetApi
    from kernel.settings import stack_settings

    settings = stack_settings()
    with SupersetApi.login(settings) as api:
        boards = api.list("dashboard", **({"dashboard_title": title} if title else {}))
    _print_boards(boards, settings.superset_url)


def _print_boards(boards: list[dict], base_url: str) -> None:
    table = Table("dashboard", "address")
    for board in sorted(boards, key=lambda b: b["dashboard_title"]):
        address = f"{base_url.rstrip('/')}/superset/dashboard/{board['slug'] or board['id']}/"
        table.add_row(board["dashboard_title"], address)
    console.print(table)
