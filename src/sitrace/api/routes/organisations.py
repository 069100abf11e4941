"""Organisations: the public directory of tenants (any user), and their scopes (admin writes)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from sqlalchemy import select

from ...errors import NotFoundError
from ...services import records, registry
from ...services.schemas import AccreditationCreate, OrganisationCreate
from ...store import models as m
from ..deps import CurrentActor, DataCentreDep, PageDep, RecordId, SessionDep, etag
from ..schemas import AccreditationOut, OrganisationDetail, OrganisationOut, Paged, Written
from ._common import page_of, write_response

router = APIRouter(prefix="/organisations", tags=["organisations"])

Kind = Literal["nmi", "calibration_lab", "owner", "regulator", "platform"]


@router.get("", response_model=Paged[OrganisationOut])
def list_organisations(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    kind: Annotated[Kind | None, Query(description="only organisations of this kind")] = None,
    q: Annotated[str | None, Query(max_length=200, description="code or name contains")] = None,
) -> dict[str, Any]:
    """The directory of organisations: every authenticated user may read it."""
    query = select(m.Organisation).order_by(m.Organisation.id)
    if kind is not None:
        query = query.where(m.Organisation.kind == kind)
    if q:
        query = query.where(
            m.Organisation.code.icontains(q, autoescape=True)
            | m.Organisation.name.icontains(q, autoescape=True)
        )
    return page_of(session, query, page, records.organisation)


@router.get("/{organisation_id}", response_model=OrganisationDetail)
def get_organisation(
    organisation_id: RecordId, session: SessionDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """An organisation and its accreditation scope (quantity, range, CMC per line)."""
    row = session.get(m.Organisation, organisation_id)
    if row is None:
        raise NotFoundError(f"no organisation with id {organisation_id}", where="organisation")
    response.headers["ETag"] = etag(row.version)
    return {
        **records.organisation(row),
        "scope": [records.accreditation(line) for line in row.scope],
    }


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=Written[OrganisationOut],
)
def create_organisation(
    body: OrganisationCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Register an organisation (admin)."""
    written = registry.create_organisation(datacentre, actor, body)
    return write_response(written, response, location=f"/organisations/{written.record['id']}")


@router.post(
    "/{organisation_id}/scope",
    status_code=status.HTTP_201_CREATED,
    response_model=Written[AccreditationOut],
)
def add_scope_line(
    organisation_id: RecordId,
    body: AccreditationCreate,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Add a line to a laboratory's accreditation scope (admin)."""
    written = registry.add_accreditation(datacentre, actor, organisation_id, body)
    return write_response(written, response, location=f"/organisations/{organisation_id}")
