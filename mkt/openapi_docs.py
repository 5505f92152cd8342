"""The checked-in OpenAPI document of every service (kernel/contracts/openapi/<service>.json).

They sit next to the event JSON Schemas (kernel/contracts/schemas/): one folder per kind of public contract. Each is
what the service serves at /openapi.json (and the gateway at /v1/openapi/<service>.json), rendered with sorted keys
so a diff in review shows exactly what changed. `mkt contracts openapi` rewrites them; tests/unit/
test_openapi_contract.py fails while a live document differs from its file, first listing any breaking change
(kernel.openapi_diff) and otherwise asking for the regeneration.

How a deliberate breaking change is made: never by editing a route in place. Add the new shape as a new versioned
route (e.g. `/v2/products/{slug}` or a new field next to the old one), keep the old route and fields working and
documented (mark them `deprecated=True` in FastAPI), regenerate, and remove the old route only in a later release
once no client uses it — that removal is the one time `mkt contracts openapi --allow-breaking` is run, and the
reviewer sees the listed breaks in the commit.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kernel.openapi_diff import breaking_changes

OPENAPI_DIR = Path(__file__).resolve().parent.parent / "kernel" / "contracts" / "openapi"


def live_documents() -> dict[str, dict[str, Any]]:
    """Every service's OpenAPI as its app renders it. Building an app opens nothing (no lifespan runs)."""
    os.environ.setdefault("ENV", "test")  # settings refuse dev secrets only outside dev/test; nothing connects here
    from mkt.composition import SERVICE_FACTORIES

    return {name: factory().openapi() for name, factory in sorted(SERVICE_FACTORIES.items())}


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def checked_in(directory: Path = OPENAPI_DIR) -> dict[str, dict[str, Any]]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))}


def breaks_against(baseline: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]) -> list[str]:
    """Breaking changes from `baseline` to `current`, over every service (a removed service is one break)."""
    out = [f"{name}: service removed" for name in sorted(set(baseline) - set(current))]
    for name in sorted(set(baseline) & set(current)):
        out += [f"{name}: {b}" for b in breaking_changes(baseline[name], current[name])]
    return out


def write_all(directory: Path = OPENAPI_DIR, *, allow_breaking: bool = False) -> tuple[list[str], list[str]]:
    """Write the live documents; refuses (writes nothing) when they break the checked-in ones, unless allowed.
    Returns (files written, breaking changes found)."""
    live = live_documents()
    breaks = breaks_against(checked_in(directory), live)
    if breaks and not allow_breaking:
        return [], breaks
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.json"):
        if stale.stem not in live:
            stale.unlink()
    for name, document in live.items():
        (directory / f"{name}.json").write_text(render(document))
    return sorted(f"{n}.json" for n in live), breaks
