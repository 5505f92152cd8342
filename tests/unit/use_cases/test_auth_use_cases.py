"""Auth use cases on the fake unit of work (tests/fakes/auth.py): who may log in, refresh-token rotation and reuse,
logout, password reset, registration and staff accounts. argon2id is swapped for a cheap parameter set so a test
costs milliseconds; the real hashing, the row locks and the outbox over Kafka are shown by
tests/integration/test_auth.py."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from argon2 import PasswordHasher

from apps.auth import domain
from apps.auth.admin_accounts import ensure_staff
from apps.auth.exceptions import (EmailTaken, InvalidCredentials, InvalidRefreshToken, InvalidResetToken,
                                  RefreshTokenReused, WeakPassword)
from apps.auth.orm import PasswordResetToken, RefreshToken, User
from apps.auth.use_cases import login, logout, password_reset, refresh, register, roles
from kernel.clock import utcnow
from kernel.testing import run_use_case
from tests.fakes.auth import auth_settings, auth_world

PASSWORD = "correct-horse-1"
VENDOR = "0190a000-0000-7000-8000-0000000000aa"


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch):
    """argon2id at its cheapest: the decisions are the same, a hash costs microseconds instead of ~0.15 s."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(domain, "_hasher", cheap)
    monkeypatch.setattr(domain, "DUMMY_HASH", cheap.hash("not-a-real-password"))


async def _login(uow, issuer, email="ann@example.com", password=PASSWORD):
    return await login.login(uow=uow, issuer=issuer, email=email, password=password)


async def _refresh(uow, issuer, token):
    return await refresh.refresh(uow=uow, issuer=issuer, token=token)


def _claims(access_token: str) -> dict:
    return jwt.decode(access_token, options={"verify_signature": False})


# Login

async def test_login_opens_a_session_whose_tokens_carry_the_account():
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD, roles=["customer", "vendor_admin"], vendor_id=VENDOR)
    tokens = await _login(uow, issuer, email="  Ann@Example.COM ")

    claims = _claims(tokens.access_token)
    assert (claims["sub"], claims["roles"], claims["vendorId"]) == (user.id, ["customer", "vendor_admin"], VENDOR)
    assert tokens.expires_in == 15 * 60
    [session] = repo.sessions(user.id)
    assert session.token_hash == domain.token_hash(tokens.refresh_token) != tokens.refresh_token  # stored hashed
    assert session.expires_at > utcnow() + timedelta(days=29)
    assert uow.events("user.logged_in") == [{"userId": user.id}]


@pytest.mark.parametrize("email, password, active", [
    ("ann@example.com", "wrong-password-1", True),  # wrong password
    ("bob@example.com", PASSWORD, True),  # no such account
    ("ann@example.com", PASSWORD, False),  # disabled: even the right password is refused, with the same answer
])
async def test_login_refuses_with_one_answer_and_leaves_nothing_behind(email, password, active):
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD, is_active=active)
    with pytest.raises(InvalidCredentials) as refused:
        await _login(uow, issuer, email=email, password=password)
    assert refused.value.detail == "Email or password is wrong."
    assert repo.sessions(user.id) == [] and uow.committed == []


# Refresh

async def test_refresh_rotates_the_token_within_its_family():
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD)
    first = await _login(uow, issuer)
    second = await _refresh(uow, issuer, first.refresh_token)

    old, new = sorted(repo.sessions(user.id), key=lambda t: t.revoked_at is None)
    assert old.token_hash == domain.token_hash(first.refresh_token) and old.revoked_at is not None
    assert old.replaced_by == new.id and new.family_id == old.family_id and new.revoked_at is None
    assert new.token_hash == domain.token_hash(second.refresh_token)
    assert _claims(second.access_token)["sub"] == user.id
    third = await _refresh(uow, issuer, second.refresh_token)  # the new one works in turn
    assert third.refresh_token not in (first.refresh_token, second.refresh_token)


async def test_a_reused_refresh_token_revokes_its_whole_family_and_keeps_that_revocation():
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD)
    first = await _login(uow, issuer)
    other_device = await _login(uow, issuer)
    second = await _refresh(uow, issuer, first.refresh_token)
    commits = uow.commits

    with pytest.raises(RefreshTokenReused):
        await _refresh(uow, issuer, first.refresh_token)  # a leaked (already used) token comes back
    assert uow.commits == commits + 1  # the revocation is committed although the request is refused
    family = repo.rows(RefreshToken)[0].family_id
    assert all(t.revoked_at is not None for t in repo.sessions(user.id) if t.family_id == family)
    with pytest.raises(RefreshTokenReused):
        await _refresh(uow, issuer, second.refresh_token)  # the thief's or the owner's newer token: dead too
    await _refresh(uow, issuer, other_device.refresh_token)  # another session of the same account lives on


async def test_unknown_expired_and_disabled_refreshes_are_refused():
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD)
    with pytest.raises(InvalidRefreshToken, match="Unknown"):
        await _refresh(uow, issuer, "never-issued")

    expiring = await _login(uow, issuer)
    repo.sessions(user.id)[0].expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(InvalidRefreshToken, match="expired"):
        await _refresh(uow, issuer, expiring.refresh_token)

    live = await _login(uow, issuer)
    user.is_active = False
    with pytest.raises(InvalidRefreshToken, match="disabled"):
        await _refresh(uow, issuer, live.refresh_token)
    assert len(repo.sessions(user.id)) == 2  # nothing was issued


# Logout

async def test_logout_ends_only_this_devices_session_and_ignores_unknown_tokens():
    uow, repo, issuer = auth_world()
    repo.account("ann@example.com", PASSWORD)
    phone, laptop = await _login(uow, issuer), await _login(uow, issuer)
    rotated = await _refresh(uow, issuer, phone.refresh_token)

    await logout.logout(uow=uow, token=phone.refresh_token)  # an older token of the family ends the family
    with pytest.raises(RefreshTokenReused):
        await _refresh(uow, issuer, rotated.refresh_token)
    await _refresh(uow, issuer, laptop.refresh_token)
    await logout.logout(uow=uow, token="never-issued")  # idempotent: no error


# Password reset

async def test_a_reset_link_is_mailed_only_for_an_active_account(monkeypatch):
    mailed = []

    async def send_mail(settings, *, to, subject, text):
        mailed.append((to, text))

    monkeypatch.setattr(password_reset, "send_mail", send_mail)
    uow, repo, issuer = auth_world()
    repo.account("ann@example.com", PASSWORD)
    repo.account("gone@example.com", PASSWORD, is_active=False)
    settings = auth_settings()
    for email in ("nobody@example.com", "gone@example.com"):
        await password_reset.forgot_password(uow=uow, settings=settings, email=email)
    assert mailed == [] and repo.rows(PasswordResetToken) == []

    await password_reset.forgot_password(uow=uow, settings=settings, email="ANN@example.com")
    [(to, text)] = mailed
    [row] = repo.rows(PasswordResetToken)
    token = text.rsplit("Reset token: ", 1)[1].strip()
    assert to == "ann@example.com" and f"http://shop.test/reset-password?token={token}" in text
    assert row.token_hash == domain.token_hash(token) and row.used_at is None
    assert timedelta(minutes=29) < row.expires_at - utcnow() <= timedelta(minutes=30)


async def test_a_mail_failure_still_answers_as_if_all_went_well(monkeypatch):
    async def send_mail(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(password_reset, "send_mail", send_mail)
    uow, repo, _ = auth_world()
    repo.account("ann@example.com", PASSWORD)
    await password_reset.forgot_password(uow=uow, settings=auth_settings(), email="ann@example.com")
    assert len(repo.rows(PasswordResetToken)) == 1  # the token was committed before the mail was tried


async def _reset_token(uow, repo) -> str:
    email, token = await password_reset.request_password_reset(uow=uow, settings=auth_settings(),
                                                               email="ann@example.com")
    return token


async def test_a_reset_sets_the_password_once_and_ends_every_session():
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD)
    sessions = [await _login(uow, issuer), await _login(uow, issuer)]
    token = await _reset_token(uow, repo)

    await password_reset.reset_password(uow=uow, settings=auth_settings(), token=token, new_password="new-pass-42")
    assert all(t.revoked_at is not None for t in repo.sessions(user.id))
    for session in sessions:
        with pytest.raises(RefreshTokenReused):
            await _refresh(uow, issuer, session.refresh_token)
    with pytest.raises(InvalidCredentials):
        await _login(uow, issuer)  # the old password
    await _login(uow, issuer, password="new-pass-42")
    assert uow.events("user.password_reset") == [{"userId": user.id}]
    with pytest.raises(InvalidResetToken):  # a link works once
        await password_reset.reset_password(uow=uow, settings=auth_settings(), token=token,
                                            new_password="other-pass-42")


async def test_expired_unknown_and_weak_resets_change_nothing():
    uow, repo, issuer = auth_world()
    user = repo.account("ann@example.com", PASSWORD)
    old_hash = user.password_hash
    settings = auth_settings()
    with pytest.raises(InvalidResetToken):
        await password_reset.reset_password(uow=uow, settings=settings, token="never-issued",
                                            new_password="new-pass-42")
    token = await _reset_token(uow, repo)
    with pytest.raises(WeakPassword) as weak:
        await password_reset.reset_password(uow=uow, settings=settings, token=token, new_password="short")
    assert {e["field"] for e in weak.value.errors} == {"password"}
    assert repo.rows(PasswordResetToken)[0].used_at is None  # the link still works after a refused password

    repo.rows(PasswordResetToken)[0].expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(InvalidResetToken):
        await password_reset.reset_password(uow=uow, settings=settings, token=token, new_password="new-pass-42")
    assert user.password_hash == old_hash and uow.events("user.password_reset") == []


# Registration

async def test_registration_opens_a_customer_account_and_announces_it():
    uow, repo, issuer = auth_world()
    user = await register.create_user(uow=uow, settings=auth_settings(), email=" Ann@Example.COM",
                                      password=PASSWORD, name="Ann")

    assert (user.email, user.roles, user.name) == ("ann@example.com", ["customer"], "Ann")
    assert domain.verify_password(user.password_hash, PASSWORD) and PASSWORD not in user.password_hash
    [created] = uow.events("user.created")
    assert (created["userId"], created["roles"], created["emailDomain"]) == (user.id, ["customer"], "example.com")
    assert await _login(uow, issuer, password=PASSWORD)


@pytest.mark.parametrize("password, problem", [
    ("short1", "at least 8"), ("onlyletters", "mix"), ("1234567890", "mix"), ("a1" * 65, "at most 128")])
async def test_registration_refuses_weak_passwords_field_by_field(password, problem):
    uow, repo, _ = auth_world()
    with pytest.raises(WeakPassword) as weak:
        await register.create_user(uow=uow, settings=auth_settings(), email="ann@example.com", password=password)
    assert any(problem in e["message"] and e["field"] == "password" for e in weak.value.errors)
    assert repo.rows(User) == [] and uow.committed == []


async def test_an_email_registers_once_whatever_its_case():
    uow, repo, _ = auth_world()
    repo.account("ann@example.com", PASSWORD)
    with pytest.raises(EmailTaken):
        await register.create_user(uow=uow, settings=auth_settings(), email="ANN@example.com", password=PASSWORD)
    with pytest.raises(ValueError, match="unknown roles"):
        await register.create_user(uow=uow, settings=auth_settings(), email="new@example.com", password=PASSWORD,
                                   roles=["wizard"])
    assert len(repo.rows(User)) == 1 and uow.committed == []


async def test_a_bulk_import_skips_known_ids_and_emails_and_hashes_each_password_once(monkeypatch):
    uow, repo, _ = auth_world()
    known = repo.account("known@example.com", PASSWORD)
    hashed = []
    real_hash = domain.hash_password
    monkeypatch.setattr(domain, "hash_password", lambda p: hashed.append(p) or real_hash(p))
    accounts = [register.NewAccount(f"user{i}@example.com", PASSWORD, roles=["customer"]) for i in range(3)]
    accounts += [register.NewAccount("Known@example.com", PASSWORD),
                 register.NewAccount("same-id@example.com", "another-pass-1", user_id=known.id)]

    created = await run_use_case(uow, register.create_users, settings=auth_settings(), accounts=accounts)
    assert sorted(u.email for u in created) == ["user0@example.com", "user1@example.com", "user2@example.com"]
    assert hashed == [PASSWORD] and len(uow.events("user.created")) == 3
    again = await run_use_case(uow, register.create_users, settings=auth_settings(), accounts=accounts)
    assert again == [] and len(repo.rows(User)) == 4  # a re-run creates nothing


# Staff accounts and roles

async def test_an_operator_makes_a_new_or_an_existing_account_staff():
    uow, repo, _ = auth_world()
    made = await ensure_staff(uow=uow, settings=auth_settings(), email="boss@example.com", password=PASSWORD)
    assert made.created and repo.rows(User)[0].roles == ["super_admin"]

    shopper = repo.account("ann@example.com", PASSWORD)
    granted = await ensure_staff(uow=uow, settings=auth_settings(), email="ann@example.com", password="ignored-1",
                                 role="staff")
    assert (granted.user_id, granted.created, shopper.roles) == (shopper.id, False, ["customer", "staff"])
    assert len(repo.rows(User)) == 2 and len(uow.events("user.created")) == 1
    with pytest.raises(ValueError):
        await ensure_staff(uow=uow, settings=auth_settings(), email="x@example.com", password=PASSWORD,
                           role="vendor_admin")


async def test_granting_a_role_needs_a_known_account_and_a_known_role():
    uow, repo, _ = auth_world()
    repo.account("ann@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await run_use_case(uow, roles.grant_role, email="nobody@example.com", role="staff")
    with pytest.raises(ValueError):
        await run_use_case(uow, roles.grant_role, email="ann@example.com", role="wizard")


async def test_the_vendor_role_follows_the_vendor_and_is_idempotent():
    uow, repo, issuer = auth_world()
    owner = repo.account("owner@example.com", PASSWORD)
    for _ in range(2):
        user = await roles.set_vendor_role(uow, owner_id=owner.id, vendor_id=VENDOR, active=True, cause="test")
    assert user is owner and owner.roles == ["customer", "vendor_admin"] and owner.vendor_id == VENDOR
    assert _claims((await _login(uow, issuer, email="owner@example.com")).access_token)["vendorId"] == VENDOR
    other = "0190a000-0000-7000-8000-0000000000bb"
    await roles.set_vendor_role(uow, owner_id=owner.id, vendor_id=other, active=False, cause="test")
    assert "vendor_admin" in owner.roles  # revoking another vendor's role leaves this one
    await roles.set_vendor_role(uow, owner_id=owner.id, vendor_id=VENDOR, active=False, cause="test")
    assert owner.roles == ["customer"] and owner.vendor_id == VENDOR  # the link stays, as history
    assert await roles.set_vendor_role(uow, owner_id=other, vendor_id=VENDOR, active=True, cause="test") is None


async def test_a_late_older_vendor_change_does_not_undo_a_newer_one():
    uow, repo, _ = auth_world()
    owner = repo.account("late@example.com", PASSWORD)
    approved, suspended = datetime(2026, 1, 1, 9, tzinfo=UTC), datetime(2026, 1, 1, 10, tzinfo=UTC)
    change = {"owner_id": owner.id, "vendor_id": VENDOR, "cause": "test"}
    await roles.set_vendor_role(uow, **change, active=True, changed_at=approved)      # the approval's call
    await roles.set_vendor_role(uow, **change, active=False, changed_at=suspended)    # the suspension's call
    await roles.set_vendor_role(uow, **change, active=True, changed_at=approved)      # the approval's event, late
    assert owner.roles == ["customer"] and owner.vendor_role_at == suspended
    await roles.set_vendor_role(uow, **change, active=False, changed_at=suspended)    # the suspension's event
    assert owner.roles == ["customer"]
    reinstated = datetime(2026, 1, 2, tzinfo=UTC)
    await roles.set_vendor_role(uow, **change, active=True, changed_at=reinstated)
    assert owner.roles == ["customer", "vendor_admin"] and owner.vendor_role_at == reinstated
