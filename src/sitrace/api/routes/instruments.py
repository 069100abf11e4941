"""Instruments in service: the shared item routes, plus shares with other organisations."""

from __future__ import annotations

from typing import Any

from fastapi import Response, status

from ...services import registry
from ..deps import CurrentActor, DataCentreDep, RecordId
from ..schemas import ShareCreate, ShareOut, Written
from ._common import write_response
from ._items import check_kind, item_router

router = item_router("instrument")


@router.post(
    "/{item_id}/shares", status_code=status.HTTP_201_CREATED, response_model=Written[ShareOut]
)
def share_instrument(
    item_id: RecordId,
    body: ShareCreate,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Share an instrument and its calibrations with another organisation (e.g. its lab)."""
    check_kind(datacentre, actor, item_id, "instrument")
    written = registry.share_item(datacentre, actor, item_id, body.organisation)
    return write_response(written, response, location=f"/instruments/{item_id}")
