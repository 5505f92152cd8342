"""`mkt features ...`: register the Feast repo (features/) and load batch features into the online store."""
from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from kernel.feature_store import FEATURES_REPO, batch_view_names, load_config, open_store

features_app = typer.Typer(no_args_is_help=True)
console = Console()

_RepoOpt = typer.Option(FEATURES_REPO, "--repo", help="The Feast repo (a folder with feature_store.yaml).")


@features_app.command("apply", help="Register entities, views and services and create the online tables (feast apply).")
def apply(
    repo: Path = _RepoOpt,
    skip_source_validation: bool = typer.Option(False, help="Do not check that the warehouse views exist."),
) -> None:
    started = time.perf_counter()
    # Feast's own `feast apply` path: same parsing (imports every .py in the repo), same diff and infra update.
    from feast.repo_operations import apply_total, cli_check_repo

    repo = repo.resolve()
    cli_check_repo(repo, repo / "feature_store.yaml")
    cwd = os.getcwd()
    try:
        apply_total(load_config(repo), repo, skip_source_validation)
    finally:
        os.chdir(cwd)  # apply_total changes into the repo
    console.print(f"feast apply of [bold]{repo}[/bold] done in {time.perf_counter() - started:.1f} s")


@features_app.command("materialize", help="Load the batch feature views from the warehouse into the online store.")
def materialize(
    days: int = typer.Option(30, "--days", min=1, max=3650, help="How far back to read the offline views."),
    views: Optional[list[str]] = typer.Option(None, "--view", help="Only these feature views (repeatable)."),
    include_stream: bool = typer.Option(
        False, "--include-stream", help="Also rebuild the stream views from their warehouse twins (recovery)."),
    repo: Path = _RepoOpt,
) -> None:
    started = time.perf_counter()
    store = open_store(repo.resolve())
    names = views or ([fv.name for fv in store.list_feature_views()] if include_stream else batch_view_names(store))
    end = datetime.now(timezone.utc)
    console.print(f"materializing {', '.join(names)} from {end - timedelta(days=days):%Y-%m-%d %H:%M} to {end:%H:%M} UTC")
    store.materialize(start_date=end - timedelta(days=days), end_date=end, feature_views=names)
    console.print(f"materialized {len(names)} view(s) in {time.perf_counter() - started:.1f} s")
