"""The back office's HTTP routes, one module per resource; ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.backoffice.routers import analytics, flags

ROUTERS = [analytics.router, flags.router]
