"""The auth service's HTTP routes, one module per audience; ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.auth.routers import auth, internal

ROUTERS = [auth.router, internal.router]
