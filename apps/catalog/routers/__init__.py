"""The catalog's HTTP routes, one module per resource; ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.catalog.routers import internal, media, products, taxonomy

ROUTERS = [taxonomy.router, products.router, media.router, internal.router]
