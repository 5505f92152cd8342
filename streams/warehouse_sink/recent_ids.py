"""When the sink may skip asking the warehouse "do you hold these eventIds already?" (pure, no IO).

Asking costs a query per batch that scans the event_id column (random UUIDs: the primary index barely helps), the
largest cost of the sink at a few thousand events/s. Most events cannot be in the warehouse yet, and this decides
which, from what the worker itself has seen:

- the ids this worker landed (inserted, or found present) are kept, in 10 s buckets of occurredAt, for `horizon`
  seconds of occurredAt and at most `max_ids` ids; a replay of one of them is dropped without a query;
- an event that occurred after `trusted_since` (the worker's start or its last rebalance) plus the allowed clock
  skew can only have landed through this worker since then: an earlier landing would have happened before the
  partition came here, and no event lands before it occurs. So if it is not among the kept ids, it is new;
- everything else (a backlog from before the start, events older than what is kept) is unsure and looked up.

Assumes a replayed event keeps its key (the outbox re-sends the stored key), so with several workers it comes back
to the partition, and worker, that landed it. A retry after a failed insert looks every id up (agents.py).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

BUCKET_SECONDS = 10  # small enough that the id cap drops a few seconds of ids at a time, not minutes


@dataclass
class Triage:
    """One batch's events by what the worker knows: indexes into the batch."""

    landed: list[int] = field(default_factory=list)  # known to be in the warehouse already
    new: list[int] = field(default_factory=list)  # cannot be there yet
    unsure: list[int] = field(default_factory=list)  # ask the warehouse


class RecentIds:
    def __init__(self, horizon_seconds: float, max_ids: int, clock_skew_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.horizon, self.max_ids, self.skew, self.clock = horizon_seconds, max_ids, clock_skew_seconds, clock
        self.trusted_since = clock()
        self.floor = -math.inf  # ids that occurred before this are no longer kept
        self._buckets: dict[int, set[str]] = {}
        self._count = 0

    def restart(self) -> None:
        """Partitions may have moved (a rebalance): only events after now can be vouched for again."""
        self.trusted_since = self.clock()

    def triage(self, events: list[tuple[str, float]]) -> Triage:
        """`events`: (eventId, occurredAt as epoch seconds) in batch order."""
        out = Triage()
        vouch_after = max(self.trusted_since + self.skew, self.floor)
        for i, (event_id, occurred) in enumerate(events):
            bucket = self._buckets.get(int(occurred // BUCKET_SECONDS))
            if bucket is not None and event_id in bucket:
                out.landed.append(i)
            elif occurred > vouch_after:
                out.new.append(i)
            else:
                out.unsure.append(i)
        return out

    def remember(self, events: list[tuple[str, float]]) -> None:
        """Ids now known to be in the warehouse."""
        for event_id, occurred in events:
            if occurred < self.floor:
                continue  # too old to keep: it would be looked up anyway
            bucket = self._buckets.setdefault(int(occurred // BUCKET_SECONDS), set())
            if event_id not in bucket:
                bucket.add(event_id)
                self._count += 1
        self._prune()

    def _prune(self) -> None:
        oldest_kept = (self.clock() - self.horizon) // BUCKET_SECONDS
        for bucket in sorted(self._buckets):
            if bucket >= oldest_kept and self._count <= self.max_ids:
                break
            self._count -= len(self._buckets.pop(bucket))
            self.floor = max(self.floor, (bucket + 1) * float(BUCKET_SECONDS))

    def __len__(self) -> int:
        return self._count
