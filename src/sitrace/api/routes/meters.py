"""Meters in service: alerts from remote estimates, work orders, verifications, lots.

The replace-when-inaccurate loop of issue 6: ``POST /meters/estimates`` turns an
estimates table into alerts; the owner opens a work order naming a laboratory
(``POST /meters/alerts/{id}/work-orders``); the laboratory records the removed
meter's verification as a calibration (``POST /calibrations``, a point in
``\\percent``) and links it (``POST /meters/work-orders/{id}/verification``), which
compares the estimate with its result; ``GET /meters/validation`` reports how the
estimator fared. ``POST /meters/lots`` decides a lot by ISO 2859-1 single sampling
and the 95 % rule.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from ...services import meters, records
from ...services.schemas import (
    EstimatesCreate,
    LotCreate,
    Reason,
    VerificationCreate,
    WorkOrderCreate,
)
from ..deps import MAX_ID, CurrentActor, DataCentreDep, PageDep, RecordId, SessionDep, etag
from ._common import API_PREFIX, page_of, write_response

router = APIRouter(prefix="/meters", tags=["meters"])


@router.post("/estimates", status_code=201)
def record_estimates(
    body: EstimatesCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Record an owner's remote error estimates (the estimates file contract, as rows) and
    areas: one alert per flagged meter, one per area with a balance anomaly. An open alert
    of the same meter takes a later window's estimate (``updated``); others are left as
    they are, each with why (``unchanged``)."""
    recorded = meters.record_estimates(
        datacentre,
        actor,
        body.owner,
        body.rows,
        body.areas,
        window_end=body.window_end,
        mpe_percent=body.mpe_percent,
    )
    if not recorded.created:
        response.status_code = 200
    else:
        response.headers["Location"] = f"{API_PREFIX}/meters/alerts?status=open"
    return recorded.to_dict()


@router.get("/alerts")
def list_alerts(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    status: Literal["open", "work_order", "verified", "dismissed"] | None = None,
    kind: Literal["meter", "area"] | None = None,
    area: Annotated[str | None, Query(max_length=100)] = None,
    owner: Annotated[int | None, Query(ge=1, le=MAX_ID, description="owner id")] = None,
) -> dict[str, Any]:
    """The alerts the caller may see, newest first."""
    query = meters.alerts_query(actor, status=status, kind=kind, area=area, owner=owner)
    return page_of(session, query, page, records.meter_alert)


@router.get("/alerts/{alert_id}")
def get_alert(
    alert_id: RecordId, session: SessionDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """An alert with the work orders the caller may see; its ETag is its version."""
    row = meters.get_alert(session, actor, alert_id)
    response.headers["ETag"] = etag(row.version)
    return meters.alert_detail(session, actor, row)


@router.post("/alerts/{alert_id}/work-orders", status_code=201)
def open_work_order(
    alert_id: RecordId,
    body: WorkOrderCreate,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Order the flagged meter removed and verified by a laboratory (the owner). The meter's
    item is shared with the laboratory so that it can record the verification."""
    written = meters.open_work_order(datacentre, actor, alert_id, body.laboratory)
    return write_response(written, response, location=f"/meters/alerts/{alert_id}")


@router.post("/alerts/{alert_id}/dismiss")
def dismiss_alert(
    alert_id: RecordId,
    body: Reason,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Close an open alert without a work order (the owner); the reason is logged."""
    written = meters.dismiss_alert(datacentre, actor, alert_id, body.reason)
    return write_response(written, response)


@router.post("/work-orders/{work_order_id}/cancel")
def cancel_work_order(
    work_order_id: RecordId,
    body: Reason,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Cancel an open work order (the owner): its alert is open again; the reason is logged."""
    written = meters.cancel_work_order(datacentre, actor, work_order_id, body.reason)
    return write_response(written, response)


@router.get("/work-orders")
def list_work_orders(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    status: Literal["open", "verified", "cancelled"] | None = None,
) -> dict[str, Any]:
    """The work orders the caller may see (a laboratory: those assigned to it), newest first."""
    return page_of(
        session, meters.work_orders_query(actor, status=status), page, records.work_order
    )


@router.post("/work-orders/{work_order_id}/verification")
def record_verification(
    work_order_id: RecordId,
    body: VerificationCreate,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Link the assigned laboratory's calibration of the removed meter (a point in
    ``\\percent``: the meter's error and its standard uncertainty): the estimate is
    compared with it and the alert and the work order are verified."""
    written = meters.record_verification(
        datacentre, actor, work_order_id, body.calibration, point=body.point
    )
    return write_response(written, response, location=f"/meters/alerts/{written.record['id']}")


@router.post("/lots", status_code=201)
def decide_lot(
    body: LotCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Decide a lot on its inspected sample: ISO 2859-1 single sampling (normal inspection)
    and the 95 % rule; the lot is ``in_service``, ``withdrawn`` or ``inconclusive``."""
    written = meters.decide_lot(
        datacentre,
        actor,
        body.owner,
        manufacturer=body.manufacturer,
        model=body.model,
        year=body.year,
        size=body.size,
        aql=body.aql,
        level=body.level,
        sample_results=body.sample_results,
        decided_on=body.decided_on,
    )
    return write_response(written, response)


@router.get("/lots")
def list_lots(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    status: Literal["in_service", "withdrawn", "inconclusive"] | None = None,
) -> dict[str, Any]:
    """The lot decisions the caller may see, newest first."""
    return page_of(session, meters.lots_query(actor, status=status), page, records.meter_lot)


@router.get("/validation")
def validation(session: SessionDep, actor: CurrentActor) -> dict[str, Any]:
    """How the remote estimator fared against the laboratories' verifications: count,
    agreeing (|normalized difference| <= 2) and their share, mean difference."""
    return meters.validation_summary(session, actor)
