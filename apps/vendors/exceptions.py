from __future__ import annotations

from kernel.errors import Conflict, DomainError, Forbidden, NotFound, ValidationFailed


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


class DocumentTooLarge(DomainError):
    status = 413
    title = "Document too large"
    type_slug = "document-too-large"


class UnsupportedDocument(ValidationFailed):
    title = "Unsupported document"


class KycFileNotFound(NotFound):
    title = "KYC document not found"
