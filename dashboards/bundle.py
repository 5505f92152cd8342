"""Build Superset's assets import bundle (a ZIP) from the reviewable YAML in this folder.

- `datasets/*.yaml`: one virtual dataset each (SQL over the warehouse's typed tables and dimensions), its time
  column and its metrics. Column names and types are read from the warehouse at build time (`SELECT ... LIMIT 0`),
  so the YAML never repeats them.
- `boards/*.yaml`: one dashboard each, with its charts in reading order (compact chart specs, expanded here into
  Superset's `params` and the saved `query_context` that `GET /api/v1/chart/{id}/data/` runs).

Every object gets a UUID derived from its key, so a re-import overwrites the same database, datasets, charts and
dashboards (the assets API overwrites all of them: a chart changed in YAML is never left stale).
"""
from __future__ import annotations

import io
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from dashboards.charts import chart_assets
from kernel.settings import CommonSettings, common_settings
from kernel.warehouse import parse_clickhouse_url

HERE = Path(__file__).resolve().parent
NAMESPACE = uuid.UUID("5b0c3f2e-6a51-4d8e-9a57-2f4d8f0b7c11")
DATABASE_NAME = "warehouse"
ROOT = "marketplace_assets"

_TEMPORAL = re.compile(r"^(Nullable\()?(Date|DateTime)", re.IGNORECASE)


def asset_uuid(kind: str, key: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{key}"))


def database_uri(settings: CommonSettings) -> str:
    """clickhouse-connect's SQLAlchemy dialect, pointed at CLICKHOUSE_URL / CLICKHOUSE_DATABASE."""
    a = parse_clickhouse_url(settings.clickhouse_url)
    auth = a.username + (":XXXXXXXXXX" if a.password else "")
    scheme = "clickhousedb" if not a.secure else "clickhousedb+https"
    return f"{scheme}://{auth}@{a.host}:{a.port}/{settings.clickhouse_database}"


@dataclass
class Dataset:
    key: str
    spec: dict[str, Any]
    columns: list[tuple[str, str]] = field(default_factory=list)  # (name, ClickHouse type)

    @property
    def uuid(self) -> str:
        return asset_uuid("dataset", self.key)

    @property
    def time_column(self) -> str:
        return self.spec["time_column"]


def load_yaml(folder: str) -> dict[str, dict[str, Any]]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((HERE / folder).glob("*.yaml"))}


def _dump(obj: dict[str, Any]) -> str:
    return yaml.safe_dump(obj, sort_keys=False, allow_unicode=True)


def _database_config(settings: CommonSettings) -> dict[str, Any]:
    return {"database_name": DATABASE_NAME, "sqlalchemy_uri": database_uri(settings), "cache_timeout": None,
            "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False,
            "allow_dml": False, "allow_csv_upload": False, "extra": {"allows_virtual_table_explore": True},
            "uuid": asset_uuid("database", DATABASE_NAME), "version": "1.0.0"}


def _dataset_config(ds: Dataset, database_uuid: str) -> dict[str, Any]:
    labels = ds.spec.get("labels", {})
    columns = [{"column_name": name, "verbose_name": labels.get(name), "is_dttm": bool(_TEMPORAL.match(ctype)),
                "is_active": True, "type": ctype, "groupby": True, "filterable": True, "expression": None,
                "description": None, "python_date_format": None, "extra": {}}
               for name, ctype in ds.columns]
    metrics = [{"metric_name": name, "verbose_name": m.get("title", name), "metric_type": None,
                "expression": m["expression"], "description": m.get("description"), "d3format": m.get("format"),
                "extra": {}, "warning_text": None}
               for name, m in ds.spec.get("metrics", {}).items()]
    return {"table_name": ds.spec.get("name", ds.key), "main_dttm_col": ds.time_column,
            "description": ds.spec.get("description"), "default_endpoint": None, "offset": 0,
            "cache_timeout": None, "schema": None, "sql": ds.spec["sql"].strip(), "params": None,
            "template_params": None, "filter_select_enabled": True, "fetch_values_predicate": None, "extra": {},
            "uuid": ds.uuid, "metrics": metrics, "columns": columns, "version": "1.0.0",
            "database_uuid": database_uuid}


def probe_columns(datasets: dict[str, Dataset], settings: CommonSettings) -> None:
    """Each dataset's output columns and types, from the warehouse itself (the SQL must run there anyway)."""
    from kernel.warehouse import warehouse_client

    client = warehouse_client(settings)
    try:
        for ds in datasets.values():
            result = client.query(f"SELECT * FROM ({ds.spec['sql'].strip()}) LIMIT 0")
            ds.columns = [(n, t.name) for n, t in zip(result.column_names, result.column_types)]
    finally:
        client.close()


def load_datasets(settings: CommonSettings, probe: Callable[..., None] = probe_columns) -> dict[str, Dataset]:
    datasets = {key: Dataset(key, spec) for key, spec in load_yaml("datasets").items()}
    probe(datasets, settings)
    for ds in datasets.values():
        names = {n for n, _ in ds.columns}
        if ds.time_column not in names:
            raise ValueError(f"dataset {ds.key}: time_column {ds.time_column!r} is not among {sorted(names)}")
        # ClickHouse aliases are query-wide: a metric named like a column (SUM(net) AS net) turns that column into
        # an aggregate inside every other metric that reads it (ILLEGAL_AGGREGATION).
        clash = names & set(ds.spec.get("metrics", {}))
        if clash:
            raise ValueError(f"dataset {ds.key}: metrics named like columns: {sorted(clash)}")
    return datasets


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"{ROOT}/metadata.yaml", _dump({"version": "1.0.0", "type": "assets",
                                                    "timestamp": "2026-01-01T00:00:00+00:00"}))
        for name, text in files.items():
            z.writestr(f"{ROOT}/{name}", text)
    return buf.getvalue()


def database_bundle(settings: CommonSettings | None = None) -> bytes:
    """Only the warehouse connection (what `mkt stack up` imports so Superset can query it at once)."""
    return _zip({f"databases/{DATABASE_NAME}.yaml": _dump(_database_config(settings or common_settings()))})


def build_bundle(settings: CommonSettings | None = None) -> bytes:
    """The whole bundle: database, every dataset, chart and dashboard."""
    settings = settings or common_settings()
    db = _database_config(settings)
    datasets = load_datasets(settings)
    files = {f"databases/{DATABASE_NAME}.yaml": _dump(db)}
    for ds in datasets.values():
        files[f"datasets/{DATABASE_NAME}/{ds.key}.yaml"] = _dump(_dataset_config(ds, db["uuid"]))
    for key, board in load_yaml("boards").items():
        charts, dashboard = chart_assets(key, board, datasets, asset_uuid)
        for chart in charts:
            files[f"charts/{chart['_key']}.yaml"] = _dump({k: v for k, v in chart.items() if k != "_key"})
        files[f"dashboards/{key}.yaml"] = _dump(dashboard)
    return _zip(files)
