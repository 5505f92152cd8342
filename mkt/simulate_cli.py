"""`mkt simulate ...`: the marketplace simulator — a year of history onto the topics, or live shoppers on the API."""
from __future__ import annotations

import asyncio
import multiprocessing as mp
from datetime import date
from typing import Optional

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kernel.logging import configure_logging
from kernel.settings import stack_settings
from mkt.admin_cli import create_super_admin
from mkt.world_seed import SeedReport, seed_world
from simulator.api import call, ok
from simulator.backfill import BackfillReport, run_backfill
from simulator.config import SimConfig
from simulator.ground_truth import run_dir
from simulator.live import LiveDriver, LiveStats, discover, products_of
from simulator.seed import seed_marketplace
from simulator.live_world import WorldLiveDriver
from simulator.world_spec import SIM_PASSWORD, build_spec, end_of_window_stock, last_world, remember_world

simulate_app = typer.Typer(no_args_is_help=True)
console = Console()


def _config(days: int, seed: int, shoppers: int, vendors: int, skus: Optional[int], end: Optional[str],
            browse: float) -> SimConfig:
    try:
        return SimConfig(seed=seed, days=days, shoppers=shoppers, vendors=vendors, browse_sessions_per_order=browse,
                         skus=skus if skus is not None else max(vendors, 40 * vendors),
                         **({"end": date.fromisoformat(end)} if end else {}))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def _print_report(report: BackfillReport) -> None:
    table = Table(title=f"backfill {report.run_id}", show_header=True)
    table.add_column("topic")
    table.add_column("events", justify="right")
    for topic, n in report.per_topic.items():
        table.add_row(topic, f"{n:,}")
    table.add_row("[bold]total[/]", f"[bold]{report.events:,}[/]")
    console.print(table)
    totals = report.truth_totals
    console.print(f"{report.events:,} events in {report.seconds:.1f} s = [bold]{report.events_per_second:,} "
                  f"events/s[/] · {report.events_per_day:,.0f} events per simulated day · "
                  f"{totals.get('orders', 0):,} orders ({totals.get('paid_orders', 0):,} paid, "
                  f"{totals.get('fraud_orders', 0):,} fraudulent) · GMV {totals.get('gmv_minor', 0) / 100:,.2f}")
    console.print(f"stream sha256 {report.stream_sha256[:16]}… · ground truth: {report.ground_truth_dir}")


@simulate_app.command("backfill", help="Write D days of simulated history as events onto the real topics.")
def backfill(
    days: int = typer.Option(365, "--days", min=1, max=3650, help="Days of history, ending today (UTC)."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same world, same events."),
    shoppers: int = typer.Option(5_000, "--shoppers", min=10, max=1_000_000),
    vendors: int = typer.Option(50, "--vendors", min=1, max=10_000),
    skus: Optional[int] = typer.Option(None, "--skus", min=1, max=1_000_000, help="Default: 40 per vendor."),
    end: Optional[str] = typer.Option(None, "--end", help="Exclusive end date YYYY-MM-DD (default: today)."),
    browse: float = typer.Option(5.0, "--browse-per-order", min=0, max=50,
                                 help="Sessions that buy nothing per order: the clickstream's volume."),
    truth: bool = typer.Option(True, "--truth/--no-truth", help="Export the ground truth under STACK_DIR."),
) -> None:
    cfg = _config(days, seed, shoppers, vendors, skus, end, browse)
    truth_dir = run_dir(cfg.run_id) if truth else None
    console.print(f"simulating {cfg.start} → {cfg.end} ({days} days): {vendors} vendors, {cfg.skus:,} SKUs, "
                  f"{shoppers:,} shoppers, seed {seed}")
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[events]:,} events"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("days", total=days + 1, events=0)
        seen = {"events": 0}

        def on_day(day: int, n: int) -> None:
            seen["events"] += n
            progress.update(task, advance=1, events=seen["events"])

        try:
            report = asyncio.run(run_backfill(cfg, truth_dir=truth_dir, on_day=on_day))
        except (RuntimeError, OSError) as exc:
            console.print(f"[red]✗[/] {exc}")
            raise typer.Exit(1) from None
    _print_report(report)


def _world_stock(cfg: SimConfig, stock: str):
    """Forks the year's simulation now, before any connection or thread exists, to run beside the seeding."""
    if stock != "end":
        return None, None
    pool = mp.get_context("fork").Pool(1)
    return pool, pool.apply_async(end_of_window_stock, (cfg,))


@simulate_app.command("world", help="Seed the simulated world (accounts, vendors, catalog, stock) into the services, "
                                    "with the ids its backfill uses. Run it before `simulate backfill` with the same "
                                    "options; running it again creates nothing.")
def world(
    days: int = typer.Option(365, "--days", min=1, max=3650, help="Days of history, ending today (UTC)."),
    seed: int = typer.Option(7, "--seed", help="Same seed, same world, same ids."),
    shoppers: int = typer.Option(5_000, "--shoppers", min=10, max=1_000_000),
    vendors: int = typer.Option(50, "--vendors", min=1, max=10_000),
    skus: Optional[int] = typer.Option(None, "--skus", min=1, max=1_000_000, help="Default: 40 per vendor."),
    end: Optional[str] = typer.Option(None, "--end", help="Exclusive end date YYYY-MM-DD (default: today)."),
    browse: float = typer.Option(5.0, "--browse-per-order", min=0, max=50,
                                 help="Part of the world's identity (its run key): pass what backfill gets."),
    stock: str = typer.Option("end", "--stock", help="end: stock when the window closes (simulates the whole "
                                                    "window meanwhile); opening: the history's opening stock."),
) -> None:
    if stock not in ("end", "opening"):
        raise typer.BadParameter("end or opening", param_hint="--stock")
    cfg = _config(days, seed, shoppers, vendors, skus, end, browse)
    pool, future = _world_stock(cfg, stock)
    configure_logging("WARNING")  # the services' per-event info lines would bury the progress bars
    spec = build_spec(cfg)
    console.print(f"world {cfg.run_id}: {len(spec.accounts) + 1:,} accounts (password {SIM_PASSWORD!r}), "
                  f"{len(spec.vendors)} vendors, {len(spec.products):,} products, {len(spec.stock):,} SKUs")
    totals = {"accounts": len(spec.accounts) + 1, "taxonomy": len(spec.categories) + len(spec.brands),
              "vendors": len(spec.vendors), "products": len(spec.products), "stock": len(spec.stock)}
    columns = (TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=console) as progress:
            tasks = {step: progress.add_task(step, total=n) for step, n in totals.items()}
            report = asyncio.run(seed_world(spec, lambda step, n: progress.advance(tasks[step], n),
                                            stock=_awaiting(future)))
    except (OSError, RuntimeError) as exc:
        console.print(f"[red]✗[/] {exc}")
        raise typer.Exit(1) from None
    finally:
        if pool is not None:
            pool.terminate()  # a re-run with every SKU stocked never needs the simulation: do not wait for it
    _print_seed(report)
    console.print(f"`mkt simulate live` now signs in as this world's shoppers (remembered in {remember_world(cfg)})")


def _awaiting(result):
    if result is None:
        return None
    return lambda: asyncio.get_running_loop().run_in_executor(None, result.get)


def _print_seed(report: SeedReport) -> None:
    made = ", ".join(f"{n:,} {what}" for what, n in report.created.items())
    console.print(f"[green]✓[/] seeded in {report.seconds:.1f} s: {made} (new); {report.published:,} events "
                  f"published")
    if report.relay_note:
        console.print(f"[yellow]note:[/] {report.relay_note}")


async def admin_token(http: httpx.AsyncClient, email: str, password: str) -> str:
    """The simulator's super_admin (created or promoted here: the simulator package never imports mkt/apps)."""
    await create_super_admin(email, password, "Simulator admin")
    return ok(await call(http, "POST", "/v1/auth/login", json={"email": email, "password": password}),
              200)["accessToken"]


async def _live(gateway: str, shoppers: int, minutes: float, rate: float, seed: int, seed_vendors: int,
                products_per_vendor: int, email: str, password: str, timeout: float,
                world: SimConfig | None) -> LiveStats:
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as http:
        ok(await call(http, "GET", "/healthz"), 200)
        products = [] if seed_vendors else await discover(http)
        if not products:
            token = await admin_token(http, email, password)
            count = seed_vendors or 5
            console.print(f"seeding {count} vendors × {products_per_vendor} products through {gateway} …")
            summary = await seed_marketplace(http, token, vendors=count, products_per_vendor=products_per_vendor,
                                             seed=seed, timeout=timeout)
            console.print(f"[green]✓[/] seeded {len(summary.vendors)} vendors, {len(summary.products)} products, "
                          f"{len(summary.skus)} SKUs in {summary.seconds:.1f} s")
            products = products_of(summary)
        who = f"world {world.run_id}'s shoppers" if world else "new shoppers"
        console.print(f"{shoppers} {who} for {minutes:g} min at {rate:g} sessions/s over {len(products):,} products")
        driver = WorldLiveDriver(http, products, world, seed=seed) if world else LiveDriver(http, products, seed=seed)
        return await driver.run(shoppers, minutes, rate)


@simulate_app.command("live", help="Drive the real public API through the gateway with simulated shoppers.")
def live(
    shoppers: int = typer.Option(20, "--shoppers", min=1, max=10_000),
    minutes: float = typer.Option(2.0, "--minutes", min=0.05, max=24 * 60),
    rate: float = typer.Option(2.0, "--rate", min=0.05, max=500, help="Shopper sessions started per second."),
    seed: int = typer.Option(7, "--seed"),
    seed_vendors: int = typer.Option(0, "--seed-vendors", min=0, max=500,
                                     help="Seed this many new vendors first (default: only if no products exist)."),
    products_per_vendor: int = typer.Option(8, "--products-per-vendor", min=1, max=200),
    admin_email: str = typer.Option("sim-admin@sim.example.com", "--admin-email"),
    admin_password: str = typer.Option("Sim-admin-pass-1", "--admin-password"),
    gateway: Optional[str] = typer.Option(None, "--gateway", help="Default: GATEWAY_URL."),
    timeout: float = typer.Option(180.0, "--timeout", min=5, max=3600,
                                  help="Seconds to wait for services to react to seeding events."),
    world: bool = typer.Option(True, "--world/--no-world",
                               help="Sign in as the last seeded world's shoppers (`simulate world`) and shop by "
                                    "their hidden tastes; --no-world (or no world yet): register new shoppers."),
) -> None:
    url = gateway or stack_settings().gateway_url
    try:
        stats = asyncio.run(_live(url, shoppers, minutes, rate, seed, seed_vendors, products_per_vendor,
                                  admin_email, admin_password, timeout, last_world() if world else None))
    except (httpx.HTTPError, RuntimeError, TimeoutError) as exc:
        console.print(f"[red]✗[/] {exc} (is the API up at {url}? `mkt serve`)")
        raise typer.Exit(1) from None
    table = Table(title=f"live run ({stats.seconds:.0f} s)")
    table.add_column("what")
    table.add_column("count", justify="right")
    for name, n in sorted(stats.counts.items()):
        table.add_row(name, str(n))
    for name, n in sorted(stats.errors.items()):
        table.add_row(f"[yellow]{name}[/]", str(n))
    console.print(table)
    for note in stats.notes:
        console.print(f"[yellow]note:[/] {note}")
    for kind, sample in sorted(stats.samples.items()):
        console.print(f"[yellow]{kind}[/], e.g. {sample}")
