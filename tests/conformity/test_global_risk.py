"""Global consumer's and producer's risks (JCGM 106:2012, 9)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from sitrace.conformity import (
    gamma_prior,
    global_risk,
    guard_band_for_target,
    lognormal_prior,
    normal_prior,
    parse_prior,
    process_capability_index,
    sample_prior,
    scipy_prior,
    uniform_prior,
)
from sitrace.errors import InputError

TOL = (-1.0, 1.0)


def _slow(dist, u, tl, tu, al, au):
    """A literal reading of JCGM 106 9.5: one scipy.quad per region (the slow reference)."""

    def acc(eta):
        return stats.norm.cdf(au, eta, u) - stats.norm.cdf(al, eta, u)

    lo, hi = dist.support()
    rc = 0.0
    if np.isfinite(tl):
        rc += integrate.quad(lambda e: dist.pdf(e) * acc(e), lo, tl, epsrel=1e-12, limit=200)[0]
    if np.isfinite(tu):
        rc += integrate.quad(lambda e: dist.pdf(e) * acc(e), tu, hi, epsrel=1e-12, limit=200)[0]
    rp = integrate.quad(
        lambda e: dist.pdf(e) * (1 - acc(e)), max(tl, lo), min(tu, hi), epsrel=1e-12, limit=200
    )[0]
    return rc, rp


@pytest.mark.parametrize(
    "prior, dist",
    [
        (normal_prior(0.1, 0.4), stats.norm(0.1, 0.4)),
        (gamma_prior(3.0, 0.2), stats.gamma(3.0, scale=0.2)),
        (lognormal_prior(-1.0, 0.6), stats.lognorm(0.6, scale=np.exp(-1.0))),
        (uniform_prior(-1.2, 0.9), stats.uniform(-1.2, 2.1)),
        (scipy_prior(stats.logistic(0.0, 0.3)), stats.logistic(0.0, 0.3)),
    ],
    ids=["normal", "gamma", "lognormal", "uniform", "scipy-logistic"],
)
def test_each_prior_family_matches_a_literal_quadrature_to_1e_8(prior, dist):
    r = global_risk(prior, 0.1, TOL, acceptance=(-0.85, 0.9))
    rc, rp = _slow(dist, 0.1, -1.0, 1.0, -0.85, 0.9)
    assert r.rc == pytest.approx(rc, rel=1e-8)
    assert r.rp == pytest.approx(rp, rel=1e-8)


def test_normal_closed_form_agrees_with_the_quadrature_path():
    a = global_risk(normal_prior(0.2, 0.5), 0.07, TOL, guard_band=0.1)
    b = global_risk(scipy_prior(stats.norm(0.2, 0.5)), 0.07, TOL, guard_band=0.1)
    assert a.rc == pytest.approx(b.rc, rel=1e-9)
    assert a.rp == pytest.approx(b.rp, rel=1e-9)


def test_probabilities_add_up():
    r = global_risk(normal_prior(0.0, 0.5), 0.1, TOL, guard_band=0.05)
    p_in = 1 - r.p_nonconforming
    # accepted = conforming accepted + nonconforming accepted
    assert r.p_accept == pytest.approx(p_in - r.rp + r.rc, rel=1e-14)
    assert r.rc_conditional == pytest.approx(r.rc / r.p_accept)
    assert r.p_nonconforming == pytest.approx(2 * stats.norm.sf(2.0))


def test_grids_broadcast_prior_parameters_and_u_m():
    sd = np.array([[0.3], [0.5]])
    u = np.array([0.05, 0.1, 0.2])
    r = global_risk(normal_prior(0.0, sd), u, TOL)
    assert r.rc.shape == (2, 3) and not r.rc.flags.writeable
    one = global_risk(normal_prior(0.0, 0.5), 0.2, TOL)
    assert r.rc[1, 2] == pytest.approx(one.rc, rel=1e-15)
    g = global_risk(gamma_prior(np.array([2.0, 4.0]), 0.25), np.array([[0.1], [0.25]]), upper=2.0)
    assert g.rc.shape == (2, 2)
    assert g.rc[1, 1] == pytest.approx(global_risk(gamma_prior(4.0, 0.25), 0.25, upper=2.0).rc)


def test_guard_band_array_sweeps_acceptance_limits():
    w = np.linspace(0.0, 0.3, 4)
    r = global_risk(normal_prior(0.0, 0.5), 0.1, TOL, guard_band=w)
    assert np.all(np.diff(r.rc) < 0) and np.all(np.diff(r.rp) > 0)
    assert r.acceptance_limits[1] == pytest.approx(1 - w)


def test_guard_band_for_target_rc_meets_it():
    r = guard_band_for_target(normal_prior(0.0, 0.5), 0.125, TOL, rc=0.001)
    assert r.rc == pytest.approx(0.001, rel=1e-9)
    assert r.guard_band > 0


def test_guard_band_for_target_rp_may_be_guarded_rejection():
    base = global_risk(normal_prior(0.0, 0.5), 0.125, TOL)
    r = guard_band_for_target(normal_prior(0.0, 0.5), 0.125, TOL, rp=base.rp / 2)
    assert r.guard_band < 0 and r.rp == pytest.approx(base.rp / 2, rel=1e-9)


def test_unreachable_target_is_an_error_naming_the_target():
    with pytest.raises(InputError, match=r"'rc'.*no guard band gives R_C"):
        guard_band_for_target(uniform_prior(-0.5, 0.5), 0.1, TOL, rc=0.2)


def test_sample_prior_is_the_exact_expectation_over_the_sample():
    s = np.array([-1.5, -0.2, 0.0, 0.7, 1.2])
    r = global_risk(sample_prior(s), 0.3, TOL)
    acc = stats.norm.cdf(1, s, 0.3) - stats.norm.cdf(-1, s, 0.3)
    out = (s < -1) | (s > 1)
    assert r.rc == pytest.approx(np.mean(np.where(out, acc, 0)), rel=1e-14)
    assert r.rp == pytest.approx(np.mean(np.where(out, 0, 1 - acc)), rel=1e-12)


def test_capability_indices():
    assert process_capability_index(0.5, lower=-1.5, upper=1.5) == 1.0
    r = global_risk(normal_prior(0.0, 1 / 3), 0.25, TOL)
    assert r.C_p == pytest.approx(1.0) and r.C_m == pytest.approx(2.0)
    assert global_risk(normal_prior(0.0, 1.0), 0.25, upper=1.0).C_m is None


@pytest.mark.parametrize(
    "spec, message",
    [
        ("weibull:1,2", "'prior' must be one of"),
        ("normal:0", "needs two numbers"),
        ("normal:0,-1", "'sd' must be > 0"),
        ("uniform:1,0", "'low' must be < 'high'"),
        ("normal:a,b", "must be numbers"),
    ],
)
def test_bad_prior_specs_are_refused_in_words(spec, message):
    with pytest.raises(InputError, match=message):
        parse_prior(spec)


def test_u_m_must_be_positive():
    with pytest.raises(InputError, match="'u_m' must be > 0"):
        global_risk(normal_prior(0.0, 1.0), 0.0, TOL)


def test_acceptance_must_have_the_tolerances_limits():
    with pytest.raises(InputError, match="same limits"):
        global_risk(normal_prior(0.0, 1.0), 0.1, TOL, acceptance=(None, 0.9))
