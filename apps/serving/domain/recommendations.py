"""The fallback chain, pure: links are tried in order (model → co-purchase → trending in the category → popular);
the first link that contributes a showable item names the response's strategy, and later links only top the list
up to the limit. A link that fails or has nothing to say is skipped, so the chain itself never fails: at worst it
answers an empty list with strategy "popular".

IO stays outside: each link is an async producer, and `showable` (the projection filter) is passed in.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

import structlog

log = structlog.get_logger("serving.reco_chain")

MODEL, CO_PURCHASE, TRENDING, POPULAR = "model", "co_purchase", "trending_in_category", "popular"
ORDER = (MODEL, CO_PURCHASE, TRENDING, POPULAR)


@dataclass(frozen=True)
class Candidate:
    product_id: str
    score: float
    reason: str  # what produced it: a model strategy (als, item_item, als_similar, ...) or the link's name


@dataclass(frozen=True)
class Link:
    name: str  # one of ORDER
    produce: Callable[[int], Awaitable[list[Candidate]]]  # asked for at least n candidates
    filtered: bool = False  # True when the producer already returns only showable products


@dataclass
class Outcome:
    strategy: str = POPULAR
    items: list[Candidate] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)  # links asked, in order (for logs and tests)
    failed: list[str] = field(default_factory=list)


def take(candidates: Iterable[Candidate], *, allowed: set[str] | None, exclude: set[str], room: int
         ) -> list[Candidate]:
    """Up to `room` candidates, best first as given, skipping excluded, unshowable and repeated products."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for c in candidates:
        if len(out) >= room:
            break
        if c.product_id in exclude or c.product_id in seen or (allowed is not None and c.product_id not in allowed):
            continue
        seen.add(c.product_id)
        out.append(c)
    return out


async def run_chain(links: list[Link], *, limit: int, exclude: set[str],
                    showable: Callable[[list[str]], Awaitable[set[str]]]) -> Outcome:
    outcome = Outcome()
    chosen: set[str] = set()
    for link in sorted(links, key=lambda l: ORDER.index(l.name)):
        room = limit - len(outcome.items)
        if room <= 0:
            break
        outcome.tried.append(link.name)
        want = room + len(exclude) + len(chosen)  # enough that exclusions cannot starve the link
        try:
            candidates = await link.produce(want)
            allowed = None if link.filtered else await showable([c.product_id for c in candidates])
        except Exception as exc:  # noqa: BLE001 - one broken link must not break the answer
            log.warning("serving.reco_link_failed", link=link.name, error=f"{type(exc).__name__}: {exc}"[:300])
            outcome.failed.append(link.name)
            continue
        new = take(candidates, allowed=allowed, exclude=exclude | chosen, room=room)
        if new and not outcome.items:
            outcome.strategy = link.name
        outcome.items.extend(new)
        chosen.update(c.product_id for c in new)
    return outcome
