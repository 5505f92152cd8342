from __future__ import annotations

import typer

streams_app = typer.Typer(no_args_is_help=True)
