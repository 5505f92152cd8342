from __future__ import annotations

from kernel.errors import Conflict, Forbidden, NotFound, ValidationFailed


class ShipmentNotFound(NotFound):
    title = "Shipment not found"


class OrderNotFound(NotFound):
    title = "Order not found"


class OrderNotShippable(Conflict):
    title = "Order cannot be shipped"


class LabelExists(Conflict):
    title = "Label already exists"


class NotYourShipment(Forbidden):
    title = "Not your shipment"


class InvalidTransition(Conflict):
    title = "Tracking status change not allowed"


class InvalidShipment(ValidationFailed):
    title = "Invalid shipment"


class NoRate(ValidationFailed):
    title = "No rate for this shipment"
