"""models.recommendations.dataset.load against the real warehouse server, on a throwaway migrated database:
envelopes go into `events`, the materialized views fill order_items and dim_products, load() reads them back."""
from __future__ import annotations

import json
import random
import string
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from kernel.settings import common_settings
from kernel.warehouse import warehouse_client
from models.base import EmptyTrainingData
from models.recommendations import train
from models.recommendations.dataset import KIND_WEIGHTS, load
from models.recommendations.task import TASK
from warehouse.migrate import migrate

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
COLUMNS = ["event_id", "type", "version", "occurred_at", "actor_type", "actor_id", "data", "request_id",
           "correlation_id", "topic", "partition", "offset", "ingested_at"]


def envelope(kind: str, at: datetime, data: dict) -> list:
    return [uuid.uuid4(), kind, 1, at, "test", data.get("userId") or "", json.dumps(data), "", "", "test", 0, 0, at]


def product(pid: str, category: str) -> list:
    return envelope("product.approved", T0, {"productId": pid, "vendorId": "v", "title": pid, "slug": pid,
                                              "status": "active", "categoryIds": [category], "variants": []})


def order(no: str, user: str, pids: list[str], at: datetime) -> list:
    items = [{"sku": f"{p}-0", "productId": p, "vendorId": "v", "qty": 1, "priceMinor": 100,
              "lineTotalMinor": 100, "discountMinor": 0, "categoryIds": ["c"]} for p in pids]
    return envelope("order.created", at, {"orderNo": no, "orderId": no, "userId": user, "currency": "USD",
                                           "totals": {}, "items": items, "vendorSplits": []})


def seen(kind: str, user: str | None, pid: str, at: datetime) -> list:
    return envelope(kind, at, {"userId": user, "productId": pid, "sessionId": "s", "deviceId": "d"})


def history_rows() -> list[list]:
    """Four products in two categories; alice buys p1+p2 together and views p3; bob buys p3 and carts p4."""
    rows = [product(p, "c-a" if p in ("p1", "p2") else "c-b") for p in ("p1", "p2", "p3", "p4")]
    rows += [order("o1", "alice", ["p1", "p2"], T0 + timedelta(days=1)),
             order("o2", "bob", ["p3"], T0 + timedelta(days=5)),
             seen("product.viewed", "alice", "p3", T0 + timedelta(days=2)),
             seen("product.viewed", None, "p4", T0 + timedelta(days=2)),  # anonymous: cannot be tied to a shopper
             seen("cart.item_added", "bob", "p4", T0 + timedelta(days=6))]
    return rows


def fresh_database():
    """A migrated, empty warehouse database of the caller's own, dropped afterwards."""
    settings = common_settings()
    name = "test_recs_" + "".join(random.choices(string.ascii_lowercase, k=8))
    migrate(settings, database=name)
    c = warehouse_client(settings, database=name)
    yield c
    c.close()
    admin = warehouse_client(settings, database="default")
    admin.command(f"DROP DATABASE IF EXISTS `{name}`")
    admin.close()


@pytest.fixture
def empty(stack):
    yield from fresh_database()


def test_an_empty_warehouse_loads_empty_frames_and_the_task_refuses_to_split(empty):
    data = load(empty)
    assert data.interactions.empty and list(data.interactions.columns) == ["user_id", "item_id", "weight", "ts",
                                                                            "kind", "basket"]
    with pytest.raises(EmptyTrainingData, match="no interactions"):
        TASK.split(data, {})


@pytest.fixture(scope="module")
def client(stack):
    for c in fresh_database():
        c.insert("events", history_rows(), column_names=COLUMNS)
        yield c


def test_load_reads_purchases_views_and_cart_adds_with_their_weights(client):
    data = load(client)
    frame = data.interactions
    got = sorted(zip(frame["user_id"], frame["item_id"], frame["kind"]))
    assert got == [("alice", "p1", "purchase"), ("alice", "p2", "purchase"), ("alice", "p3", "view"),
                   ("bob", "p3", "purchase"), ("bob", "p4", "cart")]
    assert (frame["weight"] == frame["kind"].map(KIND_WEIGHTS)).all()
    assert set(frame.loc[frame["kind"] == "purchase", "basket"]) == {"o1", "o2"}
    assert dict(zip(data.items["item_id"], data.items["category"])) == {"p1": "c-a", "p2": "c-a", "p3": "c-b",
                                                                         "p4": "c-b"}


def test_load_honours_the_time_window(client):
    frame = load(client, since=T0 + timedelta(days=2), until=T0 + timedelta(days=6)).interactions
    assert sorted(zip(frame["user_id"], frame["item_id"])) == [("alice", "p3"), ("bob", "p3")]


def test_what_load_returns_trains_a_recommender(client):
    data = load(client)
    model = train(data.interactions, items=data.items)
    assert set(model.recommend(["bob"], k=3)["bob"]) <= {"p1", "p2"}  # bob's unseen items
    assert model.frequently_bought_together(["p1"], k=1)["p1"] == ["p2"]
