"""How a rendered message leaves: SMTP for email (locally the sink); SMS and push have no provider here."""
from __future__ import annotations

import asyncio
import smtplib
import threading
from email.message import EmailMessage
from typing import Protocol

import structlog

from apps.notifications.rendering import Rendered

log = structlog.get_logger("notifications.transport")


class Transport(Protocol):
    async def send(self, *, to: str, rendered: Rendered, message_id: str) -> None: ...


class SmtpTransport:
    """One SMTP connection kept open across messages (a connection per message cost its handshake every time,
    about as much as the message), used by one thread at a time. A connection the server dropped while idle is
    noticed at the next MAIL command — nothing was accepted yet — so the message goes again on a fresh one."""

    def __init__(self, *, host: str, port: int, sender: str, timeout: float = 10.0) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout
        self._smtp: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def build(self, *, to: str, rendered: Rendered, message_id: str) -> EmailMessage:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, to, rendered.subject
        msg["X-Marketplace-Message-Id"] = message_id
        msg.set_content(rendered.text)
        msg.add_alternative(rendered.html, subtype="html")
        return msg

    def _send(self, msg: EmailMessage) -> None:
        with self._lock:
            if self._smtp is not None:
                try:
                    self._smtp.send_message(msg)
                    return
                except smtplib.SMTPServerDisconnected:
                    self._drop()  # closed while idle: send on a fresh connection below
                except BaseException:
                    self._drop()  # a refusal mid-transaction: never reuse a connection in an unknown state
                    raise
            self._smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                self._smtp.send_message(msg)
            except BaseException:
                self._drop()
                raise

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.close()
            except OSError:
                pass

    def close(self) -> None:
        with self._lock:
            if self._smtp is not None:
                try:
                    self._smtp.quit()
                except (smtplib.SMTPException, OSError):
                    pass
            self._drop()

    async def send(self, *, to: str, rendered: Rendered, message_id: str) -> None:
        await asyncio.to_thread(self._send, self.build(to=to, rendered=rendered, message_id=message_id))


class LoggedNoopTransport:
    """SMS and push: there is no provider in this deployment (no Twilio, no FCM/APNs credentials), so the message
    is stored, logged and marked sent, exactly where a provider adapter would plug in. It never falls back to
    email: a shopper who asked for SMS must not get mail instead."""

    def __init__(self, channel: str) -> None:
        self.channel = channel

    async def send(self, *, to: str, rendered: Rendered, message_id: str) -> None:
        log.info("notifications.noop_send", channel=self.channel, message_id=message_id, recipient=to,
                 chars=len(rendered.text))


def default_transports(settings) -> dict[str, Transport]:
    return {"email": SmtpTransport(host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from,
                                   timeout=settings.smtp_timeout_seconds),
            "sms": LoggedNoopTransport("sms"), "push": LoggedNoopTransport("push")}
