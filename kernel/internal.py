"""Guard for service-to-service routes (/internal/...): a shared token in the `X-Internal-Token` header.

The gateway only routes /v1, so these routes are reachable only inside the deployment; the token is the second
fence. It is compared in constant time so response timing leaks nothing about it.
"""
from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from kernel.errors import Forbidden, Unauthorized

INTERNAL_TOKEN_HEADER = "X-Internal-Token"


async def require_internal_token(request: Request) -> str:
    """401 without the header, 403 with a wrong one; returns the caller's token on success."""
    presented = request.headers.get(INTERNAL_TOKEN_HEADER)
    if not presented:
        raise Unauthorized(f"Missing {INTERNAL_TOKEN_HEADER} header.")
    expected: str = request.app.state.settings.internal_api_token
    if not hmac.compare_digest(presented.encode("utf-8", "surrogateescape"), expected.encode()):
        raise Forbidden("Invalid internal token.")
    return presented


InternalCallerDep = Annotated[str, Depends(require_internal_token)]


def internal_headers(token: str) -> dict[str, str]:
    """For clients.py of calling services: the header to send with every internal request."""
    return {INTERNAL_TOKEN_HEADER: token}
