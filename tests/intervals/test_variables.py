"""NASA-HDBK-8739.19-5 variables method: drift fit, prediction uncertainty, both targets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.errors import InputError
from sitrace.intervals import (
    fit_drift,
    reliability_target_interval,
    uncertainty_target_interval,
)

DAYS = [70, 86, 104, 135, 167, 173]
DEV = [0.1, 0.11, 0.251, 0.299, 0.403, 0.615]


@settings(max_examples=40, deadline=None)
@given(
    b1=st.floats(-1e-3, 1e-3),
    b2=st.floats(-1e-5, 1e-5),
    seed=st.integers(0, 2**32 - 1),
)
def test_fit_agrees_with_lstsq_and_the_covariance_formula(b1, b2, seed):
    rng = np.random.default_rng(seed)
    t = np.sort(rng.uniform(20, 400, 9))
    y = b1 * t + b2 * t**2 + rng.normal(0, 0.05, t.size)
    fit = fit_drift(t, y)
    T = np.stack([t, t**2], axis=1)
    b, *_ = np.linalg.lstsq(T, y, rcond=None)
    assert np.allclose(fit.b, b, rtol=1e-8, atol=1e-14)
    s2 = np.sum((y - T @ b) ** 2) / (t.size - 2)
    assert fit.s == pytest.approx(np.sqrt(s2), rel=1e-9)
    assert np.allclose(fit.covariance, s2 * np.linalg.inv(T.T @ T), rtol=1e-7)
    assert fit.dof == 7


def test_prediction_uncertainty_is_s_at_zero_and_grows():
    fit = fit_drift(DAYS, DEV)
    assert fit.prediction_uncertainty(0.0) == pytest.approx(fit.s)
    assert fit.prediction_uncertainty(300.0) > fit.prediction_uncertainty(150.0)


def test_arrays_held_by_the_fit_are_read_only():
    fit = fit_drift(DAYS, DEV)
    with pytest.raises(ValueError):
        fit.b[0] = 1.0


def test_uncertainty_target_already_missed_at_zero_is_zero_with_a_note():
    fit = fit_drift(DAYS, DEV)
    r = uncertainty_target_interval(fit, u0=0.6, target_u=0.5)
    assert r.interval == 0.0 and "no interval meets the target" in r.note


def test_reliability_band_touches_the_limit_at_the_interval():
    fit = fit_drift(DAYS, DEV)
    r = reliability_target_interval(
        fit, u0=0.28, value=10.03, lower=9, upper=11, target_reliability=0.95
    )
    top = r.predicted_value(r.interval) + r.k * r.uncertainty(r.interval)
    assert float(top) == pytest.approx(11.0, abs=1e-9)
    looser = reliability_target_interval(
        fit, u0=0.28, value=10.03, lower=9, upper=11, target_reliability=0.8
    )
    assert looser.interval > r.interval


def test_degree_one_drift():
    fit = fit_drift(DAYS, DEV, degree=1)
    assert fit.b.shape == (1,) and fit.dof == 5


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: fit_drift([0, 10, 20], [0, 1, 2]), "observation 1: days must be > 0, got 0"),
        (lambda: fit_drift([10, -1, 20], [0, 1, 2]), "observation 2: days must be > 0, got -1"),
        (lambda: fit_drift([10, 20], [1, 2]), "a degree-2 drift needs more than 2"),
        (lambda: fit_drift([10, 20, 30], [1, float("nan"), 2]), "deviation must be a finite"),
        (lambda: fit_drift([10, 20, 30], [1, 2]), "must have the same length"),
        (
            lambda: uncertainty_target_interval(fit_drift(DAYS, DEV), u0=-1, target_u=1),
            "u0 must be >= 0, got -1",
        ),
        (
            lambda: uncertainty_target_interval(fit_drift(DAYS, DEV), u0=0.1, target_u=0),
            "target_u must be > 0, got 0",
        ),
        (
            lambda: reliability_target_interval(
                fit_drift(DAYS, DEV), u0=0.1, value=10, target_reliability=0.9
            ),
            "at least one tolerance limit",
        ),
        (
            lambda: reliability_target_interval(
                fit_drift(DAYS, DEV), u0=0.1, value=10, lower=11, upper=9, target_reliability=0.9
            ),
            "lower must be < upper",
        ),
        (
            lambda: reliability_target_interval(
                fit_drift(DAYS, DEV), u0=0.1, value=10, upper=11, target_reliability=1.0
            ),
            r"target_reliability must lie in \(0, 1\), got 1",
        ),
    ],
)
def test_bad_input_is_an_input_error(call, match):
    with pytest.raises(InputError, match=match):
        call()
