"""Comparisons: key comparisons (CIPM MRA) and proficiency tests (ISO 13528).

Key comparisons (:mod:`sitrace.comparisons.keycomparison`): reference values by
the weighted mean (Cox 2002, procedure A), the largest consistent subset (Cox
2007), the median and the DerSimonian-Laird random-effects model (Koepke et al.
2017); degrees of equivalence, En, pairwise equivalence, and linking a regional
comparison to a key comparison.

Proficiency testing (:mod:`sitrace.comparisons.proficiency`,
:mod:`sitrace.comparisons.homogeneity`): ISO 13528:2022 robust Algorithm A,
assigned values and their uncertainty, sigma_pt, z, z', zeta and En scores with
their action and warning limits, homogeneity and stability checks (Annex B).

Plots live in :mod:`sitrace.comparisons.plot`; calculation never imports it.
"""

from sitrace.comparisons.homogeneity import (
    HomogeneityCheck,
    StabilityCheck,
    homogeneity_check,
    homogeneity_factors,
    stability_check,
)
from sitrace.comparisons.keycomparison import (
    COVERAGE_FACTOR,
    MAX_LCS_PARTICIPANTS,
    DegreeOfEquivalence,
    KeyComparisonResult,
    LinkedComparison,
    PairwiseEquivalence,
    Participant,
    degrees_of_equivalence,
    dersimonian_laird,
    largest_consistent_subset,
    link_comparison,
    median_reference,
    pairwise_degrees_of_equivalence,
    participants,
    procedure_a,
)
from sitrace.comparisons.proficiency import (
    QUESTIONABLE,
    SATISFACTORY,
    UNSATISFACTORY,
    AssignedValue,
    ParticipantResult,
    ParticipantScore,
    ProficiencyEvaluation,
    RobustEstimate,
    algorithm_a,
    assigned_value,
    classify_en,
    classify_z,
    consensus_value,
    evaluate_participants,
    horwitz_sigma,
    sigma_pt_from_robust,
    uncertainty_is_negligible,
)

__all__ = [
    "COVERAGE_FACTOR",
    "MAX_LCS_PARTICIPANTS",
    "QUESTIONABLE",
    "SATISFACTORY",
    "UNSATISFACTORY",
    "AssignedValue",
    "DegreeOfEquivalence",
    "HomogeneityCheck",
    "KeyComparisonResult",
    "LinkedComparison",
    "PairwiseEquivalence",
    "Participant",
    "ParticipantResult",
    "ParticipantScore",
    "ProficiencyEvaluation",
    "RobustEstimate",
    "StabilityCheck",
    "algorithm_a",
    "assigned_value",
    "classify_en",
    "classify_z",
    "consensus_value",
    "degrees_of_equivalence",
    "dersimonian_laird",
    "evaluate_participants",
    "homogeneity_check",
    "homogeneity_factors",
    "horwitz_sigma",
    "largest_consistent_subset",
    "link_comparison",
    "median_reference",
    "pairwise_degrees_of_equivalence",
    "participants",
    "procedure_a",
    "sigma_pt_from_robust",
    "stability_check",
    "uncertainty_is_negligible",
]
