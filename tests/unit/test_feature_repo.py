"""The Feast repo (features/) parsed as `feast apply` parses it: hermetic, and in step with the stream worker."""
from __future__ import annotations

from urllib.parse import urlsplit

import ast
import os
import re
import sys
from pathlib import Path

import pytest

from kernel.settings import CommonSettings
from kernel.feature_store import FEATURES_REPO, feast_environment, load_config
from streams.realtime_features.logic import KINDS

REPO_MODULES = {p.stem for p in FEATURES_REPO.glob("*.py")}


@pytest.fixture(scope="module")
def repo():
    """RepoContents exactly as the feast CLI builds it (cwd = repo, repo on sys.path); leaves no modules behind."""
    from feast.repo_operations import parse_repo

    cwd, path, before = os.getcwd(), list(sys.path), set(sys.modules)
    os.chdir(FEATURES_REPO)
    sys.path.append(str(FEATURES_REPO))
    try:
        yield parse_repo(FEATURES_REPO)
    finally:
        os.chdir(cwd)
        sys.path[:] = path
        for name in set(sys.modules) - before:
            if name in REPO_MODULES:
                del sys.modules[name]


def test_every_stream_kind_has_its_push_fed_view_with_the_same_features(repo):
    by_source = {fv.stream_source.name: fv for fv in repo.feature_views if fv.stream_source is not None}
    join_keys = {e.name: e.join_key for e in repo.entities}
    for kind in KINDS.values():
        view = by_source[kind.push_source]
        assert {f.name for f in view.schema} == {f.name for f in kind.features}, kind.name
        assert [join_keys[name] for name in view.entities] == [kind.join_key]
    assert set(by_source) == {kind.push_source for kind in KINDS.values()}


def test_entities_views_and_versioned_services(repo):
    assert {e.name for e in repo.entities} - {"__dummy"} == {"user", "product", "vendor", "sku", "device"}
    assert {s.name for s in repo.feature_services} == {"recs_v1", "fraud_v1", "forecast_v1"}
    assert all(fv.ttl and fv.ttl.total_seconds() > 0 for fv in repo.feature_views)
    fraud = next(s for s in repo.feature_services if s.name == "fraud_v1")
    assert "user_stream_features" in {p.name for p in fraud.feature_view_projections}


def test_batch_sources_are_the_warehouse_feature_views(repo):
    migrations = Path(__file__).resolve().parents[2] / "warehouse" / "migrations"
    sql = "\n".join(path.read_text() for path in sorted(migrations.glob("*.sql")))
    views = set(re.findall(r"CREATE (?:OR REPLACE )?VIEW (?:IF NOT EXISTS )?(\w+)", sql))
    tables = {fv.batch_source.get_table_query_string() for fv in repo.feature_views}
    assert tables <= views


def test_the_repo_imports_nothing_of_ours():
    allowed = {"feast", "datetime"} | REPO_MODULES
    for path in FEATURES_REPO.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{path.name} imports {roots - allowed}"


def test_the_yaml_reads_only_variables_the_settings_provide():
    used = set(re.findall(r"\$\{(\w+)\}", (FEATURES_REPO / "feature_store.yaml").read_text()))
    assert used == set(feast_environment(CommonSettings()))


def test_environment_derivation_from_production_like_urls(monkeypatch):
    monkeypatch.delenv("FEATURES_DATABASE_URL", raising=False)
    settings = CommonSettings(
        DATABASE_URL="postgresql+psycopg://feast:s3cr%40t@db.internal:6432",
        CLICKHOUSE_URL="https://reader:pw@ch.internal", CLICKHOUSE_DATABASE="dwh")
    env = feast_environment(settings)
    assert env["FEAST_ONLINE_HOST"] == "db.internal" and env["FEAST_ONLINE_PORT"] == "6432"
    assert env["FEAST_ONLINE_DATABASE"] == "features" and env["FEAST_ONLINE_PASSWORD"] == "s3cr@t"
    assert env["FEAST_ONLINE_SSLMODE"] == "prefer"
    assert env["FEAST_REGISTRY_URL"].startswith("postgresql+psycopg://feast:")
    assert env["FEAST_REGISTRY_URL"].split("@")[-1].startswith("db.internal:6432/features")
    assert (env["FEAST_CLICKHOUSE_HOST"], env["FEAST_CLICKHOUSE_PORT"], env["FEAST_CLICKHOUSE_SECURE"]) == (
        "ch.internal", "8443", "true")
    assert env["FEAST_CLICKHOUSE_DATABASE"] == "dwh"


def test_a_dedicated_features_database_url_wins(monkeypatch):
    monkeypatch.setenv("FEATURES_DATABASE_URL", "postgresql+psycopg://u@feast-db:5432/online?sslmode=require")
    env = feast_environment(CommonSettings())
    assert (env["FEAST_ONLINE_HOST"], env["FEAST_ONLINE_DATABASE"]) == ("feast-db", "online")
    assert env["FEAST_ONLINE_SSLMODE"] == "require"


def test_config_fills_the_yaml_and_an_explicit_variable_wins(monkeypatch):
    monkeypatch.setenv("FEAST_ONLINE_HOST", "pg-online.internal")
    settings = CommonSettings(CLICKHOUSE_DATABASE="dwh")
    config = load_config(FEATURES_REPO, settings)
    assert config.project == "marketplace"
    assert config.online_store.host == "pg-online.internal"
    port = urlsplit(settings.clickhouse_url).port
    assert (config.offline_store.database, config.offline_store.port) == ("dwh", port)
    assert config.registry.path.startswith("postgresql+psycopg://")
