"""Helpers for the fraud tests: a real FraudModel (models/fraud) trained here on synthetic orders whose risk rises
with the order total — so a test picks the decision by the price it buys at — served through a champion store of
its own; orders scored again by hand with it (enforced); reads of the serving database."""
from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import delete, text

from apps.serving.champions import Loaded
from apps.serving.orm.fraud import FraudOrder, FraudScore
from apps.serving.use_cases.score_order import score_order
from kernel.uow import UnitOfWork
from models.fraud import train
from models.fraud.calibration import Thresholds

# Prices of the three products of the fraud shop (minor units): with shipping, their orders land in the model's
# approve, review and reject bands.
SMALL, MEDIUM, LARGE = 1_000, 60_000, 900_000


def synthetic_orders(n: int = 4_000, seed: int = 5) -> pd.DataFrame:
    """Risk from the total (high above 200.00 × 1000) and from ordering through an IP of another country than the
    shipping address: both are known from the checkout request itself, whatever stream worker runs or not."""
    rng = np.random.default_rng(seed)
    total = np.exp(rng.uniform(np.log(500), np.log(2_000_000), n)).round()
    mismatch = (rng.random(n) < 0.2).astype(float)
    p = np.where(total >= 200_000, 0.6, np.where(mismatch == 1, 0.15, 0.002))
    return pd.DataFrame({"order_total_minor": total, "ip_country_mismatch": mismatch, "is_fraud": rng.random(n) < p})


# What the three kinds of test order look like to the model: a small one, a mid-priced one from a foreign IP
# (CF-IPCountry differs from the shipping country), a large one; the IP country of the others is unknown.
PROBES = pd.DataFrame({"order_total_minor": [SMALL + 500, MEDIUM, LARGE], "ip_country_mismatch": [np.nan, 1, np.nan]})
FOREIGN_IP = "NG"  # the test shop ships to GB (orders_helpers.ADDRESS)


def trained_model() -> Any:
    """The real model class, trained on synthetic orders; its thresholds set between the three kinds of order."""
    model = train(synthetic_orders(), params={"use_rules": False, "num_boost_round": 60})
    small, medium, large = model.score(PROBES)["score"].tolist()
    assert small < medium < large, (small, medium, large)
    model.thresholds = Thresholds(review=(small + medium) / 2, reject=(medium + large) / 2, target={}, achieved={})
    return model


class FixedChampions:
    """A champion store holding one given model (or none: the rules fallback serves)."""

    def __init__(self, model: Any | None, version: str = "7") -> None:
        self.loaded = Loaded("test-marketplace-fraud", "champion", version, model, datetime.now(timezone.utc)) \
            if model is not None else None

    def get(self, kind: str, alias: str = "champion") -> Loaded | None:
        return self.loaded if kind == "fraud" and alias == "champion" else None

    def status(self) -> dict:
        return {"fraud@champion": {"version": self.loaded.version if self.loaded else None}}


def serving_app(gateway):
    return gateway.state.services["serving"]


@contextlib.contextmanager
def serving_with(gateway, champions: Any):
    """The in-process serving app with this champion store (for its routes), restored afterwards."""
    app = serving_app(gateway)
    before = app.state.champions
    app.state.champions = champions
    try:
        yield app
    finally:
        app.state.champions = before


async def rescore(gateway, order_no: str, champions: Any) -> Any:
    """Score an order again, by hand, with the test's model and enforced — as serving in "enforce" mode does on
    order.created. Done by hand because on this shared broker another process (a dev server, another test session,
    in shadow mode with the running champion) may have taken the order.created first; the decision it emits then
    travels over Kafka to orders and payments like any other. The earlier score is replaced (its audit row stays)."""
    app = serving_app(gateway)
    async with UnitOfWork(app.state.db.sessions, app.state.outbox) as uow:
        await uow.session.execute(delete(FraudScore).where(FraudScore.order_no == order_no))
        order = await uow.session.get(FraudOrder, order_no)
        score = await score_order(uow=uow, champions=champions, online=app.state.fraud_online,
                                                order=order, enforced=True)
        await uow.commit()
    return score


async def serving_rows(gateway, sql: str, **params: Any) -> list[Any]:
    async with serving_app(gateway).state.db.engine.connect() as conn:
        return list(await conn.execute(text(sql), params))
