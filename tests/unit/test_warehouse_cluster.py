"""The warehouse schema's cluster variant, checked statement by statement with ClickHouse's own parser (chDB's
EXPLAIN AST): no cluster runs here, so what is proven is that every rewritten statement parses and has the shape
a sharded, replicated warehouse needs; a real cluster's DDL queue is not exercised."""
from __future__ import annotations

import re

import chdb
import pytest

from warehouse.cluster import ClusterRewriteError, for_cluster
from warehouse.migrate import discover, ledger_ddl, split_statements, statements

CLUSTER = "wh"


def _all_statements() -> list[str]:
    return [s for m in discover() for s in statements(m, CLUSTER)]


def test_every_migration_has_a_cluster_variant_that_clickhouse_parses():
    rewritten = [*_all_statements(), ledger_ddl(CLUSTER)]
    assert len(rewritten) > sum(len(split_statements(m.sql)) for m in discover())
    for statement in rewritten:
        assert f"ON CLUSTER {CLUSTER}" in statement or statement.lstrip().startswith("INSERT INTO")
        chdb.query(f"EXPLAIN AST {statement}", "CSV")  # raises on a syntax error


def test_tables_are_replicated_locally_and_distributed_by_their_key():
    out = for_cluster("CREATE TABLE IF NOT EXISTS order_items (order_no String, sku String, created_at DateTime) "
                      "ENGINE = ReplacingMergeTree(created_at) ORDER BY (order_no, sku)", CLUSTER, sharded := set())
    assert sharded == {"order_items"}
    local, distributed = out
    assert local.startswith(f"CREATE TABLE IF NOT EXISTS order_items_local ON CLUSTER {CLUSTER}")
    assert ("ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/order_items_local', '{replica}', "
            "created_at)") in local
    assert distributed.endswith(f"Distributed({CLUSTER}, currentDatabase(), order_items_local, "
                                "cityHash64(order_no, sku))")


def test_materialized_views_fire_on_local_inserts_and_write_through_the_distributed_table():
    sharded = {"events", "orders"}
    [mv] = for_cluster("CREATE MATERIALIZED VIEW IF NOT EXISTS orders_mv TO orders AS SELECT x FROM events "
                       "WHERE type = 'order.created'", CLUSTER, sharded)
    assert "TO orders AS" in mv and "FROM events_local" in mv


def test_every_fact_view_reads_the_local_event_log():
    mvs = [s for s in _all_statements() if "MATERIALIZED VIEW" in s]
    assert mvs and all(re.search(r"\bFROM events_local\b", s) for s in mvs)


def test_a_statement_without_a_cluster_variant_is_refused():
    with pytest.raises(ClusterRewriteError):
        for_cluster("OPTIMIZE TABLE orders FINAL", CLUSTER, set())
    with pytest.raises(ClusterRewriteError):
        for_cluster("CREATE TABLE IF NOT EXISTS t (a UInt8) ENGINE = Memory", CLUSTER, set())
