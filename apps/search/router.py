"""Search routes (API.md § Search & AI): thin — schema in, service call, schema out."""
from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["search"])
