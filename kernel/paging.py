"""Paged lists, the same way in every service: `?page=&perPage=` in, `{items, total, page, perPage}` out.

A route takes `paging: PagingDep` (page ≤ 10,000, perPage ≤ 100, 20 by default) or a dependency built by
`paging_query(...)` with its own bounds; its response model is `Page[ItemOut]` or a subclass naming it
(`class OrderPage(Page[OrderOut])`), which keeps the OpenAPI component's name. A query reads its page with
`fetch_page(session, stmt, paging, order_by=...)`: the rows on the page and the unpaged total (`Found`).
"""
# No `from __future__ import annotations`: FastAPI must see the bounds in paging_query's signature as objects.
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from kernel.api_model import ApiModel

T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def paging_query(*, max_page: int = 10_000, max_per_page: int = 100,
                 default_per_page: int = 20) -> Callable[..., Paging]:
    """A FastAPI dependency reading `page` and `perPage` within these bounds (out of bounds: 422)."""

    async def dependency(page: Annotated[int, Query(ge=1, le=max_page)] = 1,
                   per_page: Annotated[int, Query(alias="perPage", ge=1, le=max_per_page)] = default_per_page,
                   ) -> Paging:
        return Paging(page, per_page)

    return dependency


PagingDep = Annotated[Paging, Depends(paging_query())]
# Back-office work lists (stock, coupons, payouts, earnings) page deeper and wider: 50 a page, up to 200.
WidePagingDep = Annotated[Paging, Depends(paging_query(max_page=100_000, max_per_page=200, default_per_page=50))]


class Page(ApiModel, Generic[T]):
    """One page of a list: the items, how many there are in all, and which page this is."""

    items: list[T]
    total: int
    page: int
    per_page: int

    @classmethod
    def of(cls, items: Sequence[Any], total: int, paging: Paging, **extra: Any):
        return cls(items=list(items), total=total, page=paging.page, per_page=paging.per_page, **extra)


@dataclass(frozen=True)
class Found(Generic[T]):
    """A page of rows as a query found them (before they are rendered)."""

    items: list[T]
    total: int
    page: int
    per_page: int


async def fetch_page(session: AsyncSession, stmt: Select, paging: Paging, *, order_by: Sequence[Any] = (),
                     options: Sequence[Any] = ()) -> Found:
    """The rows of `stmt` on this page, ordered by `order_by` (after any order `stmt` has) and loaded with
    `options` (e.g. selectinload), and how many rows `stmt` has in all."""
    total = await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = await session.scalars(stmt.order_by(*order_by).options(*options).offset(paging.offset)
                                 .limit(paging.per_page))
    return Found(list(rows.unique().all()), int(total or 0), paging.page, paging.per_page)
