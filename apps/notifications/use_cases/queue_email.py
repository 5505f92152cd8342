"""The admin's direct email: the email template must exist and every placeholder must have a value."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from apps.notifications import rendering
from apps.notifications.exceptions import MissingPlaceholders, TemplateNotFound
from apps.notifications.orm import Message
from apps.notifications.queries import active_templates
from apps.notifications.use_cases.enqueue import enqueue
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

# Values the sender adds itself (the recipient's name, from their account when known).
FILLED_AT_SEND = frozenset({"name"})


@use_case
async def queue_email(*, uow: UnitOfWork, template_key: str, to: str, payload: dict[str, Any], max_attempts: int,
                      not_before: datetime | None = None) -> Message:
    active = await active_templates(uow, template_key, channels=("email",))
    if not active:
        raise TemplateNotFound(f"No active email template {template_key!r}.")
    template = active[0]
    gaps = [g for g in rendering.missing(payload, template.subject, template.body, template.text_body)
            if g not in FILLED_AT_SEND]
    if gaps:
        raise MissingPlaceholders(f"payload lacks {', '.join(gaps)}",
                                  errors=[{"field": f"payload.{g}", "message": "required by the template"}
                                          for g in gaps])
    [msg] = await enqueue(uow=uow, template_key=template_key, recipient_kind="email", recipient_ref=to,
                          payload=payload, max_attempts=max_attempts, channels=("email",), not_before=not_before)
    return msg
