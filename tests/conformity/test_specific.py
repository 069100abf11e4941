"""Specific risk of one measured item: normal, t and sample PDFs (JCGM 106, 7-8)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sitrace.conformity import (
    acceptance_interval,
    conformance_probability,
    measurement_capability_index,
    specific_risk,
)
from sitrace.errors import InputError
from sitrace.uncertainty import McOutput


def test_normal_pc_is_the_probability_between_the_limits():
    r = specific_risk(0.3, 0.4, lower=-1.0, upper=1.0)
    expected = stats.norm.cdf(1.0, 0.3, 0.4) - stats.norm.cdf(-1.0, 0.3, 0.4)
    assert r.p_c == pytest.approx(expected, rel=1e-14)
    assert r.p_below + r.p_c + r.p_above == pytest.approx(1.0, abs=1e-15)
    assert r.specific_risk == pytest.approx(1 - expected, rel=1e-12)
    assert r.C_m == pytest.approx(2.0 / 1.6)


def test_pc_keeps_its_digits_far_in_a_tail():
    r = specific_risk(10.0, 1.0, lower=0.0, upper=1.0)
    assert r.p_c == pytest.approx(stats.norm.sf(9.0) - stats.norm.sf(10.0), rel=1e-12)
    assert r.p_c > 0


def test_one_sided_upper_limit_at_the_value_gives_half():
    assert conformance_probability(2.0, 0.1, upper=2.0) == pytest.approx(0.5)
    assert specific_risk(2.0, 0.1, upper=2.0).C_m is None


def test_t_pdf_is_scaled_and_shifted_by_u():
    r = specific_risk(1.0, 0.5, upper=2.0, dof=4)
    assert r.p_c == pytest.approx(stats.t.cdf(2.0, 4, loc=1.0, scale=0.5), rel=1e-14)
    assert r.distribution == "t"


def test_t_with_infinite_dof_is_normal():
    a = specific_risk(1.0, 0.5, upper=2.0, dof=math.inf)
    assert a.distribution == "normal"


def test_sample_pc_counts_values_in_the_closed_interval():
    sample = np.array([0.0, 1.0, 2.0, 3.0])
    r = specific_risk(sample, lower=1.0, upper=2.0)
    assert (r.p_below, r.p_c, r.p_above) == (0.25, 0.5, 0.25)
    assert r.distribution == "sample"


def test_sample_from_mc_output_needs_its_samples():
    s = np.linspace(0, 1, 11)
    out = McOutput("y", 0.5, 0.3, (0, 1), (0, 1), 0.95, 11, samples=s)
    assert specific_risk(out, upper=0.5).p_c == pytest.approx(6 / 11)
    empty = McOutput("y", 0.5, 0.3, (0, 1), (0, 1), 0.95, 11, samples=None)
    with pytest.raises(InputError, match="without samples"):
        specific_risk(empty, upper=0.5)


def test_sample_refuses_u_and_nan():
    with pytest.raises(InputError, match="not for a sample"):
        specific_risk([1.0, 2.0], 0.1, upper=2.0)
    with pytest.raises(InputError, match="not finite"):
        specific_risk([1.0, float("nan")], upper=2.0)


@pytest.mark.parametrize("u", [0.0, -1.0, float("nan"), float("inf")])
def test_u_must_be_positive_and_finite(u):
    with pytest.raises(InputError, match="'u'"):
        specific_risk(1.0, u, upper=2.0)


def test_no_limit_is_refused():
    with pytest.raises(InputError, match="needs a limit"):
        specific_risk(1.0, 0.1)


def test_measurement_capability_index_is_width_over_4u():
    assert measurement_capability_index(0.25, lower=-1.0, upper=1.0) == 2.0
    with pytest.raises(InputError, match="two-sided"):
        measurement_capability_index(0.25, upper=1.0)


def test_one_sided_acceptance_limit_is_tu_minus_z_u():
    a = acceptance_interval(0.2, upper=10.0, p_c=0.95)
    assert a.upper == pytest.approx(10.0 - stats.norm.ppf(0.95) * 0.2, rel=1e-14)
    assert a.lower is None and a.exists


def test_two_sided_acceptance_limits_reach_exactly_the_required_pc():
    a = acceptance_interval(0.1, lower=0.0, upper=1.0, p_c=0.99)
    for y in (a.lower, a.upper):
        assert conformance_probability(y, 0.1, lower=0.0, upper=1.0) == pytest.approx(0.99, 1e-12)
    assert a.lower < a.upper


def test_no_acceptance_interval_when_cm_is_too_small_and_limits_never_invert():
    a = acceptance_interval(0.5, lower=0.0, upper=1.0, p_c=0.95)
    assert not a.exists and a.lower is None and a.upper is None and a.to_list() is None
    assert "C_m" in a.note and "0.682689" in a.note


def test_required_pc_must_be_inside_zero_one():
    with pytest.raises(InputError, match="'p_c' must be in \\(0, 1\\)"):
        acceptance_interval(0.1, upper=1.0, p_c=1.0)


def test_t_acceptance_interval_is_wider_guard_than_normal():
    n = acceptance_interval(0.1, upper=1.0, p_c=0.95)
    t = acceptance_interval(0.1, upper=1.0, p_c=0.95, dof=3)
    assert t.guard_band > n.guard_band
