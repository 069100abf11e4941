"""Interlaboratory comparisons: register, submit results, evaluate, read, and CMC flags.

Results stay confidential to the pilot and their own laboratory until the
comparison is evaluated (CIPM MRA-G-11, Draft A); then every participant reads
every result with its scores. ``/comparisons/cmc-flags`` lists results that do
not support the laboratory's CMC for the measurand.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from ...services import comparisons, records
from ...services.schemas import ComparisonCreate, ComparisonEvaluate, ComparisonResultCreate
from ..deps import MAX_ID, CurrentActor, DataCentreDep, PageDep, RecordId, SessionDep, etag
from ._common import page_of, write_response

router = APIRouter(prefix="/comparisons", tags=["comparisons"])


@router.get("")
def list_comparisons(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    kind: Literal["key", "supplementary", "proficiency"] | None = None,
    status: Literal["open", "evaluated"] | None = None,
    laboratory: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="comparisons this laboratory took part in")
    ] = None,
) -> dict[str, Any]:
    """The comparisons the caller may see, oldest first (without their results)."""
    query = comparisons.comparisons_query(actor, kind=kind, status=status, laboratory=laboratory)
    return page_of(session, query, page, records.comparison)


@router.post("", status_code=201)
def create_comparison(
    body: ComparisonCreate, datacentre: DataCentreDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """Register a comparison piloted by the caller's laboratory (an admin names the pilot)."""
    written = comparisons.create_comparison(datacentre, actor, body)
    return write_response(written, response, location=f"/comparisons/{written.record['id']}")


@router.get("/cmc-flags")
def list_cmc_flags(
    session: SessionDep,
    actor: CurrentActor,
    page: PageDep,
    laboratory: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> dict[str, Any]:
    """Evaluated results that do not support the laboratory's CMC, newest first, each with
    the reasons (not equivalent; CMC smaller than the uncertainty demonstrated)."""
    query = comparisons.cmc_flags_query(actor, laboratory=laboratory)
    return page_of(session, query, page, records.comparison_result)


@router.get("/{comparison_id}")
def get_comparison(
    comparison_id: RecordId, session: SessionDep, actor: CurrentActor, response: Response
) -> dict[str, Any]:
    """A comparison with the results the caller may read; its ETag is its version."""
    row = comparisons.get_comparison(session, actor, comparison_id)
    response.headers["ETag"] = etag(row.version)
    return comparisons.comparison_detail(session, actor, row)


@router.get("/{comparison_id}/report", response_class=HTMLResponse)
def comparison_report(comparison_id: RecordId, session: SessionDep, actor: CurrentActor) -> str:
    """The evaluated comparison as a self-contained HTML page: the outcome, a table of the
    results with their scores, and plots (degrees of equivalence, ranked results, kernel
    density; for a PT round, the scores against their warning and action limits)."""
    return comparisons.comparison_report_html(session, actor, comparison_id)


@router.post("/{comparison_id}/results", status_code=201)
def submit_result(
    comparison_id: RecordId,
    body: ComparisonResultCreate,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
) -> dict[str, Any]:
    """Submit the caller's laboratory's result (value, standard uncertainty, unit) to an open
    comparison; its pilot may enter a result for a named participant."""
    written = comparisons.submit_result(datacentre, actor, comparison_id, body)
    return write_response(written, response, location=f"/comparisons/{comparison_id}")


@router.post("/{comparison_id}/evaluate")
def evaluate_comparison(
    comparison_id: RecordId,
    datacentre: DataCentreDep,
    actor: CurrentActor,
    response: Response,
    body: ComparisonEvaluate | None = None,
) -> dict[str, Any]:
    """Evaluate the comparison (its pilot): reference or assigned value, every result's
    scores and CMC check, logged in the ledger together. Closes it to new results."""
    written = comparisons.evaluate_comparison(datacentre, actor, comparison_id, body)
    return write_response(written, response)
