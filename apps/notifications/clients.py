"""Typed calls to other services for addressing mail: shoppers (auth), vendors (vendors), orders (orders).

Events carry ids, never addresses, so the address is looked up when the message is sent. A 404 is a permanent
answer; an unreachable service or a 5xx is a transient one (the message is retried later)."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import httpx

from apps.notifications.exceptions import DeliveryFailed
from kernel.errors import ServiceUnavailable
from kernel.service_client import ServiceClients


@dataclass(frozen=True)
class Contact:
    address: str
    name: str | None = None


class Directory:
    def __init__(self, clients: ServiceClients) -> None:
        self._clients = clients

    async def _get(self, service: str, path: str) -> httpx.Response:
        try:
            return await self._clients.request(service, "GET", path)
        except ServiceUnavailable as exc:
            raise DeliveryFailed(exc.detail) from None

    async def user(self, user_id: str) -> Contact:
        resp = await self._get("auth", f"/internal/v1/users/{quote(user_id, safe='')}")
        if resp.status_code == 404:
            raise DeliveryFailed(f"no user {user_id}", permanent=True)
        if resp.status_code != 200:
            raise DeliveryFailed(f"auth answered {resp.status_code} for user {user_id}")
        doc = resp.json()
        if doc.get("isActive") is False:
            raise DeliveryFailed(f"user {user_id} is deactivated", permanent=True)
        return Contact(address=doc["email"], name=doc.get("name"))

    async def vendor_support_email(self, vendor_id: str) -> str | None:
        """The vendor's support address, if the vendors service offers it (None: fall back to the owner)."""
        resp = await self._get("vendors", f"/internal/v1/vendors/{quote(vendor_id, safe='')}")
        if resp.status_code >= 500:
            raise DeliveryFailed(f"vendors answered {resp.status_code} for vendor {vendor_id}")
        if resp.status_code != 200:
            return None
        return resp.json().get("supportEmail") or None

    async def order_user(self, order_no: str) -> str | None:
        resp = await self._get("orders", f"/internal/v1/orders/{quote(order_no, safe='')}")
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise DeliveryFailed(f"orders answered {resp.status_code} for order {order_no}")
        return resp.json().get("userId")
