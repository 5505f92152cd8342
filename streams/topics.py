"""Faust topic objects for the contract topics: names and partition counts come from kernel.contracts.topics only.

Values and keys stay raw bytes: envelopes are validated by the logic of each concern, so a malformed message
reaches code that can dead-letter it instead of failing inside faust's deserializer.
"""
from __future__ import annotations

import faust

from kernel.contracts.topics import DEAD_LETTER, Topic
from streams.app import app


def faust_topic(contract: Topic) -> faust.TopicT:
    return app.topic(
        contract.name,
        partitions=contract.partitions,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )


def faust_topics(contracts: tuple[Topic, ...]) -> faust.TopicT:
    """One faust topic subscribing to several contract topics (e.g. every domain topic for the warehouse sink).

    `partitions` only matters if faust had to create the topic, which it never does for source topics; it is
    given only when the contracts agree, so it cannot misdescribe any of them.
    """
    counts = {contract.partitions for contract in contracts}
    return app.topic(
        *(contract.name for contract in contracts),
        partitions=counts.pop() if len(counts) == 1 else None,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
    )


dead_letter = faust_topic(DEAD_LETTER)
