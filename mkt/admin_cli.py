from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from email_validator import EmailNotValidError, validate_email
from rich.console import Console

from apps.auth.admin_accounts import STAFF_ROLES, create_staff_account
from kernel.errors import DomainError

admin_app = typer.Typer(no_args_is_help=True)
console = Console()


async def create_super_admin(email: str, password: str, name: str | None = None,
                             role: str = "super_admin") -> tuple[str, bool]:
    """Creates the account with a staff role (super_admin by default), or grants the role to an existing one.
    (user_id, created)."""
    account = await create_staff_account(email, password, name, role)
    return account.user_id, account.created


@admin_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="The super admin's email.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="At least 8 characters.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    role: Annotated[str, typer.Option(help="super_admin, or staff (support and refunds, no settings).")] = "super_admin",
) -> None:
    """Create the first super_admin or a staff member (there is no open endpoint for it), or promote an account."""
    if role not in STAFF_ROLES:
        raise typer.BadParameter(f"one of {', '.join(STAFF_ROLES)}", param_hint="--role")
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise typer.BadParameter(str(exc), param_hint="--email") from None
    try:
        user_id, created = asyncio.run(create_super_admin(email, password, name, role))
    except DomainError as exc:
        console.print(f"[red]✗[/] {exc.detail}")
        raise typer.Exit(1) from None
    console.print(f"[green]✓[/] {role} {email} ({user_id}) {'created' if created else 'granted the role'}")
