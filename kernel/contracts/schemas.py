"""JSON Schemas of every event payload and of the envelope, generated into a checked-in folder.

`mkt contracts schemas` writes them; a test fails when the checked-in files are stale, so consumers in other
languages (and the broker's schema validation) always see the real contract.
"""
from __future__ import annotations

import json
from pathlib import Path

from kernel.contracts.registry import REGISTRY
from kernel.events import Envelope

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"


def render_all() -> dict[str, str]:
    files: dict[str, str] = {}
    envelope = Envelope.model_json_schema(by_alias=True)
    files["envelope.v1.json"] = _dump(envelope)
    for contract in sorted(REGISTRY.values(), key=lambda c: (c.type, c.version)):
        schema = contract.model.model_json_schema(by_alias=True)
        schema["title"] = contract.type
        schema["x-topic"] = contract.topic.name
        schema["x-version"] = contract.version
        if contract.deprecated_names:  # former names consumers still accept (see the contract module)
            schema["x-deprecated-names"] = list(contract.deprecated_names)
        files[contract.schema_name()] = _dump(schema)
    return files


def _dump(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_all(directory: Path = SCHEMA_DIR) -> list[str]:
    directory.mkdir(parents=True, exist_ok=True)
    files = render_all()
    for stale in directory.glob("*.json"):
        if stale.name not in files:
            stale.unlink()
    for name, text in files.items():
        (directory / name).write_text(text)
    return sorted(files)


def stale_files(directory: Path = SCHEMA_DIR) -> list[str]:
    files = render_all()
    present = {p.name: p.read_text() for p in directory.glob("*.json")}
    changed = [n for n, t in files.items() if present.get(n) != t]
    extra = [n for n in present if n not in files]
    return sorted(changed + extra)
