"""Calibrations: list and read (visibility rules), record, correct (If-Match), withdraw."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from ...services import calibrations, records
from ...services.access import visible_calibrations
from ...services.schemas import CalibrationCreate, CalibrationUpdate
from ...store import models as m
from ..deps import (
    MAX_ID,
    CurrentActor,
    DataCentreDep,
    IfMatch,
    OptionalIfMatch,
    PageDep,
    RecordId,
    SessionDep,
    etag,
)
from ..schemas import CalibrationOut, CalibrationWithdraw, Paged, Written
from ._common import page_of, write_response

router = APIRouter(prefix="/calibrations", tags=["calibrations"])


@router.get("", response_model=Paged[CalibrationOut])
def list_calibrations(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    item: Annotated[int | None, Query(ge=1, le=MAX_ID, description="item id")] = None,
    laboratory: Annotated[int | None, Query(ge=1, le=MAX_ID, description="lab id")] = None,
    performed_from: Annotated[dt.date | None, Query(description="performed on or after")] = None,
    performed_to: Annotated[dt.date | None, Query(description="performed on or before")] = None,
    status: Annotated[Literal["valid", "withdrawn"] | None, Query()] = None,
) -> dict[str, Any]:
    """The calibrations the caller may see, newest first."""
    query = (
        select(m.Calibration)
        .where(visible_calibrations(actor))
        .order_by(m.Calibration.performed.desc(), m.Calibration.id.desc())
    )
    if item is not None:
        query = query.where(m.Calibration.item_id == item)
    if laboratory is not None:
        query = query.where(m.Calibration.laboratory_id == laboratory)
    if performed_from is not None:
        query = query.where(m.Calibration.performed >= performed_from)
    if performed_to is not None:
        query = query.where(m.Calibration.performed <= performed_to)
    if status is not None:
        query = query.where(m.Calibration.status == status)
    return page_of(session, query, page, records.calibration)


@router.get("/{calibration_id}", response_model=CalibrationOut)
def get_calibration(
    calibration_id: RecordId, session: SessionDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """One calibration with its points and budgets; its ETag is its version."""
    row = calibrations.get_calibration(session, actor, calibration_id)
    response.headers["ETag"] = etag(row.version)
    return records.calibration(row)


@router.post("", status_code=201, response_model=Written[CalibrationOut])
def record_calibration(
    body: CalibrationCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Record a calibration performed by the caller's laboratory (units, uncertainties and
    the standards used are checked; a point's model is evaluated by the GUM)."""
    written = calibrations.record_calibration(datacentre, actor, body)
    return write_response(written, response, location=f"/calibrations/{written.record['id']}")


@router.patch("/{calibration_id}", response_model=Written[CalibrationOut])
def correct_calibration(
    calibration_id: RecordId,
    body: CalibrationUpdate,
    actor: CurrentActor,
    version: IfMatch,
    datacentre: DataCentreDep,
    response: Response,
) -> dict[str, Any]:
    """Correct a calibration, with the reason. Needs `If-Match` with its ETag
    (428 without it, 412 when it is stale)."""
    written = calibrations.correct_calibration(
        datacentre, actor, calibration_id, body, version=version
    )
    return write_response(written, response)


@router.post("/{calibration_id}/withdraw", response_model=Written[CalibrationOut])
def withdraw_calibration(
    calibration_id: RecordId,
    body: CalibrationWithdraw,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
    version: OptionalIfMatch,
) -> dict[str, Any]:
    """Withdraw a calibration, with the reason (logged in the ledger)."""
    written = calibrations.withdraw_calibration(
        datacentre, actor, calibration_id, body.reason, version=version
    )
    return write_response(written, response)
