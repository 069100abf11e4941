"""Users: created by an admin (the token is returned once), the caller itself, role changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from ...errors import NotFoundError
from ...services import records, registry
from ...services.schemas import UserCreate
from ...store import models as m
from ..deps import CurrentActor, DataCentreDep, RecordId, SessionDep, etag
from ..schemas import RoleChange, UserCreated, UserOut, Written
from ._common import write_response

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UserCreated)
def create_user(
    body: UserCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Create a user (admin). The bearer token is in this response and nowhere else."""
    written = registry.create_user(datacentre, actor, body)
    response.headers["Cache-Control"] = "no-store"
    return {**write_response(written, response), "token": written.token}


@router.get("/me", response_model=UserOut)
def who_am_i(session: SessionDep, actor: CurrentActor, response: Response) -> dict[str, Any]:
    """The caller: name, role and organisation."""
    row = session.get(m.User, actor.user_id) if actor.user_id is not None else None
    if row is None:
        raise NotFoundError("the caller is not a stored user", where="user")
    response.headers["ETag"] = etag(row.version)
    return records.user(row)


@router.patch("/{user_id}/role", response_model=Written[UserOut])
def change_role(
    user_id: RecordId,
    body: RoleChange,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Change a user's role, or deactivate the user with ``active: false`` (admin)."""
    written = registry.set_role(datacentre, actor, user_id, body.role, active=body.active)
    return write_response(written, response)
