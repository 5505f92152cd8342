"""The admin's templates: create, update, delete. Templates are validated on write: a malformed placeholder or an
email template without a subject is refused, so a broken template never reaches the sender."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import IntegrityError

from apps.notifications import rendering
from apps.notifications.exceptions import InvalidTemplate, TemplateExists
from apps.notifications.orm import Template
from apps.notifications.queries import get_template
from apps.notifications.repository import NotificationsRepository
from kernel.ids import new_id_str
from kernel.uow import UnitOfWork
from kernel.use_case import use_case

FIELDS = ("subject", "body", "text_body", "description", "is_active")


def _check(t: Template) -> None:
    errors = [{"field": field, "message": f"malformed placeholder near {bad!r}"}
              for field, text in (("subject", t.subject), ("body", t.body), ("textBody", t.text_body))
              for bad in rendering.malformed(text)]
    if t.channel == "email" and not (t.subject or "").strip():
        errors.append({"field": "subject", "message": "email templates need a subject"})
    if errors:
        raise InvalidTemplate("The template cannot be rendered.", errors=errors)


def _emit(uow: UnitOfWork, t: Template, change: str) -> None:
    uow.emit("notification.template_changed", {"templateId": t.id, "key": t.key, "channel": t.channel,
                                               "isActive": t.is_active, "change": change,
                                               "at": datetime.now(timezone.utc)}, key=t.id)


@use_case
async def create_template(*, uow: UnitOfWork, key: str, channel: str, values: dict[str, Any]) -> Template:
    template = Template(id=new_id_str(), key=key, channel=channel, **{f: values.get(f) for f in FIELDS
                                                                      if f != "is_active"},
                        is_active=values.get("is_active", True))
    _check(template)
    repo = uow.repository(NotificationsRepository)
    if await repo.template_exists(key, channel):
        raise TemplateExists(f"A {channel} template {key!r} already exists.")
    try:
        await repo.add(template)
    except IntegrityError:
        raise TemplateExists(f"A {channel} template {key!r} already exists.") from None
    _emit(uow, template, "created")
    return template


@use_case
async def update_template(*, uow: UnitOfWork, template_id: str, changes: dict[str, Any]) -> Template:
    template = await get_template(uow, template_id, lock=True)
    for field in FIELDS:
        if field in changes:
            setattr(template, field, changes[field])
    _check(template)
    template.updated_at = datetime.now(timezone.utc)
    await uow.repository(NotificationsRepository).flush()
    _emit(uow, template, "updated")
    return template


@use_case
async def delete_template(*, uow: UnitOfWork, template_id: str) -> None:
    template = await get_template(uow, template_id, lock=True)
    await uow.repository(NotificationsRepository).delete(template)
    _emit(uow, template, "deleted")
