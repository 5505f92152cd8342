"""`mkt search ...`: rebuild the product index behind its alias (zero downtime), and look at it."""
from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console

from apps.search.use_cases.reindex import reindex
from apps.search.config import SearchSettings
from apps.search.embeddings import Embedder
from apps.search.engine import Engine
from apps.search.popularity import apply_sales, warehouse_sales
from kernel.db import Database
from kernel.warehouse import warehouse_client

search_app = typer.Typer(no_args_is_help=True)
console = Console()


async def refresh_popularity(db: Database, *, days: int) -> int:
    sales = await asyncio.to_thread(lambda: warehouse_sales(warehouse_client(), days=days))
    async with db.sessions() as session:
        changed = await apply_sales(session, sales)
        await session.commit()
    console.print(f"popularity: {len(sales)} products sold in the last {days} days (warehouse); {changed} changed")
    return changed


async def run_reindex(settings: SearchSettings, *, keep_old: bool = False, popularity_days: int = 0):
    db = Database(settings.db_url(), pool_size=2)
    engine = Engine(settings.typesense_url, settings.typesense_api_key, timeout=30)
    try:
        if popularity_days > 0:
            await refresh_popularity(db, days=popularity_days)
        embedder = Embedder(threads=settings.embedding_threads) if settings.semantic_enabled else None
        return await reindex(db.sessions, engine, alias=settings.collection_alias, weights=settings.relevance_weights,
                             embedder=embedder, keep_old=keep_old)
    finally:
        await engine.close()
        await db.dispose()


@search_app.command("reindex")
def reindex_cmd(alias: Annotated[str | None, typer.Option(
                    help="Alias to rebuild (default SEARCH_COLLECTION_ALIAS)")] = None,
                keep_old: Annotated[bool, typer.Option(help="Keep the previous collection")] = False,
                popularity_days: Annotated[int, typer.Option(
                    help="Refresh popularity from the warehouse's paid orders of the last N days (0: skip)")] = 90,
                ) -> None:
    """Build a new collection from the search projections, swap the alias to it, drop the old one."""
    settings = SearchSettings(**({"collection_alias": alias} if alias else {}))
    report = asyncio.run(run_reindex(settings, keep_old=keep_old, popularity_days=popularity_days))
    console.print(f"[green]✓[/] {settings.collection_alias} → {report.collection} (was {report.previous}): "
                  f"{report.documents} documents, {report.removed} not listed, {report.requeued} changed meanwhile "
                  f"(the sync loop pushes them), {report.seconds:.1f}s")
