"""Reviews, as the catalog keeps them: each product's rating as the reviews service last reported it
(review.approved / review.rejected events)."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, update

from apps.catalog.orm import Product
from kernel.consumer import Event
from kernel.contracts.reviews import ReviewModerated
from kernel.ids import is_uuid
from kernel.uow import UnitOfWork


async def on_review_moderated(*, uow: UnitOfWork, event: Event[ReviewModerated]) -> None:
    """Set the product's ratingAvg/ratingCount from the event; an older event never overwrites a newer one."""
    data = event.data
    if not is_uuid(data.product_id) or data.rating_count is None:
        return
    avg = data.rating_avg
    await uow.session.execute(
        update(Product)
        .where(Product.id == data.product_id,
               or_(Product.rating_as_of.is_(None), Product.rating_as_of <= event.occurred_at))
        .values(rating_avg=Decimal(str(avg)).quantize(Decimal("0.01")) if avg is not None else None,
                rating_count=data.rating_count, rating_as_of=event.occurred_at)
        .execution_options(synchronize_session=False))
