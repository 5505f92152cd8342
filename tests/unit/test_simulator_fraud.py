"""Fraud labels follow their patterns: rings share devices, cards and drop addresses; stolen cards are new
accounts trying several foreign cards fast; farms are many accounts on one device. Every order is labelled."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from simulator.config import SimConfig
from simulator.engine import Simulation

CFG = SimConfig(seed=8, days=90, shoppers=1_500, vendors=6, skus=200, end=date(2025, 9, 1), fraud_share=0.08)


@pytest.fixture(scope="module")
def orders() -> list[dict]:
    sim = Simulation(CFG)
    sim.setup()
    for day in range(CFG.days):
        sim.run_day(day)
    return sim.truth.orders


def by_pattern(orders: list[dict], pattern: str) -> list[dict]:
    found = [o for o in orders if o["pattern"] == pattern]
    assert found, f"no {pattern} orders in the sample"
    return found


def test_every_order_is_labelled(orders):
    assert {o["pattern"] for o in orders} <= {"legit", "fraud_ring", "stolen_card", "account_farm"}
    assert all(o["is_fraud"] == (o["pattern"] != "legit") for o in orders)
    share = sum(o["is_fraud"] for o in orders) / len(orders)
    assert 0.02 < share < 0.2


def test_ring_accounts_share_devices_cards_and_addresses(orders):
    users_per_device, users_per_card = defaultdict(set), defaultdict(set)
    for o in by_pattern(orders, "fraud_ring"):
        users_per_device[o["device_id"]].add(o["user_id"])
        users_per_card[o["card_fingerprint"]].add(o["user_id"])
    assert max(len(u) for u in users_per_device.values()) >= 3
    assert max(len(u) for u in users_per_card.values()) >= 2


def test_stolen_cards_are_new_accounts_with_foreign_cards_and_velocity(orders):
    stolen = by_pattern(orders, "stolen_card")
    first = {}
    for o in sorted(stolen, key=lambda o: o["created_at"]):
        first.setdefault(o["user_id"], o)
    assert all(o["created_at"] - o["account_created_at"] < timedelta(hours=2) for o in first.values())
    assert all(o["card_country"] != o["ship_country"] for o in stolen)
    cards_per_device = defaultdict(set)
    for o in stolen:
        cards_per_device[o["device_id"]].add(o["card_fingerprint"])
    assert max(len(c) for c in cards_per_device.values()) >= 2
    assert sum(o["payment_declines"] for o in stolen) > 0


def test_account_farms_put_many_accounts_on_one_device(orders):
    accounts = defaultdict(set)
    for o in by_pattern(orders, "account_farm"):
        accounts[o["device_id"]].add(o["user_id"])
    assert max(len(a) for a in accounts.values()) >= 3


def test_genuine_shoppers_keep_their_own_devices_and_fraud_buys_dearer(orders):
    legit = [o for o in orders if not o["is_fraud"]]
    owners = defaultdict(set)
    for o in legit:
        owners[o["device_id"]].add(o["user_id"])
    assert max(len(u) for u in owners.values()) == 1
    fraud = [o for o in orders if o["is_fraud"]]
    mean = lambda rows: sum(r["total_minor"] for r in rows) / len(rows)  # noqa: E731
    assert mean(fraud) > 2 * mean(legit)
