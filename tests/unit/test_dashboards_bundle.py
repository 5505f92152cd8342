"""The dashboards bundle is built from dashboards/*.yaml without Superset: structure, references and stable UUIDs.
The warehouse probe is replaced by the columns the boards use (the integration test runs the real one)."""
from __future__ import annotations

import io
import zipfile

import pytest
import yaml

from dashboards import bundle
from kernel.settings import CommonSettings


def fake_probe(datasets, settings) -> None:
    used: dict[str, set[str]] = {key: {ds.time_column} for key, ds in datasets.items()}
    for board in bundle.load_yaml("boards").values():
        for chart in board["charts"]:
            used[chart["dataset"]].update(chart.get("groupby", []) + chart.get("pivot_columns", []))
    for key, ds in datasets.items():
        ds.columns = [(c, "DateTime64(3, 'UTC')" if c == ds.time_column else "String") for c in sorted(used[key])]


@pytest.fixture
def files(monkeypatch) -> dict[str, dict]:
    monkeypatch.setattr(bundle, "probe_columns", fake_probe)
    real_load = bundle.load_datasets
    monkeypatch.setattr(bundle, "load_datasets", lambda settings: real_load(settings, probe=fake_probe))
    data = bundle.build_bundle(CommonSettings(CLICKHOUSE_URL="http://ch.example:8123"))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name.split("/", 1)[1]: yaml.safe_load(z.read(name)) for name in z.namelist()}


def test_bundle_holds_six_dashboards_over_one_database(files):
    assert files["metadata.yaml"]["type"] == "assets"
    boards = {f["dashboard_title"] for n, f in files.items() if n.startswith("dashboards/")}
    assert boards == {"Executive", "Vendors", "Catalog and stock", "Customers", "Risk", "Models"}
    (db,) = [f for n, f in files.items() if n.startswith("databases/")]
    assert db["sqlalchemy_uri"] == "clickhousedb://default@ch.example:8123/warehouse"


def test_every_chart_is_placed_once_and_points_at_a_bundled_dataset(files):
    datasets = {f["uuid"] for n, f in files.items() if n.startswith("datasets/")}
    charts = {f["uuid"]: f for n, f in files.items() if n.startswith("charts/")}
    placed = [node["meta"]["uuid"] for n, f in files.items() if n.startswith("dashboards/")
              for node in f["position"].values() if isinstance(node, dict) and node.get("type") == "CHART"]
    assert sorted(placed) == sorted(charts) and len(set(placed)) == len(placed)
    assert all(c["dataset_uuid"] in datasets and c["query_context"] for c in charts.values())


def test_rows_never_exceed_twelve_columns(files):
    for name, board in files.items():
        if not name.startswith("dashboards/"):
            continue
        pos = board["position"]
        for row in (n for n in pos.values() if isinstance(n, dict) and n.get("type") == "ROW"):
            assert sum(pos[c]["meta"]["width"] for c in row["children"]) <= 12, name


def test_uuids_are_stable_per_key():
    assert bundle.asset_uuid("chart", "exec_gmv") == bundle.asset_uuid("chart", "exec_gmv")
    assert bundle.asset_uuid("chart", "exec_gmv") != bundle.asset_uuid("dataset", "exec_gmv")


def test_a_metric_named_like_a_column_is_refused():
    def probe(datasets, settings):
        fake_probe(datasets, settings)
        datasets["orders"].columns.append(("gmv", "Float64"))

    with pytest.raises(ValueError, match="metrics named like columns"):
        bundle.load_datasets(CommonSettings(), probe=probe)
