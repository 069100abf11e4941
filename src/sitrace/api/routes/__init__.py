"""The routers of the API, one per resource, assembled under ``/api/v1``."""

from __future__ import annotations

from fastapi import APIRouter

from . import (
    audit,
    calibrations,
    certificates,
    comparisons,
    health,
    instruments,
    intervals,
    ledger,
    materials,
    meters,
    organisations,
    standards,
    users,
)
from ._common import API_PREFIX

__all__ = ["API_PREFIX", "api_router"]

api_router = APIRouter(prefix=API_PREFIX)
for module in (
    health,
    organisations,
    users,
    standards,
    instruments,
    calibrations,
    certificates,
    comparisons,
    materials,
    meters,
    intervals,
    ledger,
    audit,
):
    api_router.include_router(module.router)
