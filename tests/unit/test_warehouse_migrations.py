"""Migration files: discovery order, naming rules and statement splitting (no server needed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.migrate import MIGRATIONS_DIR, MigrationError, discover, split_statements


def write(directory: Path, name: str, sql: str) -> Path:
    path = directory / name
    path.write_text(sql, encoding="utf-8")
    return path


def test_shipped_migrations_are_well_formed():
    migrations = discover(MIGRATIONS_DIR)
    assert migrations[0].version == 1 and migrations[0].name == "events"
    assert [m.version for m in migrations] == sorted(m.version for m in migrations)
    statements = split_statements(migrations[0].sql)
    assert len(statements) == 1
    assert statements[0].startswith("CREATE TABLE IF NOT EXISTS events")
    assert "ReplacingMergeTree(ingested_at)" in statements[0]


def test_discover_orders_by_version_not_by_name(tmp_path):
    write(tmp_path, "0010_later.sql", "SELECT 1;")
    write(tmp_path, "0002_earlier.sql", "SELECT 1;")
    assert [(m.version, m.name) for m in discover(tmp_path)] == [(2, "earlier"), (10, "later")]


def test_checksum_follows_content(tmp_path):
    path = write(tmp_path, "0001_a.sql", "SELECT 1;")
    before = discover(tmp_path)[0].checksum
    path.write_text("SELECT 2;", encoding="utf-8")
    assert discover(tmp_path)[0].checksum != before


@pytest.mark.parametrize("name", ["1_short.sql", "0001-dash.sql", "0001_Upper.sql", "notes.sql"])
def test_badly_named_files_are_refused(tmp_path, name):
    write(tmp_path, name, "SELECT 1;")
    with pytest.raises(MigrationError, match="NNNN_snake_name"):
        discover(tmp_path)


def test_a_version_used_twice_is_refused(tmp_path):
    write(tmp_path, "0001_a.sql", "SELECT 1;")
    write(tmp_path, "0001_b.sql", "SELECT 1;")
    with pytest.raises(MigrationError, match="used twice"):
        discover(tmp_path)


def test_split_on_semicolons_that_end_a_line():
    sql = """
-- header comment;
CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory;
CREATE TABLE b
(
    y UInt8  -- trailing comment
) ENGINE = Memory;   
-- only a comment at the end;
"""
    assert split_statements(sql) == [
        "CREATE TABLE a (x String DEFAULT 'a;b') ENGINE = Memory",
        "CREATE TABLE b\n(\n    y UInt8  -- trailing comment\n) ENGINE = Memory",
    ]


def test_last_statement_may_omit_its_semicolon():
    assert split_statements("SELECT 1;\nSELECT 2") == ["SELECT 1", "SELECT 2"]


def test_windows_line_endings():
    assert split_statements("SELECT 1;\r\nSELECT 2;\r\n") == ["SELECT 1", "SELECT 2"]
