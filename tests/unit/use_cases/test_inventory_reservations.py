"""Inventory's reservation use cases on the fake unit of work: all-or-nothing holds, idempotent commit and release,
expiry, the ledger rows and the events. Row locking itself (sorted order, no deadlock under concurrency) only a
real PostgreSQL can show: tests/integration/test_inventory_*.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from apps.inventory.exceptions import InsufficientStock, ReservationClosed, ReservationNotFound
from apps.inventory.use_cases.commit_reservation import commit
from apps.inventory.use_cases.expire_reservations import expire_due
from apps.inventory.use_cases.release_reservation import release
from apps.inventory.use_cases.reserve import reserve
from kernel.clock import utcnow
from kernel.testing import run_use_case
from tests.fakes.inventory import VENDOR, inventory_world


async def _reserve(uow, *lines, ttl=15, reference="MKT-00000001"):
    return await run_use_case(uow, reserve, reference=reference, lines=list(lines), ttl_minutes=ttl)


def _levels(repo):
    return {sku: (i.on_hand, i.reserved) for sku, i in repo.stock.items()}


async def test_reserve_holds_every_line_merges_repeated_skus_in_one_move():
    uow, repo = inventory_world(A=10, B=5)
    reservation = await _reserve(uow, ("B", 2), ("A", 1), ("B", 1))

    assert _levels(repo) == {"A": (10, 1), "B": (5, 3)}
    assert repo.moves == ["reserve"] and repo.lock_calls == []
    assert [(m.sku, m.reason, m.delta_reserved, m.reference) for m in repo.movements] == [
        ("A", "reserve", 1, reservation.id), ("B", "reserve", 3, reservation.id)]
    event = uow.events("inventory.reserved")[0]
    assert event["items"] == [{"sku": "A", "qty": 1, "vendorId": VENDOR}, {"sku": "B", "qty": 3, "vendorId": VENDOR}]
    assert reservation.expires_at - reservation.created_at == timedelta(minutes=15)


async def test_one_short_line_reserves_nothing_and_names_every_short_sku():
    uow, repo = inventory_world(A=10, B=1)
    with pytest.raises(InsufficientStock) as raised:
        await _reserve(uow, ("A", 2), ("B", 2), ("GHOST", 1))

    assert [(e["sku"], e["available"], e["message"]) for e in raised.value.errors] == [
        ("B", 1, "insufficient stock"), ("GHOST", -1, "unknown SKU")]
    assert _levels(repo) == {"A": (10, 0), "B": (1, 0)}
    assert repo.movements == [] and repo.reservations == {} and uow.committed == []


async def test_reserved_stock_is_no_longer_available_to_the_next_checkout():
    uow, _ = inventory_world(A=3)
    await _reserve(uow, ("A", 2))
    with pytest.raises(InsufficientStock):
        await _reserve(uow, ("A", 2), reference="MKT-00000002")


async def test_reserving_under_the_reorder_point_raises_low_stock_once_on_the_crossing():
    uow, repo = inventory_world()
    repo.put_stock("A", on_hand=10, reorder_point=5)
    await _reserve(uow, ("A", 5))  # available 5: at the reorder point, not under it
    assert uow.events("inventory.low_stock") == []
    await _reserve(uow, ("A", 1), reference="MKT-00000002")
    await _reserve(uow, ("A", 1), reference="MKT-00000003")
    assert [(e["sku"], e["available"]) for e in uow.events("inventory.low_stock")] == [("A", 4)]


async def test_commit_lets_the_stock_leave_once():
    uow, repo = inventory_world(A=10)
    reservation = await _reserve(uow, ("A", 4))
    await run_use_case(uow, commit, reservation_id=reservation.id)
    await run_use_case(uow, commit, reservation_id=reservation.id)

    assert _levels(repo) == {"A": (6, 0)} and reservation.status == "committed"
    assert uow.event_types() == ["inventory.reserved", "inventory.committed"]
    assert [m.reason for m in repo.movements] == ["reserve", "commit"]


async def test_release_gives_the_stock_back_once_and_a_released_reservation_cannot_be_committed():
    uow, repo = inventory_world(A=10)
    reservation = await _reserve(uow, ("A", 4))
    await run_use_case(uow, release, reservation_id=reservation.id)
    await run_use_case(uow, release, reservation_id=reservation.id)

    assert _levels(repo) == {"A": (10, 0)}
    assert [e["reason"] for e in uow.events("inventory.released")] == ["released"]
    with pytest.raises(ReservationClosed) as raised:
        await run_use_case(uow, commit, reservation_id=reservation.id)
    assert raised.value.errors[0]["status"] == "released"  # orders reads this to re-reserve


async def test_committed_stock_cannot_be_released():
    uow, repo = inventory_world(A=10)
    reservation = await _reserve(uow, ("A", 4))
    await run_use_case(uow, commit, reservation_id=reservation.id)
    with pytest.raises(ReservationClosed):
        await run_use_case(uow, release, reservation_id=reservation.id)
    assert _levels(repo) == {"A": (6, 0)}


@pytest.mark.parametrize("reservation_id", ["not-a-uuid", "0190a000-0000-7000-8000-0000000000ff"])
async def test_unknown_reservations_are_not_found(reservation_id):
    uow, _ = inventory_world(A=1)
    with pytest.raises(ReservationNotFound):
        await run_use_case(uow, release, reservation_id=reservation_id)


async def test_the_sweeper_expires_only_active_reservations_past_their_time():
    uow, repo = inventory_world(A=10)
    lapsed = await _reserve(uow, ("A", 2), ttl=1)
    live = await _reserve(uow, ("A", 3), ttl=60, reference="MKT-00000002")
    done = await _reserve(uow, ("A", 1), ttl=1, reference="MKT-00000003")
    await run_use_case(uow, commit, reservation_id=done.id)

    expired = await run_use_case(uow, expire_due, now=utcnow() + timedelta(minutes=5))
    assert expired == 1
    assert (lapsed.status, live.status, done.status) == ("expired", "active", "committed")
    assert _levels(repo) == {"A": (9, 3)}
    assert [e["reason"] for e in uow.events("inventory.released")] == ["expired"]
