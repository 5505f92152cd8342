"""Alembic plumbing shared by every service: env.py is three lines calling `run_env(metadata)`."""
from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import Column, DateTime, MetaData, create_engine, func, pool, text

from kernel.db import sync_url


def alembic_config(script_location: Path, url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.set_main_option("sqlalchemy.url", sync_url(url).replace("%", "%%"))
    cfg.set_main_option("version_path_separator", "os")
    return cfg


def run_env(metadata: MetaData) -> None:
    """Body of each service's migrations/env.py (online mode only: we always migrate a live database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    engine = create_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def upgrade(script_location: Path, url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(script_location, url), revision)


def downgrade(script_location: Path, url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(script_location, url), revision)


def ensure_database(server_url: str, name: str) -> None:
    """Create a database on the server if missing (local stack and tests; production provisions its own)."""
    engine = create_engine(f"{sync_url(server_url).rstrip('/')}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def drop_database(server_url: str, name: str) -> None:
    engine = create_engine(f"{sync_url(server_url).rstrip('/')}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def timestamp_column(name: str, nullable: bool = False) -> Column:
    """For migrations: an aware timestamp; required ones default to now() in the database."""
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=None if nullable else func.now())
