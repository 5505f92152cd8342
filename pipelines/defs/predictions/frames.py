"""The rows each batch-prediction table receives, built from a champion model and its kind's training data."""
from typing import Any

import numpy as np
import pandas as pd

OWNERS_SQL = "SELECT sku, vendor_id, product_id FROM dim_skus FINAL"


def forecasts(champion: Any, data: Any, horizon_days: int, service_level: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The champion's recipe refit on the whole window (so the forecast starts after the newest day), its daily
    band, and the stock plan from the same model."""
    from models.forecasting import train
    from models.forecasting.inventory import inventory_plan

    model = train(data.sales, getattr(champion, "params", None))
    daily = model.predict(horizon_days)[["sku", "ds", "yhat", "yhat_lower", "yhat_upper"]]
    daily = daily.assign(ds=pd.to_datetime(daily["ds"]).dt.normalize())
    plan = inventory_plan(model, data.stock, horizon_days=horizon_days, service_level=service_level)
    # a SKU with no sales has no forecast of its own: its (zero) plan starts where the data ends, like the rest
    start = pd.to_datetime(plan["forecast_start"]).fillna(pd.Timestamp(data.until).tz_localize(None))
    plan = plan.assign(forecast_start=start.dt.normalize(),
                       stockout_date=pd.to_datetime(plan["stockout_date"]).dt.normalize(),
                       days_to_stockout=plan["days_to_stockout"].astype(float),
                       reorder_qty=plan["reorder_qty"].round().astype("int64"),
                       current_stock=plan["current_stock"].round().astype("int64"))
    plan["days_to_stockout"] = plan["days_to_stockout"].replace([np.inf, -np.inf], np.nan)
    return daily, plan


def price_suggestions(champion: Any) -> pd.DataFrame:
    from models.pricing.task import suggestions

    return suggestions(champion)


def with_owners(frame: pd.DataFrame, client: Any) -> pd.DataFrame:
    owners = client.query_df(OWNERS_SQL)
    out = frame.merge(owners, on="sku", how="left")
    return out.fillna({"vendor_id": "", "product_id": ""})


def active_users(data: Any, days: int, limit: int) -> list:
    inter = data.interactions
    recent = inter[inter["ts"] >= inter["ts"].max() - pd.Timedelta(days=days)]
    ranked = recent.groupby("user_id")["ts"].max().sort_values(ascending=False)
    return list(ranked.index[:limit])


def recommendations(champion: Any, users: list, k: int) -> pd.DataFrame:
    explained = champion.recommend_explained(users, k=k)
    rows = [(str(u), rank, str(item), float(score), str(strategy))
            for u, items in explained.items() for rank, (item, score, strategy) in enumerate(items, start=1)]
    return pd.DataFrame(rows, columns=["user_id", "rank", "product_id", "score", "strategy"])
