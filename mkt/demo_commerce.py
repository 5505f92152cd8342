"""The demo's commerce loop, all through the gateway: a small marketplace is seeded, shoppers buy from several
vendors with a coupon, pay through the simulated provider's signed webhooks, get shipments and leave reviews."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import httpx
from rich.console import Console
from rich.table import Table

from deploy.local.mailbox import list_messages
from simulator.api import bearer, eventually, ok
from simulator.flows import active_product, add_to_cart, approved_vendor, new_category, new_user

console = Console()
ADDRESS = {"line1": "12 Harbour Road", "city": "Portland", "postalCode": "97201", "country": "US"}
CATALOG = [("Ceramic Mug", 1_450), ("Linen Apron", 3_200), ("Oak Cutting Board", 4_900),
           ("Copper Kettle", 8_900), ("Wool Throw", 6_500), ("Desk Lamp", 5_400)]


async def seed(http: httpx.AsyncClient, admin: str) -> tuple[list[dict], list[dict]]:
    vendors = [await approved_vendor(http, admin, f"{name} {uuid.uuid4().hex[:4]}")
               for name in ("Northwind Goods", "Harbor Home", "Atelier Nine")]
    parent = await new_category(http, admin, name=f"Home {uuid.uuid4().hex[:4]}")
    kitchen = await new_category(http, admin, name=f"Kitchen {uuid.uuid4().hex[:4]}", parent_id=parent["id"])
    products = []
    for i, (title, price) in enumerate(CATALOG):
        vendor = vendors[i % len(vendors)]
        product = await active_product(http, admin, vendor, category_ids=[kitchen["id"]], title=title,
                                       price_minor=price, stock=25, weight_grams=300)
        products.append({**product, "vendorId": vendor["id"]})
    return vendors, products


async def coupon(http: httpx.AsyncClient, admin: str) -> str:
    code = f"WELCOME{uuid.uuid4().hex[:4].upper()}"
    now = datetime.now(timezone.utc)
    ok(await http.post("/v1/admin/coupons", headers=bearer(admin), json={
        "code": code, "type": "percent", "value": 10, "startsAt": (now - timedelta(minutes=1)).isoformat(),
        "endsAt": (now + timedelta(days=30)).isoformat(), "usageLimit": 100, "perUserLimit": 1}), 201)
    return code


async def buy(http: httpx.AsyncClient, shopper: dict, items: list[dict], code: str) -> dict:
    for product in items:
        await add_to_cart(http, shopper, product["sku"])
    ok(await http.post("/v1/cart/apply-coupon", json={"code": code}, headers=bearer(shopper["accessToken"])), 200)
    order = ok(await http.post("/v1/orders", json={"shippingAddress": ADDRESS, "shippingMethod": "standard"},
                               headers={**bearer(shopper["accessToken"]), "Idempotency-Key": uuid.uuid4().hex}), 201)

    async def intent() -> httpx.Response:  # payments learns the order from order.created
        return await http.post("/v1/payments/intent", json={"orderNo": order["orderNo"]},
                               headers={**bearer(shopper["accessToken"]), "Idempotency-Key": order["orderNo"]})

    paid = ok(await eventually(intent, lambda r: r.status_code != 404, what="payments to know the order"), 200, 201)
    ok(await http.post(f"/v1/payments/simulate/{paid['intentId']}", json={"outcome": "succeeded"},
                       headers=bearer(shopper["accessToken"])), 200)
    await eventually(lambda: http.get(f"/v1/orders/{order['orderNo']}", headers=bearer(shopper["accessToken"])),
                     lambda r: r.json().get("paymentStatus") == "paid", what=f"{order['orderNo']} paid")
    return order


async def ship_and_deliver(http: httpx.AsyncClient, admin: str, order: dict, vendors: dict[str, dict]) -> int:
    shipped = 0
    for vendor_id in sorted({item["vendorId"] for item in order["items"]}):
        label = ok(await http.post("/v1/shipping/labels", json={"orderNo": order["orderNo"], "vendorId": vendor_id,
                                                                "serviceLevel": "standard"},
                                   headers=bearer(vendors[vendor_id]["token"])), 201)
        for status in ("in_transit", "out_for_delivery", "delivered"):
            ok(await http.post(f"/v1/shipping/track/{label['trackingNo']}/events", json={"status": status},
                               headers=bearer(admin)), 201)
        shipped += 1
    return shipped


async def review(http: httpx.AsyncClient, admin: str, shopper: dict, order: dict, products: list[dict]) -> None:
    product = next(p for p in products if p["sku"] == order["items"][0]["sku"])

    async def post() -> httpx.Response:  # reviews learns the purchase from order.paid / order.delivered
        return await http.post("/v1/reviews", json={"productId": product["id"], "orderNo": order["orderNo"],
                                                    "rating": 5, "title": "Lovely"},
                               headers=bearer(shopper["accessToken"]))

    created = ok(await eventually(post, lambda r: r.status_code != 403, what="a verified purchase"), 201)
    ok(await http.patch(f"/v1/admin/reviews/{created['id']}", json={"isApproved": True}, headers=bearer(admin)), 200)


async def run_commerce(http: httpx.AsyncClient, admin: str, shoppers: int = 3) -> list[str]:
    vendors, products = await seed(http, admin)
    console.print(f"[green]✓[/] seeded {len(vendors)} approved vendors and {len(products)} active products")
    code = await coupon(http, admin)
    by_id = {v["id"]: v for v in vendors}
    orders = []
    for i in range(shoppers):
        shopper = await new_user(http, "demo-shopper")
        picks = [products[i % len(products)], products[(i + 1) % len(products)]]  # two vendors per order
        order = await buy(http, shopper, picks, code)
        shipments = await ship_and_deliver(http, admin, order, by_id)
        await review(http, admin, shopper, order, products)
        orders.append(order)
        console.print(f"[green]✓[/] {shopper['email']} bought {order['orderNo']} ({len(order['items'])} items, "
                      f"coupon {code}), paid, {shipments} shipments delivered, reviewed")
    await print_summary(http, orders, vendors)
    return [o["orderNo"] for o in orders]


async def print_summary(http: httpx.AsyncClient, orders: list[dict], vendors: list[dict]) -> None:
    table = Table(title="orders")
    for col in ("orderNo", "total", "discount", "vendors"):
        table.add_column(col)
    for o in orders:
        totals = o["totals"]
        table.add_row(o["orderNo"], f"{totals['totalMinor'] / 100:.2f} {totals.get('currency', 'USD')}",
                      f"{totals['discountMinor'] / 100:.2f}", str(len(o["vendorSplits"])))
    console.print(table)
    earnings = Table(title="vendor earnings (GET /v1/vendors/{id}/earnings)")
    for col in ("vendor", "pending", "eligible", "paid"):
        earnings.add_column(col)
    for v in vendors:
        e = ok(await http.get(f"/v1/vendors/{v['id']}/earnings", headers=bearer(v["token"])), 200)
        earnings.add_row(v["name"], *(f"{e.get(k, 0) / 100:.2f}" for k in ("pendingMinor", "eligibleMinor",
                                                                              "paidMinor")))
    console.print(earnings)
    mails = list_messages()
    console.print(f"[green]✓[/] {len(mails)} mails in the SMTP sink; latest: "
                  + "; ".join(str(m["Subject"]) for m in mails[-4:]))
