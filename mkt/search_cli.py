"""`mkt search ...`: rebuild the product index behind its alias (zero downtime), and look at it."""
from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from apps.search.collections import reindex
from apps.search.config import SearchSettings
from apps.search.embeddings import Embedder
from apps.search.engine import Engine
from kernel.db import Database

search_app = typer.Typer(no_args_is_help=True)
console = Console()


async def run_reindex(settings: SearchSettings, *, keep_old: bool = False):
    db = Database(settings.db_url(), pool_size=2)
    engine = Engine(settings.typesense_url, settings.typesense_api_key, timeout=30)
    try:
        embedder = Embedder(threads=settings.embedding_threads) if settings.semantic_enabled else None
        return await reindex(db.sessions, engine, alias=settings.collection_alias, weights=settings.relevance_weights,
                             embedder=embedder, keep_old=keep_old)
    finally:
        await engine.close()
        await db.dispose()


@search_app.command("reindex")
def reindex_cmd(alias: Annotated[str | None, typer.Option(help="Alias to rebuild (default SEARCH_COLLECTION_ALIAS)")] = None,
                keep_old: Annotated[bool, typer.Option(help="Keep the previous collection")] = False) -> None:
    """Build a new collection from the search projections, swap the alias to it, drop the old one."""
    settings = SearchSettings(**({"collection_alias": alias} if alias else {}))
    report = asyncio.run(run_reindex(settings, keep_old=keep_old))
    console.print(f"[green]✓[/] {settings.collection_alias} → {report.collection} (was {report.previous}): "
                  f"{report.documents} documents, {report.removed} not listed, {report.requeued} changed meanwhile "
                  f"(the sync loop pushes them), {report.seconds:.1f}s")
