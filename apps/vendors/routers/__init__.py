"""The vendors service's HTTP routes: the vendor-facing API, the admin's, KYC files and the internal contact
lookup; ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.vendors.routers import admin, internal, kyc, vendors

ROUTERS = [vendors.router, admin.router, kyc.router, internal.router]
