"""What the reaction tests over Kafka share: a client that never hands events over in-process, consumers that have
joined before a test causes anything, and the check that every reaction a test declares ran over the broker."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.kafka_helpers import broker_only, consumers_joined, declared_reactions, wait_reactions

# Bounded: normally a few seconds; the ceiling is for a loaded 2-core machine.
REACTION_TIMEOUT = 90.0


@pytest.fixture(scope="session")
async def bus(gateway):
    """The in-process gateway through a client tests/flows.py cannot see through (nothing handed over by hand),
    once every consumer's group holds its starting offsets."""
    await consumers_joined(gateway)
    async with broker_only(gateway) as http:
        yield http


def started() -> datetime:
    """A lower bound for this flow's outbox rows (a little early: database and test clocks may differ)."""
    return datetime.now(timezone.utc) - timedelta(seconds=5)


async def assert_reactions(request, gateway, since: datetime, needles: list[str]) -> None:
    """Every reaction this test declares (@pytest.mark.reaction) handled one of this flow's events over Kafka."""
    declared = declared_reactions(request)
    assert declared, "a reaction test must declare what it proves"
    await wait_reactions(gateway, declared, since, [n for n in needles if n], timeout=REACTION_TIMEOUT)
