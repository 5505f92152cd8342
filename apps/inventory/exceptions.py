from __future__ import annotations

from kernel.errors import Conflict, NotFound, ValidationFailed


class StockItemNotFound(NotFound):
    title = "SKU not found"


class ReservationNotFound(NotFound):
    title = "Reservation not found"


class InsufficientStock(Conflict):
    """All-or-nothing reservation refused; `errors` lists each short SKU with requested and available."""

    title = "Insufficient stock"
    type_slug = "insufficient-stock"


class StockBelowReserved(Conflict):
    title = "Stock below reserved"
    type_slug = "stock-below-reserved"


class NegativeStock(Conflict):
    title = "Stock would be negative"
    type_slug = "negative-stock"


class InvalidStockChange(ValidationFailed):
    title = "Invalid stock change"


class ReservationClosed(Conflict):
    title = "Reservation is closed"
    type_slug = "reservation-closed"
