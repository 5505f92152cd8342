"""`mkt payments ...`: the webhook poison queue (apps/payments/use_cases/webhook_failures.py), for operators."""
from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

payments_app = typer.Typer(no_args_is_help=True)
console = Console(width=160)


async def _with_uow(work):
    from apps.payments.config import PaymentsSettings
    from apps.payments.orm import OUTBOX
    from apps.payments.providers.factory import build_provider
    from kernel.db import Database
    from kernel.settings import service_database_url
    from kernel.uow import UnitOfWork

    db = Database(service_database_url("payments"), pool_size=1)
    provider = build_provider(PaymentsSettings())
    try:
        return await work(UnitOfWork(db.sessions, OUTBOX), provider)
    finally:
        await provider.close()
        await db.dispose()


@payments_app.command("webhook-failures", help="List provider webhook deliveries whose handling failed and that "
                                                 "no later delivery handled (the poison queue).")
def webhook_failures(limit: Annotated[int, typer.Option(help="How many, oldest first.")] = 50) -> None:
    from apps.payments.use_cases.webhook_failures import pending

    rows = asyncio.run(_with_uow(lambda uow, _p: pending(uow, limit)))
    if not rows:
        console.print("no failed webhook deliveries waiting")
        return
    table = Table("event id", "type", "attempts", "first failed", "last failed", "last error")
    for r in rows:
        table.add_row(r["eventId"], r["type"], str(r["attempts"]), r["firstFailedAt"].isoformat(timespec="seconds"),
                      r["lastFailedAt"].isoformat(timespec="seconds"), r["lastError"][:70])
    console.print(table)


@payments_app.command("webhook-replay", help="Handle parked webhook deliveries again (idempotent per event id).")
def webhook_replay(
    event_id: Annotated[list[str] | None, typer.Argument(help="Event ids; omit with --all.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every delivery the queue holds.")] = False,
) -> None:
    from apps.payments.use_cases.webhook_failures import pending, replay

    async def run(uow, provider) -> int:
        ids = list(event_id or []) or ([r["eventId"] for r in await pending(uow, 10_000)] if all_ else [])
        failed = 0
        for one in ids:
            try:
                out = await replay(uow, provider, one)
                console.print(f"[green]✓[/] {one}: {out['outcome']}")
            except KeyError:
                failed += 1
                console.print(f"[red]✗[/] {one}: not in the poison queue")
            except Exception as exc:  # noqa: BLE001 - recorded again in the queue; report and go on
                failed += 1
                console.print(f"[red]✗[/] {one}: {type(exc).__name__}: {exc}")
        return failed

    if not event_id and not all_:
        raise typer.BadParameter("give event ids or --all")
    if asyncio.run(_with_uow(run)):
        raise typer.Exit(1)
