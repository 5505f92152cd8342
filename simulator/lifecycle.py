"""An order's life up to payment, as orders, inventory, cart and payments emit it: created + reserved + checked
out, payment attempts (declines, success), paid + committed + earnings, or expiry; customer cancellations.
Shipping, delivery, returns, reviews and chargebacks follow in fulfilment.py."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np

from kernel.contracts.registry import contract_for
from simulator.checkout import Money, OrderPlan, price_order, vendor_fees
from simulator.emitter import Emitter
from simulator.fulfilment import Fulfilment, PaidOrder
from simulator.ids import IdSource
from simulator.stock import StockBook
from simulator.truth import Truth
from simulator.world import World

RESERVATION_TTL = timedelta(minutes=15)
DECLINE_REASONS = ("card_declined", "insufficient_funds", "incorrect_cvc", "expired_card")
PROVIDER = "simulated"


def _accepts(event_type: str, alias: str) -> bool:
    """Whether a contract carries an optional field (fraud signals ride on order and payment events once the
    contracts have them; until then the simulator leaves them out and keeps them in its ground truth)."""
    return any(f.alias == alias for f in contract_for(event_type).model.model_fields.values())


ORDER_SIGNALS = _accepts("order.created", "deviceId")
CARD_SIGNALS = _accepts("payment.intent.created", "cardFingerprint")


class Orders:
    def __init__(self, world: World, em: Emitter, stock: StockBook, truth: Truth, admin_id: str) -> None:
        self.world, self.em, self.stock, self.truth = world, em, stock, truth
        self.cur = world.config.currency
        self.fulfilment = Fulfilment(world, em, stock, truth, admin_id)
        self.category_ids = [[world.categories[p.category].id] for p in world.products]

    def _items(self, plan: OrderPlan) -> list[dict]:
        w = self.world
        return [{"sku": w.sku_codes[ln.sku], "productId": w.products[ln.product].id,
                 "vendorId": w.vendors[ln.vendor].id, "qty": ln.qty, "priceMinor": ln.price,
                 "lineTotalMinor": ln.total, "discountMinor": 0, "categoryIds": self.category_ids[ln.product]}
                for ln in plan.lines]

    def _splits(self, money: Money) -> list[dict]:
        return [{"vendorId": self.world.vendors[s.vendor].id, "grossMinor": s.gross, "commissionMinor": s.commission,
                 "netMinor": s.net, "shippingMinor": s.shipping, "taxMinor": 0, "discountMinor": 0,
                 "commissionType": "percent", "commissionValue": s.commission_bps} for s in money.splits]

    def _card(self, plan: OrderPlan) -> dict:
        if not CARD_SIGNALS:
            return {}
        return {"cardFingerprint": plan.card[0], "cardCountry": plan.card[1], "billingCountry": plan.card[1]}

    def place(self, plan: OrderPlan, order_no: str, rng: np.random.Generator, ids: IdSource) -> dict:
        """Everything about one checkout, from order.created to its last refund; returns its truth row."""
        money = price_order(self.world, plan)
        order_id, reservation_id = ids.uuid(plan.at), ids.uuid(plan.at)
        items, splits = self._items(plan), self._splits(money)
        reservation = self._created(plan, order_no, order_id, reservation_id, money, items, splits)
        row = self._truth_row(plan, order_no, order_id, money)
        paid_at, payment_id = self._pay(plan, order_no, money, reservation, rng, ids)
        if paid_at is None:
            return row
        row["paid"], row["paid_at"] = True, paid_at
        self._paid(plan, order_no, order_id, money, splits, reservation, paid_at, payment_id)
        self.fulfilment.run(PaidOrder(plan, order_no, order_id, money, vendor_fees(money), paid_at, payment_id,
                                      items), row, rng, ids)
        return row

    def _created(self, plan: OrderPlan, order_no: str, order_id: str, reservation_id: str, money: Money,
                 items: list[dict], splits: list[dict]) -> dict:
        """order.created, inventory.reserved, cart.checked_out; returns the reservation's shared fields."""
        at, uid = plan.at, plan.shopper.id
        created = {
            "orderNo": order_no, "orderId": order_id, "userId": uid, "status": "unfulfilled",
            "paymentStatus": "pending", "currency": self.cur,
            "totals": {"subtotalMinor": money.subtotal, "discountMinor": 0, "shippingMinor": money.shipping,
                       "taxMinor": 0, "totalMinor": money.total},
            "items": items, "vendorSplits": splits, "couponCode": None, "shippingMethod": plan.service_level,
            "shippingAddress": {"city": plan.city[0], "country": plan.city[1], "postalCode": plan.city[2]},
            "reservationId": reservation_id, "expiresAt": at + RESERVATION_TTL, "createdAt": at}
        if ORDER_SIGNALS:
            created.update({"deviceId": plan.device, "ipCountry": plan.ip_country})
        self.em.emit("order.created", created, key=order_no, at=at, actor_id=uid)
        lines = [{"sku": i["sku"], "qty": i["qty"], "vendorId": i["vendorId"]} for i in items]
        reservation = {"reservationId": reservation_id, "reference": order_no, "items": lines,
                       "expiresAt": at + RESERVATION_TTL, "reason": None}
        self.em.emit("inventory.reserved", {**reservation, "status": "active", "at": at}, key=reservation_id, at=at)
        self.em.emit("cart.checked_out", {
            "userId": uid, "orderNo": order_no, "subtotalMinor": money.subtotal, "currency": self.cur,
            "couponCode": None, "checkedOutAt": at,
            "items": [{"sku": i["sku"], "qty": i["qty"], "priceMinor": i["priceMinor"], "productId": i["productId"],
                       "vendorId": i["vendorId"]} for i in items]}, key=uid, at=at, actor_id=uid)
        return reservation

    def _truth_row(self, plan: OrderPlan, order_no: str, order_id: str, money: Money) -> dict:
        return self.truth.order({
            "order_no": order_no, "order_id": order_id, "user_id": plan.shopper.id, "created_at": plan.at,
            "subtotal_minor": money.subtotal, "shipping_minor": money.shipping, "total_minor": money.total,
            "lines": len(plan.lines), "units": sum(ln.qty for ln in plan.lines),
            "vendors": len(money.splits), "is_fraud": plan.is_fraud, "pattern": plan.pattern,
            "device_id": plan.device, "card_fingerprint": plan.card[0], "card_country": plan.card[1],
            "ship_city": plan.city[0], "ship_country": plan.city[1], "ship_postal_code": plan.city[2],
            "ip_country": plan.ip_country, "account_created_at": plan.shopper.created_at,
            "payment_declines": plan.declines, "paid": False, "paid_at": None, "cancel_reason": None,
            "refunded_minor": 0, "chargeback": False, "returned": False, "delivered_at": None, "late": False,
            "vendor_net": {self.world.vendors[s.vendor].id: s.net for s in money.splits}})

    def _attempt(self, plan: OrderPlan, order_no: str, money: Money, at: datetime, ids: IdSource) -> str:
        intent_id = ids.uuid(at)
        self.em.emit("payment.intent.created", {
            "intentId": intent_id, "orderNo": order_no, "userId": plan.shopper.id, "amountMinor": money.total,
            "currency": self.cur, "provider": PROVIDER, "createdAt": at, **self._card(plan)},
            key=order_no, at=at, actor_id=plan.shopper.id)
        return intent_id

    def _pay(self, plan: OrderPlan, order_no: str, money: Money, reservation: dict, rng: np.random.Generator,
             ids: IdSource) -> tuple[datetime | None, str | None]:
        at, status = plan.at + timedelta(seconds=int(rng.integers(5, 40))), "pending"
        for _ in range(plan.declines):
            intent_id = self._attempt(plan, order_no, money, at, ids)
            at += timedelta(seconds=int(rng.integers(4, 30)))
            self.em.emit("payment.failed", {
                "intentId": intent_id, "orderNo": order_no,
                "reason": DECLINE_REASONS[int(rng.integers(0, len(DECLINE_REASONS)))], "amountMinor": money.total,
                "currency": self.cur, "provider": PROVIDER, "failedAt": at, **self._card(plan)}, key=order_no, at=at)
            if status == "pending":
                self._payment_status(order_no, "pending", "failed", money.total, 0, at)
                status = "failed"
            at += timedelta(seconds=int(rng.integers(20, 240)))
        if not plan.pays:
            self._expire(plan, order_no, money, reservation, status)
            return None, None
        intent_id = self._attempt(plan, order_no, money, at, ids)
        at += timedelta(seconds=int(rng.integers(3, 45)))
        payment_id = ids.uuid(at)
        self.em.emit("payment.succeeded", {
            "paymentId": payment_id, "intentId": intent_id, "orderNo": order_no, "amountMinor": money.total,
            "currency": self.cur, "provider": PROVIDER, "providerEventId": f"evt_sim_{ids.hex(24)}",
            "succeededAt": at, **self._card(plan)}, key=order_no, at=at)
        self._payment_status(order_no, status, "paid", money.total, 0, at)
        return at, payment_id

    def _payment_status(self, order_no: str, old: str, new: str, total: int, refunded: int, at: datetime) -> None:
        self.em.emit("order.payment_status_changed", {"orderNo": order_no, "from": old, "to": new,
                                                      "refundedMinor": refunded, "totalMinor": total, "at": at},
                     key=order_no, at=at)

    def _expire(self, plan: OrderPlan, order_no: str, money: Money, reservation: dict, status: str) -> None:
        """No attempt succeeded: the reservation goes back and the TTL sweeper cancels the order."""
        at = plan.at + RESERVATION_TTL
        self.em.emit("inventory.released", {**reservation, "status": "released", "reason": "expired", "at": at},
                     key=reservation["reservationId"], at=at)
        for ln in plan.lines:
            self.stock.give_back(ln.sku, ln.qty)
        self.em.emit("order.status_changed", {"orderNo": order_no, "from": "unfulfilled", "to": "cancelled",
                                              "userId": plan.shopper.id, "paymentStatus": status,
                                              "note": "expired", "at": at}, key=order_no, at=at)
        self.em.emit("order.cancelled", {
            "orderNo": order_no, "orderId": None, "userId": plan.shopper.id, "reason": "expired",
            "previousStatus": "unfulfilled", "paymentStatus": status, "totalMinor": money.total,
            "currency": self.cur, "cancelledAt": at}, key=order_no, at=at)
        self.truth.order_rows[order_no]["cancel_reason"] = "expired"

    def _paid(self, plan: OrderPlan, order_no: str, order_id: str, money: Money, splits: list[dict],
              reservation: dict, at: datetime, payment_id: str) -> None:
        self.em.emit("inventory.committed", {**reservation, "status": "committed", "at": at},
                     key=reservation["reservationId"], at=at)
        self.em.emit("order.status_changed", {"orderNo": order_no, "from": "unfulfilled", "to": "processing",
                                              "userId": plan.shopper.id, "paymentStatus": "paid", "note": "paid",
                                              "at": at}, key=order_no, at=at)
        product_ids = sorted({self.world.products[ln.product].id for ln in plan.lines})
        self.em.emit("order.paid", {"orderNo": order_no, "orderId": order_id, "userId": plan.shopper.id,
                                    "totalMinor": money.total, "currency": self.cur, "vendorSplits": splits,
                                    "productIds": product_ids, "paymentId": payment_id, "paidAt": at},
                     key=order_no, at=at)
