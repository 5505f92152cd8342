"""The profiles service's HTTP routes, one module per audience; ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.profiles.routers import internal, me

ROUTERS = [me.router, internal.router]
