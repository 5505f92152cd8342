from __future__ import annotations

from kernel.errors import Conflict, Forbidden, NotFound, ValidationFailed


class VendorNotFound(NotFound):
    title = "Vendor not found"


class VendorAlreadyExists(Conflict):
    title = "Vendor already exists"


class IllegalStatusTransition(Conflict):
    title = "Illegal status transition"


class NotVendorOwner(Forbidden):
    title = "Not this vendor's owner"


class InvalidBankAccount(ValidationFailed):
    title = "Invalid bank account"


class InvalidCommission(ValidationFailed):
    title = "Invalid commission"


class TooMany(Conflict):
    title = "Limit reached"
