"""Stripe's webhook signature scheme, exactly: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]` where
each v1 is HMAC-SHA256 of "<t>.<raw body>" keyed with the endpoint secret. Several v1 values are allowed (Stripe
sends one per active secret while a secret rolls); any one matching is enough. The timestamp bounds replays."""
from __future__ import annotations

import hashlib
import hmac
import time

SCHEME = "v1"
DEFAULT_TOLERANCE = 300


class InvalidSignature(Exception):
    """The header is missing, malformed, stale, or no signature matches."""


def compute(payload: bytes, secret: str, timestamp: int) -> str:
    signed = f"{timestamp}.".encode() + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The header a sender puts on `payload` (the simulator, tests)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return f"t={ts},{SCHEME}={compute(payload, secret, ts)}"


def parse(value: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for part in value.split(","):
        key, sep, item = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(item)
            except ValueError:
                raise InvalidSignature("The signature timestamp is not an integer.") from None
        elif key == SCHEME:
            signatures.append(item)
    if timestamp is None:
        raise InvalidSignature("The signature header has no timestamp.")
    if not signatures:
        raise InvalidSignature(f"The signature header has no {SCHEME} signature.")
    return timestamp, signatures


def verify(payload: bytes, value: str | None, secret: str, *, tolerance: int = DEFAULT_TOLERANCE,
           now: float | None = None) -> int:
    """Returns the signed timestamp; raises InvalidSignature. Stale means further than `tolerance` seconds from
    now in either direction (a clock far ahead is as suspicious as a replay)."""
    if not value or len(value) > 4096:
        raise InvalidSignature("Missing or oversized Stripe-Signature header.")
    timestamp, signatures = parse(value)
    expected = compute(payload, secret, timestamp)
    # Compare against every candidate so the time taken does not depend on which one matched.
    matched = False
    for candidate in signatures:
        matched |= hmac.compare_digest(expected.encode(), candidate.encode("utf-8", "surrogateescape"))
    if not matched:
        raise InvalidSignature("No signature matches the payload.")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature(f"The signature timestamp is outside the {tolerance} s tolerance.")
    return timestamp
