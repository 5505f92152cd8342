"""Opening the Feast repo (features/) from this system's settings: streams push to it, pipelines and models read
historical features from it, serving reads the online store.

features/feature_store.yaml reads every address from FEAST_* variables (as `feast` itself would expand them);
here they are derived from the shared settings (DATABASE_URL's server, database `features` or
FEATURES_DATABASE_URL; CLICKHOUSE_URL and CLICKHOUSE_DATABASE) unless set in the environment, so one .env
configures Feast like everything else. The process environment is read, never changed.
Feast is imported lazily: it takes seconds to import, and a worker must not wait for it to start consuming.
"""
from __future__ import annotations

import os
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from kernel.settings import REPO_ROOT, CommonSettings, service_database_url
from kernel.warehouse import parse_clickhouse_url

if TYPE_CHECKING:
    from feast import FeatureStore
    from feast.repo_config import RepoConfig

FEATURES_REPO = REPO_ROOT / "features"
FEATURES_DATABASE = "features"


def feast_environment(settings: CommonSettings | None = None) -> dict[str, str]:
    """The FEAST_* variables feature_store.yaml expects, derived from the shared settings (read afresh, not the
    process-wide cached ones, so a caller that changed the environment gets what it set)."""
    settings = settings or CommonSettings()
    pg = make_url(service_database_url(FEATURES_DATABASE, settings)).set(drivername="postgresql+psycopg")
    ch = parse_clickhouse_url(settings.clickhouse_url)
    return {
        "FEAST_REGISTRY_URL": pg.render_as_string(hide_password=False),
        "FEAST_ONLINE_HOST": pg.host or "127.0.0.1",
        "FEAST_ONLINE_PORT": str(pg.port or 5432),
        "FEAST_ONLINE_DATABASE": pg.database or FEATURES_DATABASE,
        "FEAST_ONLINE_USER": pg.username or "postgres",
        "FEAST_ONLINE_PASSWORD": pg.password or "",
        # `prefer`: TLS when the server offers it (production), plain on the local server
        "FEAST_ONLINE_SSLMODE": str(pg.query.get("sslmode", "prefer")),
        "FEAST_CLICKHOUSE_HOST": ch.host,
        "FEAST_CLICKHOUSE_PORT": str(ch.port),
        "FEAST_CLICKHOUSE_DATABASE": settings.clickhouse_database,
        "FEAST_CLICKHOUSE_USER": ch.username,
        "FEAST_CLICKHOUSE_PASSWORD": ch.password,
        "FEAST_CLICKHOUSE_SECURE": "true" if ch.secure else "false",
    }


def load_config(repo_path: Path = FEATURES_REPO, settings: CommonSettings | None = None) -> "RepoConfig":
    """feature_store.yaml with its variables filled: an explicit FEAST_* in the environment wins over derived ones."""
    import yaml
    from feast.repo_config import RepoConfig

    variables = {**feast_environment(settings), **os.environ}
    text = (repo_path / "feature_store.yaml").read_text(encoding="utf-8")
    config = RepoConfig(**yaml.safe_load(Template(text).safe_substitute(variables)))
    config.repo_path = repo_path
    return config


def open_store(repo_path: Path = FEATURES_REPO, settings: CommonSettings | None = None) -> "FeatureStore":
    from feast import FeatureStore

    return FeatureStore(repo_path=str(repo_path), config=load_config(repo_path, settings))


def batch_view_names(store: "FeatureStore") -> list[str]:
    """Feature views loaded by `materialize`; views fed by push sources are kept current by the stream worker, and
    a materialize would only age them."""
    from feast.data_source import PushSource

    return [fv.name for fv in store.list_feature_views() if not isinstance(fv.stream_source, PushSource)]
