"""The fraud training frame from the real Feast repo and the real warehouse (the backfilled simulated world):
no training row may carry a feature value from after its order was placed.

Each row's velocity features are recomputed from the warehouse's orders as of the row's own timestamp and must
match what Feast's point-in-time join served; a control recomputes them including the following hour and must
differ for an account that ordered again soon after (so the check can tell a leak from none). Daily features may
only count days that ended before the order.
"""
from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from kernel.warehouse import warehouse_client
from models.fraud import dataset

# The stream views count in whole seconds over RANGE windows (warehouse/migrations/0004): the same bounds here.
AS_OF_SQL = """
SELECT e.order_no AS order_no, countIf(o.created_at <= e.at AND toUnixTimestamp(o.created_at) >= toUnixTimestamp(e.at) - {back:UInt32}) AS as_of,
       countIf(o.created_at <= e.at + INTERVAL 1 HOUR AND toUnixTimestamp(o.created_at) >= toUnixTimestamp(e.at) - {back:UInt32}) AS with_next_hour,
       countIf(toDate(o.created_at) < toDate(e.at)) AS before_today
FROM (SELECT arrayJoin({orders:Array(String)}) AS order_no) AS q
INNER JOIN (SELECT order_no, user_id, created_at AS at FROM orders FINAL) AS e ON e.order_no = q.order_no
INNER JOIN (SELECT user_id, created_at FROM orders FINAL) AS o ON o.user_id = e.user_id
GROUP BY e.order_no
"""


@pytest.fixture(scope="module")
def world(small_world):
    """The small simulated world every model test shares (tests/sim_world.py), with its ground truth."""
    truth = pd.read_parquet(small_world.truth_dir / "orders.parquet",
                            columns=["order_no", "user_id", "created_at", "pattern"])
    return small_world.truth_dir, warehouse_client(), truth


@pytest.fixture(scope="module")
def burst(world):
    """A stolen-card account's first order, when the same account ordered again within the hour."""
    _, client, truth = world
    stolen = truth[truth["pattern"] == "stolen_card"].sort_values("created_at")
    landed = set(client.query("SELECT order_no FROM orders FINAL WHERE order_no IN {o:Array(String)}",
                              parameters={"o": stolen["order_no"].tolist()}).result_columns[0])
    for _, orders in stolen[stolen["order_no"].isin(landed)].groupby("user_id"):
        if len(orders) >= 2 and orders["created_at"].iloc[1] - orders["created_at"].iloc[0] < timedelta(hours=1):
            return orders.iloc[0]
    pytest.skip("no stolen-card burst in this world")


@pytest.fixture(scope="module")
def frame(world, burst, stack):
    from kernel.feature_store import open_store

    truth_dir, client, _ = world
    day = burst["created_at"].floor("D").to_pydatetime()
    return dataset.load(open_store(), client, truth_dir, start=day, end=day + timedelta(days=1))


def as_of(client, orders: list[str], seconds_back: int) -> pd.DataFrame:
    result = client.query(AS_OF_SQL, parameters={"orders": orders, "back": seconds_back - 1})
    return pd.DataFrame(result.result_rows, columns=result.column_names).set_index("order_no")


def test_training_rows_are_the_window_labelled(frame, burst, world):
    assert 0 < len(frame) < 500 and frame["order_no"].is_unique
    assert frame["event_timestamp"].dt.floor("D").nunique() == 1
    row = frame.set_index("order_no").loc[burst["order_no"]]
    assert bool(row["is_fraud"]) and row["pattern"] == "stolen_card"
    assert (frame["account_age_hours"].dropna() >= 0).all()  # accounts exist before they order


@pytest.mark.parametrize("feature, seconds", [("user_orders_1h", 3600), ("user_orders_24h", 86400),
                                              ("user_orders_7d", 604800)])
def test_velocity_features_are_as_of_the_order(frame, world, feature, seconds):
    expected = as_of(world[1], frame["order_no"].tolist(), seconds)
    served = frame.set_index("order_no")[feature].astype(int)
    mismatched = served[served != expected.loc[served.index, "as_of"]]
    assert mismatched.empty, f"{feature} differs from the as-of count for {len(mismatched)} orders"


def test_the_check_would_see_an_order_from_the_next_hour(frame, world, burst):
    counts = as_of(world[1], [burst["order_no"]], 3600).loc[burst["order_no"]]
    served = frame.set_index("order_no").loc[burst["order_no"], "user_orders_1h"]
    assert counts["with_next_hour"] > counts["as_of"] == served


def test_daily_features_count_only_days_that_ended_before_the_order(frame, world):
    expected = as_of(world[1], frame["order_no"].tolist(), 3600)["before_today"]
    served = frame.set_index("order_no")["lifetime_orders"].astype(int)
    assert (served <= expected.loc[served.index]).all()
    assert (served == expected.loc[served.index]).mean() > 0.5  # and they are the real counts, not zeros
