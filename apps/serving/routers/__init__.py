"""The serving service's HTTP routes, one module per concern; ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.serving.routers import fraud, recommendations, vendor_insights

ROUTERS = [fraud.router, recommendations.router, vendor_insights.router]
