"""Every event the simulator writes is one the services could have written: it validates against the registered
contract of its type, sits on that contract's topic, and is keyed by the aggregate the services key it by."""
from __future__ import annotations

import json
from collections import Counter
from datetime import date

import pytest

from kernel.consumer import EventConsumer
from kernel.contracts.registry import contract_for
from kernel.events import Envelope
from simulator.backfill import day_records
from simulator.config import SimConfig

KEYS = {"order.created": "orderNo", "order.paid": "orderNo", "payment.succeeded": "orderNo",
        "shipping.delivered": "orderNo", "user.created": "userId", "vendor.approved": "vendorId",
        "product.created": "productId", "inventory.adjusted": "sku", "cart.item_added": "userId",
        "earning.recorded": "vendorId", "review.submitted": "productId", "product.viewed": "sessionId"}


@pytest.fixture(scope="module")
def records():
    cfg = SimConfig(seed=5, days=45, shoppers=600, vendors=5, skus=150, end=date(2025, 1, 15), fraud_share=0.05)
    return [r for _, day, _ in day_records(cfg) for r in day]


def test_every_event_validates_against_its_contract_and_topic(records):
    for topic, key, value in records:
        env = Envelope.from_json(value)
        contract = contract_for(env.type)
        assert contract.topic.name == topic
        assert contract.version == env.version
        assert contract.validate(env.data) == env.data  # nothing dropped or coerced by the contract


def test_events_are_keyed_by_their_aggregate(records):
    for _, key, value in records:
        env = json.loads(value)
        field = KEYS.get(env["type"])
        if field:
            assert key.decode() == env["data"][field], env["type"]


def test_the_history_has_every_kind_of_event_downstream_needs(records):
    types = Counter(json.loads(v)["type"] for _, _, v in records)
    expected = {"user.created", "vendor.applied", "vendor.approved", "category.created", "brand.created",
                "product.created", "product.approved", "product.price.updated", "inventory.adjusted",
                "inventory.low_stock", "inventory.reserved", "inventory.committed", "product.viewed",
                "search.performed", "cart.item_added", "cart.checked_out", "order.created", "order.paid",
                "payment.intent.created", "payment.succeeded", "payment.failed", "earning.recorded",
                "shipping.label.created", "shipping.delivered", "order.delivered", "order.cancelled",
                "payment.refunded", "order.returned", "review.submitted"}
    assert expected <= set(types), expected - set(types)


def test_orders_add_up(records):
    for _, _, value in records:
        env = json.loads(value)
        if env["type"] != "order.created":
            continue
        data, totals = env["data"], env["data"]["totals"]
        assert totals["subtotalMinor"] == sum(i["lineTotalMinor"] for i in data["items"])
        assert totals["totalMinor"] == totals["subtotalMinor"] + totals["shippingMinor"]
        assert sum(s["grossMinor"] for s in data["vendorSplits"]) == totals["subtotalMinor"]
        for s in data["vendorSplits"]:
            assert s["netMinor"] == s["grossMinor"] - s["commissionMinor"]


async def test_services_never_react_to_simulated_history(records):
    """The backfill is for the data platform: a service consumer skips it before touching its database."""
    paid = next(v for _, _, v in records if json.loads(v)["type"] == "order.paid")
    ran = []

    async def handler(**_):  # would record earnings for an order that exists nowhere
        ran.append(1)

    consumer = EventConsumer(name="t", topics=[], handlers={"order.paid": handler}, db=None, outbox=None,
                             inbox=None, publisher=None, bootstrap_servers="")
    assert await consumer.handle(paid) is False
    assert ran == []
