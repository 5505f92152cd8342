"""`mkt train [kind...]`: the Dagster training job from the command line, with a progress display and the table of
each model's hold-out figure beside its baseline and the alias it got in MLflow."""
from __future__ import annotations

import json
import os
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kernel.settings import REPO_ROOT, stack_settings

console = Console()


def _params(values: list[str]) -> dict[str, dict]:
    """`kind.name=value` pairs (value parsed as JSON when it can be) → {kind: {name: value}}."""
    out: dict[str, dict] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        kind, dot, name = key.partition(".")
        if not sep or not dot:
            raise typer.BadParameter(f"--param takes kind.name=value, got {item!r}")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out.setdefault(kind, {})[name] = value
    return out


def outcome_table(outcome) -> Table:
    table = Table(title=f"training run {outcome.run_id[:8]} ({outcome.seconds:.0f} s)")
    for col, justify in (("model", "left"), ("metric", "left"), ("value", "right"), ("baseline", "right"),
                         ("version", "right"), ("alias", "left")):
        table.add_column(col, justify=justify, no_wrap=True)
    for kind, o in outcome.kinds.items():
        ev, reg = o.evaluation, o.registration or {}
        figures = (ev.metric, f"{ev.value:.4f}", f"{ev.baseline:.4f}") if ev is not None else ("—", "—", "—")
        alias = reg.get("alias", "not registered")
        style = "green" if alias == "champion" else "yellow"
        table.add_row(kind, *figures, str(reg.get("version", "—")), f"[{style}]{alias}[/]")
    return table


def print_outcome(outcome) -> None:
    console.print(outcome_table(outcome))
    for kind, o in outcome.kinds.items():
        console.print(f"  {kind}: {(o.registration or {}).get('reason', '')}")
        if o.problem:
            console.print(f"  [red]{kind}: {o.problem}[/]")


def train(
    kinds: Optional[list[str]] = typer.Argument(None, help="recommendations, fraud, forecasting, pricing (default: all)."),
    since: str = typer.Option("", "--since", help="First day of the data window (YYYY-MM-DD)."),
    until: str = typer.Option("", "--until", help="Day after the data window (YYYY-MM-DD)."),
    param: list[str] = typer.Option([], "--param", help="kind.name=value over the kind's defaults (repeatable)."),
    features: bool = typer.Option(True, "--features/--no-features", help="Also materialize the Feast online store."),
) -> None:
    os.environ.setdefault("DAGSTER_HOME", str(REPO_ROOT / "dagster_home"))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from pipelines.run import run_training, selection  # Dagster and the model libraries take seconds to import

    from pipelines.defs.training.kinds import KIND_NAMES

    chosen = list(kinds or KIND_NAMES)
    steps = len(selection(chosen, features)) + len(chosen)  # each kind's assets and its one check
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("starting", total=steps)

        def on_step(step: str, event: str) -> None:
            if event == "STEP_START":
                progress.update(task, description=step)
            else:
                progress.advance(task)
        try:
            outcome = run_training(chosen, since=since, until=until, params=_params(param),
                                   with_features=features, on_step=on_step)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
    print_outcome(outcome)
    ui = stack_settings()
    console.print(f"Dagster UI: {ui.dagster_url}/runs/{outcome.run_id} · MLflow UI: {ui.mlflow_tracking_uri}/#/models")
    if not outcome.success:
        raise typer.Exit(1)

