"""A shopper's profile: created on first use (ensure_profile), changed (update_profile); each owns its commit."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from apps.profiles import domain
from apps.profiles.orm import Profile, utcnow
from kernel.uow import UnitOfWork
from kernel.use_case import use_case


def _values(obj: object, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in names}


def _apply(obj: Any, changes: Mapping[str, Any], names: Iterable[str]) -> None:
    for name in names:
        setattr(obj, name, changes[name])
    obj.updated_at = utcnow()


@use_case
async def ensure_profile(*, uow: UnitOfWork, user_id: str, lock: bool = False) -> Profile:
    """The profile of a verified user, created on first access.

    Why on access and not from a `user.created` consumer: a shopper opens their profile milliseconds after
    registering, before any event could arrive, and the endpoint would have to create the row anyway; on access
    also covers accounts made before this service existed and keeps working while the broker is down. The
    INSERT ... ON CONFLICT DO NOTHING makes concurrent first requests safe: one inserts (and emits
    profile.created), the others wait for it on the primary key and then read its row.
    """
    stmt = select(Profile).where(Profile.user_id == user_id)
    stmt = stmt.with_for_update() if lock else stmt
    if (profile := await uow.session.scalar(stmt)) is not None:
        return profile
    now = utcnow()
    inserted = await uow.session.scalar(
        insert(Profile).values(user_id=user_id, marketing_opt_in=False, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=[Profile.user_id]).returning(Profile.user_id))
    if inserted:
        uow.emit("profile.created", {"userId": user_id, "marketingOptIn": False, "createdAt": now}, key=user_id)
    return (await uow.session.scalars(stmt)).one()


@use_case
async def update_profile(*, uow: UnitOfWork, user_id: str, changes: Mapping[str, Any]) -> Profile:
    profile = await ensure_profile(uow=uow, user_id=user_id, lock=True)
    changed = domain.changed_fields(_values(profile, changes), changes)
    if not changed:  # nothing to store, nothing to announce
        return profile
    _apply(profile, changes, changed)
    await uow.session.flush()
    uow.emit("profile.updated", {"userId": user_id, "changedFields": [domain.api_name(f) for f in changed],
                                 "marketingOptIn": profile.marketing_opt_in, "updatedAt": profile.updated_at},
             key=user_id)
    return profile
