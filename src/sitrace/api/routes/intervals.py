"""Interval policies: how the next due date of a category of instruments is set (issue 8).

``PUT /interval-policies`` creates or replaces the policy of a category (an item's
``type``): an owner's own, or, set by a regulator or an admin, the default for every
owner. Each calibration of an item whose category has a policy then carries the
proposed interval and its ``next_due``; ``GET /instruments/{id}/next-due`` (and
``/standards/{id}/next-due``) recomputes it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from ...services import intervals, records
from ...services.schemas import IntervalPolicyCreate
from ..deps import CurrentActor, DataCentreDep, PageDep, SessionDep
from ._common import page_of, write_response

router = APIRouter(prefix="/interval-policies", tags=["intervals"])


@router.put("", status_code=200)
def set_policy(
    body: IntervalPolicyCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Create or replace a category's interval policy (method ``fixed``, ``staircase``,
    ``a3`` or ``s2`` with its parameters; see docs/intervals.md). Logged in the ledger."""
    written = intervals.set_policy(datacentre, actor, body)
    return write_response(written, response)


@router.get("")
def list_policies(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    category: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    """The policies the caller may read: the defaults and its own organisation's."""
    return page_of(
        session, intervals.policies_query(actor, category=category), page, records.interval_policy
    )
