"""Which columns the fraud model reads, and how a risk analyst would read each of them.

The model takes every numeric column of whatever frame it is given (so it trains on outside data too); the
fraud_v1 feature names and the order context built by dataset.py get sentences, anything else a generic phrase.
"""
from __future__ import annotations

import math
import re
from typing import Callable

import pandas as pd

# fraud_v1 (features/services.py): the user and device stream views plus a slice of the daily user view.
FRAUD_V1 = (
    "user_orders_1h", "user_orders_24h", "user_orders_7d",
    "user_spend_1h_minor", "user_spend_24h_minor", "user_spend_7d_minor",
    "user_distinct_cards_24h", "user_distinct_cards_7d",
    "user_distinct_addresses_24h", "user_distinct_addresses_7d",
    "user_distinct_devices_24h", "user_distinct_devices_7d",
    "device_orders_24h", "device_distinct_users_24h", "device_distinct_users_7d",
    "device_distinct_cards_24h", "device_distinct_cards_7d",
    "device_distinct_addresses_24h", "device_distinct_addresses_7d",
    "account_age_days", "lifetime_orders", "avg_order_value_minor", "refunds_90d", "distinct_addresses_30d",
)
# What the checkout request itself carries (dataset.py): known when the order is placed, not learnt later.
CONTEXT = (
    "order_total_minor", "account_age_hours", "card_country_mismatch", "ip_country_mismatch",
    "card_other_accounts_24h", "address_other_accounts_7d",
)
# Columns that identify or date a row: never evidence, whatever their dtype.
_ID_LIKE = re.compile(r"(^id$|_id$|^order_no$|_no$|^index$|timestamp|_at$|^pattern$)", re.IGNORECASE)


def feature_columns(frame: pd.DataFrame, label: str, exclude: tuple[str, ...] = ()) -> list[str]:
    """Every numeric (or boolean) column but the label, ids, timestamps and `exclude`, in frame order."""
    chosen = []
    for name in frame.columns:
        if name == label or name in exclude or _ID_LIKE.search(str(name)):
            continue
        if pd.api.types.is_bool_dtype(frame[name]) or pd.api.types.is_numeric_dtype(frame[name]):
            chosen.append(str(name))
    return chosen


def numeric_matrix(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame` as floats; a missing column or an unparseable value becomes NaN (LightGBM's "unknown")."""
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        values = frame[name] if name in frame.columns else pd.Series(math.nan, index=frame.index)
        out[name] = pd.to_numeric(values.astype("object") if values.dtype == bool else values,
                                  errors="coerce").astype("float64")
    return out


def _money(v: float) -> str:
    return f"${v / 100:,.0f}"


def _age(hours: float) -> str:
    if hours < 1:
        return f"account created {max(hours * 60, 0):.0f} minutes before ordering"
    if hours < 48:
        return f"account created {hours:.0f} hours before ordering"
    return f"account {hours / 24:.0f} days old"


_SENTENCES: dict[str, Callable[[float], str]] = {
    "user_orders_1h": lambda v: f"{v:.0f} orders from this account in the last hour",
    "user_orders_24h": lambda v: f"{v:.0f} orders from this account in 24 h",
    "user_orders_7d": lambda v: f"{v:.0f} orders from this account in 7 days",
    "user_spend_1h_minor": lambda v: f"{_money(v)} spent by this account in the last hour",
    "user_spend_24h_minor": lambda v: f"{_money(v)} spent by this account in 24 h",
    "user_spend_7d_minor": lambda v: f"{_money(v)} spent by this account in 7 days",
    "user_distinct_cards_24h": lambda v: f"{v:.0f} different cards on this account in 24 h",
    "user_distinct_cards_7d": lambda v: f"{v:.0f} different cards on this account in 7 days",
    "user_distinct_addresses_24h": lambda v: f"{v:.0f} shipping addresses on this account in 24 h",
    "user_distinct_addresses_7d": lambda v: f"{v:.0f} shipping addresses on this account in 7 days",
    "user_distinct_devices_24h": lambda v: f"{v:.0f} devices used by this account in 24 h",
    "user_distinct_devices_7d": lambda v: f"{v:.0f} devices used by this account in 7 days",
    "device_orders_24h": lambda v: f"{v:.0f} orders from this device in 24 h",
    "device_distinct_users_24h": lambda v: f"device used by {v:.0f} accounts in 24 h",
    "device_distinct_users_7d": lambda v: f"device used by {v:.0f} accounts in 7 days",
    "device_distinct_cards_24h": lambda v: f"{v:.0f} cards used on this device in 24 h",
    "device_distinct_cards_7d": lambda v: f"{v:.0f} cards used on this device in 7 days",
    "device_distinct_addresses_24h": lambda v: f"{v:.0f} shipping addresses from this device in 24 h",
    "device_distinct_addresses_7d": lambda v: f"{v:.0f} shipping addresses from this device in 7 days",
    # Feast reads a user without an earlier active day as 0 (ClickHouse's join default), so 0 means "no history".
    "account_age_days": lambda v: "no activity on this account before today" if v <= 0
    else f"account {v:.0f} days old at its last active day",
    "lifetime_orders": lambda v: "first order on this account" if v == 0 else f"{v:.0f} earlier orders on this account",
    "avg_order_value_minor": lambda v: f"average earlier order {_money(v)}",
    "refunds_90d": lambda v: f"{v:.0f} refunds in the last 90 days",
    "distinct_addresses_30d": lambda v: f"{v:.0f} shipping addresses in 30 days",
    "order_total_minor": lambda v: f"order total {_money(v)}",
    "account_age_hours": _age,
    "card_country_mismatch": lambda v: ("card issued in another country than the shipping address" if v
                                        else "card issued in the shipping country"),
    "ip_country_mismatch": lambda v: ("ordered from an IP in another country than the shipping address" if v
                                      else "ordered from the shipping country"),
    "card_other_accounts_24h": lambda v: f"card used by {v + 1:.0f} accounts in 24 h" if v
    else "card not seen on other accounts in 24 h",
    "address_other_accounts_7d": lambda v: f"shipping address used by {v + 1:.0f} accounts in 7 days" if v
    else "shipping address not seen on other accounts in 7 days",
}
_UNKNOWN = {
    "account_age_hours": "account creation time unknown",
    "account_age_days": "no earlier order history on this account",
}


def describe(name: str, value: float) -> str:
    """One phrase for one feature value, e.g. "5 orders from this account in the last hour"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _UNKNOWN.get(name, f"{name.replace('_', ' ')} unknown")
    sentence = _SENTENCES.get(name)
    if sentence is not None:
        return sentence(float(value))
    return f"{name.replace('_', ' ')} is {float(value):g}"
