"""What a request tells about the client, for fraud screening: the device id the storefront sends (X-Device-Id),
the client's IP as the gateway saw it (the gateway sets X-Forwarded-For to the one address it trusts), and the
country the edge resolved for that IP (CF-IPCountry, as Cloudflare and similar CDNs set it; nothing here guesses a
country from an address). Malformed values are dropped, not refused: they are signals, not part of the order."""
from __future__ import annotations

import ipaddress
import re

from fastapi import Request

DEVICE_HEADER = "x-device-id"
COUNTRY_HEADER = "cf-ipcountry"
_DEVICE = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _ip(request: Request) -> str | None:
    raw = (request.headers.get("x-forwarded-for") or "").split(",")[0].strip() or \
        (request.client.host if request.client else "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def client_signals(request: Request) -> dict[str, str]:
    """{deviceId?, ip?, ipCountry?}: only what the request carries, well formed (camelCase, as events name them)."""
    out: dict[str, str] = {}
    device = (request.headers.get(DEVICE_HEADER) or "").strip()
    if _DEVICE.match(device):
        out["deviceId"] = device
    if ip := _ip(request):
        out["ip"] = ip
    country = (request.headers.get(COUNTRY_HEADER) or "").strip().upper()
    if _COUNTRY.match(country) and country not in ("XX", "T1"):  # Cloudflare's "unknown" and Tor markers
        out["ipCountry"] = country
    return out
