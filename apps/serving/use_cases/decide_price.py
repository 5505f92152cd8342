"""A vendor accepts or dismisses a price suggestion (queries/vendor_insights.py reads them): accepting sets the
price through the catalog's own vendor route with the vendor's token, so the catalog's rules and events apply; either
decision is recorded once per batch run and SKU, in one unit of work."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from apps.serving.orm.vendor_insights import PriceDecision
from apps.serving.queries.vendor_insights import _read, _run, require_pricing
from apps.serving.schemas.vendor_insights import DecisionOut
from apps.serving.warehouse import VendorInsightsStore
from kernel.auth import CurrentUser
from kernel.errors import Conflict, NotFound, ServiceUnavailable
from kernel.flags import FeatureFlags
from kernel.service_client import ServiceClients
from kernel.uow import UnitOfWork


async def _apply_price(clients: ServiceClients, authorization: str, vendor_id: str, row: dict[str, Any]) -> None:
    """Set the price through the catalog's vendor route with the caller's own token (the catalog checks it)."""
    resp = await clients.request("catalog", "PATCH", f"/v1/vendors/{vendor_id}/products/{row['product_id']}",
                                 json={"variants": [{"sku": row["sku"], "priceMinor": row["suggested_price_minor"]}]},
                                 headers={"Authorization": authorization})
    if resp.status_code >= 500:
        raise ServiceUnavailable("The catalog could not take the new price; nothing was recorded.")
    if resp.status_code >= 400:
        detail = resp.json().get("detail") if resp.headers.get("content-type", "").endswith("json") else resp.text
        raise Conflict(f"The catalog refused the new price ({resp.status_code}): {detail}; nothing was recorded.")


async def decide(*, store: VendorInsightsStore, flags: FeatureFlags, uow: UnitOfWork, clients: ServiceClients,
                 vendor_id: str, sku: str, decision: str, note: str | None, user: CurrentUser,
                 authorization: str) -> DecisionOut:
    await require_pricing(flags, vendor_id)
    rows = await _read(store.price_suggestions(vendor_id, sku=sku, limit=1, offset=0))
    if not rows:
        raise NotFound(f"No price suggestion for SKU {sku!r} of this vendor.")
    row = rows[0]
    async with uow:
        taken = await uow.session.scalar(select(PriceDecision.decision).where(
            PriceDecision.vendor_id == vendor_id, PriceDecision.sku == sku,
            PriceDecision.suggestion_generated_at == _run(row)))
        if taken:
            raise Conflict(f"This suggestion was already {taken}.")
        if decision == "accepted":
            await _apply_price(clients, authorization, vendor_id, row)
        record = PriceDecision(vendor_id=vendor_id, sku=sku, product_id=row["product_id"], decision=decision,
                               current_price_minor=row["current_price_minor"],
                               suggested_price_minor=row["suggested_price_minor"], applied=decision == "accepted",
                               model_version=row["model_version"], suggestion_generated_at=_run(row),
                               decided_by=user.id, decided_at=datetime.now(tz=_run(row).tzinfo), note=note)
        uow.session.add(record)
        try:
            await uow.commit()
        except IntegrityError:  # a concurrent decision on the same suggestion won
            raise Conflict("This suggestion was decided concurrently.") from None
    return DecisionOut(sku=sku, decision=decision, applied=record.applied,
                       currentPriceMinor=record.current_price_minor, suggestedPriceMinor=record.suggested_price_minor,
                       modelVersion=record.model_version, suggestionGeneratedAt=record.suggestion_generated_at,
                       decidedBy=record.decided_by, decidedAt=record.decided_at)
