"""Rate tables as the back office edits them (GET/PATCH /v1/admin/shipping/rates, super admin only).

Quotes read the tables on every call (queries.load_tables), so a change applies to the next quote; orders already
placed keep the shipping they were charged. A zone/service level pair is fixed by the migration: admins change
prices and promised days, not which services exist."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import Field, StrictInt, model_validator
from sqlalchemy import select

from apps.shipping.orm import RateBracket, RateTable
from kernel.api_model import ApiModel
from kernel.auth import AdminDep
from kernel.errors import NotFound, ValidationFailed
from kernel.service_app import UowDep
from kernel.uow import UnitOfWork

router = APIRouter(prefix="/v1/admin/shipping", tags=["shipping-admin"])
Minor = Annotated[StrictInt, Field(ge=0, le=10_000_000)]


class BracketIO(ApiModel):
    max_grams: Annotated[StrictInt, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="inclusive upper weight; null = the open-ended top bracket")
    amount_minor: Minor
    extra_per_kg_minor: Minor = 0


class RateTableOut(ApiModel):
    id: int
    zone: str
    service_level: str
    method: str
    currency: str
    eta_days: int
    flat_amount_minor: int | None
    brackets: list[BracketIO]


class RateTableList(ApiModel):
    items: list[RateTableOut]


class RateTablePatch(ApiModel):
    eta_days: Annotated[StrictInt, Field(ge=1, le=120)] | None = None
    flat_amount_minor: Minor | None = None
    brackets: list[BracketIO] | None = Field(None, min_length=1, max_length=50)

    @model_validator(mode="after")
    def _brackets_sane(self) -> "RateTablePatch":
        if self.brackets is not None:
            bounds = [b.max_grams for b in self.brackets]
            if bounds.count(None) > 1 or len(set(bounds)) != len(bounds):
                raise ValueError("bracket weights must be distinct, with at most one open-ended bracket")
        return self


def _out(t: RateTable) -> RateTableOut:
    return RateTableOut(id=t.id, zone=t.zone, serviceLevel=t.service_level, method=t.method, currency=t.currency,
                        etaDays=t.eta_days, flatAmountMinor=t.flat_amount_minor,
                        brackets=[BracketIO(maxGrams=b.max_grams, amountMinor=b.amount_minor,
                                            extraPerKgMinor=b.extra_per_kg_minor) for b in t.brackets])


async def change_table(uow: UnitOfWork, table_id: int, patch: RateTablePatch) -> RateTable:
    table = await uow.session.get(RateTable, table_id, with_for_update=True, populate_existing=True)
    if table is None:
        raise NotFound(f"No rate table {table_id}.")
    if patch.flat_amount_minor is not None and table.method != "flat":
        raise ValidationFailed("This table prices by weight brackets; send brackets, not flatAmountMinor.",
                               errors=[{"field": "flatAmountMinor", "message": "table method is 'table'"}])
    if patch.brackets is not None and table.method != "table":
        raise ValidationFailed("This table charges a flat amount; send flatAmountMinor, not brackets.",
                               errors=[{"field": "brackets", "message": "table method is 'flat'"}])
    if patch.eta_days is not None:
        table.eta_days = patch.eta_days
    if patch.flat_amount_minor is not None:
        table.flat_amount_minor = patch.flat_amount_minor
    if patch.brackets is not None:
        table.brackets.clear()
        await uow.session.flush()
        table.brackets.extend(RateBracket(max_grams=b.max_grams, amount_minor=b.amount_minor,
                                          extra_per_kg_minor=b.extra_per_kg_minor) for b in patch.brackets)
    await uow.session.flush()
    await uow.session.refresh(table, ["brackets"])
    return table


@router.get("/rates", response_model=RateTableList)
async def list_rates(_: AdminDep, uow: UowDep) -> RateTableList:
    async with uow.reading():
        rows = (await uow.session.scalars(select(RateTable).order_by(RateTable.zone, RateTable.service_level))).all()
        return RateTableList(items=[_out(t) for t in rows])


@router.patch("/rates/{table_id}", response_model=RateTableOut)
async def patch_rate(table_id: int, body: RateTablePatch, _: AdminDep, uow: UowDep) -> RateTableOut:
    async with uow:
        table = await change_table(uow, table_id, body)
        await uow.commit()
        return _out(table)
