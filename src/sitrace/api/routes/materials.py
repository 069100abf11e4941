"""Certified reference materials (ISO 17034): list, read, register (labs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from sqlalchemy import select

from ...errors import NotFoundError
from ...services import records, registry
from ...services.schemas import MaterialCreate
from ...store import models as m
from ..deps import CurrentActor, DataCentreDep, PageDep, RecordId, SessionDep, etag
from ..schemas import MaterialOut, Paged, Written
from ._common import page_of, write_response

router = APIRouter(prefix="/materials", tags=["materials"])


@router.get("", response_model=Paged[MaterialOut])
def list_materials(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    producer: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str | None, Query(max_length=200, description="name, property or lot")] = None,
) -> dict[str, Any]:
    """Reference materials: a shared catalogue that every authenticated user may read."""
    query = select(m.ReferenceMaterial).order_by(m.ReferenceMaterial.id)
    if producer is not None:
        query = query.where(m.ReferenceMaterial.producer == producer)
    if q:
        query = query.where(
            m.ReferenceMaterial.name.icontains(q, autoescape=True)
            | m.ReferenceMaterial.property.icontains(q, autoescape=True)
            | m.ReferenceMaterial.lot.icontains(q, autoescape=True)
        )
    return page_of(session, query, page, records.material)


@router.get("/{material_id}", response_model=MaterialOut)
def get_material(
    material_id: RecordId, session: SessionDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """One reference material; its ETag is its version."""
    row = session.get(m.ReferenceMaterial, material_id)
    if row is None:
        raise NotFoundError(f"no reference material with id {material_id}", where="material")
    response.headers["ETag"] = etag(row.version)
    return records.material(row)


@router.post("", status_code=201, response_model=Written[MaterialOut])
def create_material(
    body: MaterialCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Register a certified reference material (labs)."""
    written = registry.create_material(datacentre, actor, body)
    return write_response(written, response, location=f"/materials/{written.record['id']}")
