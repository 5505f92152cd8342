"""Feature rows waiting to be pushed: the latest row per entity key, and what was last pushed per key.

Latest-wins per key keeps memory bounded by the number of keys however far the online store falls behind, and
a push that failed is put back under any newer row that arrived meanwhile.
"""
from __future__ import annotations

from typing import Any

Row = dict[str, Any]
Drained = dict[str, dict[str, Row]]  # push source -> entity key -> row


def _values(row: Row) -> tuple:
    """What a row says, leaving out when it was computed."""
    return tuple(sorted((k, v) for k, v in row.items() if k != "event_timestamp"))


class PendingRows:
    def __init__(self) -> None:
        self._rows: dict[str, tuple[str, Row]] = {}
        self._pushed: dict[str, tuple] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def put(self, key: str, source: str, row: Row) -> None:
        self._rows[key] = (source, row)

    def put_if_changed(self, key: str, source: str, row: Row) -> bool:
        """Queue the row unless it says what was last pushed for the key (or what is already queued)."""
        queued = self._rows.get(key)
        if queued is not None and _values(queued[1]) == _values(row):
            return False
        if queued is None and self._pushed.get(key) == _values(row):
            return False
        self.put(key, source, row)
        return True

    def drain(self) -> Drained:
        drained: Drained = {}
        for key, (source, row) in self._rows.items():
            drained.setdefault(source, {})[key] = row
        self._rows = {}
        return drained

    def restore(self, drained: Drained) -> None:
        for source, by_key in drained.items():
            for key, row in by_key.items():
                self._rows.setdefault(key, (source, row))

    def mark_pushed(self, drained: Drained) -> None:
        for by_key in drained.values():
            for key, row in by_key.items():
                self._pushed[key] = _values(row)
