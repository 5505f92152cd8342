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


@contracts_app.command("openapi")
def openapi(allow_breaking: bool = typer.Option(
        False, help="Write even when the new documents break the checked-in ones (a planned removal).")) -> None:
    """Regenerate the checked-in OpenAPI document of every service (kernel/contracts/openapi/); refuses breaking
    changes (see kernel.openapi_diff) unless --allow-breaking."""
    from mkt.openapi_docs import OPENAPI_DIR, write_all

    written, breaks = write_all(allow_breaking=allow_breaking)
    for line in breaks:
        console.print(f"[red]breaking[/] {line}")
    if breaks and not written:
        console.print("[red]Nothing written.[/] Add a new versioned route instead (see mkt/openapi_docs.py), "
                      "or pass --allow-breaking for a planned removal.")
        raise typer.Exit(1)
    for name in written:
        console.print(f"[green]✓[/] {OPENAPI_DIR.name}/{name}")


@contracts_app.command("openapi-check")
def openapi_check(base: str = typer.Option("origin/main", help="The git revision whose documents are the baseline.")
                  ) -> None:
    """CI: list the breaking changes from the documents at a git revision (the merge base of a pull request) to
    the checked-in ones in the working tree; exits 1 on any."""
    import json
    import subprocess

    from mkt.openapi_docs import OPENAPI_DIR, breaks_against, checked_in

    root = OPENAPI_DIR.parent.parent.parent
    rel = OPENAPI_DIR.relative_to(root).as_posix()
    listing = subprocess.run(["git", "ls-tree", "--name-only", f"{base}:{rel}"], cwd=root, capture_output=True,
                             text=True)
    baseline = {}
    for name in listing.stdout.split() if listing.returncode == 0 else []:
        text = subprocess.run(["git", "show", f"{base}:{rel}/{name}"], cwd=root, capture_output=True, text=True,
                              check=True).stdout
        baseline[name.removesuffix(".json")] = json.loads(text)
    breaks = breaks_against(baseline, checked_in())
    for line in breaks:
        console.print(f"[red]breaking[/] {line}")
    console.print(f"{len(baseline)} baseline documents at {base}, {len(breaks)} breaking changes")
    if breaks:
        raise typer.Exit(1)
