"""Typed, one-word dependencies of the routes (each overridable in tests).

- :data:`DataCentreDep`: the data centre opened by the app's lifespan.
- :data:`SessionDep`: a read session for the request (writes go through the
  services, which own their transactions).
- :data:`CurrentActor`: the caller, from its ``Authorization: Bearer`` token;
  a missing, unknown or inactive token is a 401 with ``WWW-Authenticate: Bearer``.
- :data:`PageDep`: ``offset`` (>= 0) and ``limit`` (1..500, default 50).
- :data:`IfMatch`: the version named by a required ``If-Match`` header (428 when missing).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from ..services import Actor, DataCentre
from ..services.registry import authenticate

__all__ = [
    "MAX_ID",
    "CurrentActor",
    "DataCentreDep",
    "IfMatch",
    "OptionalIfMatch",
    "Page",
    "PageDep",
    "RecordId",
    "SessionDep",
    "etag",
    "today",
]

MAX_ID = 2**63 - 1
"""The largest id or count a database integer holds: larger ones are refused with 422."""

RecordId = Annotated[int, Path(ge=1, le=MAX_ID, description="the record's id")]

bearer = HTTPBearer(
    auto_error=False,
    description="A user's token, as returned once by POST /api/v1/users.",
)


def get_datacentre(request: Request) -> DataCentre:
    datacentre = getattr(request.app.state, "datacentre", None)
    if datacentre is None:
        raise HTTPException(503, "the data centre is not open")
    return datacentre


DataCentreDep = Annotated[DataCentre, Depends(get_datacentre)]


def get_session(datacentre: DataCentreDep) -> Iterator[Session]:
    with datacentre.reading() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _unauthorized(detail: str, error: str | None = None) -> HTTPException:
    challenge = "Bearer" if error is None else f'Bearer error="{error}"'
    return HTTPException(401, detail, headers={"WWW-Authenticate": challenge})


def get_actor(
    datacentre: DataCentreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor:
    """The authenticated caller. Its session is closed at once (no lock outlives the check)."""
    if credentials is None or not credentials.credentials:
        raise _unauthorized("a bearer token is required")
    with datacentre.reading() as session:
        actor = authenticate(session, credentials.credentials)
    if actor is None:
        raise _unauthorized("the token is unknown or its user is inactive", "invalid_token")
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


@dataclass(frozen=True, slots=True)
class Page:
    offset: int
    limit: int


def get_page(
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="records to skip")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="records to return")] = 50,
) -> Page:
    return Page(offset, limit)


PageDep = Annotated[Page, Depends(get_page)]

_TAG = re.compile(r'^\s*"(\d{1,18})"\s*$')


def etag(version: int) -> str:
    """The strong entity tag of a record version: ``"<version>"``."""
    return f'"{version}"'


def _parse_if_match(value: str) -> int | None:
    """The version an ``If-Match`` value names; None for ``*`` (any current version).

    A value naming no version (a weak tag, a list of several, garbage) can match
    no current version: the write is refused with 412 (RFC 9110, 13.1.1).
    """
    if value.strip() == "*":
        return None
    match = _TAG.match(value)
    if match is None:
        raise HTTPException(412, f"If-Match {value!r} names no current version of the record")
    return int(match.group(1))


def get_if_match(
    if_match: Annotated[
        str | None,
        Header(description='the ETag of the version being changed, e.g. "3"'),
    ] = None,
) -> int | None:
    if if_match is None:
        raise HTTPException(
            428, 'this write needs an If-Match header with the record\'s ETag (e.g. "3")'
        )
    return _parse_if_match(if_match)


def get_optional_if_match(
    if_match: Annotated[str | None, Header(description="the ETag of the version")] = None,
) -> int | None:
    return None if if_match is None else _parse_if_match(if_match)


IfMatch = Annotated[int | None, Depends(get_if_match)]
OptionalIfMatch = Annotated[int | None, Depends(get_optional_if_match)]


def today() -> dt.date:
    """Today's date in UTC."""
    return dt.datetime.now(dt.UTC).date()
