"""ORM rows → the HTTP answers of schemas.py (one place, shared by the public, vendor, admin and internal
routes, and by the idempotency record that replays POST /v1/orders)."""
from __future__ import annotations

from typing import Any

from apps.orders.orm import Order, OrderItem, ReturnRequest, TimelineEntry, VendorSplitRow
from apps.orders.schemas import (
    InternalOrderOut,
    OrderItemOut,
    OrderOut,
    ReturnLineOut,
    ReturnOut,
    TimelineOut,
    Totals,
    VendorOrderOut,
    VendorSplitOut,
)


def item_out(i: OrderItem) -> OrderItemOut:
    return OrderItemOut(sku=i.sku, productId=i.product_id, vendorId=i.vendor_id, title=i.title, qty=i.qty,
                        priceMinor=i.price_minor, lineTotalMinor=i.line_total_minor, discountMinor=i.discount_minor,
                        status=i.status, carrier=i.carrier, trackingNo=i.tracking_no, shippedAt=i.shipped_at,
                        deliveredAt=i.delivered_at, returnedQty=i.returned_qty)


def split_out(s: VendorSplitRow) -> VendorSplitOut:
    return VendorSplitOut(vendorId=s.vendor_id, itemsSubtotalMinor=s.items_subtotal_minor,
                          discountMinor=s.discount_minor, grossMinor=s.gross_minor, commissionMinor=s.commission_minor,
                          netMinor=s.net_minor, shippingMinor=s.shipping_minor, taxMinor=s.tax_minor,
                          commissionType=s.commission_type, commissionValue=s.commission_value,
                          fulfilledAt=s.fulfilled_at)


def timeline_out(t: TimelineEntry) -> TimelineOut:
    return TimelineOut(kind=t.kind, **{"from": t.from_status, "to": t.to_status}, note=t.note, actor=t.actor,
                       at=t.at)


def totals_out(o: Order) -> Totals:
    return Totals(subtotalMinor=o.subtotal_minor, discountMinor=o.discount_minor, shippingMinor=o.shipping_minor,
                  taxMinor=o.tax_minor, totalMinor=o.total_minor, currency=o.currency)


def _order_fields(o: Order) -> dict[str, Any]:
    return dict(
        orderId=o.id, orderNo=o.order_no, userId=o.user_id, status=o.status, paymentStatus=o.payment_status,
        currency=o.currency, totals=totals_out(o), refundedMinor=o.refunded_minor,
        items=[item_out(i) for i in o.items], vendorSplits=[split_out(s) for s in o.splits],
        couponCode=o.coupon_code, shippingMethod=o.shipping_method, shippingEtaDays=o.shipping_eta_days,
        shippingAddress=o.shipping_address, expiresAt=o.expires_at, createdAt=o.created_at, updatedAt=o.updated_at,
        paidAt=o.paid_at, cancelledAt=o.cancelled_at, cancelReason=o.cancel_reason, shippedAt=o.shipped_at,
        deliveredAt=o.delivered_at, timeline=[timeline_out(t) for t in o.timeline],
        fraudHold=bool(o.fraud_hold), fraudDecision=o.fraud_decision)


def order_out(o: Order) -> OrderOut:
    return OrderOut(**_order_fields(o))


def internal_order_out(o: Order) -> InternalOrderOut:
    return InternalOrderOut(**_order_fields(o), reservationId=o.reservation_id, paymentId=o.payment_id)


def order_json(o: Order) -> dict[str, Any]:
    """The exact JSON POST /v1/orders answers (and replays for a repeated Idempotency-Key)."""
    return order_out(o).model_dump(mode="json", by_alias=True)


def vendor_order_out(o: Order, vendor_id: str) -> VendorOrderOut:
    split = next(s for s in o.splits if s.vendor_id == vendor_id)
    return VendorOrderOut(orderNo=o.order_no, status=o.status, paymentStatus=o.payment_status, currency=o.currency,
                          items=[item_out(i) for i in o.items if i.vendor_id == vendor_id],
                          vendorSplit=split_out(split), shippingMethod=o.shipping_method,
                          shippingAddress=o.shipping_address, createdAt=o.created_at, paidAt=o.paid_at)


def return_out(r: ReturnRequest, order: Order) -> ReturnOut:
    return ReturnOut(rmaId=r.id, orderNo=order.order_no, status=r.status, reason=r.reason, note=r.note,
                     items=[ReturnLineOut(sku=i.sku, vendorId=i.vendor_id, qty=i.qty, amountMinor=i.amount_minor)
                            for i in r.items],
                     amountMinor=r.amount_minor, currency=order.currency, createdAt=r.created_at,
                     updatedAt=r.updated_at)
