"""A local SMTP sink: accepts every message and stores it as a .eml file (nothing is relayed).

    python -m deploy.local.smtp_sink --host 127.0.0.1 --port 11025 --dir .stack/smtp/mail

Each message is written atomically as `<UTC time>-<uuid>.eml`, with `X-MailFrom` / `X-RcptTo` headers
(the SMTP envelope, which can differ from To/Cc, e.g. for Bcc) prepended. Read them with deploy.local.mailbox.
"""
from __future__ import annotations

import argparse
import asyncio
import signal
import uuid
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope, Session


class MaildirHandler:
    def __init__(self, directory: Path):
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8", errors="surrogateescape")
        header = (
            f"X-MailFrom: {envelope.mail_from}\r\n"
            f"X-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode("utf-8", errors="replace")
        now = datetime.now(timezone.utc)
        name = f"{now.strftime('%Y%m%dT%H%M%S.%f')}Z-{uuid.uuid4().hex}.eml"
        tmp = self.directory / f".{name}.tmp"
        tmp.write_bytes(header + content)
        tmp.replace(self.directory / name)
        return "250 Message accepted for delivery"


async def serve(host: str, port: int, directory: Path) -> None:
    handler = MaildirHandler(directory)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, enable_SMTPUTF8=True, hostname="mkt-smtp-sink"), host=host, port=port
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"smtp sink listening on {host}:{port}, storing mail in {directory}", flush=True)
    async with server:
        await stop.wait()
    print("smtp sink stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=11025)
    parser.add_argument("--dir", type=Path, required=True, help="directory the .eml files go to")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.dir))


if __name__ == "__main__":
    main()
