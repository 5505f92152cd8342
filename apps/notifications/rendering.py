"""Template rendering without code execution: `{{ name }}` / `{{ order.total }}` placeholders are replaced by
payload values and nothing else is interpreted. Values are escaped for the HTML version (Markdown rendered with
raw HTML disabled), and header-unsafe characters are removed from subjects."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}")
_OPENING = re.compile(r"\{\{")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&\"'])")
MAX_VALUE_CHARS = 2000
_markdown = MarkdownIt("commonmark", {"html": False})


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def placeholders(*texts: str | None) -> set[str]:
    return {m.group(1) for t in texts if t for m in PLACEHOLDER.finditer(t)}


def malformed(text: str | None) -> list[str]:
    """Every `{{` that does not start a valid placeholder (a typo would otherwise be mailed verbatim)."""
    if not text:
        return []
    valid = {m.start() for m in PLACEHOLDER.finditer(text)}
    return [text[i.start():i.start() + 30] for i in _OPENING.finditer(text) if i.start() not in valid]


def missing(payload: Mapping[str, Any], *texts: str | None) -> list[str]:
    return sorted(p for p in placeholders(*texts) if lookup(payload, p) is None)


def lookup(payload: Mapping[str, Any], path: str) -> str | None:
    value: Any = payload
    for part in path.split("."):
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    if value is None:
        return None
    return str(value)[:MAX_VALUE_CHARS]


def substitute(text: str, payload: Mapping[str, Any], escape: Callable[[str], str] = lambda v: v) -> str:
    return PLACEHOLDER.sub(lambda m: escape(lookup(payload, m.group(1)) or ""), text)


def escape_markdown(value: str) -> str:
    """Backslash-escape Markdown punctuation so a value is always literal text (no links, no emphasis)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", value)


def one_line(value: str) -> str:
    return " ".join(value.split())[:400]


def render(*, subject: str | None, body: str, text_body: str | None, payload: Mapping[str, Any]) -> Rendered:
    html_body = _markdown.render(substitute(body, payload, escape_markdown))
    return Rendered(subject=one_line(substitute(subject or "", payload)),
                    text=substitute(text_body or body, payload).strip() + "\n",
                    html=f"<!doctype html>\n<html><body>\n{html_body}</body></html>\n")
