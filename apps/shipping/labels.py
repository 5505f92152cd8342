"""The printable label: plain text, so any printer or browser shows it and tests can read it."""
from __future__ import annotations

from apps.shipping.orm import Shipment


def render_label(s: Shipment) -> str:
    destination = ", ".join(p for p in (s.destination_city, s.destination_postal_code, s.destination_country) if p)
    barcode = " ".join(s.tracking_no[i:i + 4] for i in range(0, len(s.tracking_no), 4))
    lines = [
        "=" * 44,
        f"{s.carrier.upper():^44}",
        f"{s.service_level.upper() + ' / ' + s.zone.upper():^44}",
        "=" * 44,
        f"TRACKING  {barcode}",
        f"ORDER     {s.order_no}",
        f"SHIP TO   {destination or 'see packing slip'}",
        f"SHIPPED   {s.created_at:%Y-%m-%d %H:%M} UTC",
        f"DELIVER BY {s.promised_at:%Y-%m-%d}",
        "=" * 44,
        f"*{s.tracking_no}*",
    ]
    return "\n".join(lines) + "\n"
