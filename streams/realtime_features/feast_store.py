"""Pushing rows to the Feast online store from the stream worker; opening the store is kernel/feature_store.py."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from kernel.feature_store import FEATURES_REPO, feast_environment, load_config, open_store

if TYPE_CHECKING:
    from feast import FeatureStore

__all__ = ["FEATURES_REPO", "OnlinePusher", "feast_environment", "load_config", "open_store"]


class OnlinePusher:
    """Writes feature rows through the push sources (PushMode.ONLINE). Blocking: call it from a thread."""

    def __init__(self, repo_path: Path = FEATURES_REPO) -> None:
        self._repo_path = repo_path
        self._store: FeatureStore | None = None

    def store(self) -> "FeatureStore":
        if self._store is None:
            self._store = open_store(self._repo_path)
        return self._store

    def warm(self) -> None:
        """Import Feast and load the registry before the first event needs them."""
        self.store().list_feature_views(allow_cache=True)

    def reset(self) -> None:
        """Forget the store after a failure: the next push reconnects and re-reads the registry."""
        self._store = None

    def push(self, batches: Mapping[str, Sequence[Mapping[str, Any]]]) -> int:
        """Push each source's rows in one call; returns the number of rows pushed."""
        import pandas as pd
        from feast.data_source import PushMode

        pushed = 0
        for source, rows in batches.items():
            if rows:
                frame = pd.DataFrame(list(rows))
                frame["event_timestamp"] = pd.to_datetime(frame["event_timestamp"], utc=True)
                self.store().push(source, frame, to=PushMode.ONLINE)
                pushed += len(rows)
        return pushed
