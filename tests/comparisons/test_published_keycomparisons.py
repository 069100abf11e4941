"""Weighted mean and DerSimonian-Laird against published, printed results.

Reference data: tests/reference/comparisons/published_random_effects.json; its
README says where every number was read. Each value is asserted to half a unit of
the last digit the source prints.
"""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import pytest
from scipy import stats

from sitrace.comparisons import (
    KeyComparisonResult,
    Participant,
    dersimonian_laird,
    participants,
    procedure_a,
)

REFERENCE = Path(__file__).parents[1] / "reference" / "comparisons"
PUBLISHED = json.loads((REFERENCE / "published_random_effects.json").read_text(encoding="utf-8"))
Z95 = float(stats.norm.ppf(0.975))


def _printed(text: str) -> tuple[float, float]:
    """A printed number and half a unit of its last digit."""
    exponent = Decimal(text).as_tuple().exponent
    assert isinstance(exponent, int)
    return float(text), 0.5 * 10.0**exponent


def _leading(text: str, digits: int) -> tuple[float, float]:
    """The first ``digits`` significant digits of a printed number, and half a unit of the last."""
    value = Decimal(text)
    exponent = value.adjusted() - digits + 1
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)
    return float(rounded), 0.5 * 10.0**exponent


def _assert_printed(actual: float, text: str) -> None:
    expected, tol = _printed(text)
    assert actual == pytest.approx(expected, rel=0, abs=tol), f"{actual!r} vs printed {text}"


# ---------------------------------------------------------------- DerSimonian & Kacker 2007


def _clasp() -> tuple[Participant, ...]:
    d = PUBLISHED["dersimonian_kacker_2007_clasp"]
    y, u = [], []
    for a, n1, c, n2 in zip(d["ai"], d["n1i"], d["ci"], d["n2i"], strict=True):
        y.append(math.log(a * (n2 - c) / ((n1 - a) * c)))
        u.append(math.sqrt(1 / a + 1 / (n1 - a) + 1 / c + 1 / (n2 - c)))
    return participants([f"trial {i + 1}" for i in range(len(y))], y, u)


def test_dersimonian_laird_reproduces_dersimonian_kacker_2007_clasp_tables_3_and_4():
    printed = PUBLISHED["dersimonian_kacker_2007_clasp"]["dersimonian_laird"]
    r = dersimonian_laird(_clasp())
    _assert_printed(r.tau, printed["tau"]["printed"])
    _assert_printed(r.reference_value, printed["consensus_value"]["printed"])
    _assert_printed(r.reference_uncertainty, printed["standard_uncertainty"]["printed"])


# --------------------------------------------------------------------------- Normand 1999


def _normand() -> tuple[tuple[float, ...], tuple[float, ...]]:
    d = PUBLISHED["normand_1999_length_of_stay"]
    y, v = [], []
    for n1, m1, s1, n2, m2, s2 in zip(
        d["n1i"], d["m1i"], d["sd1i"], d["n2i"], d["m2i"], d["sd2i"], strict=True
    ):
        pooled = ((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / (n1 + n2 - 2)
        y.append(float(m1 - m2))
        v.append(pooled * (1 / n1 + 1 / n2))
    return tuple(y), tuple(v)


def _normand_participants() -> tuple[Participant, ...]:
    y, v = _normand()
    labs = PUBLISHED["normand_1999_length_of_stay"]["labs"]
    return participants(labs, y, [math.sqrt(x) for x in v])


def _assert_interval(r: KeyComparisonResult, printed: list[str]) -> None:
    _assert_printed(r.reference_value - Z95 * r.reference_uncertainty, printed[0])
    _assert_printed(r.reference_value + Z95 * r.reference_uncertainty, printed[1])


def test_normand_1999_inputs_reproduce_the_printed_table_viii():
    # Guards the reading of the raw data: the derived y_i and v_i are Normand's.
    d = PUBLISHED["normand_1999_length_of_stay"]
    y, v = _normand()
    for actual, text in zip(y, d["yi"]["printed"], strict=True):
        _assert_printed(actual, text)
    for actual, text in zip(v, d["vi"]["printed"], strict=True):
        _assert_printed(actual, text)


def test_procedure_a_reproduces_normand_1999_fixed_effect_estimate_table_ix():
    printed = PUBLISHED["normand_1999_length_of_stay"]["fixed_effect"]
    r = procedure_a(_normand_participants())
    _assert_printed(r.reference_value, printed["consensus_value"]["printed"])
    _assert_interval(r, printed["ci95"]["printed"])


def test_dersimonian_laird_reproduces_normand_1999_random_effects_table_ix():
    printed = PUBLISHED["normand_1999_length_of_stay"]["dersimonian_laird"]
    r = dersimonian_laird(_normand_participants())
    _assert_printed(r.reference_value, printed["consensus_value"]["printed"])
    _assert_interval(r, printed["ci95"]["printed"])
    assert r.tau is not None
    _assert_printed(r.tau**2, printed["tau2"]["printed"])


# --------------------------------------------------------------------------- Kacker 2004 (metafor)


def _kacker() -> tuple[Participant, ...]:
    d = PUBLISHED["kacker_2004_metafor"]
    y = [float(t) for t in d["y"]["printed"]]
    u = [math.sqrt(float(t)) for t in d["v"]["printed"]]
    return participants([f"L{i + 1}" for i in range(len(y))], y, u)


def _assert_leading(actual: float, text: str) -> None:
    expected, tol = _leading(text, PUBLISHED["kacker_2004_metafor"]["digits_used"])
    assert actual == pytest.approx(expected, rel=0, abs=tol), f"{actual!r} vs {text}"


def test_dersimonian_laird_agrees_with_metafor_on_kacker_2004():
    ref = PUBLISHED["kacker_2004_metafor"]["dersimonian_laird"]
    r = dersimonian_laird(_kacker())
    _assert_leading(r.reference_value, ref["consensus_value"]["printed"])
    _assert_leading(r.reference_uncertainty, ref["standard_uncertainty"]["printed"])
    assert r.tau is not None
    _assert_leading(r.tau**2, ref["tau2"]["printed"])


def test_procedure_a_agrees_with_metafor_fixed_effect_on_kacker_2004():
    ref = PUBLISHED["kacker_2004_metafor"]["fixed_effect"]
    r = procedure_a(_kacker())
    _assert_leading(r.reference_value, ref["consensus_value"]["printed"])
    _assert_leading(r.reference_uncertainty, ref["standard_uncertainty"]["printed"])
    assert r.chi2_observed is not None
    _assert_leading(r.chi2_observed, ref["chi2_observed"]["printed"])
    # metafor's Q of the DL fit is the same fixed-effect statistic.
    dl = PUBLISHED["kacker_2004_metafor"]["dersimonian_laird"]
    _assert_leading(r.chi2_observed, dl["Q"]["printed"])


def test_half_unit_helpers_read_the_printed_digits():
    assert _printed("-0.3240") == (-0.324, pytest.approx(5e-5))
    assert _printed("218.72") == (218.72, pytest.approx(5e-3))
    assert _printed("-20") == (-20.0, 0.5)
    value, tol = _leading("62.3901386044504", 10)
    assert value == 62.39013860 and tol == pytest.approx(5e-9)
