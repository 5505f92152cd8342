"""Forward-only migrations for the ClickHouse warehouse: warehouse/migrations/NNNN_<name>.sql, applied in order.

Each applied file is recorded in `<database>.schema_migrations` with a checksum. An applied file that changed
is refused rather than re-run: ClickHouse DDL is not transactional, so the only safe fix is a new migration.
Statements are written without a database prefix; the client's database decides where they land, which is
what lets tests migrate a throwaway database.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from clickhouse_connect.driver.client import Client

from kernel.settings import CommonSettings, common_settings
from kernel.warehouse import warehouse_client
from warehouse.cluster import ClusterSettings, for_cluster

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_FILE_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A statement ends at a `;` that closes its line, so `;` inside string literals mid-line is left alone.
_STATEMENT_END = re.compile(r";[ \t]*(?:\r?\n|$)")

_LEDGER_DDL = """
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version    UInt32,
    name       String,
    checksum   String,
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = MergeTree
ORDER BY version
"""


class MigrationError(RuntimeError):
    pass


class ChecksumMismatch(MigrationError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path
    checksum: str

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Every NNNN_name.sql in version order; a repeated version number is an error, not a tie to break."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.glob("*.sql")):
        match = _FILE_RE.match(path.name)
        if not match:
            raise MigrationError(f"{path.name}: migration files are named NNNN_snake_name.sql")
        version = int(match.group(1))
        if version in found:
            raise MigrationError(f"version {version:04d} used twice: {found[version].path.name}, {path.name}")
        checksum = hashlib.sha256(path.read_bytes()).hexdigest()
        found[version] = Migration(version, match.group(2), path, checksum)
    return [found[v] for v in sorted(found)]


def split_statements(sql: str) -> list[str]:
    """Split a file into statements; chunks holding only comments or blank lines are dropped."""
    statements = []
    for chunk in _STATEMENT_END.split(sql):
        lines = [line for line in chunk.splitlines() if not line.strip().startswith("--")]
        statement = "\n".join(lines).strip()
        if statement:
            statements.append(statement)
    return statements


def _applied(client: Client) -> dict[int, tuple[str, str]]:
    rows = client.query("SELECT version, name, checksum FROM schema_migrations ORDER BY version").result_rows
    return {int(version): (name, checksum) for version, name, checksum in rows}


def _check_unchanged(migrations: list[Migration], applied: dict[int, tuple[str, str]]) -> None:
    for migration in migrations:
        recorded = applied.get(migration.version)
        if recorded and recorded[1] != migration.checksum:
            raise ChecksumMismatch(
                f"{migration.path.name} was applied as {recorded[0]!r} with checksum {recorded[1][:12]}, "
                f"the file now has {migration.checksum[:12]}: add a new migration instead of editing it"
            )


def ledger_ddl(cluster: str = "") -> str:
    """The ledger; on a cluster, one replica set across every node (not sharded), so each node knows what ran."""
    if not cluster:
        return _LEDGER_DDL
    return (_LEDGER_DDL.replace("schema_migrations", f"schema_migrations ON CLUSTER {cluster}", 1)
            .replace("ENGINE = MergeTree", "ENGINE = ReplicatedMergeTree("
                     "'/clickhouse/tables/all/{database}/schema_migrations', '{replica}')"))


def statements(migration: Migration, cluster: str = "") -> list[str]:
    """What applying `migration` runs: its statements as written, or their cluster variant (warehouse/cluster.py)."""
    written = split_statements(migration.sql)
    if not cluster:
        return written
    sharded: set[str] = set()
    for earlier in discover(migration.path.parent):  # tables made Distributed by earlier files
        if earlier.version < migration.version:
            for statement in split_statements(earlier.sql):
                for_cluster(statement, cluster, sharded)
    return [out for statement in written for out in for_cluster(statement, cluster, sharded)]


def ensure_database(database: str, settings: CommonSettings | None = None, cluster: str = "") -> None:
    if not _IDENT_RE.match(database):
        raise MigrationError(f"refusing odd database name {database!r}")
    admin = warehouse_client(settings, database="default")
    try:
        admin.command(f"CREATE DATABASE IF NOT EXISTS `{database}`" + (f" ON CLUSTER {cluster}" if cluster else ""))
    finally:
        admin.close()


def migrate(
    settings: CommonSettings | None = None,
    *,
    database: str | None = None,
    directory: Path = MIGRATIONS_DIR,
    cluster: str | None = None,
) -> list[Migration]:
    """Apply pending migrations; returns those applied now (empty when up to date). With a cluster
    (CLICKHOUSE_CLUSTER), each runs as its sharded, replicated variant.

    Every applied file's checksum is verified before anything new runs, so an edited history stops the run
    before it can build on top of it.
    """
    settings = settings or common_settings()
    database = database or settings.clickhouse_database
    cluster = ClusterSettings().clickhouse_cluster if cluster is None else cluster
    migrations = discover(directory)
    ensure_database(database, settings, cluster)
    client = warehouse_client(settings, database=database)
    try:
        client.command(ledger_ddl(cluster))
        applied = _applied(client)
        _check_unchanged(migrations, applied)
        done = []
        for migration in migrations:
            if migration.version in applied:
                continue
            for statement in statements(migration, cluster):
                client.command(statement)
            client.insert(
                "schema_migrations",
                [[migration.version, migration.name, migration.checksum]],
                column_names=["version", "name", "checksum"],
            )
            done.append(migration)
        return done
    finally:
        client.close()


def status(
    settings: CommonSettings | None = None,
    *,
    database: str | None = None,
    directory: Path = MIGRATIONS_DIR,
) -> list[tuple[Migration, bool]]:
    """(migration, applied?) for every file; raises ChecksumMismatch like migrate() would."""
    settings = settings or common_settings()
    client = warehouse_client(settings, database=database or settings.clickhouse_database)
    try:
        exists = client.command("EXISTS TABLE schema_migrations")
        applied = _applied(client) if int(exists) else {}
    finally:
        client.close()
    migrations = discover(directory)
    _check_unchanged(migrations, applied)
    return [(m, m.version in applied) for m in migrations]
