"""Conformity assessment with measurement uncertainty (JCGM 106:2012, ILAC-G8:09/2019).

Contents
--------
- :class:`Tolerance`, :func:`tolerance`: tolerance and acceptance intervals.
- :func:`specific_risk`, :func:`conformance_probability`,
  :func:`measurement_capability_index`, :func:`acceptance_interval`: one measured item
  (normal, scaled-and-shifted t, or a Monte Carlo sample; JCGM 106, 7-8).
- :func:`decide`: decision rules and statements (simple, guarded acceptance and
  rejection, ILAC-G8 non-binary, p_c >= p, specific risk <= p).
- :func:`global_risk`, :func:`guard_band_for_target`, :func:`process_capability_index`:
  consumer's and producer's risks of a process (JCGM 106, 9), priors in
  :mod:`sitrace.conformity.prior`.
- :func:`tur`, :func:`pfa_pfr`, :func:`worst_case_pfa`, :func:`rss_guard_band`,
  :func:`dobbert_guard_band`: TUR-based risks and guard bands (ANSI/NCSL Z540.3 practice).

Plots live in :mod:`sitrace.conformity.plot`; calculation never imports it.

Sub-clause numbers cited in the docstrings follow the known structure of JCGM 106
(7: conformance probability, 8: acceptance intervals, 9: global risks) and ILAC-G8
(4.2); the documents' text could not be checked when this was written (see
tests/reference/jcgm106/README.md).
"""

from sitrace.conformity.decision import (
    CONDITIONAL_FAIL,
    CONDITIONAL_PASS,
    FAIL,
    PASS,
    RULES,
    Decision,
    decide,
)
from sitrace.conformity.prior import (
    PRIOR_FAMILIES,
    Prior,
    gamma_prior,
    lognormal_prior,
    normal_prior,
    parse_prior,
    sample_prior,
    scipy_prior,
    uniform_prior,
)
from sitrace.conformity.process_risk import (
    GlobalRisk,
    global_risk,
    guard_band_for_target,
    process_capability_index,
)
from sitrace.conformity.specific import (
    AcceptanceInterval,
    SpecificRisk,
    acceptance_interval,
    conformance_probability,
    measurement_capability_index,
    specific_risk,
)
from sitrace.conformity.tolerance import Tolerance, tolerance
from sitrace.conformity.uncertainty_ratio import (
    TurGuardBand,
    TurRisk,
    dobbert_guard_band,
    pfa_pfr,
    rss_guard_band,
    tur,
    worst_case_pfa,
)

__all__ = [
    "CONDITIONAL_FAIL",
    "CONDITIONAL_PASS",
    "FAIL",
    "PASS",
    "PRIOR_FAMILIES",
    "RULES",
    "AcceptanceInterval",
    "Decision",
    "GlobalRisk",
    "Prior",
    "SpecificRisk",
    "Tolerance",
    "TurGuardBand",
    "TurRisk",
    "acceptance_interval",
    "conformance_probability",
    "decide",
    "dobbert_guard_band",
    "gamma_prior",
    "global_risk",
    "guard_band_for_target",
    "lognormal_prior",
    "measurement_capability_index",
    "normal_prior",
    "parse_prior",
    "pfa_pfr",
    "process_capability_index",
    "rss_guard_band",
    "sample_prior",
    "scipy_prior",
    "specific_risk",
    "tolerance",
    "tur",
    "uniform_prior",
    "worst_case_pfa",
]
