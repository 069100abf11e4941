"""Homogeneity and stability of PT items (ISO 13528:2022, Annex B).

No ISO 13528 Annex B example data could be read (see tests/reference/iso13528/README.md):
the data below are constructed and every expected number is worked out by hand here.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from sitrace.comparisons.homogeneity import (
    homogeneity_check,
    homogeneity_factors,
    stability_check,
)
from sitrace.errors import InputError

# Constructed duplicates: item means 1.1, 1.1, 1.0, 1.2; differences 0.2, 0, 0.2, 0.
DUPLICATES = [[1.0, 1.2], [1.1, 1.1], [0.9, 1.1], [1.2, 1.2]]


def test_duplicate_design_by_hand():
    h = homogeneity_check(DUPLICATES, 0.5)
    # means 1.1 1.1 1.0 1.2 -> grand mean 1.1; deviations 0 0 -0.1 0.1 -> s_x^2 = 0.02/3
    assert h.g == 4
    assert h.grand_mean == pytest.approx(1.1)
    assert h.s_x == pytest.approx(math.sqrt(0.02 / 3))
    # w = 0.2 0 0.2 0 -> s_w^2 = 0.08 / 8 = 0.01
    assert h.s_w == pytest.approx(0.1)
    # s_s^2 = 0.02/3 - 0.01/2 = 0.001667
    assert h.s_s == pytest.approx(math.sqrt(0.02 / 3 - 0.005))
    assert h.limit == pytest.approx(0.15)
    assert h.sufficient  # 0.0408 <= 0.15


def test_between_sample_sd_is_zero_when_within_variation_explains_everything():
    h = homogeneity_check([[1.0, 1.4], [1.4, 1.0], [1.2, 1.2]], 1.0)
    # means all 1.2 -> s_x = 0, s_w > 0: s_s = sqrt(max(0, -)) = 0
    assert h.s_x == pytest.approx(0.0, abs=1e-15) and h.s_s == 0.0 and h.sufficient


def test_criterion_fails_for_a_heterogeneous_material():
    h = homogeneity_check([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]], 1.0)
    # s_w = 0, s_x = 1 -> s_s = 1 > 0.3
    assert h.s_s == pytest.approx(1.0) and not h.sufficient
    assert h.expanded_limit == pytest.approx(math.sqrt(h.f1) * 0.3)
    assert not h.sufficient_expanded


def test_factors_are_the_chi_squared_and_f_quantiles():
    for g in (2, 7, 10, 20):
        f1, f2 = homogeneity_factors(g)
        assert f1 == pytest.approx(stats.chi2.ppf(0.95, g - 1) / (g - 1))
        assert f2 == pytest.approx((stats.f.ppf(0.95, g - 1, g) - 1) / 2)
    # computed by hand from chi2_0.95(9) = 16.919 and F_0.95(9, 10) = 3.020
    f1, f2 = homogeneity_factors(10)
    assert f1 == pytest.approx(16.919 / 9, abs=1e-3)
    assert f2 == pytest.approx((3.020 - 1) / 2, abs=1e-3)


def test_expanded_criterion_uses_f1_f2_and_s_w():
    h = homogeneity_check(DUPLICATES, 0.5)
    assert h.expanded_limit == pytest.approx(math.sqrt(h.f1 * 0.15**2 + h.f2 * 0.01))
    assert h.expanded_limit > h.limit and h.sufficient_expanded
    assert json.loads(json.dumps(h.to_dict())) == h.to_dict()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3)), min_size=2, max_size=20),
    st.floats(-1e3, 1e3),
)
def test_homogeneity_statistics_do_not_depend_on_a_shift(rows, shift):
    base = homogeneity_check(rows, 1.0)
    moved = homogeneity_check(np.asarray(rows) + shift, 1.0)
    assert moved.s_w == pytest.approx(base.s_w, abs=1e-8)
    assert moved.s_x == pytest.approx(base.s_x, abs=1e-8)
    assert moved.s_s <= base.s_x + 1e-8


@pytest.mark.parametrize(
    ("data", "sigma", "message"),
    [
        ([[1.0, 2.0]], 1.0, r"measurements must hold at least 2 items, got 1"),
        ([[1.0, 2.0, 3.0]], 1.0, r"must have shape \(g, 2\), got shape \(1, 3\)"),
        ([1.0, 2.0], 1.0, r"must have shape \(g, 2\), got shape \(2,\)"),
        ([[1.0, 2.0], [1.0, float("nan")]], 1.0, r"item 2, replicate 2: must be finite, got nan"),
        ([[1.0, "x"], [1.0, 2.0]], 1.0, r"item 1, replicate 2: must be a real number, got str"),
        (DUPLICATES, 0.0, r"^homogeneity_check: sigma_pt must be > 0, got 0$"),
        (DUPLICATES, -1.0, r"sigma_pt must be > 0, got -1"),
        (DUPLICATES, float("nan"), r"sigma_pt must be a finite number, got NaN"),
    ],
)
def test_homogeneity_refuses_bad_input(data, sigma, message):
    with pytest.raises(InputError, match=message):
        homogeneity_check(data, sigma)


def test_factors_refuse_too_few_items():
    with pytest.raises(InputError, match=r"g must be an integer >= 2, got 1"):
        homogeneity_factors(1)


# --------------------------------------------------------------------------- stability


def test_stability_by_hand():
    s = stability_check(10.0, 10.25, 1.0)
    assert s.difference == pytest.approx(0.25) and s.limit == pytest.approx(0.3) and s.stable
    assert s.expanded_limit is None and s.stable_expanded is None
    assert not stability_check(10.0, 10.4, 1.0).stable


def test_stability_widened_by_the_uncertainty_of_the_two_means():
    s = stability_check(10.0, 10.35, 1.0, u_before=0.03, u_after=0.04)
    # 0.3 + 2 sqrt(0.03^2 + 0.04^2) = 0.3 + 2 * 0.05 = 0.4
    assert s.expanded_limit == pytest.approx(0.4)
    assert not s.stable and s.stable_expanded
    assert json.loads(json.dumps(s.to_dict())) == s.to_dict()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"sigma_pt": 0.0}, r"stability_check: sigma_pt must be > 0, got 0"),
        ({"u_before": 0.1}, r"u_before and u_after must be given together"),
        ({"u_before": -0.1, "u_after": 0.1}, r"u_before must be >= 0, got -0.1"),
        ({"u_before": 0.1, "u_after": float("nan")}, r"u_after must be a finite number, got NaN"),
        ({"mean_after": float("inf")}, r"mean_after must be a finite number, got inf"),
    ],
)
def test_stability_refuses_bad_input(kwargs, message):
    args = {"mean_before": 1.0, "mean_after": 1.1, "sigma_pt": 1.0, **kwargs}
    before, after, sigma = args.pop("mean_before"), args.pop("mean_after"), args.pop("sigma_pt")
    with pytest.raises(InputError, match=message):
        stability_check(before, after, sigma, **args)
