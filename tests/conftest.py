"""Shared fixtures. Integration and e2e tests use the real local stack (`mkt stack up`), never mocks."""
from __future__ import annotations

import os
import uuid

import pytest

os.environ.setdefault("ENV", "test")


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture(scope="session")
def stack():
    """Starts (or reuses) every local server once per session, and migrates every service database."""
    from deploy.local.stack import ensure_up
    from mkt.db_cli import upgrade_all

    ensure_up()
    upgrade_all()
    return True
