"""ISO 13528 proficiency-testing code against published worked examples.

Each reference value comes from a JSON file in tests/reference/iso13528/ that names
its source (see the README there) and keeps the printed digits. A computed value
agrees when it lies within half a unit in the last printed digit.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sitrace.comparisons.homogeneity import (
    homogeneity_check,
    homogeneity_factors,
    stability_check,
)
from sitrace.comparisons.proficiency import (
    ParticipantResult,
    algorithm_a,
    assigned_value,
    consensus_value,
    evaluate_participants,
    sigma_pt_from_robust,
)

REFERENCE = Path(__file__).parents[1] / "reference" / "iso13528"


def load(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def printed(value: float, ref: dict) -> bool:
    """True if ``value`` agrees with ``ref["printed"]`` to half a unit in its last digit."""
    assert ref["printed"] and ref["tolerance"] > 0.0
    return abs(value - ref["value"]) <= ref["tolerance"] * (1.0 + 1e-9)


ALGORITHM_A = load("algorithm_a_annex_e_2022.json")
SCORES = load("scores_E4_2022.json")
HOMOGENEITY = load("homogeneity_E2_2022.json")


# --------------------------------------------------------------------------- Algorithm A


@pytest.mark.parametrize("case", ["ignored", "deleted"])
def test_algorithm_a_reproduces_iso_13528_2022_table_e1(case):
    example = ALGORITHM_A["E1_censored"][case]
    r = algorithm_a(example["values"])
    assert printed(r.mean, example["x_star"]), r.mean
    assert printed(r.standard_deviation, example["s_star"]), r.standard_deviation


@pytest.mark.xfail(
    strict=True,
    reason=(
        "ISO 13528:2022 Table E.1, third column (results '<' replaced by half the limit), as "
        "transcribed by kanunimurat/pt13528: printed x* = 23.95, s* = 8.60; sitrace's "
        "algorithm_a (third-significant-figure stop) gives x* = 23.9601, s* = 8.5911 "
        "(23.96 / 8.59) and full convergence gives 23.9585 / 8.5960 (23.96 / 8.60): no "
        "stopping rule gives the printed pair. The transcribing repository lists it as "
        "inconsistent in the standard."
    ),
)
def test_algorithm_a_reproduces_iso_13528_2022_table_e1_half_limit():
    example = ALGORITHM_A["E1_censored"]["half_limit"]
    r = algorithm_a(example["values"])
    assert printed(r.mean, example["x_star"]), r.mean
    assert printed(r.standard_deviation, example["s_star"]), r.standard_deviation


def test_the_stopping_rule_of_c_3_1_is_what_reproduces_table_e1():
    # Iterating to full convergence moves s* of the 'ignored' column to 7.237, which no
    # longer rounds to the printed 7.23: the printed value is that of the C.3.1 stop.
    example = ALGORITHM_A["E1_censored"]["ignored"]
    stopped = algorithm_a(example["values"])
    converged = algorithm_a(example["values"], tol=1e-13)
    assert printed(stopped.standard_deviation, example["s_star"])
    assert not printed(converged.standard_deviation, example["s_star"])


def test_algorithm_a_reproduces_iso_13528_2022_table_e5():
    example = ALGORITHM_A["E3_atrazine"]
    values = example["values"]
    assert len(values) == example["p"]
    r = algorithm_a(values)
    median, made = r.history[0]
    assert printed(median, example["median"])
    assert printed(made, example["MADe"])
    printed_a = example["algorithm_a"]
    assert printed(r.mean, printed_a["x_star"]), r.mean
    assert printed(r.standard_deviation, printed_a["s_star"]), r.standard_deviation
    assert printed(sigma_pt_from_robust(r), printed_a["s_star"])


def test_consensus_value_reproduces_iso_13528_2022_table_e5_uncertainty():
    example = ALGORITHM_A["E3_atrazine"]
    a = consensus_value(example["values"])
    assert printed(a.value, example["algorithm_a"]["x_star"])
    assert printed(a.standard_uncertainty, example["algorithm_a"]["u_x_pt"])
    # u(x_pt) = 1.25 s*/sqrt(p) (7.7.3) with the unrounded s*
    assert a.standard_uncertainty == pytest.approx(
        1.25 * a.robust.standard_deviation / math.sqrt(34), rel=1e-15
    )


def test_table_e5_does_not_depend_on_the_disputed_25th_value():
    # One public copy of the data has 0.2810 where the others have 0.2811.
    example = ALGORITHM_A["E3_atrazine"]
    variant = list(example["values"])
    variant[example["variant"]["index"]] = example["variant"]["value"]
    a = consensus_value(variant)
    assert printed(a.value, example["algorithm_a"]["x_star"])
    assert printed(a.robust.standard_deviation, example["algorithm_a"]["s_star"])
    assert printed(a.standard_uncertainty, example["algorithm_a"]["u_x_pt"])


def test_consensus_value_reproduces_iso_13528_2022_e7():
    example = ALGORITHM_A["E7_mercury_consensus"]
    values = [row["x"]["value"] for row in SCORES["participants"]]
    assert len(values) == 21
    a = consensus_value(values)
    assert printed(a.value, example["x_star"]), a.value
    assert printed(a.robust.standard_deviation, example["s_star"])
    assert printed(a.standard_uncertainty, example["u_x_star"])


def test_algorithm_a_reproduces_iso_13528_2022_e13():
    example = ALGORITHM_A["E13_averages"]
    r = algorithm_a(example["values"])
    assert printed(r.mean, example["x_star"]), r.mean


# --------------------------------------------------------------------------- scores


def _e4_evaluation():
    u_pt = SCORES["U_x_pt"]["value"] / SCORES["k_x_pt"]["value"]
    assigned = assigned_value(SCORES["x_pt"]["value"], u_pt)
    results = [
        ParticipantResult(
            row["participant"],
            row["x"]["value"],
            standard_uncertainty=row["U"]["value"] / row["k"]["value"],
            expanded_uncertainty=row["U"]["value"],
        )
        for row in SCORES["participants"]
    ]
    return evaluate_participants(
        results, assigned, SCORES["sigma_pt"]["value"], coverage_factor=SCORES["k_x_pt"]["value"]
    )


@pytest.mark.parametrize("score", ["z", "z_prime", "zeta", "En"])
def test_evaluate_participants_reproduces_iso_13528_2022_table_e7(score):
    evaluation = _e4_evaluation()
    field = {"z": "z", "z_prime": "z_prime", "zeta": "zeta", "En": "en"}[score]
    wrong = [
        (row["participant"], row[score]["printed"], getattr(s, field))
        for s, row in zip(evaluation.scores, SCORES["participants"], strict=True)
        if not printed(getattr(s, field), row[score])
    ]
    assert wrong == []


def test_deviation_reproduces_iso_13528_2022_table_e7_percent_difference():
    evaluation = _e4_evaluation()
    x_pt = SCORES["x_pt"]["value"]
    wrong = [
        (row["participant"], row["D_percent"]["printed"], 100.0 * s.deviation / x_pt)
        for s, row in zip(evaluation.scores, SCORES["participants"], strict=True)
        if not printed(100.0 * s.deviation / x_pt, row["D_percent"])
    ]
    assert wrong == []


# --------------------------------------------------------------------------- homogeneity


def test_homogeneity_check_reproduces_iso_13528_2022_e2():
    example = HOMOGENEITY["E2_homogeneity"]
    h = homogeneity_check(example["measurements"], example["sigma_pt"]["value"])
    assert h.g == 10
    assert printed(h.grand_mean, example["grand_mean"])
    assert printed(h.s_x, example["s_x"]), h.s_x
    assert printed(h.s_w, example["s_w"]), h.s_w
    assert printed(h.s_s, example["s_s"]), h.s_s
    assert printed(h.limit, example["limit_0_3_sigma_pt"])
    assert h.sufficient is (example["s_s"]["value"] <= example["limit_0_3_sigma_pt"]["value"])


def test_homogeneity_check_reproduces_the_koch_sheet():
    example = HOMOGENEITY["E2_homogeneity"]
    sheet = HOMOGENEITY["koch_sheet"]
    h = homogeneity_check(example["measurements"], example["sigma_pt"]["value"])
    assert printed(h.grand_mean, sheet["grand_mean"])
    assert printed(h.s_x**2, sheet["variance_of_sample_averages"])
    assert printed(h.s_w**2, sheet["within_sample_variance"])
    assert printed(h.s_s**2, sheet["between_sample_variance"])
    assert printed(h.limit**2, sheet["sigma_allow_squared"])
    assert sheet["homogeneity"] == {"simple": "OK", "expanded": "OK"}
    assert h.sufficient and h.sufficient_expanded


def test_expanded_criterion_agrees_with_the_koch_sheet():
    example = HOMOGENEITY["E2_homogeneity"]
    sheet = HOMOGENEITY["koch_sheet"]
    h = homogeneity_check(example["measurements"], example["sigma_pt"]["value"])
    f1_table, f2_table = (f["value"] for f in HOMOGENEITY["table_B1"]["koch_sheet"]["10"])
    # The sheet uses the 2-decimal tabulated factors: with them, sitrace's s_w and
    # 0.3 sigma_pt give the printed c to all its digits ...
    assert printed(f1_table * h.limit**2 + f2_table * h.s_w**2, sheet["c"])
    # ... and sitrace's own (unrounded) F1, F2 differ from them by at most half a unit
    # in their second decimal, which bounds the difference in c.
    bound = 0.005 * (h.limit**2 + h.s_w**2)
    assert abs(h.expanded_limit**2 - sheet["c"]["value"]) <= bound
    assert abs(h.expanded_limit - sheet["sqrt_c"]["value"]) <= bound / (2.0 * h.expanded_limit)


@pytest.mark.parametrize("table", ["iso_13528_2022", "koch_sheet"])
def test_homogeneity_factors_reproduce_table_b1(table):
    factors = HOMOGENEITY["table_B1"][table]
    assert sorted(int(g) for g in factors) == list(range(7, 21))
    wrong = []
    for g, (f1_ref, f2_ref) in factors.items():
        f1, f2 = homogeneity_factors(int(g))
        if not (printed(f1, f1_ref) and printed(f2, f2_ref)):
            wrong.append((g, f1_ref["printed"], f2_ref["printed"], f1, f2))
    assert wrong == []


def test_stability_check_reproduces_iso_13528_2022_e2():
    homogeneity = HOMOGENEITY["E2_homogeneity"]
    example = HOMOGENEITY["E2_stability"]
    sigma_pt = homogeneity["sigma_pt"]["value"]
    before = homogeneity_check(homogeneity["measurements"], sigma_pt).grand_mean
    after = float(np.mean(example["measurements"]))
    assert printed(after, example["mean_after"])
    s = stability_check(before, after, sigma_pt)
    assert printed(s.difference, example["difference"]), s.difference
    assert printed(s.limit, homogeneity["limit_0_3_sigma_pt"])
    assert s.stable is (
        example["difference"]["value"] <= homogeneity["limit_0_3_sigma_pt"]["value"]
    )
