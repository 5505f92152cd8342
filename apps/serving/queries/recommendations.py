"""Candidate lists read from the projections: each already limited to showable products (active product of an
active vendor with a SKU in stock), optionally inside one category. Scores are the link's own (order counts,
decayed orders); the chain never compares scores across links."""
from __future__ import annotations

from sqlalchemy import text

from apps.serving.domain.recommendations import Candidate
from apps.serving.projections.recommendations import TREND_HALF_LIFE_SECONDS
from kernel.uow import UnitOfWork

# Showable products; `:category` NULL means any category.
LIVE = """
live AS (
  SELECT p.product_id, p.category_id, p.source_occurred_at
  FROM reco_products p JOIN reco_vendors v ON v.vendor_id = p.vendor_id AND v.status = 'active'
  WHERE p.status = 'active'
    AND (CAST(:category AS text) IS NULL OR p.category_ids ? CAST(:category AS text))
    AND EXISTS (SELECT 1 FROM reco_stock s WHERE s.product_id = p.product_id AND s.available > 0)
)"""


async def showable(uow: UnitOfWork, product_ids: list[str], category: str | None = None) -> set[str]:
    if not product_ids:
        return set()
    rows = await uow.session.execute(text(f"WITH {LIVE} SELECT product_id FROM live WHERE product_id = ANY(:ids)"),
                                     {"ids": product_ids, "category": category})
    return {str(r[0]) for r in rows}


async def co_purchased(uow: UnitOfWork, product_ids: list[str], limit: int, category: str | None = None
                       ) -> list[Candidate]:
    """Products ordered together with any of `product_ids`, by number of such orders."""
    if not product_ids:
        return []
    sql = f"""WITH {LIVE}
      SELECT c.other_id, sum(c.orders) AS n FROM reco_copurchase c JOIN live l ON l.product_id = c.other_id
      WHERE c.product_id = ANY(:ids) AND NOT (c.other_id = ANY(:ids))
      GROUP BY c.other_id ORDER BY n DESC, c.other_id LIMIT :limit"""
    rows = await uow.session.execute(text(sql), {"ids": product_ids, "limit": limit, "category": category})
    return [Candidate(str(pid), float(n), "co_purchase") for pid, n in rows]


async def trending(uow: UnitOfWork, category: str, limit: int) -> list[Candidate]:
    """Orders in the category decayed to now (one-week half-life)."""
    sql = f"""WITH {LIVE}
      SELECT l.product_id,
             p.trend * power(2.0, -extract(epoch FROM (now() - p.trend_at)) / {TREND_HALF_LIFE_SECONDS}) AS score
      FROM live l JOIN reco_popularity p ON p.product_id = l.product_id
      ORDER BY score DESC, l.product_id LIMIT :limit"""
    rows = await uow.session.execute(text(sql), {"limit": limit, "category": category})
    return [Candidate(str(pid), float(score), "trending_in_category") for pid, score in rows]


async def popular(uow: UnitOfWork, limit: int, category: str | None = None) -> list[Candidate]:
    """All-time orders; showable products nobody ordered yet follow, newest first, so this is never empty while
    anything is showable."""
    sql = f"""WITH {LIVE}
      SELECT l.product_id, coalesce(p.orders, 0) AS n FROM live l
      LEFT JOIN reco_popularity p ON p.product_id = l.product_id
      ORDER BY n DESC, l.source_occurred_at DESC, l.product_id LIMIT :limit"""
    rows = await uow.session.execute(text(sql), {"limit": limit, "category": category})
    return [Candidate(str(pid), float(n), "popular") for pid, n in rows]


async def purchases(uow: UnitOfWork, user_id: str, recent: int = 20) -> list[str]:
    """The user's bought products, newest first (recent ones seed co-purchase for the home page)."""
    rows = await uow.session.execute(text(
        "SELECT product_id FROM reco_purchases WHERE user_id = :u ORDER BY purchased_at DESC LIMIT :n"),
        {"u": user_id, "n": recent})
    return [str(r[0]) for r in rows]


async def categories_of(uow: UnitOfWork, product_ids: list[str]) -> list[str]:
    """The first category of each known product, in the order given (duplicates dropped)."""
    if not product_ids:
        return []
    rows = await uow.session.execute(text(
        "SELECT product_id, category_id FROM reco_products WHERE product_id = ANY(:ids)"), {"ids": product_ids})
    by_product = {str(pid): cat for pid, cat in rows if cat}
    return list(dict.fromkeys(by_product[p] for p in product_ids if p in by_product))
