from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from email_validator import EmailNotValidError, validate_email
from rich.console import Console

from apps.auth import service
from apps.auth.config import AuthSettings
from apps.auth.exceptions import EmailTaken
from apps.auth.orm import OUTBOX
from kernel.db import Database
from kernel.errors import DomainError
from kernel.uow import UnitOfWork

admin_app = typer.Typer(no_args_is_help=True)
console = Console()


async def create_super_admin(email: str, password: str, name: str | None = None) -> tuple[str, bool]:
    """Creates the account with role super_admin, or grants the role to an existing one. (user_id, created)."""
    settings = AuthSettings()
    db = Database(settings.db_url(), pool_size=1)
    try:
        async with UnitOfWork(db.sessions, OUTBOX) as uow:
            try:
                user = await service.create_user(uow=uow, settings=settings, email=email, password=password,
                                                 name=name, roles=["super_admin"])
                created = True
            except EmailTaken:
                await uow.rollback()
                user = await service.grant_role(uow=uow, email=email, role="super_admin")
                created = False
            await uow.commit()
            return user.id, created
    finally:
        await db.dispose()


@admin_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="The super admin's email.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="At least 8 characters.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
) -> None:
    """Create the first super_admin (there is no open endpoint for it), or promote an existing account."""
    try:
        email = validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise typer.BadParameter(str(exc), param_hint="--email") from None
    try:
        user_id, created = asyncio.run(create_super_admin(email, password, name))
    except DomainError as exc:
        console.print(f"[red]✗[/] {exc.detail}")
        raise typer.Exit(1) from None
    console.print(f"[green]✓[/] super_admin {email} ({user_id}) {'created' if created else 'granted the role'}")
