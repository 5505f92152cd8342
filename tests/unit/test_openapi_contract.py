"""The checked-in OpenAPI documents (kernel/contracts/openapi/) are the public contract of every service.

A route change that breaks clients (kernel.openapi_diff) fails first, with the breaks listed; an additive change
fails until `mkt contracts openapi` regenerates the documents, so every change to the contract shows up in review.
mkt/openapi_docs.py says how a deliberate breaking change is made (a new versioned route, the old one kept).
"""
from __future__ import annotations

import pytest

from mkt.openapi_docs import OPENAPI_DIR, breaks_against, checked_in, live_documents, render


@pytest.fixture(scope="module")
def live() -> dict[str, dict]:
    return live_documents()


def test_every_service_has_a_checked_in_document(live):
    assert sorted(checked_in()) == sorted(live), "run `mkt contracts openapi`"


def test_no_route_breaks_the_checked_in_contract(live):
    breaks = breaks_against(checked_in(), live)
    assert breaks == [], ("Breaking API changes (add a new versioned route and keep the old one; "
                          "see mkt/openapi_docs.py):\n" + "\n".join(breaks))


def test_checked_in_documents_are_current(live):
    stale = [name for name, doc in live.items()
             if not (OPENAPI_DIR / f"{name}.json").exists() or (OPENAPI_DIR / f"{name}.json").read_text() != render(doc)]
    assert stale == [], f"OpenAPI changed for {stale}: run `mkt contracts openapi` and commit the documents"
