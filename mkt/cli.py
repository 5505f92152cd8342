"""`mkt`: the one command for running the marketplace locally and operating it.

Each command's module is imported only when that command runs: the services, models and data libraries behind
them take seconds to import, and `mkt --help` or `mkt stack status` should not pay for all of them."""
from __future__ import annotations

import importlib

import click
import typer
import typer.main

# name → (module:attribute, help). The attribute is a Typer app (a command group) or a plain function (a command).
COMMANDS: dict[str, tuple[str, str]] = {
    "stack": ("mkt.stack_cli:stack_app", "Start, stop and inspect the local servers (data under .stack/)."),
    "serve": ("mkt.serve_cli:serve", "Run the gateway with every service mounted, or one service alone."),
    "db": ("mkt.db_cli:db_app", "Service databases: create and migrate (Alembic)."),
    "contracts": ("mkt.contracts_cli:contracts_app", "Event schemas and OpenAPI documents: regenerate, check."),
    "demo": ("mkt.demo:demo", "The main job: drive the marketplace through the gateway and show events flowing."),
    "admin": ("mkt.admin_cli:admin_app", "Administrative tasks (create the first super_admin, staff)."),
    "outbox": ("mkt.outbox_cli:outbox_app", "The transactional outbox: relay and replay events."),
    "search": ("mkt.search_cli:search_app", "Product search: rebuild the index behind its alias."),
    "streams": ("mkt.streams_cli:streams_app", "Faust stream workers (events -> warehouse, features)."),
    "warehouse": ("mkt.warehouse_cli:warehouse_app", "The ClickHouse warehouse: migrations and reports."),
    "features": ("mkt.features_cli:features_app", "The Feast feature store: apply the repo, materialize batch views."),
    "train": ("mkt.train_cli:train", "Train, judge and register the models (the Dagster job), with progress and a summary."),
    "showcase": ("mkt.showcase_cli:showcase",
                 "What the models serve, shown through the API: recommendations, search, risk, vendors."),
    "simulate": ("mkt.simulate_cli:simulate_app", "The simulator: backfill history, or live shoppers on the API."),
    "dashboards": ("mkt.dashboards_cli:dashboards_app", "Superset dashboards as code (dashboards/): build and import."),
    "payments": ("mkt.payments_cli:payments_app", "Payments operations: the webhook poison queue (list, replay)."),
}


def _load(name: str) -> click.Command:
    target, help_text = COMMANDS[name]
    module_name, attr = target.split(":")
    obj = getattr(importlib.import_module(module_name), attr)
    if isinstance(obj, typer.Typer):
        command = typer.main.get_group(obj)  # a group even with one subcommand (`mkt admin create`)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name, help=help_text)(obj)
        command = typer.main.get_command(single)
    command.name = name
    command.help = command.help or help_text
    return command


class LazyGroup(typer.core.TyperGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _load(cmd_name) if cmd_name in COMMANDS else None

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's plain help: typer's rich help would load every command to read its docstring.
        click.Group.format_help(self, ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # The help comes from the table, so listing the commands imports none of them.
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in COMMANDS.items()])


app = LazyGroup(
    name="mkt",
    help="Run and operate the marketplace: the local stack, services, streams, warehouse and admin tasks.",
    no_args_is_help=True,
)

if __name__ == "__main__":
    app()
