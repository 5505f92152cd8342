"""The outside world of the pipelines, as Dagster resources. Which servers they point at is chosen per
environment here (local stack or production), from settings and environment variables — never inside an asset."""
from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dagster import ConfigurableResource, EnvVar

from kernel.settings import StackSettings, stack_settings
from pipelines.defs.reports.resources import AlertThresholds, EventsResource


class WarehouseResource(ConfigurableResource):
    """ClickHouse (locally the chDB process serving ClickHouse's HTTP interface)."""
    url: str
    database: str = "warehouse"
    # Batch predictions go to `<prefix><table>` (created like the real table): a test run's predictions from its
    # small world must not overwrite the ones the services serve.
    predictions_prefix: str = ""

    def client(self) -> Any:
        from kernel.warehouse import warehouse_client

        settings = StackSettings(CLICKHOUSE_URL=self.url, CLICKHOUSE_DATABASE=self.database)
        return warehouse_client(settings, send_receive_timeout=600)

    def predictions_table(self, table: str) -> str:
        if not self.predictions_prefix:
            return table
        name = f"{self.predictions_prefix}{table}"
        self.client().command(f"CREATE TABLE IF NOT EXISTS `{name}` AS `{table}`")
        return name


class FeatureStoreResource(ConfigurableResource):
    """The Feast repo (features/): offline store in the warehouse, online store in Postgres."""
    repo_path: str

    def store(self) -> Any:
        from kernel.feature_store import open_store

        return open_store(Path(self.repo_path))


class MlflowResource(ConfigurableResource):
    tracking_uri: str
    name_prefix: str = ""  # a separate namespace of registered models (tests), never the production names

    def model_name(self, kind: str) -> str:
        return f"{self.name_prefix}marketplace-{kind}"


class GroundTruthResource(ConfigurableResource):
    """Where fraud labels and other known outcomes come from. Locally: the simulator's exports under
    STACK_DIR/simulator (or the one `directory` names). In production: a labels export (chargebacks, risk team
    decisions) in the same parquet layout."""
    directory: str = ""
    search_root: str = ""

    def runs(self, since: datetime | None = None, until: datetime | None = None) -> list[Path]:
        """Exports whose simulated window overlaps [since, until), the newest first."""
        if self.directory:
            return [Path(self.directory)]
        root = Path(self.search_root)
        found = []
        for manifest in root.glob("*/manifest.json") if root.is_dir() else []:
            config = json.loads(manifest.read_text()).get("config", {})
            start, end = date.fromisoformat(config["start"]), date.fromisoformat(config["end"])
            if (until is None or start < until.date()) and (since is None or end > since.date()):
                found.append((manifest.stat().st_mtime, manifest.parent))
        return [path for _, path in sorted(found, reverse=True)]


def local_resources(settings: StackSettings | None = None) -> dict[str, ConfigurableResource]:
    from kernel.feature_store import FEATURES_REPO

    s = settings or stack_settings()
    return {
        "warehouse": WarehouseResource(url=s.clickhouse_url, database=s.clickhouse_database),
        "feature_store": FeatureStoreResource(repo_path=str(FEATURES_REPO)),
        "mlflow": MlflowResource(tracking_uri=s.mlflow_tracking_uri),
        "ground_truth": GroundTruthResource(search_root=str(s.stack_dir / "simulator")),
        "events": EventsResource(bootstrap_servers=s.kafka_bootstrap_servers),
        "alert_thresholds": AlertThresholds.from_settings(),
    }


def production_resources() -> dict[str, ConfigurableResource]:
    return {
        "warehouse": WarehouseResource(url=EnvVar("CLICKHOUSE_URL"), database=EnvVar("CLICKHOUSE_DATABASE")),
        "feature_store": FeatureStoreResource(repo_path=EnvVar("FEATURES_REPO")),
        "mlflow": MlflowResource(tracking_uri=EnvVar("MLFLOW_TRACKING_URI")),
        "ground_truth": GroundTruthResource(directory=EnvVar("LABELS_DIR")),
        "events": EventsResource(bootstrap_servers=EnvVar("KAFKA_BOOTSTRAP_SERVERS")),
        "alert_thresholds": AlertThresholds.from_settings(),
    }


def resources_for(env: str) -> dict[str, ConfigurableResource]:
    return production_resources() if env in ("staging", "prod") else local_resources()
