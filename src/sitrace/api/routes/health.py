"""Health: whether the data centre answers (no authentication)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..deps import DataCentreDep, SessionDep
from ..schemas import HealthOut
from .ledger import tree_size

router = APIRouter(prefix="/health", tags=["health"])


@router.get("", response_model=HealthOut)
def health(session: SessionDep, datacentre: DataCentreDep) -> dict[str, Any]:
    """``ok``, the database dialect and the ledger's size (no token needed)."""
    return {
        "status": "ok",
        "database": datacentre.database.dialect,
        "ledger_size": tree_size(session),
    }
