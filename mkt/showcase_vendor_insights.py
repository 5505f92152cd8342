"""Showcase: a world vendor's stock-out forecasts and price suggestions, the feature flags behind them and the
recommendations A/B figures, all through the public API (gateway) as each user meets them."""
from __future__ import annotations

import httpx
import jwt
from rich.console import Console
from rich.table import Table

from mkt.demo import DEMO_ADMIN, DEMO_ADMIN_PASSWORD
from simulator.world_spec import SIM_PASSWORD, last_world, owner_email

SPARK = "▁▂▃▄▅▆▇█"
MAX_VENDORS_TRIED = 12


def _money(minor: int) -> str:
    return f"{minor / 100:,.2f}"


def _spark(values: list[float]) -> str:
    top = max(values) or 1.0
    return "".join(SPARK[min(len(SPARK) - 1, int(v / top * (len(SPARK) - 1)))] for v in values)


def _login(http: httpx.Client, email: str, password: str) -> str | None:
    resp = http.post("/v1/auth/login", json={"email": email, "password": password})
    return resp.json()["accessToken"] if resp.status_code == 200 else None


def _vendor_of(token: str) -> str | None:
    """The token's vendorId claim (reading our own token; the services verify it)."""
    return jwt.decode(token, options={"verify_signature": False}).get("vendorId")


def _vendor_with_forecasts(http: httpx.Client, console: Console) -> tuple[str, str, list[dict]] | None:
    """The first world vendor (in world order) whose SKUs have a forecast: (vendorId, token, forecasts)."""
    cfg = last_world()
    if cfg is None:
        console.print("[yellow]no simulated world seeded yet (run `make demo`)[/]")
        return None
    for idx in range(min(cfg.vendors, MAX_VENDORS_TRIED)):
        email = owner_email(cfg, idx)
        token = _login(http, email, SIM_PASSWORD)
        if token is None:
            continue
        vendor_id = _vendor_of(token)
        if not vendor_id:
            continue
        resp = http.get(f"/v1/vendors/{vendor_id}/forecasts", headers={"Authorization": f"Bearer {token}"})
        if resp.status_code == 200 and resp.json():
            console.print(f"signed in as vendor owner [bold]{email}[/] (vendor {vendor_id})")
            return vendor_id, token, resp.json()
    console.print("[yellow]no world vendor has forecasts yet (run `mkt train` for the batch predictions)[/]")
    return None


def _forecasts(http: httpx.Client, console: Console, vendor_id: str, headers: dict, rows: list[dict]) -> None:
    table = Table(title=f"Stock-out forecast — {len(rows)} SKUs, soonest first (top 8)")
    for col in ("SKU", "stock", "units/day", "days to stock-out", "stock-out date", "reorder qty",
                "next 28 d (low–high)", "model"):
        table.add_column(col, justify="left" if col == "SKU" else "right")
    for r in rows[:8]:
        days = "never" if r["daysToStockout"] is None else f"{r['daysToStockout']:.1f}"
        band = f"{r['forecastQty']:.1f} ({r['forecastLower'] or 0:.1f}–{r['forecastUpper'] or 0:.1f})"
        table.add_row(r["sku"], str(r["currentStock"]), f"{r['dailyRate'] or 0:.2f}", days, r["stockoutDate"] or "—",
                      str(r["reorderQty"]), band, f"{r['method']} v{r['modelVersion']}")
    console.print(table)
    first = rows[0]["sku"]
    daily = http.get(f"/v1/vendors/{vendor_id}/forecasts/{first}/daily", headers=headers)
    if daily.status_code == 200 and daily.json()["days"]:
        days = daily.json()["days"]
        console.print(f"daily forecast of {first} ({days[0]['date']} → {days[-1]['date']}): "
                      f"{_spark([d['qty'] or 0.0 for d in days])}")


def _prices(http: httpx.Client, console: Console, vendor_id: str, headers: dict) -> None:
    resp = http.get(f"/v1/vendors/{vendor_id}/price-suggestions", headers=headers)
    if resp.status_code == 404 and resp.json().get("type", "").endswith("feature-disabled"):
        console.print(f"[yellow]price suggestions: {resp.json()['detail']}[/]")
        return
    resp.raise_for_status()
    rows = sorted(resp.json(), key=lambda r: -(r["confidence"] or 0))
    table = Table(title=f"Price suggestions — {len(rows)} SKUs, most confident first (top 8)")
    for col in ("SKU", "current", "suggested", "change", "confidence", "elasticity", "bound", "status"):
        table.add_column(col, justify="left" if col in ("SKU", "bound", "status") else "right")
    for r in rows[:8]:
        table.add_row(r["sku"], _money(r["currentPriceMinor"]), _money(r["suggestedPriceMinor"]),
                      f"{r['changePct'] or 0:+.1f}%", f"{r['confidence'] or 0:.2f}", f"{r['elasticity'] or 0:.2f}",
                      r["binding"], r["status"])
    console.print(table)


def _fence(http: httpx.Client, console: Console, own_vendor: str, headers: dict) -> None:
    cfg = last_world()
    other = None
    for idx in range(min(cfg.vendors, MAX_VENDORS_TRIED)):
        token = _login(http, owner_email(cfg, idx), SIM_PASSWORD)
        vid = _vendor_of(token) if token else None
        if vid and vid != own_vendor:
            other = vid
            break
    if other:
        resp = http.get(f"/v1/vendors/{other}/forecasts", headers=headers)
        console.print(f"another vendor's forecasts with this token → [bold]{resp.status_code}[/] "
                      f"({resp.json().get('title', '')})")


def _admin_view(http: httpx.Client, console: Console) -> None:
    token = _login(http, DEMO_ADMIN, DEMO_ADMIN_PASSWORD)
    if token is None:
        console.print("[yellow]demo admin cannot sign in; skipping flags and A/B figures[/]")
        return
    headers = {"Authorization": f"Bearer {token}"}
    flags = http.get("/v1/admin/feature-flags", headers=headers)
    if flags.status_code == 200:
        table = Table(title="Feature flags (GET /v1/admin/feature-flags)")
        for col in ("key", "enabled", "rollout %", "variants", "updated by"):
            table.add_column(col)
        for f in flags.json()["items"]:
            table.add_row(f["key"], "on" if f["enabled"] else "off", str(f["rolloutPercent"]),
                          ", ".join(f"{k} {v}" for k, v in f["variants"].items()) or "—", f["updatedBy"] or "—")
        console.print(table)
    metric = http.get("/v1/admin/analytics/reco_ab_test", params={"days": 7}, headers=headers)
    if metric.status_code == 200:
        rows = metric.json()["rows"]
        table = Table(title="Recommendations A/B, last 7 days (GET /v1/admin/analytics/reco_ab_test)")
        for col in ("variant", "served", "clicks", "CTR", "conversions", "conversion"):
            table.add_column(col, justify="left" if col == "variant" else "right")
        for r in rows:
            pct = lambda v: "—" if v is None else f"{v * 100:.1f}%"  # noqa: E731
            table.add_row(r["variant"], str(r["served"]), str(r["clicks"]), pct(r["ctr"]), str(r["conversions"]),
                          pct(r["conversion_rate"]))
        console.print(table if rows else "no recommendations served or clicked in the last 7 days")


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        found = _vendor_with_forecasts(http, console)
        if found is not None:
            vendor_id, token, rows = found
            headers = {"Authorization": f"Bearer {token}"}
            _forecasts(http, console, vendor_id, headers, rows)
            _prices(http, console, vendor_id, headers)
            _fence(http, console, vendor_id, headers)
        _admin_view(http, console)
