"""Helpers the routers share: pages of a query, write responses, hashes in bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Response
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ...services.registry import Written
from ..deps import Page, etag

__all__ = ["API_PREFIX", "encode_hash", "page_of", "write_response"]

API_PREFIX = "/api/v1"


def encode_hash(value: bytes) -> str:
    """A hash in a body: lowercase hex, as in the ledger's receipts."""
    return value.hex()


def page_of(
    session: Session, query: Select, page: Page, view: Callable[[Any], dict[str, Any]]
) -> dict[str, Any]:
    """``{data, count, offset, limit}`` of ``query`` (already ordered) for ``page``."""
    count = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.offset(page.offset).limit(page.limit)).scalars()
    return {
        "data": [view(row) for row in rows],
        "count": count,
        "offset": page.offset,
        "limit": page.limit,
    }


def write_response(
    written: Written, response: Response, *, location: str | None = None
) -> dict[str, Any]:
    """The body of a write (``{data, receipt}``), with ETag and Location headers set."""
    version = written.record.get("version")
    if version is not None:
        response.headers["ETag"] = etag(version)
    if location is not None:
        response.headers["Location"] = f"{API_PREFIX}{location}"
    return {"data": written.record, "receipt": written.receipt.to_dict()}
