"""Template use cases (admin CRUD). Templates are validated on write: a malformed placeholder or an email
template without a subject is refused, so a broken template never reaches the sender."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from apps.notifications import rendering
from apps.notifications.exceptions import InvalidTemplate, TemplateExists, TemplateNotFound
from apps.notifications.orm import Template
from kernel.ids import is_uuid, new_id_str
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
async def create(*, uow: UnitOfWork, key: str, channel: str, values: dict[str, Any]) -> Template:
    template = Template(id=new_id_str(), key=key, channel=channel, **{f: values.get(f) for f in FIELDS
                                                                      if f != "is_active"},
                        is_active=values.get("is_active", True))
    _check(template)
    if await uow.session.scalar(select(Template.id).where(Template.key == key, Template.channel == channel)):
        raise TemplateExists(f"A {channel} template {key!r} already exists.")
    uow.session.add(template)
    try:
        await uow.session.flush()
    except IntegrityError:
        raise TemplateExists(f"A {channel} template {key!r} already exists.") from None
    _emit(uow, template, "created")
    return template


async def get(uow: UnitOfWork, template_id: str, *, lock: bool = False) -> Template:
    if not is_uuid(template_id):
        raise TemplateNotFound(f"No template {template_id[:40]!r}.")
    template = await uow.session.get(Template, template_id, with_for_update=lock)
    if template is None:
        raise TemplateNotFound(f"No template {template_id!r}.")
    return template


@use_case
async def update(*, uow: UnitOfWork, template_id: str, changes: dict[str, Any]) -> Template:
    template = await get(uow, template_id, lock=True)
    for field in FIELDS:
        if field in changes:
            setattr(template, field, changes[field])
    _check(template)
    template.updated_at = datetime.now(timezone.utc)
    await uow.session.flush()
    _emit(uow, template, "updated")
    return template


@use_case
async def delete(*, uow: UnitOfWork, template_id: str) -> None:
    template = await get(uow, template_id, lock=True)
    await uow.session.delete(template)
    _emit(uow, template, "deleted")


async def list_all(uow: UnitOfWork, *, key: str | None, channel: str | None) -> list[Template]:
    query = select(Template).order_by(Template.key, Template.channel)
    if key:
        query = query.where(Template.key == key)
    if channel:
        query = query.where(Template.channel == channel)
    return list((await uow.session.scalars(query)).all())


async def active(uow: UnitOfWork, key: str, *, channels: tuple[str, ...] | None = None) -> list[Template]:
    query = select(Template).where(Template.key == key, Template.is_active.is_(True)).order_by(Template.channel)
    if channels:
        query = query.where(Template.channel.in_(channels))
    return list((await uow.session.scalars(query)).all())
