"""Every service's Alembic history goes up and back down cleanly on a throwaway database."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, inspect

from kernel.migrations import downgrade, drop_database, ensure_database, upgrade
from kernel.settings import common_settings
from mkt.composition import MIGRATED_SERVICES, migrations_dir


@pytest.mark.parametrize("service", MIGRATED_SERVICES)
def test_upgrade_downgrade_upgrade(stack, service):
    server = common_settings().database_url
    name = f"migcheck_{service}_{uuid.uuid4().hex[:8]}"
    url = f"{server.rstrip('/')}/{name}"
    ensure_database(server, name)
    try:
        upgrade(migrations_dir(service), url)
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        assert {"outbox", "alembic_version"} <= tables
        downgrade(migrations_dir(service), url, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        upgrade(migrations_dir(service), url)
        assert set(inspect(engine).get_table_names()) == tables
        engine.dispose()
    finally:
        drop_database(server, name)
