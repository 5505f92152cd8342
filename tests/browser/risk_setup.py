"""What the risk analyst's journey starts from: orders held for fraud review, made the way the fraud tests make them.

Orders are placed through the public API of the browser tests' server (two shoppers on one device, from an IP in
another country than the shipping address, at a price the test model sends to review). Test sessions score in
shadow mode (tests/conftest.py: their shoppers share one address, and several processes share the broker's consumer
groups), so, as tests/integration/fraud_helpers.rescore does, each order is scored again here with a real FraudModel
trained on synthetic orders (fraud_helpers.trained_model) and *enforced*: the stored score, its audit row and the
fraud.decided event are serving's own (use_cases.score_order in a unit of work on serving's database), and the
event travels over Kafka to orders, which holds the order. Nothing else in the browser session is held."""
from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import httpx
from sqlalchemy import delete, select

from apps.serving.config import ServingSettings
from apps.serving.features import OnlineFeatures
from apps.serving.orm.fraud import FraudOrder, FraudScore
from apps.serving.orm import OUTBOX
from apps.serving.use_cases.score_order import score_order
from kernel.db import Database
from kernel.uow import UnitOfWork
from tests.browser.conftest import PASSWORD, sign_in
from tests.flows import active_product, approved_vendor, bearer, eventually, new_shopper
from tests.integration.fraud_helpers import FOREIGN_IP, MEDIUM, FixedChampions, trained_model
from tests.integration.orders_helpers import ORDER_BODY


T = TypeVar("T")


def run_async(coro: Awaitable[T]) -> T:
    """Run async setup code from a sync browser test: Playwright's sync API keeps an event loop running on this
    thread, so the coroutine gets a loop of its own on another thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def sign_in_as(page, email: str, role: str, password: str = PASSWORD) -> None:
    """Sign in through the form and wait until the page is the signed-in one: the form posts through hx-boost (no
    navigation), so a load-state wait can return before the cookies are set and the next goto lands on /login."""
    sign_in(page, email, password)
    page.wait_for_selector(f'main[data-role="{role}"]', timeout=60_000)


def _no_feast() -> None:
    # The test model reads only the order total and the IP country: the online store's features stay unknown (NaN).
    raise RuntimeError("Feast is not opened by the browser tests")


async def _place(client: httpx.AsyncClient, shopper: dict, sku: str, device: str) -> str:
    headers = bearer(shopper["accessToken"])
    await eventually(lambda: client.post("/v1/cart/items", json={"sku": sku, "qty": 1}, headers=headers),
                     lambda r: r.status_code == 201, what=f"the cart to accept {sku}", timeout=60)
    resp = await client.post("/v1/orders", json=ORDER_BODY, headers={
        **headers, "Idempotency-Key": f"risk-{uuid.uuid4().hex}", "X-Device-Id": device, "CF-IPCountry": FOREIGN_IP})
    assert resp.status_code == 201, resp.text
    return resp.json()["orderNo"]


async def _rescore_enforced(db: Database, order_no: str, champions: FixedChampions) -> str:
    """Wait for serving's own (shadow) score of the order, then score it again with the test model, enforced."""
    online = OnlineFeatures(timeout=0.2, opener=_no_feast)

    async def first_score() -> object:
        async with db.sessions() as session:
            return await session.scalar(select(FraudScore.order_no).where(FraudScore.order_no == order_no))

    await eventually(first_score, bool, what=f"serving to score {order_no} (order.created over Kafka)", timeout=180)
    async with UnitOfWork(db.sessions, OUTBOX) as uow:
        await uow.session.execute(delete(FraudScore).where(FraudScore.order_no == order_no))
        order = await uow.session.get(FraudOrder, order_no)
        score = await score_order(uow=uow, champions=champions, online=online, order=order,
                                                enforced=True)
        await uow.commit()
    return score.decision


async def _held_orders(base_url: str, admin_token: str, count: int) -> dict:
    champions = FixedChampions(trained_model())
    db = Database(ServingSettings().db_url(), pool_size=2)
    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            # Generous: on the shared broker, consumer-group rebalances can hold an event for minutes.
            vendor = await approved_vendor(client, admin_token, timeout=180)
            product = await active_product(client, admin_token, vendor, price_minor=MEDIUM, stock=20, timeout=180)
            device = f"dev-risk-ring-{uuid.uuid4().hex[:8]}"
            shoppers = await asyncio.gather(*(new_shopper(client, prefix="risk-shopper") for _ in range(count)))
            order_nos = list(await asyncio.gather(*(_place(client, s, product["sku"], device) for s in shoppers)))
            decisions = await asyncio.gather(*(_rescore_enforced(db, no, champions) for no in order_nos))
            assert decisions == ["review"] * count, decisions
            admin = bearer(admin_token)
            await asyncio.gather(*(eventually(lambda no=no: client.get(f"/v1/admin/orders/{no}", headers=admin),
                                              lambda r: r.status_code == 200 and r.json()["fraudHold"],
                                              what=f"orders to hold {no} (fraud.decided over Kafka)", timeout=180)
                                   for no in order_nos))
    finally:
        await db.dispose()
    return {"orderNos": order_nos, "shoppers": shoppers, "device": device, "product": product}


def held_orders(base_url: str, admin_token: str, count: int = 2) -> dict:
    """`count` orders on hold for fraud review, linked to each other by their device: {orderNos, shoppers, ...}."""
    return run_async(_held_orders(base_url, admin_token, count))


def pay(api: httpx.Client, shopper: dict, order_no: str) -> httpx.Response:
    """The shopper pays (simulated provider) — possible only once the order is released."""
    headers = bearer(shopper["accessToken"])
    intent = api.post("/v1/payments/intent", json={"orderNo": order_no},
                      headers={**headers, "Idempotency-Key": f"risk-pay-{uuid.uuid4().hex}"})
    if intent.status_code != 201:
        return intent
    return api.post(f"/v1/payments/simulate/{intent.json()['intentId']}", json={"outcome": "succeeded"},
                    headers=headers)


