"""Review routes (API.md § Reviews): thin — schema in, service call, schema out."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, status

from apps.reviews import queries
from apps.reviews.use_cases import create_review as create_review_uc
from apps.reviews.use_cases import moderate
from apps.reviews.clients import OrdersClient, orders_client
from apps.reviews.exceptions import ReviewNotFound
from apps.reviews.orm import Review
from apps.reviews.schemas import (AdminReviewOut, AdminReviewsPage, ModerationIn, ProductReviewsPage,
                                  PublicReviewOut, ReviewIn, ReviewOut)
from kernel.auth import CurrentUserDep, StaffDep
from kernel.ids import is_uuid
from kernel.paging import PagingDep
from kernel.service_app import UowDep, service_clients_of

router = APIRouter(prefix="/v1", tags=["reviews"])


async def _orders(request: Request) -> OrdersClient | None:
    if not request.app.state.settings.verify_with_orders:
        return None
    return orders_client(service_clients_of(request))


OrdersDep = Annotated[OrdersClient | None, Depends(_orders)]


def _review(r: Review) -> ReviewOut:
    return ReviewOut(id=r.id, productId=r.product_id, orderNo=r.order_no, rating=r.rating, title=r.title,
                     body=r.body, status=r.status, createdAt=r.created_at)


def _admin(r: Review) -> AdminReviewOut:
    return AdminReviewOut(**_review(r).model_dump(), userId=r.user_id, moderatedBy=r.moderated_by,
                          moderatedAt=r.moderated_at, rejectionReason=r.rejection_reason)


@router.post("/reviews", status_code=status.HTTP_201_CREATED, response_model=ReviewOut)
async def create_review(body: ReviewIn, uow: UowDep, user: CurrentUserDep, orders: OrdersDep) -> ReviewOut:
    cmd = create_review_uc.NewReview(product_id=body.product_id, order_no=body.order_no, rating=body.rating,
                            title=body.title, body=body.body)
    review = await create_review_uc.create_review(uow=uow, orders=orders, user=user, cmd=cmd)
    return _review(review)


@router.get("/products/{product_id}/reviews", response_model=ProductReviewsPage)
async def product_reviews(product_id: str, uow: UowDep, paging: PagingDep,
                          sort: Literal["newest", "rating_desc", "rating_asc"] = "newest") -> ProductReviewsPage:
    if not is_uuid(product_id):
        raise ReviewNotFound(f"No product {product_id[:40]!r}.")
    product_id = product_id.lower()
    async with uow.reading():
        found = await queries.list_reviews(uow, product_id=product_id, status="approved", page=paging.page,
                                           per_page=paging.per_page, order=sort)
    items = [PublicReviewOut(id=r.id, productId=r.product_id, rating=r.rating, title=r.title, body=r.body,
                             createdAt=r.created_at) for r in found.items]
    return ProductReviewsPage.of(items, found.total, paging, product_id=product_id, rating_avg=found.stats.average,
                                 rating_count=found.stats.count)


@router.get("/admin/reviews", response_model=AdminReviewsPage)
async def admin_reviews(_: StaffDep, uow: UowDep, paging: PagingDep,
                        status: Literal["pending", "approved", "rejected"] | None = "pending",
                        product_id: Annotated[str | None, Query(alias="productId", max_length=64)] = None
                        ) -> AdminReviewsPage:
    if product_id is not None and not is_uuid(product_id):
        return AdminReviewsPage.of([], 0, paging)
    async with uow.reading():
        found = await queries.list_reviews(uow, product_id=product_id, status=status, page=paging.page,
                                           per_page=paging.per_page)
    return AdminReviewsPage.of([_admin(r) for r in found.items], found.total, paging)


@router.patch("/admin/reviews/{review_id}", response_model=AdminReviewOut)
async def moderate_review(review_id: str, body: ModerationIn, moderator: StaffDep, uow: UowDep) -> AdminReviewOut:
    review = await moderate.moderate(uow=uow, moderator=moderator, review_id=review_id,
                                    approve=body.is_approved, reason=body.reason)
    return _admin(review)
