"""The payments service's HTTP routes: payments (intent, provider webhook, dev simulator) and money (staff refunds,
vendor earnings and payouts); ROUTERS is the order main.py mounts them in."""
from __future__ import annotations

from apps.payments.routers import money, payments

ROUTERS = [payments.router, money.router]
