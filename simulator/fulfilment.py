"""After payment: vendor earnings, shipping per vendor (handling time, promise, lateness from the vendor's
reliability), delivery, returns (likelier for poor quality or late parcels), reviews (rating from quality, minus
lateness, plus noise), customer cancellations and chargebacks of fraudulent orders."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from kernel.money import divide_half_even
from simulator.checkout import Money, OrderPlan, Split, zone
from simulator.emitter import Emitter
from simulator.ids import IdSource
from simulator.stock import StockBook
from simulator.truth import Truth
from simulator.world import World

RETURN_WINDOW = timedelta(days=14)
CARRIER = "SimPost"
RETURN_REASONS = ("defective", "not_as_described", "changed_mind", "wrong_size")


@dataclass
class PaidOrder:
    plan: OrderPlan
    order_no: str
    order_id: str
    money: Money
    fees: list[int]
    paid_at: datetime
    payment_id: str
    items: list[dict]
    refunded: int = 0
    vendor_refunded: dict[int, int] = field(default_factory=dict)
    eligible_at: datetime | None = None

    @property
    def user_id(self) -> str:
        return self.plan.shopper.id


class Fulfilment:
    def __init__(self, world: World, em: Emitter, stock: StockBook, truth: Truth, admin_id: str) -> None:
        self.world, self.em, self.stock, self.truth, self.admin_id = world, em, stock, truth, admin_id
        self.cur = world.config.currency
        self.ratings: dict[int, tuple[int, int]] = {}  # product -> (sum, count) of approved reviews
        self.restocks: dict[int, list[tuple[int, int, datetime]]] = {}  # day -> (sku, qty, at)

    # -- money -------------------------------------------------------------------------------------------
    def earning(self, o: PaidOrder, i: int, change: str, status: str, at: datetime,
                eligible_at: datetime | None = None) -> None:
        s, fee = o.money.splits[i], o.fees[i]
        refunded = o.vendor_refunded.get(s.vendor, 0)
        left = s.gross - min(refunded, s.gross)
        commission = divide_half_even(s.commission * left, s.gross) if s.gross else 0
        fees = divide_half_even(fee * left, s.gross) if s.gross else fee
        vendor = self.world.vendors[s.vendor]
        self.em.emit("earning.recorded", {
            "earningId": None, "vendorId": vendor.id, "orderNo": o.order_no, "grossMinor": left,
            "commissionMinor": commission, "feesMinor": fees, "netMinor": left - commission - fees,
            "refundedMinor": refunded, "currency": self.cur, "status": status, "change": change,
            "eligibleAt": eligible_at, "at": at}, key=vendor.id, at=at)

    def refund(self, o: PaidOrder, amount: int, reason: str, at: datetime, ids: IdSource, *,
               items: list[dict] | None = None, rma_id: str | None = None,
               by_vendor: dict[int, int] | None = None) -> None:
        """A refund, its payment status change and the earnings it shrinks (by_vendor: gross given back per
        vendor; None = everything, e.g. a cancellation or chargeback)."""
        total = o.money.total
        previous = "paid" if o.refunded == 0 else "partial"
        o.refunded += amount
        full = o.refunded >= total
        shares = by_vendor if by_vendor is not None else {s.vendor: s.gross for s in o.money.splits}
        for v, share in shares.items():
            o.vendor_refunded[v] = o.vendor_refunded.get(v, 0) + share
        self.em.emit("payment.refunded", {
            "refundId": ids.uuid(at), "orderNo": o.order_no, "paymentId": o.payment_id, "amountMinor": amount,
            "currency": self.cur, "reason": reason, "full": full, "refundedTotalMinor": o.refunded,
            "capturedMinor": total, "items": items, "rmaId": rma_id, "status": "succeeded", "refundedAt": at},
            key=o.order_no, at=at, actor_id=self.admin_id)
        self.em.emit("order.payment_status_changed", {
            "orderNo": o.order_no, "from": previous, "to": "refunded" if full else "partial",
            "refundedMinor": o.refunded, "totalMinor": total, "at": at}, key=o.order_no, at=at)
        void = full and reason == "order_cancelled"
        status = "void" if void else ("eligible" if o.eligible_at is not None and at >= o.eligible_at else "pending")
        for i, s in enumerate(o.money.splits):
            if s.vendor in shares:
                self.earning(o, i, "void" if void else "refund", status, at, o.eligible_at)
        if at < self.world.config.end_at:
            self.truth.order_rows[o.order_no]["refunded_minor"] = o.refunded

    # -- the whole path ----------------------------------------------------------------------------------
    def run(self, o: PaidOrder, row: dict, rng: np.random.Generator, ids: IdSource) -> None:
        for i in range(len(o.money.splits)):
            self.earning(o, i, "recorded", "pending", o.paid_at + timedelta(seconds=1))
        plan = o.plan
        labels = [o.paid_at + timedelta(hours=max(1.0, rng.exponential(self.world.vendors[s.vendor].handling_days
                                                                       * 24))) for s in o.money.splits]
        if not plan.is_fraud and rng.random() < 0.015:  # the shopper changes their mind before shipping
            at = min(labels) - timedelta(minutes=int(rng.integers(5, 50)))
            return self._cancel(o, row, max(at, o.paid_at + timedelta(minutes=2)), ids)
        delivered = self._ship(o, row, labels, rng, ids)
        o.eligible_at = max(delivered) + RETURN_WINDOW
        chargeback = o.paid_at + timedelta(days=float(rng.uniform(15, 60))) if plan.chargeback else None
        back = None if plan.is_fraud else self._plan_return(o, row, delivered, rng)
        refund_at = chargeback or (back[2] + timedelta(hours=1) if back else None)
        # The eligible event carries the figures of its moment: before or after the refund, as time has it.
        eligible_first = refund_at is None or refund_at >= o.eligible_at
        if eligible_first:
            self._eligible(o)
        if chargeback is not None:
            self.refund(o, o.money.total, "chargeback", chargeback, ids)
            row["chargeback"] = chargeback < self.world.config.end_at
        if back is not None:
            self._return(o, row, back, rng, ids)
        if not plan.is_fraud:
            self._reviews(o, delivered, rng, ids)
        if not eligible_first and o.refunded < o.money.total:
            self._eligible(o)

    def _eligible(self, o: PaidOrder) -> None:
        for i in range(len(o.money.splits)):
            self.earning(o, i, "eligible", "eligible", o.eligible_at, o.eligible_at)

    def _cancel(self, o: PaidOrder, row: dict, at: datetime, ids: IdSource) -> None:
        self.em.emit("order.status_changed", {"orderNo": o.order_no, "from": "processing", "to": "cancelled",
                                              "userId": o.user_id, "paymentStatus": "paid",
                                              "note": "customer", "at": at}, key=o.order_no, at=at)
        self.em.emit("order.cancelled", {
            "orderNo": o.order_no, "orderId": o.order_id, "userId": o.user_id, "reason": "customer",
            "previousStatus": "processing", "paymentStatus": "paid", "totalMinor": o.money.total,
            "currency": self.cur, "cancelledAt": at}, key=o.order_no, at=at, actor_id=o.user_id)
        row["cancel_reason"] = "customer"
        self.refund(o, o.money.total, "order_cancelled", at + timedelta(minutes=3), ids)

    def _status(self, o: PaidOrder, old: str, new: str, at: datetime) -> None:
        self.em.emit("order.status_changed", {"orderNo": o.order_no, "from": old, "to": new, "userId": o.user_id,
                                              "paymentStatus": "paid", "note": None, "at": at}, key=o.order_no, at=at)

    def _ship(self, o: PaidOrder, row: dict, labels: list[datetime], rng: np.random.Generator,
              ids: IdSource) -> list[datetime]:
        """Each vendor's parcel: label, shipped items, delivery; then the order's shipped/delivered steps."""
        delivered = []
        for i, s in enumerate(o.money.splits):
            tracking, promised = self._label(o, s, labels[i], ids)
            at, late = self._deliver(o, s, tracking, labels[i], promised, rng)
            row["late"] = row["late"] or late
            delivered.append(at)
        self._status(o, "processing", "shipped", max(labels))
        done = max(delivered)
        self._status(o, "shipped", "delivered", done)
        self.em.emit("order.delivered", {
            "orderNo": o.order_no, "userId": o.user_id,
            "productIds": sorted({self.world.products[ln.product].id for ln in o.plan.lines}),
            "vendorIds": sorted({self.world.vendors[s.vendor].id for s in o.money.splits}), "deliveredAt": done},
            key=o.order_no, at=done)
        row["delivered_at"] = done
        return delivered

    def _label(self, o: PaidOrder, s: Split, label: datetime, ids: IdSource) -> tuple[str, datetime]:
        vendor, plan = self.world.vendors[s.vendor], o.plan
        tracking, promised = ids.tracking_no(), label + timedelta(days=s.eta_days)
        self.em.emit("shipping.label.created", {
            "orderNo": o.order_no, "vendorId": vendor.id, "trackingNo": tracking, "carrier": CARRIER,
            "serviceLevel": plan.service_level, "shipmentId": ids.uuid(label), "zone": zone(plan.city[1]),
            "destinationCountry": plan.city[1], "etaDays": s.eta_days, "promisedAt": promised,
            "createdAt": label}, key=o.order_no, at=label, actor_id=vendor.owner_id)
        for item in o.items:
            if item["vendorId"] == vendor.id:
                self.em.emit("order.item_shipped", {
                    "orderNo": o.order_no, "vendorId": vendor.id, "sku": item["sku"], "qty": item["qty"],
                    "carrier": CARRIER, "trackingNo": tracking, "shippedAt": label}, key=o.order_no, at=label)
        self.em.emit("order.fulfilled", {"orderNo": o.order_no, "vendorId": vendor.id, "userId": o.user_id,
                                         "trackingNos": [tracking], "shippedAt": label}, key=o.order_no, at=label)
        return tracking, promised

    def _deliver(self, o: PaidOrder, s: Split, tracking: str, label: datetime, promised: datetime,
                 rng: np.random.Generator) -> tuple[datetime, bool]:
        """On time with the vendor's reliability (a little less abroad), else days past the promise."""
        vendor, where = self.world.vendors[s.vendor], zone(o.plan.city[1])
        reliability = vendor.reliability - (0.08 if where == "international" else 0.0)
        if rng.random() < reliability:
            transit = timedelta(days=s.eta_days * float(rng.uniform(0.4, 0.97)))
        else:
            transit = timedelta(days=s.eta_days + 0.05 + float(rng.exponential(2.0)))
        at = label + transit
        late = at > promised
        self.em.emit("shipping.delivered", {
            "trackingNo": tracking, "orderNo": o.order_no, "vendorId": vendor.id, "deliveredAt": at, "late": late,
            "promisedAt": promised, "serviceLevel": o.plan.service_level, "zone": where, "etaDays": s.eta_days,
            "labelCreatedAt": label, "transitHours": round(transit.total_seconds() / 3600, 2)},
            key=o.order_no, at=at)
        self.truth.shipments.append({
            "order_no": o.order_no, "vendor_id": vendor.id, "tracking_no": tracking, "label_at": label,
            "promised_at": promised, "delivered_at": at, "late": late, "vendor_reliability": reliability,
            "delivered_in_window": at < self.world.config.end_at})
        return at, late

    def _plan_return(self, o: PaidOrder, row: dict, delivered: list[datetime],
                     rng: np.random.Generator) -> tuple[list, datetime, datetime] | None:
        """Lines sent back (likelier for poor quality and late parcels), when asked and when received."""
        back = [ln for ln in o.plan.lines
                if rng.random() < 0.015 + 0.22 * (1 - self.world.products[ln.product].quality) ** 2
                + (0.05 if row["late"] else 0.0)]
        if not back:
            return None
        asked = max(delivered) + timedelta(days=float(rng.uniform(1, 12)))
        return back, asked, asked + timedelta(days=1 + float(rng.uniform(2, 7)))

    def _return(self, o: PaidOrder, row: dict, plan: tuple[list, datetime, datetime], rng: np.random.Generator,
                ids: IdSource) -> None:
        back, asked, received = plan
        rma = ids.uuid(asked)
        items = [{"sku": self.world.sku_codes[ln.sku], "qty": ln.qty, "amountMinor": ln.total,
                  "vendorId": self.world.vendors[ln.vendor].id} for ln in back]
        amount, full = sum(ln.total for ln in back), len(back) == len(o.plan.lines)
        base = {"orderNo": o.order_no, "rmaId": rma}
        self.em.emit("order.return_requested", {
            **base, "userId": o.user_id, "items": items, "amountMinor": amount, "currency": self.cur,
            "reason": RETURN_REASONS[int(rng.integers(0, len(RETURN_REASONS)))], "requestedAt": asked},
            key=o.order_no, at=asked, actor_id=o.user_id)
        approved = asked + timedelta(hours=float(rng.uniform(2, 22)))
        self.em.emit("order.return_status_changed", {**base, "from": "requested", "to": "approved", "at": approved},
                     key=o.order_no, at=approved, actor_id=self.admin_id)
        self.em.emit("order.return_status_changed", {**base, "from": "approved", "to": "received", "at": received},
                     key=o.order_no, at=received, actor_id=self.admin_id)
        if full:
            self._status(o, "delivered", "returned", received)
        self.em.emit("order.returned", {
            **base, "userId": o.user_id, "items": items, "amountMinor": amount, "currency": self.cur,
            "orderStatus": "returned" if full else "delivered", "receivedAt": received}, key=o.order_no, at=received)
        by_vendor: dict[int, int] = {}
        for ln in back:
            by_vendor[ln.vendor] = by_vendor.get(ln.vendor, 0) + ln.total
            self.restocks.setdefault((received - self.world.config.start_at).days, []).append(
                (ln.sku, ln.qty, received))
        self.refund(o, amount, "return", received + timedelta(hours=1), ids, rma_id=rma, by_vendor=by_vendor,
                    items=[{"sku": i["sku"], "qty": i["qty"]} for i in items])
        row["returned"] = received < self.world.config.end_at

    def _reviews(self, o: PaidOrder, delivered: list[datetime], rng: np.random.Generator, ids: IdSource) -> None:
        late = self.truth.order_rows[o.order_no]["late"]
        for product in sorted({ln.product for ln in o.plan.lines}):
            if rng.random() >= 0.22:
                continue
            p = self.world.products[product]
            rating = int(np.clip(round(1 + 4 * p.quality + rng.normal(0, 0.8) - (0.8 if late else 0)), 1, 5))
            at = max(delivered) + timedelta(days=float(rng.uniform(1, 15)))
            review_id = ids.uuid(at)
            base = {"reviewId": review_id, "productId": p.id, "userId": o.user_id, "orderNo": o.order_no,
                    "rating": rating}
            self.em.emit("review.submitted", {**base, "status": "pending", "title": None, "body": None,
                                            "createdAt": at}, key=p.id, at=at, actor_id=o.user_id)
            total, count = self.ratings.get(product, (0, 0))
            total, count = total + rating, count + 1
            self.ratings[product] = (total, count)
            moderated = at + timedelta(hours=float(rng.uniform(2, 30)))
            self.em.emit("review.approved", {
                **base, "status": "approved", "previousStatus": "pending", "ratingAvg": round(total / count, 2),
                "ratingCount": count, "moderatorId": self.admin_id, "reason": None, "moderatedAt": moderated},
                key=p.id, at=moderated, actor_id=self.admin_id)
            self.truth.reviews.append({"review_id": review_id, "product_id": p.id, "user_id": o.user_id,
                                       "order_no": o.order_no, "rating": rating, "product_quality": p.quality,
                                       "late": late, "created_at": at})
