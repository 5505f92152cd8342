from __future__ import annotations

from kernel.errors import Conflict, NotFound, Unauthorized


class AddressNotFound(NotFound):
    title = "Address not found"


class AddressLimitReached(Conflict):
    title = "Address limit reached"


class AddressConflict(Conflict):
    title = "Address book changed concurrently"


class DefaultAddressRequired(Conflict):
    title = "A default address is required"


class InvalidSubject(Unauthorized):
    title = "Invalid token subject"
