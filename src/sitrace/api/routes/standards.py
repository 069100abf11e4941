"""Measurement standards: the shared item routes, plus out-of-tolerance findings and recalls."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query, Response

from ...services import chains
from ..deps import CurrentActor, DataCentreDep, RecordId, SessionDep
from ..schemas import OutOfTolerance, OutOfToleranceOut
from ._common import write_response
from ._items import check_kind, item_of_kind, item_router

router = item_router("standard")


@router.post("/{item_id}/out-of-tolerance", response_model=OutOfToleranceOut)
def report_out_of_tolerance(
    item_id: RecordId,
    body: OutOfTolerance,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Record that a standard was found out of tolerance (its lab), and return the recall list."""
    check_kind(datacentre, actor, item_id, "standard")
    written, recall = chains.mark_out_of_tolerance(
        datacentre, actor, item_id, body.found, reason=body.reason
    )
    return {**write_response(written, response), "recall": recall.to_dict()}


@router.get("/{item_id}/recall", response_model=dict[str, Any])
def recall_list(
    item_id: RecordId,
    session: SessionDep,
    actor: CurrentActor,
    found: Annotated[
        dt.date | None,
        Query(description="date found out of tolerance; default: the recorded finding"),
    ] = None,
) -> dict[str, Any]:
    """Every calibration and item downstream of a standard found out of tolerance on ``found``."""
    item_of_kind(session, actor, item_id, "standard")
    return chains.recall(session, actor, item_id, found).to_dict()
