"""The cyclic garbage collector in long-running server processes (`mkt serve`'s processes).

Each full collection walks every container object the process holds; in the API processes about 340,000 of
them were built at start-up (the composition root: 16 services' modules, mappers, routes) and stay alive for
good. `freeze` moves what exists once a process has started into the collector's permanent generation, which it
never scans again. Measured with gc.callbacks over a 30 s purchase run at 8 buyers (benchmarks/purchase_flow.py):
the background process's collector time fell from 6.4–6.6 s to 3.5–4.1 s; the web workers', ~2 s, did not change.
Freezing before a fork also keeps the children from writing to the parent's pages (copy-on-write), as the gc
module's documentation advises.

Collecting the young generation less often (GC_YOUNG_THRESHOLD, e.g. 20000 instead of CPython's 700) removed
nearly all collector time too, but the API's CPU per purchase did not fall with it (garbage in cycles lives longer
and the process touches more memory), so the default leaves CPython's thresholds alone.
"""
from __future__ import annotations

import gc
from functools import lru_cache

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class HeapSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Net allocations between young collections; 0 (the default) leaves CPython's thresholds alone.
    gc_young_threshold: int = Field(0, ge=0, validation_alias=AliasChoices("GC_YOUNG_THRESHOLD"))
    gc_freeze: bool = Field(True, validation_alias=AliasChoices("GC_FREEZE"))


@lru_cache
def heap_settings() -> HeapSettings:
    return HeapSettings()


def freeze() -> None:
    """Call once a process has built what it keeps for its lifetime (after imports, after start-up)."""
    settings = heap_settings()
    if settings.gc_young_threshold:
        gc.set_threshold(settings.gc_young_threshold, *gc.get_threshold()[1:])
    if settings.gc_freeze:
        gc.collect()
        gc.freeze()
