from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status

from apps.tracking.schemas import TrackIn, TrackOut
from apps.tracking.use_cases import track as track_uc
from kernel.auth import CurrentUser, optional_user
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1/events", tags=["tracking"])


@router.post("/track", status_code=status.HTTP_202_ACCEPTED, response_model=TrackOut)
async def track(body: TrackIn, uow: UowDep, request: Request,
                user: Annotated[CurrentUser | None, Depends(optional_user)]) -> TrackOut:
    """Storefront events the services cannot see. Signed-in (token) or anonymous (sessionId only)."""
    accepted = await track_uc.track(uow=uow, settings=request.app.state.settings, batch=body,
                                    user_id=user.id if user else None)
    return TrackOut(accepted=accepted)
