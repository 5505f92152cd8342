"""Review use cases on the fake unit of work, with the orders lookup answering through FakeServiceClients (so
reviews' own OrdersClient runs): who may review, once per product of an order, and the rating arithmetic that
moderation keeps."""
from __future__ import annotations

import pytest

from apps.reviews import queries
from apps.reviews.use_cases import create_review
from apps.reviews.use_cases import moderate
from apps.reviews.clients import orders_client
from apps.reviews.exceptions import AlreadyReviewed, InvalidModeration, NotAVerifiedPurchase, ReviewNotFound
from kernel.auth import CurrentUser
from kernel.testing import run_use_case
from tests.fakes.reviews import reviews_world

SHOPPER = CurrentUser(id="0190a000-0000-7000-8000-0000000000c1", roles=("customer",))
OTHER = CurrentUser(id="0190a000-0000-7000-8000-0000000000c2", roles=("customer",))
MODERATOR = CurrentUser(id="0190a000-0000-7000-8000-0000000000ad", roles=("super_admin",))
PRODUCT = "0190a000-0000-7000-8000-0000000000f1"
ORDER = "MKT-00000007"


async def _review(uow, svc, *, user=SHOPPER, rating=4, product=PRODUCT, order_no=ORDER, with_orders=True):
    cmd = create_review.NewReview(product_id=product, order_no=order_no, rating=rating, title="Nice", body=None)
    return await run_use_case(uow, create_review.create_review, orders=orders_client(svc) if with_orders else None,
                              user=user, cmd=cmd)


async def _moderate(uow, review, approve, reason=None):
    return await run_use_case(uow, moderate.moderate, moderator=MODERATOR, review_id=review.id, approve=approve,
                              reason=reason)


async def test_a_verified_purchaser_submits_a_pending_review_once():
    uow, repo, svc = reviews_world()
    repo.bought(ORDER, user_id=SHOPPER.id, status="paid", product_ids=[PRODUCT])
    review = await _review(uow, svc)

    assert review.status == "pending" and list(repo.reviews) == [review.id]
    assert uow.events("review.submitted")[0]["rating"] == 4
    assert svc.sent == []  # the projection was enough: orders was not asked
    with pytest.raises(AlreadyReviewed):
        await _review(uow, svc, rating=1)


@pytest.mark.parametrize("user, status, products", [
    (OTHER, "paid", [PRODUCT]),  # someone else's order
    (SHOPPER, "cancelled", [PRODUCT]),
    (SHOPPER, "paid", ["0190a000-0000-7000-8000-0000000000f2"]),  # another product
])
async def test_only_the_buyer_of_a_paid_or_delivered_product_may_review(user, status, products):
    uow, repo, svc = reviews_world()
    repo.bought(ORDER, user_id=SHOPPER.id, status=status, product_ids=products)
    svc.answer("orders", "GET", f"/internal/v1/orders/{ORDER}", json={
        "orderNo": ORDER, "userId": SHOPPER.id, "status": status, "paymentStatus": "paid",
        "items": [{"productId": p, "sku": "S"} for p in products]})
    with pytest.raises(NotAVerifiedPurchase):
        await _review(uow, svc, user=user)
    assert repo.reviews == {} and uow.committed == []


async def test_an_order_the_events_have_not_shown_yet_is_checked_with_the_orders_service():
    uow, repo, svc = reviews_world()
    svc.answer("orders", "GET", f"/internal/v1/orders/{ORDER}", json={
        "orderNo": ORDER, "userId": SHOPPER.id, "status": "processing", "paymentStatus": "paid",
        "items": [{"productId": PRODUCT, "sku": "SKU-1"}]})
    review = await _review(uow, svc)

    assert review.status == "pending"
    assert svc.requests_to("orders") == [(f"/internal/v1/orders/{ORDER}", None)]
    assert (repo.purchases[ORDER].status, repo.purchases[ORDER].user_id) == ("paid", SHOPPER.id)


async def test_with_orders_down_the_projection_decides_alone():
    uow, repo, svc = reviews_world()
    svc.down("orders")
    with pytest.raises(NotAVerifiedPurchase):
        await _review(uow, svc)
    repo.bought(ORDER, user_id=SHOPPER.id, status="pending", product_ids=[PRODUCT])
    with pytest.raises(NotAVerifiedPurchase):
        await _review(uow, svc)


async def test_moderation_moves_the_rating_totals_and_announces_the_average():
    uow, repo, svc = reviews_world()
    repo.bought(ORDER, user_id=SHOPPER.id, status="delivered", product_ids=[PRODUCT])
    repo.bought("MKT-00000008", user_id=OTHER.id, status="paid", product_ids=[PRODUCT])
    five = await _review(uow, svc, rating=5)
    two = await _review(uow, svc, user=OTHER, rating=2, order_no="MKT-00000008")
    await _moderate(uow, five, True)
    await _moderate(uow, two, True)
    assert uow.events("review.approved")[-1]["ratingAvg"] == 3.5
    await _moderate(uow, five, False, reason="spam")

    rating = repo.ratings[PRODUCT]
    assert (rating.rating_sum, rating.rating_count) == (2, 1)
    rejected = uow.events("review.rejected")[0]
    assert (rejected["previousStatus"], rejected["ratingAvg"], rejected["reason"]) == ("approved", 2.0, "spam")
    stats = await queries.product_stats(uow, PRODUCT)
    assert (stats.total, stats.count) == (2, 1)


async def test_moderating_to_the_same_status_is_refused_and_unknown_reviews_are_not_found():
    uow, repo, svc = reviews_world()
    repo.bought(ORDER, user_id=SHOPPER.id, status="paid", product_ids=[PRODUCT])
    review = await _review(uow, svc)
    await _moderate(uow, review, True)
    with pytest.raises(InvalidModeration):
        await _moderate(uow, review, True)
    assert repo.ratings[PRODUCT].rating_count == 1  # counted once
    with pytest.raises(ReviewNotFound):
        await run_use_case(uow, moderate.moderate, moderator=MODERATOR, review_id="nope", approve=True, reason=None)
