"""The one list of service databases on the local PostgreSQL server: a new service adds its name here."""
from __future__ import annotations

SERVICE_DATABASES: tuple[str, ...] = (
    "auth",
    "profiles",
    "vendors",
    "catalog",
    "inventory",
    "cart",
    "coupons",
    "orders",
    "payments",
    "shipping",
    "reviews",
    "notifications",
    "backoffice",
    "tracking",
    "search",
    "serving",
    "features",
)
