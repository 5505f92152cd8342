"""The vendor portal, registered by the app as one module: its pages live in vendor_*_pages.py, included here in
the order the navigation lists them (dashboard and onboarding, products, stock, orders and money, insights)."""
from __future__ import annotations

from fastapi import APIRouter

# Imported in navigation order: each module declares its pages (and so their place in the nav) when imported.
from apps.web import vendor_home_pages  # noqa: I001
from apps.web import vendor_products_pages
from apps.web import vendor_stock_pages
from apps.web import vendor_orders_pages
from apps.web import vendor_insights_pages

router = APIRouter()
for _module in (vendor_home_pages, vendor_products_pages, vendor_stock_pages, vendor_orders_pages,
                vendor_insights_pages):
    router.include_router(_module.router)
