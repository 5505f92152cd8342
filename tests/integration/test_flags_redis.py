"""kernel.flags against the real Redis of the local stack (each test in a hash of its own)."""
from __future__ import annotations

import asyncio
import socket
import uuid

import pytest
import redis.asyncio as redis

from kernel.flags import FeatureFlags, Flag, FlagStoreUnavailable
from kernel.settings import common_settings


@pytest.fixture
async def store(stack):
    client = redis.from_url(common_settings().redis_url)
    key = f"ff:test:{uuid.uuid4().hex}"
    yield client, key
    await client.delete(key)
    await client.aclose()


async def test_put_get_variant_and_listing(store):
    client, key = store
    flags = FeatureFlags(client, cache_seconds=0, hash_key=key)
    assert await flags.get("reco_ab_test") is None and await flags.variant("reco_ab_test", "u1") is None
    before, stored = await flags.replace(Flag("reco_ab_test", enabled=True, variants={"champion": 9, "challenger": 1},
                                              updated_by="admin-1"))
    assert before is None and stored.updated_at is not None
    assert await flags.get("reco_ab_test") == stored
    assert await flags.variant("reco_ab_test", "u1") in {"champion", "challenger"}
    assert await flags.variant("reco_ab_test", "u1") == await flags.variant("reco_ab_test", "u1")
    before, _ = await flags.replace(Flag("reco_ab_test", enabled=False))
    assert before == stored  # the exact document this write replaced, for the audit
    await flags.put(Flag("pricing_ai", enabled=True))
    assert [f.key for f in await flags.all()] == ["pricing_ai", "reco_ab_test"]


async def test_put_if_absent_keeps_an_admin_choice(store):
    client, key = store
    flags = FeatureFlags(client, cache_seconds=0, hash_key=key)
    assert await flags.put_if_absent(Flag("new_checkout", enabled=False)) is True
    await flags.put(Flag("new_checkout", enabled=True))
    assert await flags.put_if_absent(Flag("new_checkout", enabled=False)) is False
    assert await flags.is_enabled("new_checkout") is True


async def test_other_replicas_see_a_change_after_their_cache_expires(store):
    client, key = store
    reader = FeatureFlags(client, cache_seconds=0.3, hash_key=key)
    writer = FeatureFlags(client, cache_seconds=0.3, hash_key=key)
    await writer.put(Flag("pricing_ai", enabled=True))
    assert await reader.is_enabled("pricing_ai") is True
    await writer.put(Flag("pricing_ai", enabled=False))
    assert await reader.is_enabled("pricing_ai") is True  # still cached: the documented staleness
    await asyncio.sleep(0.35)
    assert await reader.is_enabled("pricing_ai") is False


async def test_corrupt_entry_reads_as_off(store):
    client, key = store
    await client.hset(key, "pricing_ai", "{not json")
    flags = FeatureFlags(client, cache_seconds=0, hash_key=key)
    assert await flags.get("pricing_ai") is None and await flags.is_enabled("pricing_ai") is False
    assert await flags.all() == []


async def test_redis_down_reads_default_off_and_writes_raise():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    flags = FeatureFlags(client, hash_key="ff:test:down")
    assert await flags.is_enabled("pricing_ai") is False
    assert await flags.variant("reco_ab_test", "u1") is None
    with pytest.raises(FlagStoreUnavailable):
        await flags.put(Flag("pricing_ai", enabled=True))
    with pytest.raises(FlagStoreUnavailable):
        await flags.all()
    await client.aclose()


async def test_the_service_store_survives_its_connections_being_dropped(stack):
    """After a Redis restart every pooled connection is dead: the next write must reconnect, not fail."""
    from types import SimpleNamespace

    from kernel.flags import feature_flags_from

    url = common_settings().redis_url
    key = f"ff:test:{uuid.uuid4().hex}"
    flags = feature_flags_from(SimpleNamespace(redis_url=url, feature_flags_cache_seconds=0.0,
                                               feature_flags_key=key))
    admin = redis.from_url(url)
    try:
        await flags.put(Flag(key="reconnect", enabled=True))
        # drop only this store's pooled connection (as a restart would), not the other services' of the session
        own = await flags._redis.client_id()
        assert await admin.client_kill_filter(_id=own) == 1
        await flags.put(Flag(key="reconnect", enabled=False))
        assert (await flags.get("reconnect")).enabled is False
    finally:
        await admin.delete(key)
        await admin.aclose()
