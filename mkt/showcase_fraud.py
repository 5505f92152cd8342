"""Showcase: the risk team's queue — orders the fraud model sent to review, riskiest first, with the reasons, the
order, and the accounts linked to it by device, card or address — and what the model says about the riskiest one,
all through the public API (gateway) as the risk team (a staff or admin account) meets it."""
from __future__ import annotations

import httpx
from rich.console import Console
from rich.table import Table

from mkt.showcase_auth import staff_headers

SHOWN = 10


def _money(minor: int, currency: str) -> str:
    return f"{minor / 100:,.2f} {currency}"


def _linked(accounts: list[dict]) -> str:
    if not accounts:
        return "—"
    shown = [f"{a['userId'][:8]}… ({'+'.join(a['shared'])}, {len(a['orderNos'])} orders)" for a in accounts[:3]]
    return "\n".join(shown + ([f"+{len(accounts) - 3} more"] if len(accounts) > 3 else []))


def _queue_table(items: list[dict], total: int, status: str) -> Table:
    table = Table(title=f"Risk queue ({status}) — {total} orders, riskiest first (top {min(SHOWN, len(items))})",
                  show_lines=True)
    for col in ("order", "score", "decision", "reasons", "order summary", "linked accounts"):
        table.add_column(col, overflow="fold")
    for item in items[:SHOWN]:
        order = item.get("order") or {}
        summary = (f"{_money(order['totalMinor'], order['currency'])}, {order['itemCount']} item(s)\n"
                   f"ship {order.get('shipCountry')} · IP {order.get('ipCountry') or '?'} · card "
                   f"{order.get('cardCountry') or '?'}\ndevice {(order.get('deviceId') or '?')[:14]}") if order else "—"
        decision = item["decision"] + (f" → {item['finalDecision']}" if item.get("finalDecision") else "")
        table.add_row(item["orderNo"], f"{item['score']:.3f}", decision,
                      "\n".join(f"• {r}" for r in item["reasons"]) or "—", summary, _linked(item["linkedAccounts"]))
    return table


def show(base_url: str, console: Console) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as http:
        staff = staff_headers(http, console)
        if staff is None:
            return
        queue = http.get("/v1/admin/fraud/queue", params={"status": "pending", "perPage": 50}, headers=staff)
        if queue.status_code != 200:
            console.print(f"[red]risk queue answered {queue.status_code}[/]: {queue.text[:300]}")
            return
        body, status = queue.json(), "waiting for a decision"
        if not body["items"]:
            body, status = http.get("/v1/admin/fraud/queue", params={"status": "all", "perPage": 50},
                                    headers=staff).json(), "all reviews"
        if not body["items"]:
            console.print("[yellow]the risk queue is empty: no order has been sent to review yet "
                          "(orders are scored as they are placed)[/]")
            return
        console.print(_queue_table(body["items"], body["total"], status))
        top = body["items"][0]
        evaluated = http.post("/v1/ai/fraud/evaluate", json={"orderNo": top["orderNo"]}, headers=staff)
        if evaluated.status_code == 200:
            e = evaluated.json()
            thresholds = ", ".join(f"{k} ≥ {v:.4f}" for k, v in e["thresholds"].items())
            console.print(f"POST /v1/ai/fraud/evaluate {{orderNo: {top['orderNo']}}} → score [bold]{e['score']:.3f}"
                          f"[/], decision [bold]{e['decision']}[/] by {e['modelVersion']} ({e['strategy']}; "
                          f"{thresholds}) in {e['latencyMs']:.0f} ms")
        console.print("The risk team decides with PATCH /v1/admin/fraud/{orderNo} {decision: approve|reject, note}: "
                      "approve releases the order, reject cancels it, gives the stock back and refunds it.")
