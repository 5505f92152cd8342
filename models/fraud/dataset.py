"""The fraud training frame: one row per order placed in a window, with
- the fraud_v1 features as Feast's point-in-time join serves them at the moment the order was placed
  (entity rows: user id, device id, event_timestamp = the order's created_at),
- the checkout's own context from the warehouse (order total, account age, card and IP country against the
  shipping country, how many *other* accounts used the same card or address before that moment),
- the label: the simulator's ground truth (orders.parquet `is_fraud`, `pattern`), joined by order number.

Nothing is read from after an order's timestamp, except the card: it is the one presented with this checkout
(the order's first payment attempt, seconds later) — part of the request being scored, not a later outcome.
Later declines, chargebacks and refunds of the order itself are never used.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from models.base import EmptyTrainingData

SERVICE = "fraud_v1"
LABELS = ("is_fraud", "pattern")

ORDERS_SQL = """
WITH
created AS (
    SELECT JSONExtractString(data, 'orderNo') AS order_no, any(JSONExtractString(data, 'deviceId')) AS device_id,
           any(JSONExtractString(data, 'ipCountry')) AS ip_country
    FROM events WHERE type = 'order.created' GROUP BY order_no),
intents AS (
    SELECT JSONExtractString(data, 'orderNo') AS order_no, JSONExtractString(data, 'userId') AS user_id,
           JSONExtractString(data, 'cardFingerprint') AS card, JSONExtractString(data, 'cardCountry') AS country,
           occurred_at AS at
    FROM events
    -- payment.intent_created: the event's former name (kernel/contracts/payments.py), kept for stored history
    WHERE type IN ('payment.intent.created', 'payment.intent_created')
      AND JSONExtractString(data, 'cardFingerprint') != ''),
presented AS (
    SELECT order_no, argMin(card, at) AS card, argMin(country, at) AS card_country FROM intents GROUP BY order_no),
placed AS (
    SELECT o.order_no AS order_no, o.user_id AS user_id, o.created_at AS event_timestamp,
           o.total_minor AS order_total_minor, o.ship_country AS ship_country,
           concat(o.ship_country, '|', upper(o.ship_postal_code)) AS address,
           c.device_id AS device_id, c.ip_country AS ip_country, p.card AS card, p.card_country AS card_country,
           u.created_at AS account_created_at
    FROM orders AS o FINAL
    LEFT JOIN created AS c ON c.order_no = o.order_no
    LEFT JOIN presented AS p ON p.order_no = o.order_no
    LEFT JOIN (SELECT user_id, min(created_at) AS created_at FROM dim_users FINAL GROUP BY user_id) AS u
        ON u.user_id = o.user_id
    WHERE o.user_id != '' AND o.created_at >= {start:DateTime64(3, 'UTC')} AND o.created_at < {end:DateTime64(3, 'UTC')}),
card_use AS (
    SELECT pl.order_no AS order_no, uniqExactIf(i.user_id, i.user_id != pl.user_id
               AND i.at <= pl.event_timestamp AND i.at > pl.event_timestamp - INTERVAL 24 HOUR) AS n
    FROM placed AS pl LEFT JOIN intents AS i ON i.card = pl.card GROUP BY pl.order_no),
address_use AS (
    SELECT pl.order_no AS order_no, uniqExactIf(o.user_id, o.user_id != pl.user_id
               AND o.created_at <= pl.event_timestamp AND o.created_at > pl.event_timestamp - INTERVAL 7 DAY) AS n
    FROM placed AS pl
    LEFT JOIN (SELECT user_id, created_at, concat(ship_country, '|', upper(ship_postal_code)) AS address
               FROM orders FINAL) AS o ON o.address = pl.address
    GROUP BY pl.order_no)
SELECT pl.order_no AS order_no, pl.user_id AS user_id, ifNull(pl.device_id, '') AS device_id,
       pl.event_timestamp AS event_timestamp, pl.order_total_minor AS order_total_minor,
       dateDiff('second', pl.account_created_at, pl.event_timestamp) / 3600.0 AS account_age_hours,
       if(pl.card_country IS NULL OR pl.card_country = '', NULL, pl.card_country != pl.ship_country)
           AS card_country_mismatch,
       if(pl.ip_country IS NULL OR pl.ip_country = '', NULL, pl.ip_country != pl.ship_country) AS ip_country_mismatch,
       if(pl.card IS NULL, NULL, cu.n) AS card_other_accounts_24h, au.n AS address_other_accounts_7d
FROM placed AS pl
LEFT JOIN card_use AS cu ON cu.order_no = pl.order_no
LEFT JOIN address_use AS au ON au.order_no = pl.order_no
ORDER BY event_timestamp, order_no
"""


def orders(client: Any, start: datetime | None = None, end: datetime | None = None) -> pd.DataFrame:
    """Entity rows and checkout context of the orders placed in [start, end) (all of them by default)."""
    parameters = {"start": start or datetime(1970, 1, 1), "end": end or datetime(2200, 1, 1)}
    # join_use_nulls: a missing match must read as unknown (NULL), not as ClickHouse's default 0 / 1970.
    frame = client.query_df(ORDERS_SQL, parameters=parameters, settings={"join_use_nulls": 1})
    frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True)
    for column in ("account_age_hours", "card_country_mismatch", "ip_country_mismatch", "card_other_accounts_24h",
                   "address_other_accounts_7d", "order_total_minor"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


def historical_features(store: Any, entities: pd.DataFrame, service: str = SERVICE) -> pd.DataFrame:
    """Feast's point-in-time join for each order; one row per order (the join repeats an order when two feature
    rows share its timestamp — their values are the same, windows include their peers)."""
    entity_df = entities[["order_no", "user_id", "device_id", "event_timestamp"]]
    job = store.get_historical_features(entity_df=entity_df, features=store.get_feature_service(service))
    features = job.to_df().drop_duplicates("order_no")
    return features.drop(columns=["user_id", "device_id", "event_timestamp"])


def truth_labels(truth_dir: str | Path) -> pd.DataFrame:
    path = Path(truth_dir) / "orders.parquet"
    if not path.exists():
        raise FileNotFoundError(f"No ground truth at {path}: pass the simulator run's directory "
                                f"(STACK_DIR/simulator/<run-id>/).")
    return pd.read_parquet(path, columns=["order_no", *LABELS])


def load(store: Any, client: Any, truth_dir: str | Path, *, start: datetime | None = None,
         end: datetime | None = None, service: str = SERVICE) -> pd.DataFrame:
    """Labelled training frame of the orders placed in [start, end): ids, event_timestamp, fraud_v1 features,
    checkout context, `is_fraud` (bool) and `pattern`. Sorted by time. `store` is a feast.FeatureStore,
    `client` a clickhouse-connect client on the warehouse database."""
    entities = orders(client, start, end)
    if entities.empty:
        raise EmptyTrainingData(f"No orders in the warehouse between {start} and {end}.")
    features = historical_features(store, entities, service)
    frame = entities.merge(features, on="order_no", how="left")
    labelled = frame.merge(truth_labels(truth_dir), on="order_no", how="inner")
    if labelled.empty:
        raise EmptyTrainingData(f"None of the {len(frame)} orders between {start} and {end} has a ground-truth "
                                f"label in {truth_dir}.")
    labelled["is_fraud"] = labelled["is_fraud"].astype(bool)
    labelled.attrs["unlabelled_orders"] = len(frame) - len(labelled)
    return labelled.sort_values(["event_timestamp", "order_no"], kind="stable").reset_index(drop=True)
