"""The audit trail: who did what to which record, and when, as logged in the ledger."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy import select

from ...services.access import visible_ledger
from ...store import models as m
from ..deps import MAX_ID, CurrentActor, PageDep, SessionDep
from ..schemas import AuditEntryOut, Paged
from ._common import page_of

router = APIRouter(prefix="/audit", tags=["audit"])


def _entry(row: m.LedgerEntry) -> dict[str, Any]:
    return {
        "index": row.index,
        "action": row.action,
        "record_type": row.record_type,
        "record_id": row.record_id,
        "actor": row.actor_id,
        "organisation": row.organisation_id,
        "logged_at": row.logged_at,
    }


@router.get("", response_model=Paged[AuditEntryOut])
def audit_trail(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    record_type: Annotated[str | None, Query(max_length=32, description="e.g. item")] = None,
    record_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    action: Annotated[str | None, Query(max_length=64, description="e.g. item.create")] = None,
    since: Annotated[dt.datetime | None, Query(description="logged at or after (UTC)")] = None,
) -> dict[str, Any]:
    """Ledger entries of the caller's organisation (all of them for admins and auditors),
    newest first, without their content (see ``/ledger/entries/{index}``)."""
    query = select(m.LedgerEntry).where(visible_ledger(actor)).order_by(m.LedgerEntry.index.desc())
    if record_type is not None:
        query = query.where(m.LedgerEntry.record_type == record_type)
    if record_id is not None:
        query = query.where(m.LedgerEntry.record_id == record_id)
    if action is not None:
        query = query.where(m.LedgerEntry.action == action)
    if since is not None:
        if since.tzinfo is None:
            since = since.replace(tzinfo=dt.UTC)
        query = query.where(m.LedgerEntry.logged_at >= since)
    return page_of(session, query, page, _entry)
