"""`mkt admin create` through auth's public entry (apps/auth/admin_accounts.py), against the real auth database:
a new email becomes a staff account, an existing account is granted the role with its password kept."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from apps.auth.admin_accounts import create_staff_account
from kernel.errors import DomainError
from mkt.cli import app
from tests.conftest import login, unique_email

PASSWORD = "Staff-pass-123"


async def test_a_new_email_becomes_a_staff_account(client):
    email = unique_email("staff")
    account = await create_staff_account(email, PASSWORD, "Sam Staff", role="staff")
    assert account.created
    tokens = await login(client, email, PASSWORD)
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert me.status_code == 200 and me.json()["roles"] == ["staff"]


async def test_an_existing_account_is_granted_the_role_and_keeps_its_password(client, customer):
    account = await create_staff_account(customer["email"], "another-pass-999", role="super_admin")
    assert not account.created and account.user_id == customer["userId"]
    tokens = await login(client, customer["email"], customer["password"])
    me = await client.get("/v1/me", headers={"Authorization": f"Bearer {tokens['accessToken']}"})
    assert sorted(me.json()["roles"]) == ["customer", "super_admin"]
    again = await create_staff_account(customer["email"], "ignored-pass-1", role="super_admin")
    assert not again.created  # a re-run changes nothing


async def test_a_weak_password_or_unknown_role_creates_nothing(stack):
    with pytest.raises(DomainError):
        await create_staff_account(unique_email("weak"), "short", role="staff")
    with pytest.raises(ValueError):
        await create_staff_account(unique_email("role"), PASSWORD, role="customer")


def test_the_cli_creates_then_promotes(stack):
    email = unique_email("cli")
    first = CliRunner().invoke(app, ["admin", "create", "--email", email, "--password", PASSWORD, "--role", "staff"])
    assert first.exit_code == 0, first.output
    assert "staff" in first.output and "created" in first.output
    second = CliRunner().invoke(app, ["admin", "create", "--email", email, "--password", PASSWORD])
    assert second.exit_code == 0 and "granted the role" in second.output
    bad = CliRunner().invoke(app, ["admin", "create", "--email", email, "--password", PASSWORD, "--role", "owner"])
    assert bad.exit_code != 0 and "--role" in bad.output
