"""Feature-flag admin use cases on fakes (tests/fakes/backoffice.py): an audited change, Redis refusing, the
compensation when the audit cannot be committed, seeding. The Redis script and the outbox over Kafka are shown by
tests/integration/test_feature_flags_api.py and test_flags_redis.py."""
from __future__ import annotations

from dataclasses import replace

import pytest

from apps.backoffice import queries
from apps.backoffice.domain import SEEDS, state
from apps.backoffice.orm import FeatureFlagAudit
from apps.backoffice.use_cases.change_flag import change_flag
from apps.backoffice.use_cases.seed_flags import seed
from kernel.auth import CurrentUser
from kernel.errors import NotFound, ServiceUnavailable, ValidationFailed
from kernel.flags import Flag
from tests.fakes.backoffice import backoffice_world

ADMIN = CurrentUser(id="0190a000-0000-7000-8000-0000000000ad", roles=("super_admin",))
CHECKOUT = Flag("new_checkout", enabled=False, description="The new checkout flow")


async def _change(uow, store, key="new_checkout", *, enabled=True, rollout=50, variants=None):
    return await change_flag(uow=uow, flags=store, key=key, enabled=enabled, rollout_percent=rollout,
                             variants=variants or {}, description="The new checkout flow", user=ADMIN)


async def test_a_change_is_stored_audited_and_announced_with_the_flag_it_replaced():
    uow, repo, store = backoffice_world(CHECKOUT)
    before, after = await _change(uow, store)

    assert before == CHECKOUT and store.flags["new_checkout"] == after
    assert (after.enabled, after.rollout_percent, after.updated_by) == (True, 50, ADMIN.id)
    [audit] = repo.rows(FeatureFlagAudit)
    assert (audit.before, audit.after, audit.changed_by) == (state(CHECKOUT), state(after), ADMIN.id)
    [event] = uow.events("feature_flag.changed")
    assert (event["key"], event["before"], event["after"], event["auditId"]) == (
        "new_checkout", state(CHECKOUT), state(after), audit.id)
    trail = await queries.audit_trail(uow, key="new_checkout", limit=10)
    assert trail == [audit]


async def test_with_redis_down_nothing_is_changed_or_audited():
    uow, repo, store = backoffice_world(CHECKOUT)
    store.down = True
    with pytest.raises(ServiceUnavailable):
        await _change(uow, store)
    store.down = False
    assert store.flags == {"new_checkout": CHECKOUT}
    assert repo.rows(FeatureFlagAudit) == [] and uow.committed == []


@pytest.mark.parametrize("existing", [CHECKOUT, None])
async def test_a_lost_audit_commit_puts_the_old_flag_back(existing):
    flags = [existing] if existing else []
    uow, repo, store = backoffice_world(*flags, commit_fails=True)
    with pytest.raises(ConnectionResetError):
        await _change(uow, store)
    if existing:  # the settings come back (the store stamps the put-back, as Redis's does)
        assert [state(f) for f in store.flags.values()] == [state(CHECKOUT)]
    else:  # a new flag is removed again
        assert store.flags == {}
    assert repo.rows(FeatureFlagAudit) == [] and uow.committed == []


@pytest.mark.parametrize("key, variants", [("Bad Key!", {}), ("new_checkout", {"a": 0, "b": 0})])
async def test_an_invalid_flag_is_refused_before_the_store_is_touched(key, variants):
    uow, repo, store = backoffice_world(CHECKOUT)
    store.down = True  # would answer 503 if it were asked
    with pytest.raises(ValidationFailed):
        await _change(uow, store, key, variants=variants)
    assert uow.commits == 0


async def test_seeding_writes_only_missing_flags_and_survives_redis_down():
    admins_choice = replace(SEEDS[0], enabled=True, updated_by=ADMIN.id)
    _, _, store = backoffice_world(admins_choice)
    written = await seed(store)
    assert written == [f.key for f in SEEDS[1:]] and store.flags[SEEDS[0].key] == admins_choice
    assert all(store.flags[f.key].updated_by == "seed" for f in SEEDS[1:])
    assert await seed(store) == []

    _, _, down = backoffice_world()
    down.down = True
    assert await seed(down) == []  # the service starts anyway


async def test_reads_say_which_flag_is_unknown_and_when_the_store_is_down():
    uow, _, store = backoffice_world(CHECKOUT)
    assert await queries.get_flag(store, "new_checkout") == CHECKOUT
    assert await queries.list_flags(store) == [CHECKOUT]
    with pytest.raises(NotFound):
        await queries.get_flag(store, "missing_flag")
    with pytest.raises(ValidationFailed):
        await queries.get_flag(store, "Bad Key!")
    with pytest.raises(ValidationFailed):
        await queries.audit_trail(uow, key="Bad Key!", limit=5)
    store.down = True
    with pytest.raises(ServiceUnavailable):
        await queries.list_flags(store)
    with pytest.raises(ServiceUnavailable):
        await queries.get_flag(store, "new_checkout")
