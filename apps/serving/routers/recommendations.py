"""GET /v1/ai/recommendations (API.md § Search & AI) and POST /v1/admin/ai/models/refresh.

Who may ask: anyone may ask without a userId (a non-personal answer: co-purchase, trending, popular); a signed-in
shopper who gives no userId is answered for themself; a userId is open to that user and to staff (super_admin,
staff), a shopper asking about another user gets 403, and an anonymous caller naming a userId gets 401.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from apps.serving.schemas.recommendations import Item, RecommendationsOut
from apps.serving.use_cases.recommend import RecoAnswer, RecoQuery, Recommendations
from kernel.auth import CurrentUser, StaffDep, optional_user
from kernel.errors import Forbidden, Unauthorized, ValidationFailed
from kernel.ids import is_uuid

router = APIRouter(prefix="/v1", tags=["ai"])
STAFF_ROLES = ("super_admin", "staff")
MAX_CART = 50


def _items(found) -> list[Item]:
    return [Item(productId=c.product_id, score=c.score, reason=c.reason) for c in found]


def _ids(raw: list[str], name: str) -> list[str]:
    ids = [p.strip().lower() for value in raw for p in value.split(",") if p.strip()]
    bad = [p[:40] for p in ids if not is_uuid(p)]
    if bad:
        raise ValidationFailed(f"{name} must be product ids (UUIDs).",
                               errors=[{"field": name, "in": "query", "message": f"not a UUID: {bad[0]!r}"}])
    if len(ids) > MAX_CART:
        raise ValidationFailed(f"At most {MAX_CART} products.", errors=[{"field": name, "in": "query",
                                                                         "message": "too many products"}])
    return list(dict.fromkeys(ids))


def _who(caller: CurrentUser | None, user_id: str | None) -> str | None:
    if user_id is None:
        return caller.id.lower() if caller is not None and not caller.has_any(*STAFF_ROLES) else None
    if not is_uuid(user_id):
        raise ValidationFailed("userId must be a UUID.", errors=[{"field": "userId", "in": "query",
                                                                  "message": "not a UUID"}])
    user_id = user_id.lower()
    if caller is None:
        raise Unauthorized("Sign in to ask for a user's recommendations.", headers={"WWW-Authenticate": "Bearer"})
    if caller.id.lower() != user_id and not caller.has_any(*STAFF_ROLES):
        raise Forbidden("You may only ask for your own recommendations.")
    return user_id


async def service(request: Request) -> Recommendations:
    return request.app.state.recommendations


@router.get("/ai/recommendations", response_model=RecommendationsOut, response_model_by_alias=True)
async def recommendations(
    reco: Annotated[Recommendations, Depends(service)],
    caller: Annotated[CurrentUser | None, Depends(optional_user)],
    context: Literal["home", "product", "cart", "category"] = "home",
    user_id: Annotated[str | None, Query(alias="userId", max_length=64)] = None,
    product_id: Annotated[list[str], Query(alias="productId", max_length=2000)] = [],  # noqa: B006 - FastAPI
    product_ids: Annotated[list[str], Query(alias="productIds", max_length=2000)] = [],  # noqa: B006
    category_id: Annotated[str | None, Query(alias="categoryId", min_length=1, max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> RecommendationsOut:
    who = _who(caller, user_id)
    ids = _ids(product_id + product_ids, "productId")
    if context == "product" and len(ids) != 1:
        raise ValidationFailed("context=product needs exactly one productId.",
                               errors=[{"field": "productId", "in": "query", "message": "exactly one required"}])
    if context == "cart" and not ids:
        raise ValidationFailed("context=cart needs the cart's products (productIds=a,b or productId repeated).",
                               errors=[{"field": "productIds", "in": "query", "message": "required"}])
    if context == "category" and category_id is None:
        raise ValidationFailed("context=category needs a categoryId.",
                               errors=[{"field": "categoryId", "in": "query", "message": "required"}])
    answer: RecoAnswer = await reco.recommend(RecoQuery(
        user_id=who, context=context, product_ids=ids if context in ("product", "cart") else [],
        category_id=category_id if context == "category" else None, limit=limit))
    return RecommendationsOut(
        items=_items(answer.items), modelVersion=answer.model_version, strategy=answer.strategy,
        requestId=answer.request_id, variant=answer.variant, userId=who, context=context,
        cacheHit=answer.cache_hit,
        frequentlyBoughtTogether=_items(answer.bought_together) if answer.bought_together is not None else None)


@router.post("/admin/ai/models/refresh")
async def refresh_models(request: Request, _: StaffDep) -> dict:
    """Check every followed alias now instead of at the next poll (a champion moved, a challenger was set)."""
    await request.app.state.champions.refresh()
    return {"models": request.app.state.champions.status()}
