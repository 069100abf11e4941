"""Conformity statements of calibrations, decided by an agreed rule (issue 8).

ISO/IEC 17025:2017 7.1.3 and 7.8.6 ask that the decision rule be agreed and the risk
it carries be stated. A calibration recorded with a :class:`DecisionRequest` has each
point decided by :func:`sitrace.conformity.decide` against its tolerance; the
calibration's statement is the worst of its points' (pass < conditional pass <
conditional fail < fail), and the decision kept with it names the rule, its
standard and clause, and every point's acceptance limits, conformance probability and
risk.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import conformity
from ..errors import InputError
from ..store import models as m
from .schemas import DecisionRequest

__all__ = ["IN_TOLERANCE", "STATEMENT_ORDER", "decide_points", "point_tolerance"]

#: Statements from best to worst.
STATEMENT_ORDER = (
    conformity.PASS,
    conformity.CONDITIONAL_PASS,
    conformity.CONDITIONAL_FAIL,
    conformity.FAIL,
)
#: Statements that find the item within its tolerance (as found).
IN_TOLERANCE = frozenset({conformity.PASS, conformity.CONDITIONAL_PASS})


def point_tolerance(
    item: m.Item, point: m.CalibrationPoint, request: DecisionRequest, position: int
) -> tuple[float | None, float | None]:
    """The tolerance of a point: the request's limits, else the item's MPE about the
    point's nominal value (about zero for an error of indication, or without a nominal)."""
    if request.lower is not None or request.upper is not None:
        return request.lower, request.upper
    if item.mpe is None:
        raise InputError(
            f"no tolerance for point {position}: give decision.lower / decision.upper, or "
            f"register the item's MPE",
            where="decision",
        )
    centre = 0.0
    if request.measurand == "value" and point.nominal is not None:
        centre = point.nominal
    return centre - item.mpe, centre + item.mpe


def decide_points(
    item: m.Item, points: Sequence[m.CalibrationPoint], request: DecisionRequest
) -> tuple[str, str, dict[str, Any]]:
    """Decide every point by the request's rule: (statement, sentence, decision record).

    The decision record holds the rule (name, text, standard, clause, r, p), each
    point's tolerance, acceptance limits, statement, conformance probability p_c and
    the probability that its statement is wrong (``risk``), and the calibration's
    statement with the largest of those risks.
    """
    decided = []
    for position, point in enumerate(points):
        lower, upper = point_tolerance(item, point, request, position)
        try:
            d = conformity.decide(
                point.value,
                point.expanded_uncertainty,
                lower=lower,
                upper=upper,
                rule=request.rule,
                r=request.r,
                p=request.p,
                k=point.coverage_factor,
            )
        except InputError as error:
            raise InputError(f"point {position}: {error.message}", where="decision") from None
        decided.append((position, lower, upper, d))
    worst = max(decided, key=lambda entry: STATEMENT_ORDER.index(entry[3].statement))[3]
    statement = worst.statement
    risk = max(d.risk for *_, d in decided)
    first = decided[0][3]
    record = {
        "request": request.model_dump(),
        "rule": first.rule,
        "rule_text": first.rule_text,
        "standard": first.standard,
        "clause": first.clause,
        "r": request.r,
        "p": request.p,
        "statement": statement,
        "risk": risk,
        "max_false_accept": max(d.max_false_accept for *_, d in decided),
        "points": [
            {
                "position": position,
                "lower": lower,
                "upper": upper,
                "acceptance_limits": list(d.acceptance_limits),
                "statement": d.statement,
                "p_c": d.p_c,
                "risk": d.risk,
            }
            for position, lower, upper, d in decided
        ],
    }
    sentence = (
        f"{statement} by the rule '{first.rule}' ({first.standard}, {first.clause}); "
        f"the probability that a point's statement is wrong is at most {risk:.3g}"
    )
    return statement, sentence, record
