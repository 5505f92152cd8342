"""search.served reaches the warehouse: /v1/search publishes it on search.v1, a real faust worker process (a
private consumer group starting at today's topic ends) sinks it into ClickHouse's events table, where a zero-result
query is a row with found = 0."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

from kernel.warehouse import warehouse_client
from tests.flows import tag
from tests.sim_world import private_streams_worker

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]  # a faust worker process: ~60-80 s


@pytest.fixture(scope="module")
def worker(stack, tmp_path_factory):
    with private_streams_worker(tmp_path_factory.mktemp("search-worker") / "worker.log") as group:
        yield group


async def test_zero_result_queries_show_up_in_the_warehouse(client, worker):
    query = f"zzqx{tag()}"
    resp = await client.get("/v1/search", params={"q": query, "mode": "keyword"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["found"] == 0
    wh = warehouse_client()
    deadline = time.monotonic() + 90
    rows: list = []
    while time.monotonic() < deadline and not rows:
        rows = wh.query("SELECT data FROM events WHERE type = 'search.served' "
                        "AND JSONExtractString(data, 'query') = {q:String}", parameters={"q": query}).result_rows
        if not rows:
            await asyncio.sleep(1)
    assert rows, "search.served did not reach the warehouse"
    data = json.loads(rows[0][0])
    assert data["found"] == 0 and data["returned"] == 0 and data["mode"] == "keyword"
    assert data["latencyMs"] > 0 and data["perPage"] == 20
