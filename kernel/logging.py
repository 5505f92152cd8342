"""structlog JSON logs with request context and PII masking (emails, phones, card numbers, secrets)."""
from __future__ import annotations

import logging
import re
import sys
from typing import Any

import structlog

from kernel.context import current_context

_SECRET_KEYS = {"password", "new_password", "newpassword", "token", "access_token", "refresh_token",
                "accesstoken", "refreshtoken", "secret", "authorization", "api_key", "card_number", "cvc", "iban",
                "account_no", "accountno"}
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})")
_CARD = re.compile(r"\b(?:\d[ -]?){12,15}(\d{4})\b")
_PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")


def mask_text(text: str) -> str:
    text = _EMAIL.sub(r"\1***@\2", text)
    text = _CARD.sub(r"****\1", text)
    return _PHONE.sub(lambda m: "***" + m.group(0)[-2:], text)


def mask_value(key: str, value: Any) -> Any:
    if key.lower() in _SECRET_KEYS:
        return "***"
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_value(key, v) for v in value]
    return value


def _mask_pii(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: mask_value(k, v) for k, v in event_dict.items()}


def _add_context(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    ctx = current_context()
    if ctx.request_id:
        event_dict.setdefault("request_id", ctx.request_id)
        event_dict.setdefault("correlation_id", ctx.correlation_id)
    if ctx.user_id:
        event_dict.setdefault("user_id", ctx.user_id)
    return event_dict


def configure_logging(level: str = "INFO", *, service: str | None = None) -> None:
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level.upper(), force=True)
    for noisy in ("aiokafka", "kafka", "httpx", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_context,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        _mask_pii,
        structlog.processors.JSONRenderer(),
    ]
    if service:
        structlog.contextvars.bind_contextvars(service=service)
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
