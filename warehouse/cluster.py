"""The warehouse schema's cluster variant: the same migrations, rewritten for a sharded, replicated ClickHouse.

With `CLICKHOUSE_CLUSTER` set (the name of a cluster in the servers' remote_servers config), `warehouse.migrate`
applies each statement through `for_cluster` instead of as written:
- a `*MergeTree` table `t` becomes `t_local` (Replicated*MergeTree, one replica set per shard, ON CLUSTER) plus a
  Distributed table `t` over it, sharded by the table's ORDER BY key, so every version of one row lands on one
  shard and ReplacingMergeTree still collapses duplicates;
- a materialized view fires on the shard-local inserts of its source (`FROM t_local`) and writes to the Distributed
  target, which routes each row to the shard its own key chooses;
- views, drops and alters run ON CLUSTER; a backfill (INSERT ... SELECT) runs once through the Distributed
  tables.
Readers and writers keep using the plain names: the Distributed tables are what they see.
"""
from __future__ import annotations

import re

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_CREATE_TABLE = re.compile(r"^\s*CREATE TABLE IF NOT EXISTS\s+(\w+)\s*(\(.*)$", re.S | re.I)
_ENGINE = re.compile(r"ENGINE\s*=\s*(\w*MergeTree)\s*(?:\(([^)]*)\))?", re.I)
_ORDER_BY = re.compile(r"ORDER BY\s+(\([^)]*\)|[\w.]+)", re.I)
_MV = re.compile(r"^\s*CREATE MATERIALIZED VIEW IF NOT EXISTS\s+(\w+)\s+TO\s+(\w+)\s+AS\s+(.*)$", re.S | re.I)
_VIEW = re.compile(r"^\s*(CREATE (?:OR REPLACE )?VIEW(?: IF NOT EXISTS)?)\s+(\w+)\s+(AS\s.*)$", re.S | re.I)
_DROP = re.compile(r"^\s*DROP (TABLE|VIEW)( IF EXISTS)?\s+(\w+)\s*$", re.I)
_ALTER = re.compile(r"^\s*ALTER TABLE\s+(\w+)\s+(.*)$", re.S | re.I)
_FROM = re.compile(r"\bFROM\s+(\w+)", re.I)


class ClusterSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")
    # Empty: one server (local stack, small deployments). Otherwise the cluster every DDL runs ON.
    clickhouse_cluster: str = Field("", pattern=r"^\w*$")


class ClusterRewriteError(ValueError):
    pass


def _sharding_key(body: str) -> str:
    match = _ORDER_BY.search(body)
    if not match:
        raise ClusterRewriteError("a sharded table needs an ORDER BY key to shard by")
    key = match.group(1).strip()
    return f"cityHash64{key}" if key.startswith("(") else f"cityHash64({key})"


def _table(name: str, body: str, cluster: str) -> list[str]:
    engine = _ENGINE.search(body)
    if not engine:
        raise ClusterRewriteError(f"table {name}: only *MergeTree engines have a cluster variant")
    local = f"{name}_local"
    args = [f"'/clickhouse/tables/{{shard}}/{{database}}/{local}'", "'{replica}'"]
    if engine.group(2) and engine.group(2).strip():
        args.append(engine.group(2).strip())
    replicated = f"ENGINE = Replicated{engine.group(1)}({', '.join(args)})"
    local_body = body[:engine.start()] + replicated + body[engine.end():]
    return [f"CREATE TABLE IF NOT EXISTS {local} ON CLUSTER {cluster} {local_body}",
            f"CREATE TABLE IF NOT EXISTS {name} ON CLUSTER {cluster} AS {local} "
            f"ENGINE = Distributed({cluster}, currentDatabase(), {local}, {_sharding_key(body)})"]


def for_cluster(statement: str, cluster: str, sharded: set[str]) -> list[str]:
    """The statements that do on `cluster` what `statement` does on one server. `sharded` collects the names of
    the tables made Distributed so far (materialized views read their shard-local part)."""
    if m := _CREATE_TABLE.match(statement):
        sharded.add(m.group(1))
        return _table(m.group(1), m.group(2), cluster)
    if m := _MV.match(statement):
        name, target, select = m.groups()
        source = _FROM.search(select)
        if source and source.group(1) in sharded:  # the trigger: inserts into the shard-local part
            select = select[:source.start(1)] + f"{source.group(1)}_local" + select[source.end(1):]
        return [f"CREATE MATERIALIZED VIEW IF NOT EXISTS {name} ON CLUSTER {cluster} TO {target} AS {select}"]
    if m := _VIEW.match(statement):
        return [f"{m.group(1)} {m.group(2)} ON CLUSTER {cluster} {m.group(3)}"]
    if m := _DROP.match(statement):
        kind, if_exists, name = m.group(1), m.group(2) or "", m.group(3)
        out = [f"DROP {kind}{if_exists} {name} ON CLUSTER {cluster}"]
        if name in sharded:
            out.append(f"DROP TABLE{if_exists} {name}_local ON CLUSTER {cluster}")
        return out
    if m := _ALTER.match(statement):
        name, rest = m.groups()
        if name in sharded:  # columns change on both parts; data changes only where the data is
            local = [f"ALTER TABLE {name}_local ON CLUSTER {cluster} {rest}"]
            return local + ([f"ALTER TABLE {name} ON CLUSTER {cluster} {rest}"]
                            if re.match(r"\s*(ADD|DROP|MODIFY|RENAME) COLUMN", rest, re.I) else [])
        return [f"ALTER TABLE {name} ON CLUSTER {cluster} {rest}"]
    if re.match(r"^\s*INSERT INTO\s+\w+\s+SELECT\b", statement, re.I):
        return [statement]  # a backfill: once, through the Distributed tables, from the node that migrates
    raise ClusterRewriteError(f"no cluster variant for: {statement.strip()[:120]}")
