"""The migration runner against the real warehouse server, on a throwaway database dropped afterwards."""
from __future__ import annotations


import pytest

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from tests.scratch_warehouse import scratch_warehouse
from warehouse.migrate import ChecksumMismatch, migrate, status


@pytest.fixture(scope="module")
def settings(stack):
    return common_settings()


@pytest.fixture
def database(settings):
    with scratch_warehouse("test_migrate", migrated=False) as name:
        yield name


@pytest.fixture
def migrations(tmp_path):
    (tmp_path / "0001_things.sql").write_text(
        "-- two statements in one file\n"
        "CREATE TABLE IF NOT EXISTS things (id UInt32, note String DEFAULT 'a;b') ENGINE = MergeTree ORDER BY id;\n"
        "INSERT INTO things (id) VALUES (1), (2);\n",
        encoding="utf-8",
    )
    (tmp_path / "0002_more.sql").write_text(
        "CREATE TABLE IF NOT EXISTS more_things (id UInt32) ENGINE = MergeTree ORDER BY id;\n", encoding="utf-8"
    )
    return tmp_path


def tables(settings, database: str) -> set[str]:
    client = warehouse_client(settings, database=database)
    try:
        return {row[0] for row in client.query("SHOW TABLES").result_rows}
    finally:
        client.close()


def test_migrate_applies_in_order_then_is_a_no_op(settings, database, migrations):
    applied = migrate(settings, database=database, directory=migrations)
    assert [m.path.name for m in applied] == ["0001_things.sql", "0002_more.sql"]
    assert tables(settings, database) == {"things", "more_things", "schema_migrations"}

    assert migrate(settings, database=database, directory=migrations) == []
    client = warehouse_client(settings, database=database)
    try:
        assert client.command("SELECT count() FROM things") == 2  # the INSERT ran once, not twice
        ledger = client.query("SELECT version, name FROM schema_migrations ORDER BY version").result_rows
    finally:
        client.close()
    assert ledger == [(1, "things"), (2, "more")]
    assert [(m.version, done) for m, done in status(settings, database=database, directory=migrations)] == [
        (1, True), (2, True)]


def test_only_new_files_are_applied(settings, database, migrations):
    migrate(settings, database=database, directory=migrations)
    (migrations / "0003_extra.sql").write_text(
        "CREATE TABLE IF NOT EXISTS extra (id UInt32) ENGINE = Memory;", encoding="utf-8"
    )
    assert [m.version for m in migrate(settings, database=database, directory=migrations)] == [3]


def test_an_edited_applied_file_is_refused(settings, database, migrations):
    migrate(settings, database=database, directory=migrations)
    (migrations / "0002_more.sql").write_text(
        "CREATE TABLE IF NOT EXISTS more_things (id UInt64) ENGINE = MergeTree ORDER BY id;\n", encoding="utf-8"
    )
    (migrations / "0003_extra.sql").write_text("CREATE TABLE extra (id UInt32) ENGINE = Memory;", encoding="utf-8")
    with pytest.raises(ChecksumMismatch, match="0002_more.sql"):
        migrate(settings, database=database, directory=migrations)
    assert "extra" not in tables(settings, database)  # refused before anything new ran
    with pytest.raises(ChecksumMismatch):
        status(settings, database=database, directory=migrations)


def test_the_real_migrations_apply_to_a_fresh_database(settings, database):
    applied = migrate(settings, database=database)
    assert applied and applied[0].path.name == "0001_events.sql"
    assert "events" in tables(settings, database)
    assert migrate(settings, database=database) == []
