"""Sending mail through SMTP (locally the sink under .stack/smtp; in production any provider by settings)."""
from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from kernel.settings import MailSettings


def build_message(*, sender: str, to: str, subject: str, text: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg.set_content(text)
    return msg


def _send(settings: MailSettings, msg: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        smtp.send_message(msg)


async def send_mail(settings: MailSettings, *, to: str, subject: str, text: str) -> None:
    msg = build_message(sender=settings.mail_from, to=to, subject=subject, text=text)
    await asyncio.to_thread(_send, settings, msg)
