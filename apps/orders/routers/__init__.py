"""The orders service's HTTP routes: orders (checkout, a shopper's orders, vendor fulfilment, returns) and admin (staff
views and the internal reads other services make); ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.orders.routers import admin, orders

ROUTERS = [orders.router, admin.router, admin.internal_router]
