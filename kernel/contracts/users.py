"""Events produced by the auth domain (topic users.v1, key = userId)."""
from __future__ import annotations

from datetime import datetime

from pydantic import Field

from kernel.contracts.base import Contract, Payload
from kernel.contracts.topics import USERS


class UserCreated(Payload):
    user_id: str = Field(alias="userId")
    roles: list[str]
    # The address itself is PII and stays in the auth database; the domain is enough for analytics and fraud.
    email_domain: str = Field(alias="emailDomain")
    created_at: datetime = Field(alias="createdAt")


class UserLoggedIn(Payload):
    user_id: str = Field(alias="userId")


class UserPasswordReset(Payload):
    user_id: str = Field(alias="userId")


CONTRACTS = [
    Contract("user.created", 1, USERS, UserCreated),
    Contract("user.logged_in", 1, USERS, UserLoggedIn),
    Contract("user.password_reset", 1, USERS, UserPasswordReset),
]
