"""`mkt`: the one command for running the marketplace locally and operating it."""
from __future__ import annotations

import typer

from mkt.admin_cli import admin_app
from mkt.contracts_cli import contracts_app
from mkt.db_cli import db_app
from mkt.demo import demo
from mkt.features_cli import features_app
from mkt.outbox_cli import outbox_app
from mkt.search_cli import search_app
from mkt.serve_cli import serve
from mkt.showcase_cli import showcase
from mkt.simulate_cli import simulate_app
from mkt.stack_cli import stack_app
from mkt.train_cli import train
from mkt.streams_cli import streams_app
from mkt.warehouse_cli import warehouse_app

app = typer.Typer(
    name="mkt",
    help="Run and operate the marketplace: the local stack, services, streams, warehouse and admin tasks.",
    no_args_is_help=True,
    add_completion=False,
)
app.add_typer(stack_app, name="stack", help="Start, stop and inspect the local servers (data under .stack/).")
app.command("serve", help="Run the gateway with every service mounted, or one service alone.")(serve)
app.add_typer(db_app, name="db", help="Service databases: create and migrate (Alembic).")
app.add_typer(contracts_app, name="contracts", help="Event contracts: regenerate JSON Schemas.")
app.command("demo", help="The main job: drive the marketplace through the gateway and show events flowing.")(demo)
app.add_typer(admin_app, name="admin", help="Administrative tasks (create the first super_admin).")
app.add_typer(outbox_app, name="outbox", help="The transactional outbox: relay and replay events.")
app.add_typer(search_app, name="search", help="Product search: rebuild the index behind its alias.")
app.add_typer(streams_app, name="streams", help="Faust stream workers (events -> warehouse, features).")
app.add_typer(warehouse_app, name="warehouse", help="The ClickHouse warehouse: migrations and reports.")
app.add_typer(features_app, name="features", help="The Feast feature store: apply the repo, materialize batch views.")
app.command("train", help="Train, judge and register the models (the Dagster job), with progress and a summary.")(train)
app.command("showcase", help="What the models serve, shown through the API: recommendations, search, risk, vendors.")(showcase)
app.add_typer(simulate_app, name="simulate", help="The simulator: backfill history, or live shoppers on the API.")

if __name__ == "__main__":
    app()
