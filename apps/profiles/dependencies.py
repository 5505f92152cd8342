"""Who "me" is: the verified token's subject, checked to be a user id before it reaches a query."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from apps.profiles.exceptions import InvalidSubject
from kernel.auth import CurrentUser, CurrentUserDep
from kernel.ids import is_uuid


async def me(user: CurrentUserDep) -> CurrentUser:
    # Only the auth service signs tokens and its subjects are UUIDs; anything else would be a 500 at the
    # database, so refuse it as an unusable token instead.
    if not is_uuid(user.id):
        raise InvalidSubject("The token's subject is not a user id.")
    return user


MeDep = Annotated[CurrentUser, Depends(me)]
