"""Use cases of interlaboratory comparisons: register, submit results, evaluate, read.

A comparison is registered by its pilot laboratory (or PT provider) with the
measurand and the method of evaluation; each participating laboratory submits
one result (value, standard uncertainty, unit); the pilot evaluates it with
:mod:`sitrace.comparisons`, which stores the outcome on the comparison and the
scores on every result, checks each laboratory's CMC for the measurand against
its result, and logs the comparison and every scored result in the ledger, all
in one transaction.

Who sees what follows the CIPM MRA's practice for Draft A (CIPM MRA-G-11):
results stay confidential to the pilot and their own laboratory until the
comparison is evaluated, then all participants see all results. Regulators
see evaluated comparisons; admins and auditors see everything. An open
comparison is visible to every laboratory, as registered comparisons are in
the KCDB, so that it can take part.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from ..comparisons import (
    Participant,
    ParticipantResult,
    assigned_value,
    consensus_value,
    dersimonian_laird,
    evaluate_participants,
    largest_consistent_subset,
    median_reference,
    procedure_a,
    sigma_pt_from_robust,
)
from ..errors import ConflictError, InputError, NotFoundError, UnitError
from ..store import models as m
from ..units import conversion_factor, convert, parse_unit
from . import records
from .access import Actor, can_read_all, require, require_tenant
from .datacentre import DataCentre
from .registry import Written, log_writes
from .schemas import ComparisonCreate, ComparisonEvaluate, ComparisonResultCreate

__all__ = [
    "CmcCheck",
    "cmc_flags_query",
    "comparison_detail",
    "comparison_report_html",
    "comparisons_query",
    "create_comparison",
    "evaluate_comparison",
    "get_comparison",
    "submit_result",
    "visible_comparisons",
    "visible_results",
]

LABORATORY_KINDS = ("nmi", "calibration_lab")
PILOT_KINDS = (*LABORATORY_KINDS, "platform")
KEY_EVALUATORS = {
    "procedure-a": procedure_a,
    "lcs": largest_consistent_subset,
    "median": median_reference,
    "dl": dersimonian_laird,
}
ASSIGNED_METHODS = {"reference": "reference laboratory", "formulation": "formulation"}


# --------------------------------------------------------------------------- access


def visible_comparisons(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.Comparison` rows the actor may read."""
    if can_read_all(actor):
        return true()
    if actor.role == "regulator":
        return m.Comparison.status == "evaluated"
    if actor.role != "lab" or actor.organisation_id is None:
        return false()
    takes_part = exists().where(
        m.ComparisonResult.comparison_id == m.Comparison.id,
        m.ComparisonResult.laboratory_id == actor.organisation_id,
    )
    return or_(
        m.Comparison.pilot_id == actor.organisation_id, takes_part, m.Comparison.status == "open"
    )


def visible_results(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on :class:`~sitrace.store.models.ComparisonResult` rows the actor may read.

    A laboratory reads its own results, every result of the comparisons it
    pilots, and the other participants' results once the comparison is evaluated.
    """
    if can_read_all(actor):
        return true()
    evaluated = select(m.Comparison.id).where(m.Comparison.status == "evaluated")
    if actor.role == "regulator":
        return m.ComparisonResult.comparison_id.in_(evaluated)
    if actor.role != "lab" or actor.organisation_id is None:
        return false()
    org = actor.organisation_id
    piloted = select(m.Comparison.id).where(m.Comparison.pilot_id == org)
    mine = select(m.ComparisonResult.comparison_id).where(m.ComparisonResult.laboratory_id == org)
    return or_(
        m.ComparisonResult.laboratory_id == org,
        m.ComparisonResult.comparison_id.in_(piloted),
        and_(
            m.ComparisonResult.comparison_id.in_(evaluated),
            m.ComparisonResult.comparison_id.in_(mine),
        ),
    )


def get_comparison(session: Session, actor: Actor, comparison_id: int) -> m.Comparison:
    row = session.execute(
        select(m.Comparison).where(m.Comparison.id == comparison_id, visible_comparisons(actor))
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(f"no comparison with id {comparison_id}", where="comparison")
    return row


def comparisons_query(
    actor: Actor,
    *,
    kind: str | None = None,
    status: str | None = None,
    laboratory: int | None = None,
):
    """The comparisons the actor may see, oldest first (a query to page through)."""
    query = select(m.Comparison).where(visible_comparisons(actor))
    if kind is not None:
        query = query.where(m.Comparison.kind == kind)
    if status is not None:
        query = query.where(m.Comparison.status == status)
    if laboratory is not None:
        query = query.where(
            exists().where(
                m.ComparisonResult.comparison_id == m.Comparison.id,
                m.ComparisonResult.laboratory_id == laboratory,
                visible_results(actor),
            )
        )
    return query.order_by(m.Comparison.id)


def comparison_detail(session: Session, actor: Actor, row: m.Comparison) -> dict[str, Any]:
    """The comparison's record with the results the actor may read (lab codes added)."""
    results = session.execute(
        select(m.ComparisonResult, m.Organisation.code)
        .join(m.Organisation, m.Organisation.id == m.ComparisonResult.laboratory_id)
        .where(m.ComparisonResult.comparison_id == row.id, visible_results(actor))
        .order_by(m.ComparisonResult.id)
    ).all()
    detail = records.comparison(row)
    detail["results"] = [{**records.comparison_result(r), "code": code} for r, code in results]
    return detail


def cmc_flags_query(actor: Actor, *, laboratory: int | None = None):
    """Results whose comparison does not support the laboratory's CMC, newest first."""
    query = (
        select(m.ComparisonResult)
        .join(m.Comparison, m.Comparison.id == m.ComparisonResult.comparison_id)
        .where(
            m.Comparison.status == "evaluated",
            m.ComparisonResult.cmc_supported.is_(False),
            visible_results(actor),
        )
    )
    if laboratory is not None:
        query = query.where(m.ComparisonResult.laboratory_id == laboratory)
    return query.order_by(m.ComparisonResult.id.desc())


# --------------------------------------------------------------------------- writes


def _check_unit(text: str) -> None:
    parse_unit(text, where="field 'unit'")


def _pilot_for(session: Session, actor: Actor, requested: int | None) -> int:
    if actor.role == "admin":
        if requested is None:
            raise InputError("an admin registering a comparison must name its pilot", where="pilot")
        pilot = requested
    else:
        if requested is not None and requested != actor.organisation_id:
            raise InputError(
                "a laboratory registers comparisons it pilots: leave out pilot", where="pilot"
            )
        pilot = actor.organisation_id
    org = session.get(m.Organisation, pilot)
    if org is None or org.kind not in PILOT_KINDS:
        raise NotFoundError(f"no laboratory or PT provider with id {pilot}", where="pilot")
    return pilot


def create_comparison(dc: DataCentre, actor: Actor, data: ComparisonCreate) -> Written:
    """Register a comparison (its pilot: a laboratory, or an admin naming the pilot)."""
    require(actor, {"admin", "lab"}, "register comparisons")
    _check_unit(data.unit)
    with dc.transaction() as session:
        pilot = _pilot_for(session, actor, data.pilot)
        if session.execute(select(m.Comparison.id).where(m.Comparison.code == data.code)).first():
            raise ConflictError(f"comparison code '{data.code}' is already taken", where="code")
        row = m.Comparison(pilot_id=pilot, **data.model_dump(exclude={"pilot"}))
        session.add(row)
        session.flush()
        return log_writes(dc, session, actor, [("create", row)], records.comparison(row))


def _in_unit(value: float, uncertainty: float, unit: str, target: str) -> tuple[float, float]:
    """A value and its uncertainty converted from ``unit`` into the comparison's ``target``."""
    if unit == target:
        return value, uncertainty
    try:
        factor = conversion_factor(unit, target, difference=True)
        converted = float(convert(value, unit, target))
    except UnitError as error:
        raise InputError(
            f"the result's unit '{unit}' does not convert into the comparison's '{target}': "
            f"{error}",
            where="unit",
        ) from error
    return converted, abs(factor) * uncertainty


def submit_result(
    dc: DataCentre, actor: Actor, comparison_id: int, data: ComparisonResultCreate
) -> Written:
    """Submit a laboratory's result to an open comparison (once per laboratory).

    A laboratory submits its own result; the pilot or an admin may enter one for
    a named participant. A result in another unit than the comparison's is
    converted, and what was reported is kept in ``reported``.
    """
    require(actor, {"admin", "lab"}, "submit comparison results")
    _check_unit(data.unit)
    with dc.transaction() as session:
        comparison = get_comparison(session, actor, comparison_id)
        lab_id = data.laboratory if data.laboratory is not None else actor.organisation_id
        if lab_id != actor.organisation_id:
            require_tenant(actor, comparison.pilot_id, "enter results for another laboratory")
        lab = session.get(m.Organisation, lab_id) if lab_id is not None else None
        if lab is None or lab.kind not in LABORATORY_KINDS:
            raise NotFoundError(f"no laboratory with id {lab_id}", where="laboratory")
        if comparison.status != "open":
            raise ConflictError(
                f"comparison '{comparison.code}' was evaluated on {comparison.evaluated_on}: "
                "it takes no more results",
                where=f"comparison {comparison.id}",
            )
        duplicate = session.execute(
            select(m.ComparisonResult.id).where(
                m.ComparisonResult.comparison_id == comparison.id,
                m.ComparisonResult.laboratory_id == lab_id,
            )
        ).first()
        if duplicate:
            raise ConflictError(
                f"laboratory '{lab.code}' has already submitted a result to '{comparison.code}' "
                f"(result {duplicate[0]}): each laboratory reports once",
                where="laboratory",
            )
        value, u = _in_unit(data.value, data.uncertainty, data.unit, comparison.unit)
        reported = None
        if data.unit != comparison.unit:
            reported = {"value": data.value, "uncertainty": data.uncertainty, "unit": data.unit}
        row = m.ComparisonResult(
            comparison_id=comparison.id,
            laboratory_id=lab_id,
            value=value,
            uncertainty=u,
            dof=data.dof,
            include=data.include,
            reported=reported,
        )
        session.add(row)
        session.flush()
        return log_writes(dc, session, actor, [("create", row)], records.comparison_result(row))


# --------------------------------------------------------------------------- evaluation


@dataclass(frozen=True, slots=True)
class CmcCheck:
    """Whether a comparison result supports the laboratory's CMC for the measurand.

    A result supports the CMC when it is equivalent to the reference (|En| <= 1;
    for a PT, a performance score that is not unsatisfactory and |En| <= 1 when
    En exists) and the CMC's expanded uncertainty is not smaller than the one
    the laboratory demonstrated in the comparison (k u(x_i)): comparison results
    are the evidence that underpins CMCs (CIPM MRA-G-13, section 3), and a CMC
    claiming less than was demonstrated is not covered by it.
    """

    accreditation: int | None
    cmc: float | None
    demonstrated: float
    supported: bool | None
    reasons: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "accreditation": self.accreditation,
            "cmc": self.cmc,
            "demonstrated": self.demonstrated,
            "supported": self.supported,
            "reasons": list(self.reasons),
        }


def _cmc_line(
    session: Session, comparison: m.Comparison, result: m.ComparisonResult, on: dt.date
) -> tuple[m.Accreditation, float] | None:
    """The laboratory's scope line covering the measurand on ``on`` with the smallest CMC
    (converted into the comparison's unit), or None."""
    point = comparison.nominal if comparison.nominal is not None else result.value
    lines = session.execute(
        select(m.Accreditation).where(
            m.Accreditation.laboratory_id == result.laboratory_id,
            m.Accreditation.quantity == comparison.quantity,
            m.Accreditation.valid_from <= on,
            or_(m.Accreditation.valid_until.is_(None), m.Accreditation.valid_until >= on),
        )
    ).scalars()
    best: tuple[m.Accreditation, float] | None = None
    for line in lines:
        try:
            factor = conversion_factor(line.unit, comparison.unit, difference=True)
            low = float(convert(line.low, line.unit, comparison.unit))
            high = float(convert(line.high, line.unit, comparison.unit))
        except UnitError:
            continue
        low, high = sorted((low, high))
        if low <= point <= high and (best is None or abs(factor) * line.cmc < best[1]):
            best = (line, abs(factor) * line.cmc)
    return best


def _cmc_check(
    session: Session,
    comparison: m.Comparison,
    result: m.ComparisonResult,
    on: dt.date,
    not_equivalent: str | None,
) -> CmcCheck:
    unit = comparison.unit
    demonstrated = comparison.coverage_factor * result.uncertainty
    found = _cmc_line(session, comparison, result, on)
    if found is None:
        return CmcCheck(None, None, demonstrated, None, ("no CMC for the measurand in the scope",))
    line, cmc = found
    reasons = []
    if not_equivalent is not None:
        reasons.append(not_equivalent)
    if cmc < demonstrated * (1.0 - 1e-12):
        reasons.append(
            f"the CMC (U = {cmc:.6g} {unit}) is smaller than the expanded uncertainty the "
            f"laboratory demonstrated in the comparison (U = {demonstrated:.6g} {unit})"
        )
    return CmcCheck(line.id, cmc, demonstrated, not reasons, tuple(reasons))


def _key_result(comparison, rows, codes, method, excluded):
    """The participants and the pure key-comparison evaluation of stored results."""
    entries = [
        Participant(
            codes[r.laboratory_id],
            r.value,
            r.uncertainty,
            r.dof if r.dof is not None else math.inf,
            r.include and r.laboratory_id not in excluded,
        )
        for r in rows
    ]
    if method == "procedure-a" or method == "lcs":
        return entries, KEY_EVALUATORS[method](entries, alpha=comparison.alpha)
    return entries, KEY_EVALUATORS[method](entries)


def _key_evaluation(comparison, rows, codes, method, excluded):
    _entries, result = _key_result(comparison, rows, codes, method, excluded)
    outcome = result.to_dict()
    outcome["degrees_of_equivalence"] = [
        {**doe.to_dict(), "included": doe.included} for doe in result.degrees_of_equivalence
    ]
    if result.consistent is False:
        outcome["warnings"] = [
            f"the results fail the chi-squared check (chi2_obs = {result.chi2_observed:.4g} > "
            f"{result.chi2_critical:.4g}, p = {result.p_value:.2g}): the weighted mean should not "
            "be the reference value (Cox 2002, 5.1); evaluate by lcs, median or dl"
        ]
    scores = {}
    for row, doe in zip(rows, result.degrees_of_equivalence, strict=True):
        equivalent = abs(doe.En) <= 1.0
        problem = (
            None if equivalent else f"the result is not equivalent: |En| = {abs(doe.En):.3g} > 1"
        )
        scores[row.id] = (
            "equivalent" if equivalent else "not equivalent",
            {**doe.to_dict(), "included": doe.included},
            problem,
        )
    return outcome, scores


def _pt_result(comparison, rows, codes, method, excluded):
    """The pure ISO 13528 evaluation of a PT round's stored results."""
    entering = [r.value for r in rows if r.include and r.laboratory_id not in excluded]
    if method == "algorithm-a":
        assigned = consensus_value(entering, where=f"comparison '{comparison.code}'")
        sigma = comparison.sigma_pt or sigma_pt_from_robust(assigned.robust)
    else:
        if comparison.assigned_value is None or comparison.assigned_uncertainty is None:
            raise InputError(
                f"method '{method}' needs the comparison's assigned value and its uncertainty",
                where=f"comparison '{comparison.code}'",
            )
        assigned = assigned_value(
            comparison.assigned_value,
            comparison.assigned_uncertainty,
            method=ASSIGNED_METHODS[method],
        )
        sigma = comparison.sigma_pt
    if sigma is None:
        raise InputError(
            f"method '{method}' needs sigma_pt", where=f"comparison '{comparison.code}'"
        )
    k = comparison.coverage_factor
    return evaluate_participants(
        [
            ParticipantResult(codes[r.laboratory_id], r.value, r.uncertainty, k * r.uncertainty)
            for r in rows
        ],
        assigned,
        sigma,
        coverage_factor=k,
    )


def _pt_evaluation(comparison, rows, codes, method, excluded):
    evaluation = _pt_result(comparison, rows, codes, method, excluded)
    outcome = {"method": method, **evaluation.to_dict()}
    outcome.pop("scores")
    scores = {}
    for row, score in zip(rows, evaluation.scores, strict=True):
        verdict = evaluation.evaluation(score.participant)
        problems = []
        if verdict == "unsatisfactory":
            problems.append(f"the {evaluation.performance_score} score is unsatisfactory")
        if score.en is not None and abs(score.en) > 1.0:
            problems.append(f"|En| = {abs(score.en):.3g} > 1")
        problem = f"the result is not equivalent: {'; '.join(problems)}" if problems else None
        scores[row.id] = (verdict, score.to_dict(), problem)
    return outcome, scores


def _codes(session: Session, laboratories: set[int]) -> dict[int, str]:
    query = select(m.Organisation.id, m.Organisation.code)
    return dict(session.execute(query.where(m.Organisation.id.in_(laboratories))).all())


def evaluate_comparison(
    dc: DataCentre, actor: Actor, comparison_id: int, data: ComparisonEvaluate | None = None
) -> Written:
    """Evaluate a comparison: outcome, every result's scores and CMC checks, logged together.

    Only the pilot (or an admin) evaluates. Evaluating closes the comparison to
    new results; it may be evaluated again (say by the largest consistent subset
    after procedure A fails its chi-squared check), each evaluation logged.
    """
    data = data or ComparisonEvaluate()
    require(actor, {"admin", "lab"}, "evaluate comparisons")
    with dc.transaction() as session:
        comparison = get_comparison(session, actor, comparison_id)
        require_tenant(actor, comparison.pilot_id, "evaluate this comparison (only its pilot may)")
        method = data.method or comparison.method
        proficiency = comparison.kind == "proficiency"
        if proficiency != (method not in KEY_EVALUATORS):
            kinds = "a proficiency test" if proficiency else f"a {comparison.kind} comparison"
            raise InputError(f"method '{method}' does not evaluate {kinds}", where="method")
        rows = list(comparison.results)
        where = f"comparison '{comparison.code}'"
        participants = {r.laboratory_id for r in rows}
        for lab in data.exclude:
            if lab not in participants:
                raise InputError(f"laboratory {lab} did not take part", where=f"{where}, exclude")
        needed = 3 if method == "algorithm-a" else 2
        if len(rows) < needed:
            raise InputError(
                f"evaluation by '{method}' needs at least {needed} results, got {len(rows)}",
                where=where,
            )
        codes = _codes(session, participants)
        excluded = set(data.exclude)
        evaluate = _pt_evaluation if proficiency else _key_evaluation
        try:
            outcome, scores = evaluate(comparison, rows, codes, method, excluded)
        except InputError as error:
            inner = f"{where}, {error.where}" if error.where else where
            message = f"cannot evaluate by '{method}': {error.message}"
            raise InputError(message, where=inner) from error
        on = data.evaluated_on or dt.date.today()
        for row in rows:
            verdict, score, problem = scores[row.id]
            row.evaluation, row.scores = verdict, score
            check = _cmc_check(session, comparison, row, on, problem)
            row.cmc, row.cmc_supported = check.to_dict(), check.supported
            row.version += 1
        outcome["unit"] = comparison.unit
        outcome["excluded_by_pilot"] = sorted(codes[lab] for lab in excluded)
        comparison.outcome = outcome
        comparison.method = method
        comparison.status = "evaluated"
        comparison.evaluated_on = on
        comparison.version += 1
        session.flush()
        writes = [("evaluate", comparison), *(("evaluate", row) for row in rows)]
        return log_writes(dc, session, actor, writes, comparison_detail(session, actor, comparison))


def comparison_report_html(session: Session, actor: Actor, comparison_id: int) -> str:
    """The evaluated comparison as a self-contained HTML report (tables and plots).

    The evaluation is recomputed from the stored results by the stored method and
    exclusions (the methods are deterministic), so the report shows the same
    numbers as the stored outcome, with the participants' data for the plots.
    """
    from ..comparisons.report import key_comparison_html, proficiency_html

    comparison = get_comparison(session, actor, comparison_id)
    if comparison.status != "evaluated":
        raise ConflictError(
            f"comparison '{comparison.code}' has not been evaluated: no report yet",
            where=f"comparison {comparison.id}",
        )
    rows = list(comparison.results)
    codes = _codes(session, {r.laboratory_id for r in rows})
    by_code = {code: lab for lab, code in codes.items()}
    excluded = {by_code[code] for code in (comparison.outcome or {}).get("excluded_by_pilot", [])}
    title = f"{comparison.code}: {comparison.title}"
    if comparison.kind == "proficiency":
        evaluation = _pt_result(comparison, rows, codes, comparison.method, excluded)
        return proficiency_html(evaluation, title=title, unit=comparison.unit)
    entries, result = _key_result(comparison, rows, codes, comparison.method, excluded)
    return key_comparison_html(entries, result, title=title, unit=comparison.unit)
