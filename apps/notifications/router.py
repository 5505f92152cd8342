"""Notification routes (API.md § Reviews & notifications): admin templates CRUD, the admin's direct email, and
message status. Thin — schema in, one use case or query, views out."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status

from apps.notifications import queries, rendering
from apps.notifications.schemas import (Channel, EmailIn, MessageList, MessageOut, PreviewIn, PreviewOut,
                                        TemplateCreate, TemplateList, TemplateOut, TemplateUpdate)
from apps.notifications.use_cases import manage_templates
from apps.notifications.use_cases.queue_email import queue_email
from apps.notifications.views import message_out, template_out
from kernel.auth import AdminDep
from kernel.paging import PagingDep
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1", tags=["notifications"])


@router.get("/admin/templates", response_model=TemplateList)
async def list_templates(_: AdminDep, uow: UowDep, key: Annotated[str | None, Query(max_length=64)] = None,
                         channel: Channel | None = None) -> TemplateList:
    async with uow.reading():
        found = await queries.list_templates(uow, key=key, channel=channel)
    return TemplateList(items=[template_out(t) for t in found], total=len(found))


@router.post("/admin/templates", status_code=status.HTTP_201_CREATED, response_model=TemplateOut)
async def create_template(body: TemplateCreate, _: AdminDep, uow: UowDep) -> TemplateOut:
    template = await manage_templates.create_template(uow=uow, key=body.key, channel=body.channel,
                                                      values=body.model_dump(exclude={"key", "channel"}))
    return template_out(template)


@router.get("/admin/templates/{template_id}", response_model=TemplateOut)
async def get_template(template_id: str, _: AdminDep, uow: UowDep) -> TemplateOut:
    async with uow.reading():
        return template_out(await queries.get_template(uow, template_id))


@router.patch("/admin/templates/{template_id}", response_model=TemplateOut)
async def update_template(template_id: str, body: TemplateUpdate, _: AdminDep, uow: UowDep) -> TemplateOut:
    template = await manage_templates.update_template(uow=uow, template_id=template_id,
                                                      changes=body.model_dump(exclude_unset=True))
    return template_out(template)


@router.delete("/admin/templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(template_id: str, _: AdminDep, uow: UowDep) -> Response:
    await manage_templates.delete_template(uow=uow, template_id=template_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/admin/templates/{template_id}/preview", response_model=PreviewOut)
async def preview_template(template_id: str, body: PreviewIn, _: AdminDep, uow: UowDep) -> PreviewOut:
    async with uow.reading():
        t = await queries.get_template(uow, template_id)
    rendered = rendering.render(subject=t.subject, body=t.body, text_body=t.text_body, payload=body.payload)
    return PreviewOut(subject=rendered.subject, text=rendered.text, html=rendered.html,
                      missing=rendering.missing(body.payload, t.subject, t.body, t.text_body))


@router.post("/notify/email", status_code=status.HTTP_202_ACCEPTED, response_model=MessageOut)
async def notify_email(body: EmailIn, _: AdminDep, uow: UowDep, request: Request) -> MessageOut:
    msg = await queue_email(uow=uow, template_key=body.template_key, to=str(body.to), payload=body.payload,
                            not_before=body.send_at, max_attempts=request.app.state.settings.max_attempts)
    return message_out(msg)


@router.get("/notify/messages", response_model=MessageList)
async def list_messages(_: AdminDep, uow: UowDep, *,
                        status_: Annotated[Literal["queued", "sent", "failed"] | None, Query(alias="status")] = None,
                        reference: Annotated[str | None, Query(max_length=120)] = None,
                        paging: PagingDep) -> MessageList:
    async with uow.reading():
        items, total = await queries.list_messages(uow, status=status_, reference=reference, page=paging.page,
                                                   per_page=paging.per_page)
    return MessageList.of([message_out(m) for m in items], total, paging)


@router.get("/notify/messages/{message_id}", response_model=MessageOut)
async def get_message(message_id: str, _: AdminDep, uow: UowDep) -> MessageOut:
    async with uow.reading():
        return message_out(await queries.get_message(uow, message_id))
