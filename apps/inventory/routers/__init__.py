"""Inventory's HTTP routes: stock (public availability and vendor stock, /v1 through the gateway) and reservations
(checkout's internal API, /internal/v1); ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.inventory.routers import reservations, stock

ROUTERS = [stock.router, reservations.router]
