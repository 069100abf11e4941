"""The routes standards and instruments share (both are rows of the ``item`` table).

Built once per kind by :func:`item_router`; ``standards.py`` and
``instruments.py`` add what only their kind has. An item of the other kind,
or one the caller may not see, is a 404 (its existence is not revealed).

This module does not postpone annotations: the routes' types are the kind's
own schemas, closed over when the router is built.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from ...errors import NotFoundError
from ...services import chains, intervals, records, registry
from ...services.access import Actor, visible_calibrations, visible_items
from ...services.datacentre import DataCentre
from ...services.schemas import ItemUpdate
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
    today,
)
from ..schemas import (
    CalibrationOut,
    InstrumentCreate,
    ItemOut,
    ItemWithdraw,
    Paged,
    StandardCreate,
    Written,
)
from ._common import page_of, write_response

__all__ = ["item_of_kind", "item_router"]

Status = Literal["in_service", "out_of_tolerance", "withdrawn"]


def item_of_kind(session, actor: Actor, item_id: int, kind: str) -> m.Item:
    """The item ``item_id`` if it is of ``kind`` and visible to ``actor``; else 404."""
    row = session.execute(
        select(m.Item).where(m.Item.id == item_id, m.Item.kind == kind, visible_items(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no {kind} with id {item_id}", where=kind)
    return row


def check_kind(datacentre: DataCentre, actor: Actor, item_id: int, kind: str) -> None:
    """Refuse (404) a write to an item of another kind, before the service writes it.

    The read session is closed before the write starts: on SQLite a session
    holds the write lock for as long as it is open.
    """
    with datacentre.reading() as session:
        item_of_kind(session, actor, item_id, kind)


def item_router(kind: Literal["standard", "instrument"]) -> APIRouter:
    """The list, read, create, correct, withdraw, chain and calibrations routes of ``kind``."""
    plural = f"{kind}s"
    create_schema = StandardCreate if kind == "standard" else InstrumentCreate
    router = APIRouter(prefix=f"/{plural}", tags=[plural])

    @router.get(
        "",
        response_model=Paged[ItemOut],
        name=f"list_{plural}",
        description=f"The {plural} the caller may see, filtered and paginated.",
    )
    def list_items(
        session: SessionDep,
        actor: CurrentActor,
        page: PageDep,
        quantity: Annotated[str | None, Query(max_length=64, description="e.g. voltage")] = None,
        owner: Annotated[int | None, Query(ge=1, le=MAX_ID, description="owner id")] = None,
        status: Annotated[Status | None, Query()] = None,
        legal_control: Annotated[bool | None, Query(description="under legal control")] = None,
        q: Annotated[str | None, Query(max_length=200, description="in name or serial")] = None,
    ) -> dict[str, Any]:
        query = select(m.Item).where(m.Item.kind == kind, visible_items(actor)).order_by(m.Item.id)
        if quantity is not None:
            query = query.where(m.Item.quantity == quantity)
        if owner is not None:
            query = query.where(m.Item.owner_id == owner)
        if status is not None:
            query = query.where(m.Item.status == status)
        if legal_control is not None:
            query = query.where(m.Item.legal_control.is_(legal_control))
        if q:
            query = query.where(
                m.Item.name.icontains(q, autoescape=True)
                | m.Item.serial.icontains(q, autoescape=True)
            )
        return page_of(session, query, page, records.item)

    @router.get(
        "/{item_id}",
        response_model=ItemOut,
        name=f"get_{kind}",
        description=f"One {kind}; its ETag is its version (send it back in If-Match).",
    )
    def get_item(
        item_id: RecordId, session: SessionDep, actor: CurrentActor, response: Response
    ) -> dict[str, Any]:
        row = item_of_kind(session, actor, item_id, kind)
        response.headers["ETag"] = etag(row.version)
        return records.item(row)

    @router.post(
        "",
        status_code=201,
        response_model=Written[ItemOut],
        name=f"create_{kind}",
        description=(
            "Register a measurement standard (labs)."
            if kind == "standard"
            else "Register an instrument in service (labs and owners)."
        ),
    )
    def create_item(
        body: create_schema,  # type: ignore[valid-type]
        datacentre: DataCentreDep,
        actor: CurrentActor,
        response: Response,
    ) -> dict[str, Any]:
        written = registry.create_item(datacentre, actor, body)
        return write_response(written, response, location=f"/{plural}/{written.record['id']}")

    @router.patch(
        "/{item_id}",
        response_model=Written[ItemOut],
        name=f"correct_{kind}",
        description=(
            f"Correct a {kind}'s description. Needs `If-Match` with its ETag "
            "(428 without it, 412 when it is stale)."
        ),
    )
    def correct_item(
        item_id: RecordId,
        body: ItemUpdate,
        actor: CurrentActor,
        version: IfMatch,
        datacentre: DataCentreDep,
        response: Response,
    ) -> dict[str, Any]:
        check_kind(datacentre, actor, item_id, kind)
        written = registry.update_item(datacentre, actor, item_id, body, version=version)
        return write_response(written, response)

    @router.post(
        "/{item_id}/withdraw",
        response_model=Written[ItemOut],
        name=f"withdraw_{kind}",
        description=f"Withdraw a {kind} from service (on a date, default today UTC).",
    )
    def withdraw_item(
        item_id: RecordId,
        datacentre: DataCentreDep,
        actor: CurrentActor,
        response: Response,
        version: OptionalIfMatch,
        body: ItemWithdraw | None = None,
    ) -> dict[str, Any]:
        on = (body.on if body is not None else None) or today()
        check_kind(datacentre, actor, item_id, kind)
        written = registry.withdraw_item(datacentre, actor, item_id, on, version=version)
        return write_response(written, response)

    @router.get(
        "/{item_id}/chain",
        response_model=dict[str, Any],
        name=f"chain_of_{kind}",
        description=(
            f"The traceability chain of a {kind} to the SI at a date of use: "
            "`ok`, its `steps`, `links` and `problems`."
        ),
    )
    def chain_of_item(
        item_id: RecordId,
        session: SessionDep,
        datacentre: DataCentreDep,
        actor: CurrentActor,
        at: Annotated[dt.date | None, Query(description="date of use; default today UTC")] = None,
    ) -> dict[str, Any]:
        item_of_kind(session, actor, item_id, kind)
        result = chains.chain(
            session, actor, item_id, at or today(), tur_warning=datacentre.tur_warning
        )
        return result.to_dict()

    @router.get(
        "/{item_id}/next-due",
        response_model=dict[str, Any],
        name=f"next_due_of_{kind}",
        description=(
            f"The {kind}'s next due date by its category's interval policy (the item's "
            "`type`): `next_due`, `days`, `method`, `basis`, `note`. 409 when the "
            "category has no policy."
        ),
    )
    def next_due_of_item(
        item_id: RecordId, session: SessionDep, actor: CurrentActor
    ) -> dict[str, Any]:
        item_of_kind(session, actor, item_id, kind)
        return intervals.next_due(session, actor, item_id)

    @router.get(
        "/{item_id}/calibrations",
        response_model=Paged[CalibrationOut],
        name=f"calibrations_of_{kind}",
        description=f"The calibrations of a {kind}, newest first.",
    )
    def calibrations_of_item(
        item_id: RecordId, session: SessionDep, actor: CurrentActor, page: PageDep
    ) -> dict[str, Any]:
        item_of_kind(session, actor, item_id, kind)
        query = (
            select(m.Calibration)
            .where(m.Calibration.item_id == item_id, visible_calibrations(actor))
            .order_by(m.Calibration.performed.desc(), m.Calibration.id.desc())
        )
        return page_of(session, query, page, records.calibration)

    return router
