"""Profile routes (API.md § Profiles): thin — schema in, use case or query, schema out. Every route is the caller's
own data, so the user id always comes from the token, never from the path or body."""
from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from apps.profiles import queries
from apps.profiles.use_cases import addresses
from apps.profiles.use_cases import profile as profile_uc
from apps.profiles.dependencies import MeDep
from apps.profiles.schemas import AddressCreate, AddressList, AddressOut, AddressUpdate, ProfileOut, ProfileUpdate
from apps.profiles.views import address_out, profile_out
from kernel.service_app import UowDep

router = APIRouter(prefix="/v1/me", tags=["profiles"])


@router.get("", response_model=ProfileOut)
async def get_me(user: MeDep, uow: UowDep) -> ProfileOut:
    profile = await profile_uc.ensure_profile(uow=uow, user_id=user.id)
    return profile_out(profile, user)


@router.patch("", response_model=ProfileOut)
async def update_me(body: ProfileUpdate, user: MeDep, uow: UowDep) -> ProfileOut:
    profile = await profile_uc.update_profile(uow=uow, user_id=user.id, changes=body.model_dump(exclude_unset=True))
    return profile_out(profile, user)


@router.get("/addresses", response_model=AddressList)
async def list_addresses(user: MeDep, uow: UowDep) -> AddressList:
    async with uow.reading():
        addresses = await queries.list_addresses(uow=uow, user_id=user.id)
    return AddressList(items=[address_out(a) for a in addresses], total=len(addresses))


@router.post("/addresses", status_code=status.HTTP_201_CREATED, response_model=AddressOut)
async def create_address(body: AddressCreate, user: MeDep, uow: UowDep, request: Request) -> AddressOut:
    address = await addresses.create_address(uow=uow, settings=request.app.state.settings, user_id=user.id,
                                           fields=body.model_dump())
    return address_out(address)


@router.patch("/addresses/{address_id}", response_model=AddressOut)
async def update_address(address_id: str, body: AddressUpdate, user: MeDep, uow: UowDep) -> AddressOut:
    address = await addresses.update_address(uow=uow, user_id=user.id, address_id=address_id,
                                           changes=body.model_dump(exclude_unset=True))
    return address_out(address)


@router.delete("/addresses/{address_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_address(address_id: str, user: MeDep, uow: UowDep) -> Response:
    await addresses.delete_address(uow=uow, user_id=user.id, address_id=address_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
