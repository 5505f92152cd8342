"""Writes what the models should rediscover, beside a manifest, under STACK_DIR/simulator/<run-id>/:
taste vectors and item factors (recommendations), elasticities, promotions and per-day-and-SKU demand components
(pricing, forecasting), order labels with their fraud pattern and signals (fraud), shipment lateness (delivery)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kernel.settings import common_settings
from simulator.demand import WEEKLY
from simulator.engine import Simulation
from simulator.population import QUALITY_WEIGHT
from simulator.truth import DEMAND_FIELDS

FORMULAS = {
    "preference": f"P(product p | shopper u) = softmax_p(taste_u . factors_p + {QUALITY_WEIGHT} * quality_p)",
    "demand": "expected = base * trend * weekly * yearly * promo * (price / ref_price) ^ elasticity; "
              "demanded ~ Poisson(expected / mean_qty) intents of qty 1-3; sold = paid units; lost = stock-outs",
    "late": "delivered_at > promised_at (label + etaDays); on time with probability = vendor reliability",
    "return": "P(line returned) = 0.015 + 0.22 * (1 - quality)^2 + 0.05 if late",
    "rating": "clip(round(1 + 4 * quality + N(0, 0.8) - 0.8 if late), 1, 5)",
}


@dataclass(frozen=True)
class Export:
    directory: Path
    files: dict[str, int]  # file name -> rows


def run_dir(run_id: str, base: Path | None = None) -> Path:
    return (base or common_settings().stack_dir / "simulator") / run_id


def _factors(prefix: str, matrix: np.ndarray) -> dict[str, np.ndarray]:
    return {f"{prefix}_{i}": matrix[:, i] for i in range(matrix.shape[1])}


def _shoppers(sim: Simulation) -> pd.DataFrame:
    pop = sim.population
    genuine = pd.DataFrame({
        "user_id": [s.id for s in pop.shoppers], "signup_at": [s.created_at for s in pop.shoppers],
        "country": [s.country for s in pop.shoppers], "email_domain": [s.email_domain for s in pop.shoppers],
        "devices": [s.devices for s in pop.shoppers], "cards": [[c[0] for c in s.cards] for s in pop.shoppers],
        "activity": pop.activity, "fraud_pattern": None, **_factors("taste", pop.taste)})
    fraud = pd.DataFrame({
        "user_id": [s.id for s in sim.fraud.accounts], "signup_at": [s.created_at for s in sim.fraud.accounts],
        "country": [s.country for s in sim.fraud.accounts],
        "email_domain": [s.email_domain for s in sim.fraud.accounts],
        "devices": [s.devices for s in sim.fraud.accounts],
        "cards": [[c[0] for c in s.cards] for s in sim.fraud.accounts],
        "fraud_pattern": [s.fraud for s in sim.fraud.accounts]})
    return pd.concat([genuine, fraud], ignore_index=True) if len(fraud) else genuine


def _catalog(sim: Simulation) -> dict[str, pd.DataFrame]:
    w, d = sim.world, sim.demand
    products = pd.DataFrame({
        "product_id": [p.id for p in w.products], "vendor_id": [w.vendors[p.vendor].id for p in w.products],
        "category_id": [w.categories[p.category].id for p in w.products],
        "brand_id": [w.brands[p.brand].id for p in w.products], "title": [p.title for p in w.products],
        "quality": [p.quality for p in w.products], "launch_day": [p.launch_day for p in w.products],
        "popularity": sim.population.popularity, **_factors("factor", w.item_factors)})
    skus = pd.DataFrame({
        "sku": w.sku_codes, "product_id": [w.products[int(p)].id for p in w.sku_product],
        "ref_price_minor": w.sku_price, "variant_share": w.sku_share, "base_demand": d.base,
        "elasticity": d.elasticity, "season_amp": d.season_amp, "season_peak_doy": d.season_peak,
        "drift_per_year": d.drift, "reorder_point": sim.stock.reorder_point, "initial_stock": sim.stock.initial})
    leaves = [c for c in w.categories if c.leaf is not None]
    categories = pd.DataFrame({
        "category_id": [c.id for c in leaves], "name": [c.name for c in leaves], "path": [c.path for c in leaves],
        "elasticity": [c.elasticity for c in leaves], "season_peak_doy": [c.leaf.season_peak for c in leaves],
        "season_amp": [c.leaf.season_amp for c in leaves]})
    vendors = pd.DataFrame([{"vendor_id": v.id, "name": v.name, "quality": v.quality, "reliability": v.reliability,
                             "handling_days": v.handling_days, "lead_days": v.lead_days,
                             "commission_bps": v.commission_bps} for v in w.vendors])
    promotions = pd.DataFrame([{"product_id": w.products[p.product].id, "start_day": p.start, "end_day": p.end,
                                "discount": p.discount, "uplift": p.uplift} for p in d.promotions])
    return {"products": products, "skus": skus, "categories": categories, "vendors": vendors,
            "promotions": promotions}


def _demand(sim: Simulation) -> pd.DataFrame:
    t, cfg = sim.truth, sim.cfg
    days, skus = np.meshgrid(np.arange(cfg.days), np.arange(len(sim.world.sku_codes)), indexing="ij")
    launch = np.array([sim.world.products[int(p)].launch_day for p in sim.world.sku_product])
    on_sale = (days >= launch[None, :]).ravel()
    columns = {"date": (np.datetime64(cfg.start.isoformat()) + days.ravel().astype("timedelta64[D]"))[on_sale],
               "sku": np.array(sim.world.sku_codes)[skus.ravel()[on_sale]]}
    for name in DEMAND_FIELDS:
        columns[name] = t.demand[name].ravel()[on_sale]
    columns["fraud_units"] = t.fraud_units.ravel()[on_sale]
    return pd.DataFrame(columns)


def _orders(sim: Simulation) -> pd.DataFrame:
    frame = pd.DataFrame(sim.truth.orders)
    if len(frame):
        frame["vendor_net"] = frame["vendor_net"].map(json.dumps)
    return frame


def export(sim: Simulation, directory: Path, manifest: dict[str, Any]) -> Export:
    directory.mkdir(parents=True, exist_ok=True)
    tables = {"shoppers": _shoppers(sim), **_catalog(sim), "demand": _demand(sim), "orders": _orders(sim),
              "shipments": pd.DataFrame(sim.truth.shipments), "reviews": pd.DataFrame(sim.truth.reviews)}
    files = {}
    for name, frame in tables.items():
        frame.to_parquet(directory / f"{name}.parquet", index=False)
        files[f"{name}.parquet"] = len(frame)
    manifest = {**manifest, "files": files, "formulas": FORMULAS, "weekly_profile_mon_sun": WEEKLY.round(4).tolist(),
                "truth_totals": sim.truth.totals(),
                "exported_at": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str))
    return Export(directory, files)


def window(sim: Simulation) -> dict[str, str]:
    return {"start": sim.cfg.start_at.isoformat(), "end": sim.cfg.end_at.isoformat(),
            "days": str(sim.cfg.days), "last_day": (sim.cfg.end - timedelta(days=1)).isoformat()}
