from __future__ import annotations

from kernel.errors import Conflict, NotFound, ValidationFailed


class TemplateNotFound(NotFound):
    title = "Template not found"


class MessageNotFound(NotFound):
    title = "Message not found"


class TemplateExists(Conflict):
    title = "Template already exists"


class InvalidTemplate(ValidationFailed):
    title = "Invalid template"


class MissingPlaceholders(ValidationFailed):
    title = "Missing template values"


class DeliveryFailed(Exception):
    """A send that failed; `permanent` ones (no such user, template gone) are not retried."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent
