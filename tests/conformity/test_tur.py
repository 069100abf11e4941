"""TUR and the TUR-based PFA, PFR and guard-band rules."""

from __future__ import annotations

import math

import pytest

from sitrace.conformity import (
    dobbert_guard_band,
    global_risk,
    normal_prior,
    pfa_pfr,
    rss_guard_band,
    tur,
    worst_case_pfa,
)
from sitrace.errors import InputError


def test_tur_is_tolerance_width_over_two_u():
    assert tur(0.25, lower=9.0, upper=11.0) == 4.0
    with pytest.raises(InputError, match="two-sided"):
        tur(0.25, upper=1.0)


def test_pfa_pfr_is_the_global_risk_of_the_standard_model():
    r = pfa_pfr(3.0, 0.9, guard=0.5)
    sigma = 1 / 1.6448536269514722
    g = global_risk(normal_prior(0.0, sigma), 1 / 6, (-1.0, 1.0), guard_band=0.5 / 3)
    assert r.pfa == pytest.approx(g.rc, rel=1e-12)
    assert r.pfr == pytest.approx(g.rp, rel=1e-12)


def test_worst_case_is_a_maximum_over_itp():
    pfa, itp = worst_case_pfa(2.0)
    for other in (itp - 0.05, itp + 0.05, 0.5, 0.95):
        assert pfa_pfr(2.0, other).pfa <= pfa + 1e-12
    assert 0 < itp < 1


def test_guard_band_lowers_pfa_and_raises_pfr():
    a, b = pfa_pfr(2.0, 0.9), pfa_pfr(2.0, 0.9, guard=0.5)
    assert b.pfa < a.pfa and b.pfr > a.pfr


@pytest.mark.parametrize("itp", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_itp_outside_zero_one_is_refused(itp):
    with pytest.raises(InputError, match="'itp'"):
        pfa_pfr(4.0, itp)


def test_guard_as_large_as_tur_is_refused():
    with pytest.raises(InputError, match="'guard'"):
        pfa_pfr(2.0, 0.9, guard=2.0)


def test_rss_guard_band_is_the_quadrature_difference():
    g = rss_guard_band(2.0)
    assert g.acceptance_factor == pytest.approx(math.sqrt(1 - 0.25))
    assert g.acceptance_factor == pytest.approx(1 - g.multiplier / 2.0)
    assert "sqrt(T^2 - U^2)" in g.convention
    with pytest.raises(InputError, match="TUR > 1"):
        rss_guard_band(1.0)


def test_dobbert_multiplier_follows_its_formula_and_is_not_clipped():
    assert dobbert_guard_band(2.5).multiplier == pytest.approx(
        1.04 - math.exp(0.38 * math.log(2.5) - 0.54)
    )
    assert dobbert_guard_band(10.0).multiplier < 0
    assert "Dobbert" in dobbert_guard_band(2.0).source
