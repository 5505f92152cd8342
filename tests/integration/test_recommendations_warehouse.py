"""ai.recommendation.requested / .served reach the warehouse like every other event: the route's batched request
log writes them to the outbox, the relay publishes them on ai.v1, and a real faust worker process (a private
consumer group starting at today's topic ends) sinks them into ClickHouse's events table."""
from __future__ import annotations

import asyncio
import json
import time

import pytest

from kernel.warehouse import warehouse_client
from tests.sim_world import private_streams_worker

pytestmark = [pytest.mark.timeout(180), pytest.mark.slow]


@pytest.fixture(scope="module")
def worker(stack, tmp_path_factory):
    with private_streams_worker(tmp_path_factory.mktemp("reco-worker") / "worker.log") as group:
        yield group


async def test_served_recommendations_land_in_the_warehouse_events(client, worker):
    resp = await client.get("/v1/ai/recommendations", params={"limit": 3})
    assert resp.status_code == 200, resp.text
    request_id = resp.json()["requestId"]
    wh = warehouse_client()
    deadline = time.monotonic() + 120
    rows: list = []
    while time.monotonic() < deadline and len(rows) < 2:
        rows = wh.query("SELECT type, data, topic FROM events WHERE type LIKE 'ai.recommendation.%' "
                        "AND JSONExtractString(data, 'requestId') = {r:String} ORDER BY type",
                        parameters={"r": request_id}).result_rows
        if len(rows) < 2:
            await asyncio.sleep(1)
    assert [r[0] for r in rows] == ["ai.recommendation.requested", "ai.recommendation.served"], rows
    served = json.loads(rows[1][1])
    assert rows[1][2] == "ai.v1" and served["strategy"] == resp.json()["strategy"]
    assert [i["productId"] for i in served["items"]] == [i["productId"] for i in resp.json()["items"]]
    assert served["latencyMs"] >= 0 and "variant" in served
