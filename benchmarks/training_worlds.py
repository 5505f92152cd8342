"""What benchmarks/training.py needs per model kind: its loader (as pipelines/defs/training/kinds.py calls it), the
task params, the 10× world built from the loaded frames, a size description, and the kind's own baseline.

The 10× world is ten disjoint copies of the default world's training data, not a 10× simulation: the warehouse
here ingests ~3k events/s, so a real 10× backfill (7.7M events) would take most of an hour. Every id (user,
item/product, SKU, category, vendor, order, device, basket) gets a per-copy suffix and timestamps stay as they
are, so row counts, users, items and SKUs scale 10× while each copy keeps the real world's structure.
Features computed per entity (fraud_v1 velocities, shared cards) are therefore those of one copy, as they
would be if ten independent marketplaces shared one platform.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import replace
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kernel.settings import common_settings

# Columns holding ids, per kind and frame: the ones that must stay disjoint between copies.
ID_COLUMNS = {
    "recommendations": {"interactions": ("user_id", "item_id", "basket"), "items": ("item_id", "category")},
    "fraud": {"frame": ("order_no", "user_id", "device_id")},
    "forecasting": {"sales": ("sku",), "stock": ("sku", "vendor_id")},
    "pricing": {"frame": ("sku", "category_id")},
}
FORECAST_HORIZON = 28  # the seasonal naive baseline forecasts one evaluation fold


def default_truth_dir() -> Path:
    """The newest simulator run of the world `mkt` last seeded (world.json): tests back-fill small worlds of
    their own into the same warehouse and stack dir, so "newest run" alone may name one of theirs."""
    root = common_settings().stack_dir / "simulator"
    spec = json.loads((root / "world.json").read_text()) if (root / "world.json").exists() else {}
    runs = sorted(root.glob("*/manifest.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for manifest in runs:
        config = json.loads(manifest.read_text()).get("config", {})
        if all(str(config.get(k)) == str(v) for k, v in spec.items() if k in config):
            return manifest.parent
    raise SystemExit(f"no simulator run of the world in {root / 'world.json'}: backfill it, or pass --truth-dir")


def window(truth_dir: Path) -> tuple[datetime, datetime]:
    """[start, end) of the run, midnight UTC: the pipeline's since/until for exactly this world's days."""
    config = json.loads((truth_dir / "manifest.json").read_text())["config"]
    day = lambda s: datetime.combine(date.fromisoformat(s), time(0), tzinfo=timezone.utc)  # noqa: E731
    return day(config["start"]), day(config["end"])


def load(kind: str, truth_dir: Path) -> Any:
    """The run's window, loaded exactly as the training pipeline's loaders do, then kept to the run's own SKUs
    and products (other worlds' listings have no dates to be windowed out of the pricing grid)."""
    from kernel.warehouse import warehouse_client

    dataset = importlib.import_module(f"models.{kind}.dataset")
    since, until = window(truth_dir)
    if kind == "fraud":  # labels join by order number, so only the run's own orders remain
        from kernel.feature_store import open_store
        return dataset.load(open_store(), warehouse_client(), truth_dir, start=since, end=until)
    return own_world(kind, dataset.load(warehouse_client(), since=since, until=until), truth_dir)


def own_world(kind: str, data: Any, truth_dir: Path) -> Any:
    if kind == "recommendations":
        products = set(pd.read_parquet(truth_dir / "products.parquet", columns=["product_id"])["product_id"])
        return replace(data, interactions=data.interactions[data.interactions["item_id"].isin(products)]
                       .reset_index(drop=True), items=data.items[data.items["item_id"].isin(products)])
    skus = set(pd.read_parquet(truth_dir / "skus.parquet", columns=["sku"])["sku"])
    if kind == "forecasting":
        return replace(data, sales=data.sales[data.sales["sku"].isin(skus)].reset_index(drop=True),
                       stock=data.stock[data.stock["sku"].isin(skus)].reset_index(drop=True))
    return data[data["sku"].isin(skus)].reset_index(drop=True)


def task_params(kind: str, truth_dir: Path, copies: int) -> dict[str, Any]:
    """The task's defaults; pricing is judged against the planted elasticities, which at 10× must name the
    suffixed categories (every copy of a category has its original's true elasticity)."""
    params = dict(importlib.import_module(f"models.{kind}.task").TASK.default_params)
    if kind == "pricing":
        params["truth_dir"] = str(truth_dir)
        if copies > 1:
            from models.pricing.evaluate import truth_elasticities
            truth = truth_elasticities(truth_dir)
            params["truth_elasticities"] = {f"{cat}{tag(i)}": value for cat, value in truth.items()
                                            for i in range(copies)}
    return params


def tag(copy: int) -> str:
    return f"~w{copy}"


def suffixed(values: pd.Series, copy: int) -> pd.Series:
    """The id with this copy's suffix; missing and empty ids stay missing/empty (unknown is not an id)."""
    text = values.astype("string")
    known = text.notna() & (text != "")
    return text.where(~known, text + tag(copy)).astype(values.dtype if values.dtype != object else object)


def copies_of(frame: pd.DataFrame, columns: tuple[str, ...], copies: int) -> pd.DataFrame:
    parts = [frame.assign(**{c: suffixed(frame[c], i) for c in columns}) for i in range(copies)]
    return pd.concat(parts, ignore_index=True)


def replicate(kind: str, data: Any, copies: int) -> Any:
    """`copies` disjoint copies of a kind's loaded data, re-sorted the way its loader sorts."""
    ids = ID_COLUMNS[kind]
    if kind == "recommendations":
        frame = copies_of(data.interactions, ids["interactions"], copies)
        frame = frame.sort_values("ts", kind="stable").reset_index(drop=True)
        return replace(data, interactions=frame, items=copies_of(data.items, ids["items"], copies))
    if kind == "forecasting":
        return replace(data, sales=copies_of(data.sales, ids["sales"], copies),
                       stock=copies_of(data.stock, ids["stock"], copies))
    frame = copies_of(data, ids["frame"], copies)
    order = ["event_timestamp", "order_no"] if kind == "fraud" else ["sku", "ds"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def describe(kind: str, data: Any) -> tuple[int, str]:
    """(rows of the main frame, a short description of what they are)."""
    if kind == "recommendations":
        f = data.interactions
        return len(f), f"interactions; {f['user_id'].nunique():,} users, {len(data.items):,} items"
    if kind == "forecasting":
        return len(data.sales), f"SKU-days; {data.sales['sku'].nunique():,} SKUs"
    if kind == "fraud":
        return len(data), f"orders; {int(data['is_fraud'].sum()):,} fraudulent"
    return len(data), f"SKU-days; {data['sku'].nunique():,} SKUs, {data['category_id'].nunique()} categories"


def baseline_fit(kind: str, split: Any, params: dict[str, Any]) -> str:
    """Fit the kind's own baseline on the same training part; returns its name for the table."""
    if kind == "recommendations":
        from models.recommendations.evaluate import popularity_recommendations
        popularity_recommendations(split.train.interactions, [], k=params["k"])  # ranking + seen sets
        return "popularity"
    if kind == "fraud":
        from models.fraud.rules import RulesModel
        RulesModel().score(split.train)  # nothing to fit: applying the rules to the training rows instead
        return "rules (scoring)"
    if kind == "forecasting":
        from models.forecasting.intermittent import seasonal_naive
        for _, y in split.train.groupby("sku", sort=False)["y"]:
            seasonal_naive(y.to_numpy(dtype=float), FORECAST_HORIZON)
        return "seasonal naive"
    from models.pricing.baseline import NaiveLogLog
    NaiveLogLog.fit(split.train, int(params.get("ramp_days", 28)))
    return "naive log-log"


def primary(evaluation: Any) -> str:
    """The evaluation's primary metric beside the baseline's, so a 10× model can be seen to be still sane."""
    if evaluation is None:
        return "-"
    value, base = float(evaluation.value), float(evaluation.baseline)
    fmt = (lambda v: "nan" if np.isnan(v) else f"{v:.3f}")
    return f"{evaluation.metric} {fmt(value)} vs {fmt(base)}"
