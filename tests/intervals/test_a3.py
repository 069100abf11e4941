"""NCSLI RP-1 Method A3: rejection confidence, reliability range, new interval."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sitrace.errors import InputError
from sitrace.intervals import interval_test, interval_test_results, reliability_range


@settings(max_examples=150, deadline=None)
@given(
    n=st.integers(1, 200),
    frac=st.floats(0, 1),
    confidence=st.floats(0.01, 0.99),
)
def test_reliability_range_contains_the_observed_reliability(n, frac, confidence):
    x = round(frac * n)
    low, high = reliability_range(x, n, confidence)
    assert 0.0 <= low <= x / n <= high <= 1.0


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 100), frac=st.floats(0, 1), target=st.floats(0.5, 0.99))
def test_rejection_confidence_is_a_probability_and_the_interval_moves_toward_the_target(
    n, frac, target
):
    x = round(frac * n)
    r = interval_test(x, n, 365, target=target, round_to=None)
    assert 0.0 <= r.rejection_confidence < 1.0 or r.rejection_confidence == 1.0
    if r.observed_reliability < target:
        assert r.calculated_interval <= 365
    elif r.observed_reliability > target:
        assert r.calculated_interval >= 365
    assert 365 / 2 <= r.calculated_interval <= 365 * 2


def test_rejection_confidence_is_the_equal_tailed_binomial_test():
    r = interval_test(15, 20, 365, target=0.95)
    assert r.rejection_confidence == pytest.approx(1 - 2 * stats.binom.cdf(15, 20, 0.95))
    high = interval_test(20, 20, 365, target=0.8)
    assert high.rejection_confidence == pytest.approx(1 - 2 * 0.8**20)


def test_all_in_tolerance_extends_the_interval_unlike_suncal():
    r = interval_test(40, 40, 180, target=0.9)
    assert r.rejection_confidence > 0.5
    assert r.changed and r.interval > 180
    assert r.reliability_high == 1.0
    assert r.reliability_low == pytest.approx(0.25 ** (1 / 40))


def test_one_in_tolerance_is_not_treated_as_all_in_tolerance():
    low, high = reliability_range(1, 20, 0.5)
    assert low < 1 / 20 < high < 0.2


def test_the_interval_is_kept_when_the_rejection_confidence_is_not_above_the_confidence():
    r = interval_test(18, 20, 365, target=0.9, confidence=0.5)
    assert r.rejection_confidence == 0.0
    assert r.interval == 365 and not r.changed
    assert "kept" in r.note


def test_max_change_limits_the_new_interval_and_min_max_clamp_it():
    r = interval_test(0, 30, 100, target=0.95, max_change=2.0)
    assert r.interval == 50.0
    clamped = interval_test(0, 30, 100, target=0.95, min_interval=60)
    assert clamped.interval == 60.0 and "limited" in clamped.note


def test_interval_is_rounded_half_up_to_whole_days():
    r = interval_test(15, 20, 365, target=0.95)
    assert r.calculated_interval == pytest.approx(230.846, abs=1e-3)
    assert r.interval == 231.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"in_tolerance": 5, "n": 4}, r"in_tolerance must be <= n \(4\), got 5"),
        ({"n": 0}, "n must be >= 1, got 0"),
        ({"current_interval": 0}, "current_interval must be > 0, got 0"),
        ({"current_interval": -3}, "current_interval must be > 0, got -3"),
        ({"target": 1.0}, r"target must lie in \(0, 1\), got 1"),
        ({"target": float("nan")}, "target must be a finite number, got NaN"),
        ({"confidence": 0}, r"confidence must lie in \(0, 1\), got 0"),
        ({"max_change": 0.5}, "max_change must be >= 1, got 0.5"),
    ],
)
def test_bad_arguments_are_input_errors_naming_the_argument(kwargs, match):
    args = {"in_tolerance": 3, "n": 4, "current_interval": 365, "target": 0.9, **kwargs}
    x, n, i0 = args.pop("in_tolerance"), args.pop("n"), args.pop("current_interval")
    with pytest.raises(InputError, match=match):
        interval_test(x, n, i0, **args)


def test_results_must_be_pass_or_fail():
    with pytest.raises(InputError, match=r"results\[1\]: must be 1/0 or True/False, got 2"):
        interval_test_results([1, 2], 365, target=0.9)
    with pytest.raises(InputError, match="at least one result"):
        interval_test_results([], 365, target=0.9)
