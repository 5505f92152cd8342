"""The feature row of one order: fraud_v1 from the Feast online store (velocity, distinct cards / addresses /
devices per account and per device, account history — the streams keep it current), plus the checkout's context
from serving's own projections (how many other accounts used this card or this address, account age, countries).

Feast is opened once, lazily and off the event loop (it takes seconds to import); when it cannot answer in time
the online part is unknown (NaN, which the model reads as "missing") and the order is still scored.
"""
from __future__ import annotations

import asyncio
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import distinct, func, select

from apps.serving.orm.fraud import FraudAccount, FraudOrder
from apps.serving.domain.fraud import ONLINE_FEATURES, context_features
from kernel.uow import UnitOfWork

log = structlog.get_logger("serving.fraud.features")
SERVICE = "fraud_v1"


class OnlineFeatures:
    """fraud_v1 rows from the online store; `timeout` bounds how long checkout-time scoring waits for them."""

    def __init__(self, *, timeout: float = 2.0, opener: Any = None, workers: int = 2) -> None:
        self.timeout = timeout
        self._opener = opener
        self._store: Any = None
        self._lock = asyncio.Lock()
        self.last_error: str | None = None
        # Feast calls run on threads of their own: a store that hangs (its database restarting) ties up these two,
        # never the event loop's default executor that every other part of the process shares.
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feast-online")
        self._busy = 0
        self._count_lock = threading.Lock()

    def _open(self) -> Any:
        if self._opener is not None:
            return self._opener()
        from kernel.feature_store import open_store

        return open_store()

    def _counted(self, fn: Any, *args: Any) -> Any:
        """Runs on a Feast thread; counts the threads busy (a read abandoned by its timeout still counts)."""
        with self._count_lock:
            self._busy += 1
        try:
            return fn(*args)
        finally:
            with self._count_lock:
                self._busy -= 1

    async def _in_pool(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, self._counted, fn, *args)

    async def _get_store(self) -> Any:
        async with self._lock:
            if self._store is None:
                self._store = await self._in_pool(self._open)
        return self._store

    @staticmethod
    def _read(store: Any, user_id: str, device_id: str) -> dict[str, Any]:
        response = store.get_online_features(features=store.get_feature_service(SERVICE),
                                             entity_rows=[{"user_id": user_id, "device_id": device_id}])
        values = response.to_dict()
        return {name: (values.get(name) or [None])[0] for name in ONLINE_FEATURES}

    async def read(self, user_id: str, device_id: str | None) -> dict[str, Any]:
        if self._busy >= self._pool._max_workers:  # every Feast thread is stuck: do not queue behind them
            self.last_error = "online store busy (earlier reads still running)"
            return {name: math.nan for name in ONLINE_FEATURES}
        try:
            store = await asyncio.wait_for(self._get_store(), timeout=max(self.timeout, 30.0))
            row = await asyncio.wait_for(self._in_pool(self._read, store, user_id, device_id or ""),
                                         timeout=self.timeout)
            self.last_error = None
        except Exception as exc:  # noqa: BLE001 - the store down or slow must not stop scoring
            self.last_error = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("serving.fraud.online_features_unavailable", error=self.last_error)
            return {name: math.nan for name in ONLINE_FEATURES}
        # A device feature of an order without a device id says nothing about this order.
        return {k: (math.nan if v is None or (not device_id and k.startswith("device_")) else float(v))
                for k, v in row.items()}


async def _other_accounts(uow: UnitOfWork, column: Any, value: str | None, user_id: str, since: datetime,
                          until: datetime) -> int | None:
    if not value:
        return None
    return int(await uow.session.scalar(
        select(func.count(distinct(FraudOrder.user_id))).where(
            column == value, FraudOrder.user_id != user_id, FraudOrder.created_at > since,
            FraudOrder.created_at <= until)) or 0)


async def context_of(uow: UnitOfWork, order: FraudOrder) -> dict[str, float]:
    at = order.created_at
    account = await uow.session.get(FraudAccount, order.user_id)
    return context_features(
        total_minor=order.total_minor, placed_at=at, account_created_at=account.created_at if account else None,
        ship_country=order.ship_country, ip_country=order.ip_country, card_country=order.card_country,
        card_other_accounts_24h=await _other_accounts(uow, FraudOrder.card_fingerprint, order.card_fingerprint,
                                                      order.user_id, at - timedelta(hours=24), at),
        address_other_accounts_7d=await _other_accounts(uow, FraudOrder.address_key, order.address_key,
                                                        order.user_id, at - timedelta(days=7), at))


async def feature_row(uow: UnitOfWork, online: OnlineFeatures, order: FraudOrder) -> dict[str, float]:
    context, values = await asyncio.gather(context_of(uow, order), online.read(order.user_id, order.device_id))
    days = values.get("account_age_days")
    if math.isnan(context["account_age_hours"]) and days is not None and not math.isnan(days) and days > 0:
        # An account older than serving's projection (created before it consumed user.created): the warehouse's
        # daily view knows its age at its last active day — a lower bound, which is what matters for "new account".
        context["account_age_hours"] = days * 24.0
    return {**values, **context}
