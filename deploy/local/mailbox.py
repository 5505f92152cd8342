"""Read what the local SMTP sink stored (for tests and demos).

    from deploy.local.mailbox import list_messages, wait_for_message
    msg = wait_for_message(lambda m: m["To"] == "a@example.com")
    msg["Subject"], msg.get_body(("plain",)).get_content()
"""
from __future__ import annotations

import email
import time
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Callable


def mail_dir() -> Path:
    """STACK_DIR/smtp/mail from the settings."""
    from kernel.settings import CommonSettings

    return CommonSettings().stack_dir / "smtp" / "mail"


def list_files(directory: Path | None = None) -> list[Path]:
    directory = Path(directory) if directory is not None else mail_dir()
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.eml") if not p.name.startswith("."))


def read_message(path: Path) -> EmailMessage:
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=default_policy)
    return msg  # type: ignore[return-value]


def list_messages(directory: Path | None = None) -> list[EmailMessage]:
    """Every stored message, oldest first (file names start with the receive time)."""
    return [read_message(p) for p in list_files(directory)]


def wait_for_message(match: Callable[[EmailMessage], bool], directory: Path | None = None,
                     timeout: float = 10.0) -> EmailMessage:
    """The newest stored message for which `match` is true, waiting up to `timeout` seconds for it."""
    deadline = time.monotonic() + timeout
    while True:
        for msg in reversed(list_messages(directory)):
            if match(msg):
                return msg
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no matching message in {directory or mail_dir()} after {timeout}s")
        time.sleep(0.1)


def clear(directory: Path | None = None) -> int:
    """Delete every stored message; returns how many."""
    files = list_files(directory)
    for p in files:
        p.unlink(missing_ok=True)
    return len(files)
