"""The recommender's models against the real MLflow: two tiny models registered under a test name prefix, the
champion answering ("model" strategy, its version named), the A/B flag sending a shopper to the challenger, a
champion swap picked up without a restart, and MLflow going away while the last version keeps serving."""
from __future__ import annotations

import asyncio
import pickle
import random
import tempfile
from pathlib import Path

import mlflow
import mlflow.pyfunc
import pandas as pd
import pytest
from mlflow import MlflowClient

from kernel.settings import stack_settings
from models.base import ARTIFACT
from models.recommendations import train
from models.recommendations.task import RecommendationsPyfunc
from tests.flows import bearer, eventually, tag
from tests.integration.orders_helpers import shopper
from tests.integration.reco_helpers import ask, champions_named, reco_shop

NAME = "marketplace-recommendations"
pytestmark = pytest.mark.slow  # two MLflow registrations and a shop of its own: about two minutes


def tiny_model(user: str, items: list[str], seed: int):
    """30 shoppers with two tastes over the shop's items; `user` took the first item only."""
    rng = random.Random(seed)
    rows = [(user, items[0], 4.0)]
    for n in range(30):
        taste = items[:3] if n % 2 else items[2:]
        rows += [(f"sim-{n}", rng.choice(taste), rng.choice([1.0, 2.0, 4.0])) for _ in range(4)]
    frame = pd.DataFrame(rows, columns=["user_id", "item_id", "weight"])
    frame["ts"] = pd.Timestamp("2026-01-01", tz="UTC")
    return train(frame, {"factors": 4, "iterations": 5, "seed": seed})


def register(name: str, model, alias: str) -> str:
    uri = stack_settings().mlflow_tracking_uri
    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment("test-serving-recommendations")
    with tempfile.TemporaryDirectory() as tmp, mlflow.start_run():
        path = Path(tmp) / "model.pkl"
        path.write_bytes(pickle.dumps(model))
        info = mlflow.pyfunc.log_model(name="model", python_model=RecommendationsPyfunc(),
                                       artifacts={ARTIFACT: str(path)}, registered_model_name=name)
    version = str(info.registered_model_version)
    MlflowClient(tracking_uri=uri).set_registered_model_alias(name, alias, version)
    return version


def move_alias(name: str, alias: str, version: str) -> None:
    MlflowClient(tracking_uri=stack_settings().mlflow_tracking_uri).set_registered_model_alias(name, alias, version)


@pytest.fixture(scope="module")
async def registered(client, gateway, admin_token):
    shop = await reco_shop(client, gateway, admin_token)
    who = shopper(gateway)
    items = [p["id"] for p in shop["c"]] + [p["id"] for p in shop["d"]]
    prefix = f"test-reco-{tag()}-"
    v1 = await asyncio.to_thread(register, prefix + NAME, tiny_model(who["userId"], items, 1), "champion")
    v2 = await asyncio.to_thread(register, prefix + NAME, tiny_model(who["userId"], items, 2), "challenger")
    return {"shop": shop, "who": who, "prefix": prefix, "v1": v1, "v2": v2, "items": items}


async def put_flag(client, admin_token, variants: dict[str, int], enabled: bool = True) -> None:
    resp = await client.put("/v1/admin/feature-flags/reco_ab_test", headers=bearer(admin_token),
                            json={"enabled": enabled, "variants": variants})
    assert resp.status_code == 200, resp.text


async def test_the_champion_answers_and_the_ab_flag_routes_to_the_challenger(client, gateway, admin_token,
                                                                             registered):
    user, r = registered["who"]["userId"], registered
    async with champions_named(gateway, r["prefix"]):
        await put_flag(client, admin_token, {"champion": 1}, enabled=False)
        plain = (await ask(client, admin_token, userId=user)).json()
        assert plain["strategy"] == "model" and plain["modelVersion"] == r["v1"] and plain["variant"] is None
        assert r["items"][0] not in [i["productId"] for i in plain["items"]]  # seen in training: not again
        assert all(i["reason"] in ("als", "item_item", "co_purchase", "trending_in_category") for i in plain["items"]
                   if i["productId"] in r["items"])
        await put_flag(client, admin_token, {"champion": 0, "challenger": 100})

        async def answer():
            return (await ask(client, admin_token, userId=user)).json()
        arm = await eventually(answer, lambda a: a["variant"] == "challenger", what="the challenger arm")
        assert arm["modelVersion"] == r["v2"]
        similar = (await ask(client, admin_token, context="product", productId=r["items"][0])).json()
        assert similar["strategy"] == "model" and similar["variant"] is None  # staff asking anonymously
        await put_flag(client, admin_token, {"champion": 90, "challenger": 10})
        users = [shopper(gateway)["userId"] for _ in range(40)]
        arms = [(await ask(client, admin_token, userId=u)).json()["variant"] for u in users]
        again = [(await ask(client, admin_token, userId=u)).json()["variant"] for u in users]
        assert arms == again and set(arms) <= {"champion", "challenger"}  # sticky per user
        await put_flag(client, admin_token, {"champion": 1}, enabled=False)


async def test_a_champion_swap_is_picked_up_without_a_restart_and_survives_mlflow_going_away(
        client, gateway, admin_token, registered, monkeypatch):
    user, r = registered["who"]["userId"], registered
    name = r["prefix"] + NAME
    async with champions_named(gateway, r["prefix"]) as store:
        assert (await ask(client, admin_token, userId=user)).json()["modelVersion"] == r["v1"]
        await asyncio.to_thread(move_alias, name, "champion", r["v2"])
        refreshed = await client.post("/v1/admin/ai/models/refresh", headers=bearer(admin_token))
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.json()["models"]["recommendations@champion"]["version"] == r["v2"]
        assert (await ask(client, admin_token, userId=user)).json()["modelVersion"] == r["v2"]
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")  # fail fast instead of minutes of backoff
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
        store.tracking_uri = "http://127.0.0.1:9"  # MLflow unreachable from now on
        await store.refresh()
        status = store.status()["recommendations@champion"]
        assert status["version"] == r["v2"] and status["error"]
        assert (await ask(client, admin_token, userId=user)).json()["modelVersion"] == r["v2"]
    await asyncio.to_thread(move_alias, name, "champion", r["v1"])


async def test_a_shopper_cannot_refresh_models(client, gateway):
    resp = await client.post("/v1/admin/ai/models/refresh", headers=shopper(gateway)["headers"])
    assert resp.status_code == 403
