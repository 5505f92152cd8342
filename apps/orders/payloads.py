"""Event payloads of the orders domain (kernel/contracts/orders.py), built from the rows in one place."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.orders.orm import Order, ReturnRequest, VendorSplitRow


def split(s: VendorSplitRow) -> dict[str, Any]:
    return {"vendorId": s.vendor_id, "grossMinor": s.gross_minor, "commissionMinor": s.commission_minor,
            "netMinor": s.net_minor, "shippingMinor": s.shipping_minor, "taxMinor": s.tax_minor,
            "discountMinor": s.discount_minor, "commissionType": s.commission_type,
            "commissionValue": s.commission_value}


def product_ids(order: Order) -> list[str]:
    return sorted({i.product_id for i in order.items if i.product_id})


def created(order: Order) -> dict[str, Any]:
    address = order.shipping_address
    return {
        "orderNo": order.order_no, "orderId": order.id, "userId": order.user_id, "status": order.status,
        "paymentStatus": order.payment_status, "currency": order.currency,
        "totals": {"subtotalMinor": order.subtotal_minor, "discountMinor": order.discount_minor,
                   "shippingMinor": order.shipping_minor, "taxMinor": order.tax_minor,
                   "totalMinor": order.total_minor},
        "items": [{"sku": i.sku, "productId": i.product_id, "vendorId": i.vendor_id, "qty": i.qty,
                   "priceMinor": i.price_minor, "lineTotalMinor": i.line_total_minor,
                   "discountMinor": i.discount_minor, "categoryIds": list(i.category_ids or [])}
                  for i in order.items],
        "vendorSplits": [split(s) for s in order.splits],
        "couponCode": order.coupon_code, "shippingMethod": order.shipping_method,
        "shippingAddress": {"city": address["city"], "country": address["country"],
                            "postalCode": address.get("postalCode")},
        "reservationId": order.reservation_id, "expiresAt": order.expires_at, "createdAt": order.created_at,
    }


def paid(order: Order) -> dict[str, Any]:
    return {"orderNo": order.order_no, "orderId": order.id, "userId": order.user_id,
            "totalMinor": order.total_minor, "currency": order.currency,
            "vendorSplits": [split(s) for s in order.splits], "productIds": product_ids(order),
            "paymentId": order.payment_id, "paidAt": order.paid_at}


def cancelled(order: Order, *, previous_status: str) -> dict[str, Any]:
    return {"orderNo": order.order_no, "orderId": order.id, "userId": order.user_id,
            "reason": order.cancel_reason or "cancelled", "previousStatus": previous_status,
            "paymentStatus": order.payment_status, "totalMinor": order.total_minor, "currency": order.currency,
            "cancelledAt": order.cancelled_at}


def delivered(order: Order) -> dict[str, Any]:
    return {"orderNo": order.order_no, "userId": order.user_id, "productIds": product_ids(order),
            "vendorIds": sorted({s.vendor_id for s in order.splits}), "deliveredAt": order.delivered_at}


def return_lines(rma: ReturnRequest) -> list[dict[str, Any]]:
    return [{"sku": i.sku, "qty": i.qty, "amountMinor": i.amount_minor, "vendorId": i.vendor_id}
            for i in rma.items]


def return_requested(order: Order, rma: ReturnRequest) -> dict[str, Any]:
    return {"orderNo": order.order_no, "rmaId": rma.id, "userId": rma.user_id, "items": return_lines(rma),
            "amountMinor": rma.amount_minor, "currency": order.currency, "reason": rma.reason,
            "requestedAt": rma.created_at}


def returned(order: Order, rma: ReturnRequest, *, at: datetime) -> dict[str, Any]:
    return {"orderNo": order.order_no, "rmaId": rma.id, "userId": order.user_id, "items": return_lines(rma),
            "amountMinor": rma.amount_minor, "currency": order.currency, "orderStatus": order.status,
            "receivedAt": at}
