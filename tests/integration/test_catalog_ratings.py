"""Product ratings follow the reviews service's moderation events, newest event first-class."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from apps.catalog.projections.reviews import on_review_moderated
from kernel.consumer import Event
from kernel.events import Envelope
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from tests.integration.catalog_helpers import (
    active_vendor, approve, catalog_app, category_tree, create_product, product_body,
)


async def moderated(gateway, product_id: str, avg: float, count: int, at: datetime) -> None:
    app = catalog_app(gateway)
    env = Envelope(type="review.approved", occurredAt=at, data={
        "reviewId": new_id_str(), "productId": product_id, "userId": new_id_str(), "orderNo": "MKT-1",
        "rating": 4, "status": "approved", "ratingAvg": avg, "ratingCount": count})
    async with UnitOfWork(app.state.db.sessions, app.state.outbox) as uow:
        await on_review_moderated(uow=uow, event=Event.read(env))  # validated as the consumer's edge does
        await uow.commit()


async def test_rating_is_set_by_events_and_stale_events_are_ignored(client, gateway, admin_token):
    vendor = await active_vendor(gateway)
    tree = await category_tree(client, admin_token)
    product = await create_product(client, vendor, product_body([tree["child"]["id"]]))
    await approve(client, admin_token, product["id"])
    fresh = await client.get(f"/v1/products/{product['slug']}")
    assert fresh.json()["ratingCount"] == 0 and fresh.json()["ratingAvg"] is None

    now = datetime.now(timezone.utc)
    await moderated(gateway, product["id"], 4.5, 2, now)
    await moderated(gateway, product["id"], 3.0, 1, now - timedelta(minutes=5))  # arrives late, is older
    body = (await client.get(f"/v1/products/{product['slug']}")).json()
    assert (body["ratingAvg"], body["ratingCount"]) == (4.5, 2)
    listed = (await client.get("/v1/products", params={"vendor": vendor["id"]})).json()["items"]
    assert [(p["ratingAvg"], p["ratingCount"]) for p in listed if p["id"] == product["id"]] == [(4.5, 2)]
