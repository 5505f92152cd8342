"""`mkt stack up | down | status | logs`: thin wrapper over deploy.local.stack."""
from __future__ import annotations

import time
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

stack_app = typer.Typer(no_args_is_help=True)
console = Console()

PartsArg = Annotated[
    Optional[list[str]],
    typer.Argument(help="Parts (default: all): postgres kafka warehouse typesense redis smtp mlflow dagster-code dagster dagster-daemon superset.",
                   show_default=False),
]


def _failure(exc) -> str:
    return f"{', '.join(exc.failed)} (details above)" if getattr(exc, "failed", None) else str(exc)


def _echo(line: str) -> None:
    console.print(line, highlight=False, markup=False)


@stack_app.command("up")
def up(parts: PartsArg = None) -> None:
    """Start the parts that are not running (idempotent) and wait until each is ready."""
    from deploy.local.stack import StackError, ensure_up

    t0 = time.monotonic()
    try:
        ensure_up(parts or None, echo=_echo)
    except StackError as exc:
        console.print(f"[red]stack up failed:[/red] {_failure(exc)}", highlight=False)
        raise typer.Exit(1)
    console.print(f"stack up in {time.monotonic() - t0:.1f}s", highlight=False)


@stack_app.command("down")
def down(parts: PartsArg = None) -> None:
    """Stop the parts mkt started (by their recorded PIDs); with no parts named, also the demo's API and worker."""
    from deploy.local.stack import StackError, down as stack_down
    from mkt.app_procs import app_processes, stop

    if not parts:
        for app in app_processes():
            if stop(app):
                _echo(f"{app.name:10} stopped")
    try:
        stack_down(parts or None, echo=_echo)
    except StackError as exc:
        console.print(f"[red]stack down failed:[/red] {_failure(exc)}", highlight=False)
        raise typer.Exit(1)


@stack_app.command("status")
def status(
    parts: PartsArg = None,
    check: Annotated[bool, typer.Option("--check", help="Exit 1 unless every listed part is up.")] = False,
) -> None:
    """Show each part: port, PID and whether it answers its readiness check."""
    from deploy.local.stack import StackError, status as stack_status

    try:
        rows = stack_status(parts or None)
    except StackError as exc:
        console.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2)
    table = Table(title="local stack")
    for col in ("part", "port", "PID", "state", "detail"):
        table.add_column(col)
    for row in rows:
        colour = "green" if row.up else ("yellow" if row.state in ("not ready", "not installed") else "red")
        table.add_row(row.part, str(row.port), str(row.pid or "-"), f"[{colour}]{row.state}[/{colour}]", row.detail)
    if not parts:
        from deploy.local.process import read_pid
        from mkt.app_procs import app_processes

        for app in app_processes():
            state = "[green]up[/green]" if app.ready() else "[yellow]not started[/yellow]"
            record = read_pid(app.pid_path) if app.ready() else None
            table.add_row(app.name, str(app.port or "-"), str(record.pid if record else "-"), state,
                          f"started by mkt demo; log {app.log_path}")
    console.print(table)
    if check and not all(r.up for r in rows):
        raise typer.Exit(1)


@stack_app.command("logs")
def logs(
    part: Annotated[str, typer.Argument(help="Which part's log.")],
    lines: Annotated[int, typer.Option("-n", "--lines", help="How many lines from the end.")] = 50,
    follow: Annotated[bool, typer.Option("-f", "--follow", help="Keep printing new lines.")] = False,
) -> None:
    """Print the tail of a part's log (STACK_DIR/<part>/<part>.log)."""
    from deploy.local.stack import StackError, log_path, logs as stack_logs

    try:
        path = log_path(part)
    except StackError as exc:
        console.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2)
    if not path.exists():
        console.print(f"no log yet at {path}", highlight=False)
        raise typer.Exit(1)
    typer.echo(stack_logs(part, lines))
    if follow:
        with open(path, "rb") as f:
            f.seek(0, 2)
            try:
                while True:
                    chunk = f.read()
                    if chunk:
                        typer.echo(chunk.decode(errors="replace"), nl=False)
                    else:
                        time.sleep(0.3)
            except KeyboardInterrupt:
                pass
