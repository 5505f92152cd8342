"""Pure catalog rules: slugs and category paths."""
from __future__ import annotations

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_text.lower()).strip("-")[:120]


def child_path(parent_path: str | None, slug: str) -> str:
    return f"{parent_path}/{slug}" if parent_path else slug


def is_within(path: str, ancestor_path: str) -> bool:
    """True if `path` is `ancestor_path` or lies under it (moving a category under itself makes a cycle)."""
    return path == ancestor_path or path.startswith(ancestor_path + "/")
