"""The world `mkt simulate world` seeds is the world `mkt simulate backfill` writes history about: every vendor,
category, brand, product, SKU and user id in the backfilled events (same config) is in the seeding spec."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

from simulator.backfill import day_records
from simulator.config import SimConfig
from simulator.world_spec import SIM_PASSWORD, build_spec

CFG = SimConfig(seed=11, days=4, shoppers=25, vendors=3, skus=30, end=date(2024, 3, 1))
REFERENCES = {"vendorId": "vendors", "productId": "products", "categoryId": "categories", "brandId": "brands",
              "sku": "skus"}


def _backfill_ids(cfg: SimConfig) -> dict[str, set[str]]:
    """Ids the history refers to, by kind, read back from the encoded envelopes."""
    ids: dict[str, set[str]] = {k: set() for k in ("users", *REFERENCES.values())}
    for _, records, _ in day_records(cfg):
        for _, _, value in records:
            env = json.loads(value)
            data = env["data"]
            if env["type"] == "user.created":
                ids["users"].add(data["userId"])
            if env["type"].startswith(("product.", "vendor.", "category.", "brand.", "inventory.")):
                for field, kind in REFERENCES.items():
                    if data.get(field):
                        ids[kind].add(data[field])
                ids["skus"] |= {v["sku"] for v in data.get("variants") or []}
                ids["categories"] |= set(data.get("categoryIds") or [])
    return ids


def _spec_ids(cfg: SimConfig) -> dict[str, set[str]]:
    spec = build_spec(cfg)
    return {"users": {spec.admin.user_id, *(a.user_id for a in spec.accounts)},
            "vendors": {v.id for v in spec.vendors}, "products": {p.id for p in spec.products},
            "categories": {c["id"] for c in spec.categories}, "brands": {b["id"] for b in spec.brands},
            "skus": set(spec.skus)}


def test_every_id_the_backfill_emits_is_in_the_world_spec():
    emitted, seeded = _backfill_ids(CFG), _spec_ids(CFG)
    for kind, ids in emitted.items():
        assert ids, f"the backfill emitted no {kind}"
        assert ids <= seeded[kind], f"{len(ids - seeded[kind])} {kind} of the history are not seeded"
    assert len(seeded["skus"]) == CFG.skus and len(seeded["vendors"]) == CFG.vendors


def test_the_same_config_gives_the_same_world_and_another_seed_another():
    assert _spec_ids(CFG) == _spec_ids(CFG)
    other = _spec_ids(replace(CFG, seed=12))
    assert not other["users"] & _spec_ids(CFG)["users"]


def test_products_satisfy_the_catalog_rules_and_accounts_have_unique_emails():
    spec = build_spec(CFG)
    emails = [a.email for a in [spec.admin, *spec.accounts]]
    assert len(set(emails)) == len(emails) and len(SIM_PASSWORD) >= 8
    for p in spec.products:
        combos = [tuple(sorted(v["optionValues"].items())) for v in p.body["variants"]]
        assert len(set(combos)) == len(combos), p.body  # the catalog refuses two variants with the same options
        names = {o["name"] for o in p.body["options"]}
        assert all(set(v["optionValues"]) == names for v in p.body["variants"])
    assert set(spec.stock) == set(spec.skus) and all(on_hand >= 0 for on_hand, _ in spec.stock.values())
