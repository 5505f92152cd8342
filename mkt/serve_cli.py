from __future__ import annotations


def serve() -> None:
    raise NotImplementedError
