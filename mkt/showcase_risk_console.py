"""Showcase: the risk console in the browser (/risk) — signed in through the web login form as the demo admin, the
fraud queue page and the page of the riskiest order waiting for review are fetched and timed; that order's audit
trail is printed from the API the page reads (GET /v1/admin/fraud/{orderNo})."""
from __future__ import annotations

import re
import time

import httpx
from rich.console import Console
from rich.table import Table

from mkt.demo import DEMO_ADMIN, DEMO_ADMIN_PASSWORD
from mkt.showcase_auth import staff_headers


def _web_session(base_url: str) -> httpx.Client | None:
    """A cookie session through the login form (CSRF double submit), as a browser signs in."""
    web = httpx.Client(base_url=base_url, timeout=30)
    web.get("/login")
    signed = web.post("/login", data={"email": DEMO_ADMIN, "password": DEMO_ADMIN_PASSWORD,
                                      "csrftoken": web.cookies.get("csrftoken", "")})
    if signed.status_code != 303:
        web.close()
        return None
    return web


def _timed_page(web: httpx.Client, path: str) -> tuple[int, float, int]:
    started = time.perf_counter()
    resp = web.get(path)
    return resp.status_code, (time.perf_counter() - started) * 1000, len(re.findall(r'data-testid="queue-row"',
                                                                                     resp.text))


def _audit_table(review: dict) -> Table:
    table = Table(title=f"Audit trail of {review['orderNo']} (score {review['score']:.3f}, "
                        f"{review['reviewStatus'] or 'not in review'})")
    for col in ("when", "who", "decision", "note"):
        table.add_column(col, overflow="fold")
    for a in review["audit"]:
        table.add_row(a["decidedAt"][:19], a["actor"][:40], a["decision"] + (f" (was {a['previousDecision']})"
                                                                              if a["previousDecision"] else ""),
                      (a["note"] or "")[:120])
    return table


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        staff = staff_headers(http, console)
        if staff is None:
            return
        queue = http.get("/v1/admin/fraud/queue", params={"status": "pending", "perPage": 1}, headers=staff)
        items = queue.json().get("items", []) if queue.status_code == 200 else []
        if not items:
            queue = http.get("/v1/admin/fraud/queue", params={"status": "all", "perPage": 1}, headers=staff)
            items = queue.json().get("items", []) if queue.status_code == 200 else []
        review = http.get(f"/v1/admin/fraud/{items[0]['orderNo']}", headers=staff).json() if items else None
    web = _web_session(base_url)
    if web is None:
        console.print("[yellow]could not sign in to the web app as the demo admin[/]")
        return
    try:
        status, ms, rows = _timed_page(web, "/risk")
        console.print(f"Risk console {base_url}/risk → {status} in {ms:.0f} ms, {rows} order(s) on the first page "
                      f"(sign in as staff or super admin)")
        if review:
            status, ms, _ = _timed_page(web, f"/risk/orders/{review['orderNo']}")
            console.print(f"Order page {base_url}/risk/orders/{review['orderNo']} → {status} in {ms:.0f} ms: "
                          "score, reasons, linked accounts, the order's state, release/reject with a note")
    finally:
        web.close()
    if review:
        console.print(_audit_table(review))
    else:
        console.print("[yellow]no order has been sent to review yet[/]")
