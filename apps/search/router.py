"""Search routes (API.md § Search & AI): thin — schema in, one query or use case, schema out."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from apps.search import domain as rules
from apps.search import queries
from apps.search.use_cases import manage_synonyms
from apps.search.collections import live_collection
from apps.search.orm import SearchSynonym
from apps.search.schemas import SearchOut, SuggestOut, SynonymIn, SynonymList, SynonymOut
from kernel.auth import StaffDep
from kernel.errors import ServiceUnavailable, ValidationFailed
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["search"])
# Generous bounds here (FastAPI's 422); the service's own limits (settings) are checked in domain.validate.
TextQ = Annotated[str | None, Query(max_length=10_000)]


def _text(request: Request, value: str | None, name: str) -> str | None:
    return rules.clean_text(value, name, request.app.state.settings.max_query_chars)


@router.get("/search", response_model=SearchOut)
async def search(request: Request, q: TextQ = None, category: TextQ = None, brand: TextQ = None,
                 vendor: TextQ = None,
                 min_price: Annotated[int | None, Query(alias="minPrice", ge=0, le=10**12)] = None,
                 max_price: Annotated[int | None, Query(alias="maxPrice", ge=0, le=10**12)] = None,
                 min_rating: Annotated[float | None, Query(alias="minRating", ge=0, le=5)] = None,
                 in_stock: Annotated[bool | None, Query(alias="inStock")] = None,
                 attr: Annotated[list[str] | None, Query(max_length=10)] = None,
                 facets: TextQ = None, mode: TextQ = None,
                 page: Annotated[int, Query(ge=1, le=10**12)] = 1,
                 per_page: Annotated[int, Query(alias="perPage", ge=1, le=10**6)] = 20) -> dict:
    settings = request.app.state.settings
    req = rules.validate(rules.SearchRequest(
        q=_text(request, q, "q") or "", category=_text(request, category, "category"),
        brand=_text(request, brand, "brand"), vendor=_text(request, vendor, "vendor"), min_price=min_price,
        max_price=max_price, min_rating=min_rating, in_stock=in_stock,
        attributes=tuple(_text(request, a, "attr") or "" for a in attr or ()), facets=rules.parse_facets(facets),
        page=page, per_page=per_page,
        mode=_text(request, mode, "mode") or ("hybrid" if settings.semantic_enabled else "keyword")), settings)
    return await queries.search(request.app.state.search, req)


@router.get("/search/suggest", response_model=SuggestOut)
async def suggest(request: Request, q: Annotated[str, Query(min_length=1, max_length=10_000)],
                  limit: Annotated[int, Query(ge=1, le=20)] = 8) -> dict:
    text = _text(request, q, "q") or ""
    if not text:
        raise ValidationFailed("q is empty.", errors=[{"field": "q", "message": "empty"}])
    return await queries.suggest(request.app.state.search, text, limit=limit)


def _synonym(row: SearchSynonym) -> SynonymOut:
    return SynonymOut(id=row.synonym_id, synonyms=list(row.synonyms), root=row.root)


async def _collection(request: Request) -> str:
    try:
        return await live_collection(request.app.state.engine, request.app.state.settings.collection_alias)
    except LookupError as exc:
        raise ServiceUnavailable(str(exc)) from None


@router.get("/admin/search/synonyms", response_model=SynonymList)
async def list_synonyms(uow: UowDep, _: StaffDep) -> SynonymList:
    async with uow.reading():
        return SynonymList(items=[_synonym(r) for r in await queries.list_synonyms(uow)])


@router.put("/admin/search/synonyms/{synonym_id}", response_model=SynonymOut)
async def put_synonym(synonym_id: str, body: SynonymIn, request: Request, uow: UowDep, _: StaffDep) -> SynonymOut:
    collection = await _collection(request)
    row = await manage_synonyms.put_synonym(uow=uow, engine=request.app.state.engine, collection=collection,
                                            synonym_id=synonym_id, synonyms=body.synonyms, root=body.root)
    return _synonym(row)


@router.delete("/admin/search/synonyms/{synonym_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_synonym(synonym_id: str, request: Request, uow: UowDep, _: StaffDep) -> Response:
    collection = await _collection(request)
    await manage_synonyms.remove_synonym(uow=uow, engine=request.app.state.engine, collection=collection,
                                         synonym_id=synonym_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
