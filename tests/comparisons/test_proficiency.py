"""Proficiency testing (ISO 13528:2022): Algorithm A, assigned values, sigma_pt, scores."""

from __future__ import annotations

import json
import math
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sitrace.comparisons.proficiency import (
    QUESTIONABLE,
    SATISFACTORY,
    UNSATISFACTORY,
    AssignedValue,
    ParticipantResult,
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
from sitrace.errors import ConvergenceError, InputError

REFERENCE = Path(__file__).parents[1] / "reference" / "iso13528"


def load(name: str) -> dict:
    return json.loads((REFERENCE / name).read_text(encoding="utf-8"))


def printed(value: float, ref: dict) -> bool:
    """True if ``value`` agrees with the printed value to half a unit in its last digit."""
    return abs(value - ref["value"]) <= ref["tolerance"] + 1e-12


# --------------------------------------------------------------------------- Algorithm A


def test_algorithm_a_reproduces_iso_13528_e3_iterations():
    data = load("algorithm_a_E3.json")
    values, results = data["inputs"]["values"], data["results"]
    r = algorithm_a(values)
    (x0, s0), (x1, s1), (x2, s2) = r.history[:3]
    assert printed(x0, results["initial"]["x_star"])
    assert printed(s0, results["initial"]["s_star"])
    assert printed(s0 / 1.483, results["initial"]["median_absolute_deviation"])
    assert printed(1.5 * s0, results["iteration_1"]["delta"])
    assert printed(x1, results["iteration_1"]["x_star"])
    assert printed(s1, results["iteration_1"]["s_star"])
    assert printed(1.5 * s1, results["iteration_2"]["delta"])
    assert printed(x2, results["iteration_2"]["x_star"])
    assert printed(s2, results["iteration_2"]["s_star"])
    assert printed(1.5 * s2, results["iteration_3"]["delta"])
    assert results["converged"]["x_star"]["value"] is None  # not published: not asserted


def test_algorithm_a_stops_when_the_third_significant_figure_stops_changing():
    r = algorithm_a(load("algorithm_a_E3.json")["inputs"]["values"])
    assert r.p == 12 and len(r.history) == r.iterations + 1
    assert (r.mean, r.standard_deviation) == r.history[-1]
    last, before = r.history[-1], r.history[-2]
    assert f"{last[1]:.3g}" == f"{before[1]:.3g}"
    assert round(last[0], 3) == round(before[0], 3)  # s* ~ 0.496: the 3rd figure is 1e-3
    previous, earlier = r.history[-2], r.history[-3]
    assert f"{previous[1]:.3g}" != f"{earlier[1]:.3g}" or round(previous[0], 3) != round(
        earlier[0], 3
    )


def test_algorithm_a_by_hand_one_iteration():
    # median 3, |x - 3| = 2 1 0 1 97 -> MAD 1, s* = 1.483, delta = 2.2245
    r = algorithm_a([1.0, 2.0, 3.0, 4.0, 100.0])
    x0, s0 = r.history[0]
    assert (x0, s0) == (3.0, 1.483)
    w = np.clip([1.0, 2.0, 3.0, 4.0, 100.0], 3.0 - 2.2245, 3.0 + 2.2245)
    assert r.history[1][0] == pytest.approx(w.mean(), rel=1e-14)
    assert r.history[1][1] == pytest.approx(1.134 * w.std(ddof=1), rel=1e-14)


def test_algorithm_a_with_a_tolerance_converges_to_the_fixed_point():
    r = algorithm_a(load("algorithm_a_E3.json")["inputs"]["values"], tol=1e-12)
    x = np.array(load("algorithm_a_E3.json")["inputs"]["values"])
    w = np.clip(x, r.mean - 1.5 * r.standard_deviation, r.mean + 1.5 * r.standard_deviation)
    assert w.mean() == pytest.approx(r.mean, abs=1e-10)
    assert 1.134 * w.std(ddof=1) == pytest.approx(r.standard_deviation, abs=1e-10)


def test_algorithm_a_does_not_touch_the_callers_array():
    x = np.array([1.0, 2.0, 3.0, 50.0])
    algorithm_a(x)
    assert x.tolist() == [1.0, 2.0, 3.0, 50.0] and x.flags.writeable


def test_robust_estimate_is_frozen_pickles_and_has_plain_data():
    r = algorithm_a([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(AttributeError):
        r.mean = 0.0  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(r)) == r
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d and d["p"] == 4


@pytest.mark.parametrize(
    ("x", "message"),
    [
        ([1.0, 2.0], r"x must hold at least 3 values, got 2"),
        ([1.0, float("nan"), 2.0], r"value 2 \(index 1\) must be finite, got nan"),
        ([1.0, 2.0, float("inf")], r"value 3 \(index 2\) must be finite, got inf"),
        ([1.0, "2", 3.0], r"value 2 \(index 1\) must be a real number, got str '2'"),
        ([1.0, True, 3.0], r"value 2 \(index 1\) must be a real number, got bool"),
        ([[1.0, 2.0], [3.0, 4.0]], r"1-D array-like of real numbers, got shape \(2, 2\)"),
        ("123", r"x must be a 1-D array-like of real numbers, got str"),
        ([5.0, 5.0, 5.0, 1.0], r"1.483 MAD is 0 .* median 5 shared by 3 of 4 values"),
    ],
)
def test_algorithm_a_refuses_bad_input(x, message):
    with pytest.raises(InputError, match=message):
        algorithm_a(x)


def test_algorithm_a_refuses_bad_options_and_reports_non_convergence():
    with pytest.raises(InputError, match=r"algorithm_a: tol must be > 0, got 0"):
        algorithm_a([1.0, 2.0, 4.0], tol=0)
    with pytest.raises(InputError, match=r"max_iter must be an integer >= 1, got 0"):
        algorithm_a([1.0, 2.0, 4.0], max_iter=0)
    with pytest.raises(ConvergenceError, match=r"did not converge within max_iter=1"):
        algorithm_a(load("algorithm_a_E3.json")["inputs"]["values"], max_iter=1)
    with pytest.raises(InputError, match=r"^lab.csv column 'x': value 1"):
        algorithm_a([float("nan"), 1.0, 2.0], where="lab.csv column 'x'")


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


def _spread(values: list[float]) -> bool:
    x = np.asarray(values)
    return float(np.median(np.abs(x - np.median(x)))) > 1e-6 * (1.0 + float(np.max(np.abs(x))))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(finite, min_size=3, max_size=30).filter(_spread),
    st.floats(min_value=-1e3, max_value=1e3),
    st.floats(min_value=0.01, max_value=100.0),
)
def test_algorithm_a_is_equivariant_under_shift_and_scale(values, shift, scale):
    base = algorithm_a(values, tol=1e-12, max_iter=10_000)
    moved = algorithm_a([scale * v + shift for v in values], tol=1e-12, max_iter=10_000)
    size = 1.0 + abs(shift) + scale * max(abs(v) for v in values)
    assert moved.mean == pytest.approx(scale * base.mean + shift, abs=1e-7 * size)
    assert moved.standard_deviation == pytest.approx(
        scale * base.standard_deviation, abs=1e-7 * size
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(finite, min_size=3, max_size=30).filter(_spread))
def test_algorithm_a_mean_lies_within_the_data(values):
    r = algorithm_a(values)
    assert min(values) <= r.mean <= max(values)
    assert r.standard_deviation > 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(min_value=9.0, max_value=11.0), min_size=9, max_size=30).filter(_spread),
    st.floats(min_value=1e3, max_value=1e9),
)
def test_one_gross_outlier_moves_x_star_by_a_bounded_amount(values, outlier):
    clean = algorithm_a(values, tol=1e-12, max_iter=10_000)
    dirty = algorithm_a([*values, outlier], tol=1e-12, max_iter=10_000)
    # winsorized at x* + 1.5 s*: the outlier's pull does not grow with its size
    assert dirty.mean <= max(values) + 1.5 * dirty.standard_deviation
    assert abs(dirty.mean - clean.mean) < 2.0  # the data span at most 2; the mean would move 1e2+
    assert dirty.standard_deviation < 10.0


# --------------------------------------------------------------------------- assigned value


def test_consensus_value_uses_u_equals_1_25_s_star_over_sqrt_p():
    values = load("algorithm_a_E3.json")["inputs"]["values"]
    a = consensus_value(values)
    r = algorithm_a(values)
    assert a.value == r.mean and a.robust == r
    assert a.standard_uncertainty == pytest.approx(1.25 * r.standard_deviation / math.sqrt(12))
    assert a.method == "consensus of participants (Algorithm A)"
    assert sigma_pt_from_robust(a.robust) == r.standard_deviation


def test_assigned_value_from_a_reference_laboratory_or_formulation():
    a = assigned_value(10.0, 0.05)
    assert (a.value, a.standard_uncertainty, a.method) == (10.0, 0.05, "reference laboratory")
    assert assigned_value(1, 0, method="formulation").standard_uncertainty == 0.0
    assert json.loads(json.dumps(a.to_dict()))["robust"] is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: assigned_value(10.0, -0.1), r"standard_uncertainty must be >= 0, got -0.1"),
        (lambda: assigned_value(10.0, float("nan")), r"standard_uncertainty must be .*NaN"),
        (lambda: assigned_value(float("inf"), 0.1), r"value must be a finite number, got inf"),
        (lambda: assigned_value(1.0, 0.1, method="guess"), r"method must be one of .* 'guess'"),
        (
            lambda: assigned_value(1.0, 0.1, method="consensus of participants (Algorithm A)"),
            r"must come from consensus_value\(\)",
        ),
        (lambda: consensus_value([1.0, 2.0]), r"consensus_value: x must hold at least 3"),
    ],
)
def test_assigned_value_refuses_bad_input(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_uncertainty_is_negligible_at_three_tenths_of_sigma_pt():
    assert uncertainty_is_negligible(0.3, 1.0)
    assert uncertainty_is_negligible(0.0, 1.0)
    assert not uncertainty_is_negligible(0.301, 1.0)
    with pytest.raises(InputError, match=r"sigma_pt must be > 0, got 0"):
        uncertainty_is_negligible(0.1, 0.0)
    with pytest.raises(InputError, match=r"u\(x_pt\) must be >= 0, got -1"):
        uncertainty_is_negligible(-1, 1.0)


# --------------------------------------------------------------------------- sigma_pt


def test_horwitz_sigma_is_two_percent_at_unit_mass_fraction():
    assert horwitz_sigma(1.0) == pytest.approx(0.02)
    c = 1e-4
    assert horwitz_sigma(c) == pytest.approx(0.02 * c**0.8495)
    with pytest.raises(InputError, match=r"horwitz_sigma: mass_fraction must be > 0, got 0"):
        horwitz_sigma(0)
    with pytest.raises(InputError, match=r"mass_fraction must be <= 1, got 2"):
        horwitz_sigma(2.0)


# --------------------------------------------------------------------------- scores


@pytest.mark.parametrize(
    ("score", "verdict"),
    [
        (0.0, SATISFACTORY),
        (2.0, SATISFACTORY),
        (-2.0, SATISFACTORY),
        (2.0001, QUESTIONABLE),
        (-2.9999, QUESTIONABLE),
        (3.0, UNSATISFACTORY),
        (-7.0, UNSATISFACTORY),
    ],
)
def test_z_zeta_classes_are_2_and_3(score, verdict):
    assert classify_z(score) == verdict


@pytest.mark.parametrize(
    ("score", "verdict"),
    [(1.0, SATISFACTORY), (-1.0, SATISFACTORY), (1.0001, UNSATISFACTORY), (-5, UNSATISFACTORY)],
)
def test_en_classes_are_1(score, verdict):
    assert classify_en(score) == verdict


def test_scores_by_hand():
    a = assigned_value(10.0, 0.1)
    results = [
        ParticipantResult("PTB", 10.5, standard_uncertainty=0.2, expanded_uncertainty=0.4),
        ParticipantResult("NPL", 11.25),
        ParticipantResult("NIST", 8.4, expanded_uncertainty=0.6),
    ]
    r = evaluate_participants(results, a, 0.5)
    ptb, npl, nist = r.scores
    assert ptb.deviation == pytest.approx(0.5)
    assert ptb.z == pytest.approx(1.0)
    assert ptb.z_prime == pytest.approx(0.5 / math.sqrt(0.25 + 0.01))
    assert ptb.zeta == pytest.approx(0.5 / math.sqrt(0.04 + 0.01))
    assert ptb.en == pytest.approx(0.5 / math.sqrt(0.16 + 0.04))  # U(x_pt) = 2 u(x_pt)
    assert ptb.z_evaluation == SATISFACTORY  # |z| = 1
    assert ptb.zeta_evaluation == QUESTIONABLE  # 2 < 2.236 < 3
    assert ptb.en_evaluation == UNSATISFACTORY  # 1.118 > 1
    assert npl.z == pytest.approx(2.5) and npl.z_evaluation == QUESTIONABLE
    assert npl.zeta is None and npl.en is None and npl.zeta_evaluation is None
    assert nist.z == pytest.approx(-3.2) and nist.z_evaluation == UNSATISFACTORY
    assert nist.en == pytest.approx(-1.6 / math.sqrt(0.36 + 0.04))
    assert r.uncertainty_negligible and r.performance_score == "z"
    assert r.evaluation("NPL") == QUESTIONABLE


def test_summary_counts_each_class_per_score():
    a = assigned_value(0.0, 0.0)
    results = [ParticipantResult(f"L{i}", v, 1.0, 2.0) for i, v in enumerate([0, 1, 2.5, 4, -5])]
    s = evaluate_participants(results, a, 1.0).summary()
    assert s["z"] == {SATISFACTORY: 2, QUESTIONABLE: 1, UNSATISFACTORY: 2}
    assert s["zeta"] == s["z"]
    assert s["En"] == {SATISFACTORY: 2, UNSATISFACTORY: 3}


def test_large_u_of_assigned_value_switches_to_z_prime():
    a = assigned_value(10.0, 0.4)  # 0.4 > 0.3 * 1.0
    r = evaluate_participants([ParticipantResult("A", 12.1)], a, 1.0)
    assert not r.uncertainty_negligible and r.performance_score == "z'"
    z, z_prime = r.scores[0].z, r.scores[0].z_prime
    assert z == pytest.approx(2.1) and z_prime == pytest.approx(2.1 / math.sqrt(1.16))
    assert r.scores[0].z_evaluation == QUESTIONABLE  # by z: 2 < 2.1 < 3
    assert r.evaluation("A") == SATISFACTORY  # by z': 1.95 <= 2


def test_result_to_dict_is_json_data():
    a = consensus_value([10.1, 10.3, 9.9, 10.0, 10.2, 9.8, 10.1])
    r = evaluate_participants([ParticipantResult("A", 10.0, 0.1)], a, 0.2)
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["scores"][0]["participant"] == "A" and "summary" in d
    assert pickle.loads(pickle.dumps(r)) == r


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: ParticipantResult("PTB", 1.0, standard_uncertainty=0),
            r"^participant 'PTB': standard_uncertainty must be > 0, got 0$",
        ),
        (
            lambda: ParticipantResult("PTB", 1.0, standard_uncertainty=-0.3),
            r"^participant 'PTB': standard_uncertainty must be > 0, got -0.3$",
        ),
        (
            lambda: ParticipantResult("NPL", 1.0, expanded_uncertainty=float("nan")),
            r"^participant 'NPL': expanded_uncertainty must be a finite number, got NaN$",
        ),
        (
            lambda: ParticipantResult("NPL", float("nan")),
            r"^participant 'NPL': value must be a finite number, got NaN$",
        ),
        (lambda: ParticipantResult("", 1.0), r"participant id must be a non-empty string"),
        (
            lambda: evaluate_participants(
                [
                    ParticipantResult("PTB", 1.0),
                    ParticipantResult("NPL", 2.0),
                    ParticipantResult("PTB", 3.0),
                ],
                assigned_value(1.0, 0.1),
                1.0,
            ),
            r"^participant 'PTB': participant id must be unique, got it at results 1 and 3$",
        ),
        (
            lambda: evaluate_participants([ParticipantResult("A", 1.0)], assigned_value(1, 0), 0),
            r"^evaluate_participants: sigma_pt must be > 0, got 0$",
        ),
        (
            lambda: evaluate_participants(
                [ParticipantResult("A", 1.0)], assigned_value(1, 0), -2.5
            ),
            r"sigma_pt must be > 0, got -2.5",
        ),
        (
            lambda: evaluate_participants([], assigned_value(1, 0), 1.0),
            r"results must hold at least 1 participant, got 0",
        ),
        (
            lambda: evaluate_participants([("A", 1.0)], assigned_value(1, 0), 1.0),
            r"result 1 \(index 0\) must be a ParticipantResult, got tuple",
        ),
        (
            lambda: evaluate_participants([ParticipantResult("A", 1.0)], (1.0, 0.1), 1.0),
            r"assigned must be an AssignedValue, got tuple",
        ),
        (
            lambda: evaluate_participants(
                [ParticipantResult("A", 1.0)], assigned_value(1, 0), 1.0
            ).evaluation("B"),
            r"participant 'B' is not in this round \(known: 'A'\)",
        ),
    ],
)
def test_bad_participant_input_is_refused_with_participant_and_field(call, message):
    with pytest.raises(InputError, match=message):
        call()


def test_value_types_check_themselves():
    with pytest.raises(InputError, match=r"RobustEstimate: history must hold"):
        RobustEstimate(1.0, 1.0, 3, 2, ((1.0, 1.0),))
    with pytest.raises(InputError, match=r"assigned value: standard_uncertainty must be >= 0"):
        AssignedValue(1.0, -1.0, "formulation")


@settings(max_examples=50, deadline=None)
@given(
    st.floats(min_value=-1e3, max_value=1e3),
    st.floats(min_value=-1e3, max_value=1e3),
    st.floats(min_value=1e-3, max_value=1e3),
    st.floats(min_value=0.0, max_value=1e3),
)
def test_z_prime_never_exceeds_z_in_magnitude(x, x_pt, sigma, u):
    assume(abs(x - x_pt) > 0)
    r = evaluate_participants([ParticipantResult("A", x)], assigned_value(x_pt, u), sigma)
    s = r.scores[0]
    assert abs(s.z_prime) <= abs(s.z) * (1 + 1e-12)
    assert math.copysign(1, s.z) == math.copysign(1, s.deviation)
