"""Key comparisons: reference values, consistency, degrees of equivalence, linking.

Published data: tests/reference/comparisons/ (see its README for every number's source).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sitrace.comparisons import (
    COVERAGE_FACTOR,
    KeyComparisonResult,
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
from sitrace.errors import InputError

REFERENCE = Path(__file__).parents[1] / "reference" / "comparisons"
NICOB = json.loads((REFERENCE / "nicob_examples.json").read_text(encoding="utf-8"))


def _pcb28(**kwargs) -> tuple[Participant, ...]:
    d = NICOB["pcb28"]
    return participants(d["labs"], d["x"]["value"], d["u"]["value"], dof=d["nu"], **kwargs)


def _gauge() -> tuple[Participant, ...]:
    d = NICOB["ccl_k1_gauge"]
    return participants(d["labs"], d["x"]["value"], d["u"]["value"], dof=d["nu"])


# --------------------------------------------------------------------------- published


def test_pairwise_differences_reproduce_nicob_printed_matrix_for_ccqm_k25_pcb28():
    ref = NICOB["pcb28"]["bilateral_differences"]
    printed = np.array([[float(v) for v in row] for row in ref["printed"]])
    pairs = pairwise_degrees_of_equivalence(_pcb28())
    assert pairs.labs == tuple(NICOB["pcb28"]["labs"])
    np.testing.assert_allclose(pairs.d, printed, rtol=0, atol=ref["tolerance"])


def test_reference_files_record_unfound_values_as_null_not_guesses():
    for name in ("pcb28", "ccl_k1_gauge"):
        for item in NICOB[name]["dersimonian_laird"].values():
            assert item["value"] is None and item["status"] == "not found"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"u": 0.0}, r"lab 'PTB': uncertainty must be > 0 and finite, got 0"),
        ({"u": -0.1}, r"lab 'PTB': uncertainty must be > 0 and finite, got -0.1"),
        ({"u": math.nan}, r"lab 'PTB': uncertainty must be > 0 and finite, got nan"),
        ({"u": math.inf}, r"lab 'PTB': uncertainty must be > 0 and finite, got inf"),
        ({"value": math.nan}, r"lab 'PTB': value must be finite, got nan"),
        ({"value": math.inf}, r"lab 'PTB': value must be finite, got inf"),
        ({"value": "1.0"}, r"lab 'PTB': value must be a real number, got str '1.0'"),
        ({"dof": 0}, r"lab 'PTB': dof must be > 0, got 0"),
        ({"include": "yes"}, r"lab 'PTB': include must be True or False, got 'yes'"),
    ],
)
def test_a_participant_refuses_bad_fields_naming_the_lab(kwargs, message):
    fields = {"lab": "PTB", "value": 1.0, "u": 0.1} | kwargs
    with pytest.raises(InputError, match=message):
        Participant(**fields)


def test_a_participant_needs_a_lab_name():
    with pytest.raises(InputError, match=r"lab name must be a non-empty string, got ''"):
        Participant("", 1.0, 0.1)


@pytest.mark.parametrize(
    "method", [procedure_a, largest_consistent_subset, median_reference, dersimonian_laird]
)
def test_every_method_refuses_fewer_than_two_participants(method):
    with pytest.raises(InputError, match=r"at least 2 participants, got 1"):
        method([Participant("PTB", 1.0, 0.1)])


@pytest.mark.parametrize(
    "method", [procedure_a, largest_consistent_subset, median_reference, dersimonian_laird]
)
def test_every_method_refuses_duplicate_lab_names(method):
    results = [Participant("PTB", 1.0, 0.1), Participant("NPL", 1.1, 0.1)]
    results.append(Participant("PTB", 1.2, 0.1))
    with pytest.raises(InputError, match=r"lab 'PTB': duplicate lab name"):
        method(results)


def test_a_reference_value_needs_two_included_participants():
    results = participants(
        ["A", "B", "C"], [1.0, 1.1, 1.2], [0.1] * 3, include=[True] * 1 + [False] * 2
    )
    with pytest.raises(InputError, match=r"at least 2 participants must enter .* got 1"):
        procedure_a(results)


def test_participants_checks_column_lengths():
    with pytest.raises(InputError, match=r"uncertainties must have one entry per lab \(2\), got 1"):
        participants(["A", "B"], [1.0, 1.1], [0.1])


@pytest.mark.parametrize("alpha", [0.0, 1.0, -0.1, math.nan])
def test_alpha_must_lie_strictly_between_0_and_1(alpha):
    with pytest.raises(InputError, match=r"alpha must be a number in \(0, 1\)"):
        procedure_a(_pcb28(), alpha=alpha)


# --------------------------------------------------------------------------- procedure A


def test_procedure_a_two_labs_by_hand():
    # y = (1.0 + 1.2)/2, u(y) = 0.1/sqrt(2), chi2 = 2 * (0.1/0.1)^2 = 2 on 1 dof.
    r = procedure_a(participants(["A", "B"], [1.0, 1.2], [0.1, 0.1]))
    assert r.method == "procedure-a"
    assert r.reference_value == pytest.approx(1.1, abs=1e-15)
    assert r.reference_uncertainty == pytest.approx(0.1 / math.sqrt(2), rel=1e-14)
    assert r.chi2_observed == pytest.approx(2.0, rel=1e-12)
    assert r.dof == 1
    assert r.chi2_critical == pytest.approx(stats.chi2.ppf(0.95, 1), rel=1e-12)
    assert r.birge_ratio == pytest.approx(math.sqrt(2.0), rel=1e-12)
    assert r.consistent is True
    a = r.doe("A")
    assert a.d == pytest.approx(-0.1, abs=1e-15)
    assert a.u == pytest.approx(math.sqrt(0.01 - 0.005), rel=1e-12)  # u_i^2 - u(y)^2
    assert math.isclose(a.U, COVERAGE_FACTOR * a.u)
    assert a.En == pytest.approx(a.d / a.U)


def test_procedure_a_matches_the_written_formulas_on_pcb28():
    x = np.array(NICOB["pcb28"]["x"]["value"])
    u = np.array(NICOB["pcb28"]["u"]["value"])
    w = 1 / u**2
    y = np.sum(w * x) / np.sum(w)
    r = procedure_a(_pcb28())
    assert r.reference_value == pytest.approx(y, rel=1e-14)
    assert r.reference_uncertainty == pytest.approx(np.sum(w) ** -0.5, rel=1e-14)
    assert r.chi2_observed == pytest.approx(np.sum(w * (x - y) ** 2), rel=1e-12)
    assert r.p_value == pytest.approx(stats.chi2.sf(r.chi2_observed, 5), rel=1e-12)
    assert r.consistent is False  # PCB 28 is the Consensus Builder's example of dark uncertainty


def test_consistency_is_p_value_at_least_alpha():
    r = procedure_a(participants(["A", "B"], [1.0, 1.2], [0.1, 0.1]))
    assert r.consistent is (r.p_value >= 0.05)
    assert (
        procedure_a(participants(["A", "B"], [1.0, 1.2], [0.1, 0.1]), alpha=0.2).consistent is False
    )


def test_a_lab_left_out_gets_an_uncorrelated_degree_of_equivalence():
    results = participants(
        ["A", "B", "C"], [1.0, 1.2, 5.0], [0.1, 0.1, 0.2], include=[True, True, False]
    )
    r = procedure_a(results)
    assert r.reference_value == pytest.approx(1.1)
    assert r.excluded == ("C",)
    c = r.doe("C")
    assert c.included is False
    assert c.u == pytest.approx(math.sqrt(0.2**2 + r.reference_uncertainty**2), rel=1e-12)


def test_result_is_frozen_and_to_dict_has_the_documented_keys():
    r = procedure_a(_pcb28())
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.reference_value = 0.0
    d = r.to_dict()
    for key in (
        "method",
        "reference_value",
        "reference_uncertainty",
        "chi2_observed",
        "chi2_critical",
        "birge_ratio",
        "consistent",
        "degrees_of_equivalence",
    ):
        assert key in d
    assert set(d["degrees_of_equivalence"][0]) == {"lab", "d", "u", "U", "En"}
    json.dumps(d)  # plain JSON


# --------------------------------------------------------------------------- LCS


def _slow_lcs(x, u, alpha):
    """Literal reading of Cox 2007: every subset, largest first, smallest chi2 on ties."""
    n = len(x)
    for m in range(n, 1, -1):
        found = []
        for subset in itertools.combinations(range(n), m):
            xs, us = np.array([x[i] for i in subset]), np.array([u[i] for i in subset])
            w = 1 / us**2
            y = np.sum(w * xs) / np.sum(w)
            chi2 = float(np.sum(w * (xs - y) ** 2))
            if stats.chi2.sf(chi2, m - 1) >= alpha:
                found.append((chi2, subset))
        if found:
            return min(found)
    return None


def test_lcs_of_consistent_data_is_procedure_a():
    results = participants(["A", "B", "C"], [1.0, 1.05, 0.98], [0.1, 0.1, 0.1])
    lcs, a = largest_consistent_subset(results), procedure_a(results)
    assert lcs.method == "lcs" and lcs.excluded == ()
    assert lcs.reference_value == a.reference_value
    assert lcs.to_dict()["excluded"] == []


def test_lcs_excludes_the_outlier_and_gives_it_an_uncorrelated_doe():
    results = participants(["A", "B", "C", "D"], [0.0, 0.1, -0.1, 5.0], [0.1] * 4)
    r = largest_consistent_subset(results)
    assert r.excluded == ("D",)
    assert r.consistent is True
    assert r.reference_value == pytest.approx(0.0, abs=1e-15)
    assert r.doe("D").u == pytest.approx(math.sqrt(0.01 + r.reference_uncertainty**2))
    assert r.doe("A").u == pytest.approx(math.sqrt(0.01 - r.reference_uncertainty**2))


def test_lcs_breaks_ties_in_size_by_the_smallest_chi2():
    # {A, B, C}: chi2 = 3.84; {A, B, D}: chi2 = 4.17; both pass on 2 dof (5.99).
    results = participants(["A", "B", "C", "D"], [0.0, 0.0, 2.4, -2.5], [1.0] * 4)
    assert largest_consistent_subset(results).excluded == ("D",)


def test_lcs_on_pcb28_agrees_with_a_slow_literal_search():
    r = largest_consistent_subset(_pcb28())
    chi2, subset = _slow_lcs(NICOB["pcb28"]["x"]["value"], NICOB["pcb28"]["u"]["value"], 0.05)
    kept = {NICOB["pcb28"]["labs"][i] for i in subset}
    assert set(r.excluded) == set(NICOB["pcb28"]["labs"]) - kept
    assert r.chi2_observed == pytest.approx(chi2, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-10, 10, allow_nan=False), st.floats(0.05, 3, allow_nan=False)),
        min_size=2,
        max_size=7,
    )
)
def test_lcs_agrees_with_the_slow_search_for_any_data(rows):
    x = [r[0] for r in rows]
    u = [r[1] for r in rows]
    labs = [f"L{i}" for i in range(len(rows))]
    slow = _slow_lcs(x, u, 0.05)
    if slow is None:
        with pytest.raises(InputError, match=r"no subset of 2 or more"):
            largest_consistent_subset(participants(labs, x, u))
        return
    r = largest_consistent_subset(participants(labs, x, u))
    assert len(r.excluded) == len(rows) - len(slow[1])
    assert r.chi2_observed == pytest.approx(slow[0], rel=1e-6, abs=1e-9)


def test_lcs_searches_twenty_labs():
    rng = np.random.default_rng(7)
    x = rng.normal(0.0, 1.0, 20)
    x[[3, 11]] = [8.0, -9.0]
    results = participants([f"L{i:02d}" for i in range(20)], x, [1.0] * 20)
    assert largest_consistent_subset(results).excluded == ("L03", "L11")


def test_lcs_refuses_more_than_25_candidates():
    results = participants([f"L{i}" for i in range(26)], [0.0] * 26, [1.0] * 26)
    with pytest.raises(InputError, match=r"accepts at most 25 included participants, got 26"):
        largest_consistent_subset(results)


def test_lcs_says_so_when_no_pair_is_consistent():
    with pytest.raises(InputError, match=r"no subset of 2 or more .* at alpha=0.05"):
        largest_consistent_subset(participants(["A", "B"], [0.0, 10.0], [1.0, 1.0]))


# --------------------------------------------------------------------------- median


def test_median_and_its_mad_based_uncertainty():
    x = [1.0, 2.0, 3.0, 4.0, 100.0]
    r = median_reference(participants(list("ABCDE"), x, [0.5] * 5))
    # median 3, |x - 3| = 2, 1, 0, 1, 97 -> MAD 1; u = 1.858 * 1 / sqrt(4)
    assert r.reference_value == 3.0
    assert r.reference_uncertainty == pytest.approx(1.858 / 2.0, rel=1e-14)
    assert r.doe("E").u == pytest.approx(math.hypot(0.5, 1.858 / 2.0))
    assert r.chi2_observed is None and "chi2_observed" not in r.to_dict()


# --------------------------------------------------------------------------- DerSimonian-Laird


def _slow_dl(x, u):
    n = len(x)
    w0 = [1 / ui**2 for ui in u]
    x0 = sum(w * xi for w, xi in zip(w0, x, strict=True)) / sum(w0)
    q = sum(w * (xi - x0) ** 2 for w, xi in zip(w0, x, strict=True))
    c = sum(w0) - sum(w**2 for w in w0) / sum(w0)
    tau2 = max(0.0, (q - (n - 1)) / c)
    w = [1 / (ui**2 + tau2) for ui in u]
    mu = sum(wi * xi for wi, xi in zip(w, x, strict=True)) / sum(w)
    return mu, sum(w) ** -0.5, math.sqrt(tau2)


@pytest.mark.parametrize("name", ["pcb28", "ccl_k1_gauge"])
def test_dersimonian_laird_matches_a_literal_implementation(name):
    d = NICOB[name]
    results = participants(d["labs"], d["x"]["value"], d["u"]["value"])
    r = dersimonian_laird(results)
    mu, u_mu, tau = _slow_dl(d["x"]["value"], d["u"]["value"])
    assert r.method == "dl"
    assert r.reference_value == pytest.approx(mu, rel=1e-12)
    assert r.reference_uncertainty == pytest.approx(u_mu, rel=1e-12)
    assert r.tau == pytest.approx(tau, rel=1e-12)
    assert r.tau > 0  # both data sets show dark uncertainty


def test_dersimonian_laird_with_tau_zero_is_the_weighted_mean():
    results = participants(["A", "B", "C"], [1.0, 1.01, 0.99], [0.1, 0.2, 0.1])
    r, a = dersimonian_laird(results), procedure_a(results)
    assert r.tau == 0.0
    assert r.reference_value == pytest.approx(a.reference_value, rel=1e-14)
    assert r.reference_uncertainty == pytest.approx(a.reference_uncertainty, rel=1e-14)


def test_dersimonian_laird_degrees_of_equivalence_closed_form():
    results = _pcb28(include=[True] * 5 + [False])
    r = dersimonian_laird(results)
    t2, uy2 = r.tau**2, r.reference_uncertainty**2
    assert r.doe("IRMM").u == pytest.approx(math.sqrt(1.03**2 + t2 - uy2), rel=1e-12)
    assert r.doe("NRC").u == pytest.approx(math.sqrt(0.38**2 + t2 + uy2), rel=1e-12)
    assert r.excluded == ("NRC",)
    assert r.to_dict()["tau"] == r.tau


# --------------------------------------------------------------------------- other references


def test_degrees_of_equivalence_with_an_external_reference_value():
    results = participants(["A", "B"], [1.0, 1.2], [0.1, 0.2])
    r = degrees_of_equivalence(results, 1.1, 0.05, method="pilot")
    assert r.method == "pilot"
    assert r.doe("B").d == pytest.approx(0.1)
    assert r.doe("B").u == pytest.approx(math.hypot(0.2, 0.05))
    with pytest.raises(InputError, match=r"reference_uncertainty must be >= 0, got -1"):
        degrees_of_equivalence(results, 1.1, -1.0)


def test_pairwise_uncertainties_add_in_quadrature():
    pairs = pairwise_degrees_of_equivalence(participants(["A", "B"], [1.0, 1.2], [0.3, 0.4]))
    d, u = pairs.pair("B", "A")
    assert d == pytest.approx(0.2) and u == pytest.approx(0.5)
    assert pairs.expanded_uncertainty[0, 1] == pytest.approx(1.0)
    assert not pairs.d.flags.writeable
    with pytest.raises(InputError, match=r"no such lab in this comparison"):
        pairs.pair("A", "Z")


# --------------------------------------------------------------------------- linking


def test_link_shifts_regional_labs_by_the_weighted_mean_of_the_linking_differences():
    # Stated reference values make the arithmetic visible.
    key = degrees_of_equivalence(
        participants(["P", "Q", "R"], [10.0, 10.4, 9.9], [0.1, 0.1, 0.1]), 10.0, 0.0
    )
    regional = degrees_of_equivalence(
        participants(["P", "Q", "S"], [20.0, 20.2, 21.0], [0.1, 0.1, 0.3]), 20.0, 0.0
    )
    linked = link_comparison(regional, key, ["P", "Q"])
    # delta_P = 0 - 0 = 0, delta_Q = 0.4 - 0.2 = 0.2, equal weights 1/(0.01 + 0.01)
    assert linked.offset == pytest.approx(0.1)
    assert linked.offset_uncertainty == pytest.approx(math.sqrt(0.02 / 2))
    (s,) = linked.degrees_of_equivalence
    assert s.lab == "S"
    assert s.d == pytest.approx(1.0 + 0.1)
    assert s.u == pytest.approx(math.sqrt(0.09 + 0.01))
    assert linked.reference_value == 10.0
    assert linked.to_dict()["linking_labs"] == ["P", "Q"]


def test_link_refuses_a_linking_lab_missing_from_either_comparison():
    key = procedure_a(participants(["P", "Q"], [10.0, 10.1], [0.1, 0.1]))
    regional = procedure_a(participants(["P", "S"], [20.0, 20.1], [0.1, 0.1]))
    with pytest.raises(InputError, match=r"lab 'S': linking lab is not in the key comparison"):
        link_comparison(regional, key, ["S"])
    with pytest.raises(InputError, match=r"lab 'Q': linking lab is not in the regional"):
        link_comparison(regional, key, ["Q"])
    with pytest.raises(InputError, match=r"at least one linking lab is needed"):
        link_comparison(regional, key, [])


def test_results_are_key_comparison_results():
    for method in (procedure_a, largest_consistent_subset, median_reference, dersimonian_laird):
        assert isinstance(method(_gauge()), KeyComparisonResult)
