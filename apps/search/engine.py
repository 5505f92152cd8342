"""Typesense over its HTTP API (async httpx; the official client is synchronous).

Every failure to reach the server, or a 5xx from it, becomes SearchUnavailable (503 problem+json); a 4xx becomes
EngineError with Typesense's own message, for callers that expect some (a missing alias or collection).
"""
from __future__ import annotations

import json
import time
from collections.abc import Iterable
from typing import Any

import httpx

from kernel.errors import ServiceUnavailable, ValidationFailed


class SearchUnavailable(ServiceUnavailable):
    title = "Search unavailable"
    type_slug = "search-unavailable"


class EngineError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"Typesense {status}: {message}")
        self.status = status
        self.message = message


class Engine:
    def __init__(self, url: str, api_key: str, *, timeout: float = 2.0) -> None:
        self.url = url.rstrip("/")
        self._client = httpx.AsyncClient(base_url=self.url, timeout=timeout,
                                         headers={"X-TYPESENSE-API-KEY": api_key},
                                         limits=httpx.Limits(max_keepalive_connections=32, max_connections=64))

    async def close(self) -> None:
        await self._client.aclose()

    async def request(self, method: str, path: str, *, timeout: float | None = None, **kwargs: Any) -> Any:
        try:
            response = await self._client.request(method, path, **kwargs,
                                                   **({"timeout": timeout} if timeout else {}))
        except httpx.HTTPError as exc:
            raise SearchUnavailable(
                f"The search engine is unreachable ({type(exc).__name__}); the catalog listing "
                f"(GET /v1/products) still works.") from None
        if response.status_code >= 500:
            raise SearchUnavailable(f"The search engine failed with {response.status_code}.")
        if response.status_code >= 400:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise EngineError(response.status_code, str(message)[:500])
        if "application/json" in response.headers.get("content-type", ""):
            return response.json()
        return response.text

    async def healthy(self) -> bool:
        body = await self.request("GET", "/health", timeout=1.0)
        return bool(body.get("ok"))

    # collections and aliases
    async def create_collection(self, schema: dict[str, Any]) -> dict[str, Any]:
        return await self.request("POST", "/collections", json=schema)

    async def drop_collection(self, name: str) -> None:
        try:
            await self.request("DELETE", f"/collections/{name}")
        except EngineError as exc:
            if exc.status != 404:
                raise

    async def collections(self) -> list[dict[str, Any]]:
        return await self.request("GET", "/collections")

    async def alias_target(self, alias: str) -> str | None:
        try:
            return (await self.request("GET", f"/aliases/{alias}"))["collection_name"]
        except EngineError as exc:
            if exc.status == 404:
                return None
            raise

    async def point_alias(self, alias: str, collection: str) -> None:
        await self.request("PUT", f"/aliases/{alias}", json={"collection_name": collection})

    async def drop_alias(self, alias: str) -> None:
        try:
            await self.request("DELETE", f"/aliases/{alias}")
        except EngineError as exc:
            if exc.status != 404:
                raise

    # documents
    async def import_documents(self, collection: str, docs: Iterable[dict[str, Any]], *,
                               action: str = "upsert") -> int:
        """JSONL import; returns how many failed (each line answers on its own)."""
        body = "\n".join(json.dumps(d, ensure_ascii=False) for d in docs)
        if not body:
            return 0
        text = await self.request("POST", f"/collections/{collection}/documents/import",
                                  params={"action": action}, content=body.encode(), timeout=120.0,
                                  headers={"Content-Type": "text/plain"})
        lines = text if isinstance(text, list) else str(text).splitlines()
        results = [json.loads(line) if isinstance(line, str) else line for line in lines if line]
        failed = [r for r in results if not r.get("success")]
        if failed:
            raise EngineError(400, f"{len(failed)} documents refused, first: {failed[0].get('error')}")
        return len(results)

    async def delete_document(self, collection: str, doc_id: str) -> None:
        try:
            await self.request("DELETE", f"/collections/{collection}/documents/{doc_id}")
        except EngineError as exc:
            if exc.status != 404:
                raise

    async def delete_where(self, collection: str, filter_by: str) -> int:
        body = await self.request("DELETE", f"/collections/{collection}/documents",
                                  params={"filter_by": filter_by, "batch_size": 500})
        return int(body.get("num_deleted", 0))

    async def get_document(self, collection: str, doc_id: str) -> dict[str, Any] | None:
        try:
            return await self.request("GET", f"/collections/{collection}/documents/{doc_id}")
        except EngineError as exc:
            if exc.status == 404:
                return None
            raise

    # search
    async def multi_search(self, searches: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], float]:
        """POST /multi_search (long vectors do not fit in a GET); returns the results and the round trip in ms."""
        started = time.perf_counter()
        body = await self.request("POST", "/multi_search", json={"searches": searches})
        elapsed = (time.perf_counter() - started) * 1000
        results = body["results"]
        for result in results:
            if "error" not in result:
                continue
            if int(result.get("code", 400)) == 404:
                # the alias or collection is not there yet: the service creates it at start-up when it can
                raise SearchUnavailable("The search index is not ready yet; retry shortly.")
            # Input is validated before it gets here, so this is a query we built wrongly: say so, never a 500.
            raise ValidationFailed(f"The search engine refused the query: {str(result['error'])[:300]}")
        return results, elapsed

    # synonyms
    async def upsert_synonym(self, collection: str, synonym_id: str, body: dict[str, Any]) -> None:
        await self.request("PUT", f"/collections/{collection}/synonyms/{synonym_id}", json=body)

    async def delete_synonym(self, collection: str, synonym_id: str) -> None:
        try:
            await self.request("DELETE", f"/collections/{collection}/synonyms/{synonym_id}")
        except EngineError as exc:
            if exc.status != 404:
                raise
