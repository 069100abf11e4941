"""Every integral type against an independent Monte Carlo estimate (hypothesis).

Tolerance: 5 binomial standard errors of the Monte Carlo estimate plus 2e-5, so a
correct implementation fails with probability well below 1e-5 per example, while a
wrong region, tail or sign shows up at once.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.conformity import (
    gamma_prior,
    global_risk,
    lognormal_prior,
    normal_prior,
    pfa_pfr,
    specific_risk,
    uniform_prior,
)

N = 200_000
FAST = settings(max_examples=12, deadline=None, derandomize=True)


def _close(exact: float, estimate: float, n: int = N) -> bool:
    se = np.sqrt(max(exact * (1 - exact), 1e-12) / n)
    return abs(exact - estimate) <= 5 * se + 2e-5


limits = st.tuples(
    st.floats(-3, 3), st.floats(0.1, 4), st.sampled_from(["both", "lower", "upper"])
).map(
    lambda t: (
        t[0] if t[2] != "upper" else None,
        t[0] + t[1] if t[2] != "lower" else None,
    )
)


@FAST
@given(limits, st.floats(-4, 4), st.floats(0.05, 2), st.integers(0, 2**32 - 1))
def test_normal_specific_risk_matches_monte_carlo(lim, y, u, seed):
    r = specific_risk(y, u, lower=lim[0], upper=lim[1])
    eta = np.random.default_rng(seed).normal(y, u, N)
    lo = -np.inf if lim[0] is None else lim[0]
    hi = np.inf if lim[1] is None else lim[1]
    assert _close(r.p_c, np.mean((eta >= lo) & (eta <= hi)))
    assert _close(r.p_above, np.mean(eta > hi))


@FAST
@given(limits, st.floats(-4, 4), st.floats(0.05, 2), st.floats(1, 30), st.integers(0, 2**32 - 1))
def test_t_specific_risk_matches_monte_carlo(lim, y, u, dof, seed):
    r = specific_risk(y, u, lower=lim[0], upper=lim[1], dof=dof)
    eta = y + u * np.random.default_rng(seed).standard_t(dof, N)
    lo = -np.inf if lim[0] is None else lim[0]
    hi = np.inf if lim[1] is None else lim[1]
    assert _close(r.p_c, np.mean((eta >= lo) & (eta <= hi)))


@FAST
@given(limits, st.floats(-2, 2), st.floats(0.1, 1.5), st.integers(0, 2**32 - 1))
def test_sample_specific_risk_estimates_the_pdf_it_was_drawn_from(lim, y, u, seed):
    sample = np.random.default_rng(seed).normal(y, u, N)
    r = specific_risk(sample, lower=lim[0], upper=lim[1])
    exact = specific_risk(y, u, lower=lim[0], upper=lim[1])
    assert _close(exact.p_c, r.p_c)


def _draw(family, a, b, rng):
    if family == "normal":
        return normal_prior(a, b), rng.normal(a, b, N)
    if family == "gamma":
        return gamma_prior(a + 2.5, b), rng.gamma(a + 2.5, b, N)
    if family == "lognormal":
        return lognormal_prior(a / 4, b / 2), rng.lognormal(a / 4, b / 2, N)
    return uniform_prior(a - b, a + b), rng.uniform(a - b, a + b, N)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(
    st.sampled_from(["normal", "gamma", "lognormal", "uniform"]),
    st.floats(-1, 1),
    st.floats(0.2, 1.5),
    st.floats(0.02, 0.6),
    st.floats(-0.3, 0.3),
    st.integers(0, 2**32 - 1),
)
def test_global_risks_of_each_prior_family_match_monte_carlo(family, a, b, u_m, w, seed):
    rng = np.random.default_rng(seed)
    prior, eta = _draw(family, a, b, rng)
    lo, hi = float(np.quantile(eta, 0.1)), float(np.quantile(eta, 0.85))
    if hi - lo <= 2 * abs(w) + 1e-3:
        w = 0.0
    r = global_risk(prior, u_m, (lo, hi), guard_band=w)
    y = eta + rng.normal(0.0, u_m, N)
    conform = (eta >= lo) & (eta <= hi)
    accept = (y >= lo + w) & (y <= hi - w)
    assert _close(r.rc, np.mean(~conform & accept))
    assert _close(r.rp, np.mean(conform & ~accept))
    assert _close(r.p_accept, np.mean(accept))


@settings(max_examples=10, deadline=None, derandomize=True)
@given(st.floats(1.0, 8.0), st.floats(0.5, 0.995), st.floats(0.0, 0.8), st.integers(0, 2**32 - 1))
def test_tur_pfa_pfr_match_monte_carlo(t, itp, guard, seed):
    r = pfa_pfr(t, itp, guard=guard)
    rng = np.random.default_rng(seed)
    from scipy import stats

    sigma = 1 / stats.norm.ppf((1 + itp) / 2)
    eta = rng.normal(0, sigma, N)
    y = eta + rng.normal(0, 1 / (2 * t), N)
    a = 1 - guard / t
    conform = np.abs(eta) <= 1
    accept = np.abs(y) <= a
    assert _close(r.pfa, np.mean(~conform & accept))
    assert _close(r.pfr, np.mean(conform & ~accept))
