"""NCSLI RP-1 Method S2: maximum likelihood recovers the models, the best is chosen by ln L."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import gammaln

from sitrace.errors import InputError
from sitrace.intervals import MODELS, binomial_s2, reliability

TIMES = np.array([30.0, 60, 90, 120, 180, 240, 300, 365])
TRUE = {
    "exponential": {"lambda": 0.0015},
    "weibull": {"lambda": 0.002, "beta": 1.8},
    "random_walk": {"theta1": 0.15, "theta2": 0.004},
    "mixed_exponential": {"theta1": 0.004, "theta2": 1.2},
}


def simulate(name: str, seed: int, n: int = 4000):
    rng = np.random.default_rng(seed)
    p = reliability(name, TIMES, TRUE[name])
    return TIMES, np.full(len(TIMES), n), rng.binomial(n, p)


def fisher_covariance(name: str, n: int) -> np.ndarray:
    """Inverse Fisher information of grouped binomial data at the true parameters."""
    keys = list(TRUE[name])
    theta = np.array([TRUE[name][k] for k in keys])
    r = reliability(name, TIMES, TRUE[name])
    grad = np.empty((len(TIMES), len(keys)))
    for j in range(len(keys)):
        h = theta[j] * 1e-6
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        grad[:, j] = (
            reliability(name, TIMES, dict(zip(keys, up, strict=True)))
            - reliability(name, TIMES, dict(zip(keys, down, strict=True)))
        ) / (2 * h)
    info = (grad * (n / (r * (1 - r)))[:, None]).T @ grad
    return np.linalg.inv(info)


@settings(max_examples=8, deadline=None)
@given(name=st.sampled_from(sorted(TRUE)), seed=st.integers(0, 2**32 - 1))
def test_mle_recovers_the_parameters_of_simulated_data(name, seed):
    n = 4000
    t, ns, g = simulate(name, seed, n)
    fit = binomial_s2(t, ns, g, target=0.8, models=[name]).best
    se = np.sqrt(np.diag(fisher_covariance(name, n)))
    for (key, value), sd in zip(TRUE[name].items(), se, strict=True):
        # Within 5 asymptotic standard errors (a false alarm has probability < 1e-6).
        assert abs(fit.parameters[key] - value) < 5 * sd, (key, fit.parameters, sd)
    # The fitted reliability is close to the truth over the data's range.
    grid = np.linspace(TIMES[0], TIMES[-1], 50)
    assert (
        np.max(
            np.abs(reliability(name, grid, fit.parameters) - reliability(name, grid, TRUE[name]))
        )
        < 0.02
    )


@pytest.mark.parametrize("name", sorted(TRUE))
def test_the_generating_model_fits_at_least_as_well_as_its_own_truth(name):
    t, n, g = simulate(name, 1234)
    r = binomial_s2(t, n, g, target=0.8)
    fit = next(m for m in r.models if m.name == name)
    p = reliability(name, t, TRUE[name])
    truth = float(np.sum(g * np.log(p) + (n - g) * np.log1p(-p)))
    constant = float(np.sum(gammaln(n + 1) - gammaln(g + 1) - gammaln(n - g + 1)))
    assert fit.log_likelihood >= constant + truth - 1e-9


def test_best_model_has_the_largest_likelihood_and_aic_can_prefer_fewer_parameters():
    t, n, g = simulate("exponential", 7, n=200)
    r = binomial_s2(t, n, g, target=0.9)
    assert r.best.log_likelihood == max(m.log_likelihood for m in r.models)
    aic = binomial_s2(t, n, g, target=0.9, criterion="aic")
    scores = {m.name: m.log_likelihood - len(m.parameters) for m in aic.models}
    assert aic.model == max(scores, key=scores.get)


def test_interval_is_where_the_best_model_meets_the_target():
    t, n, g = simulate("weibull", 3)
    r = binomial_s2(t, n, g, target=0.85)
    assert float(reliability(r.model, r.interval, r.parameters)) == pytest.approx(0.85, abs=1e-9)


def test_random_walk_below_target_at_zero_gives_no_interval():
    t, n, g = simulate("random_walk", 5)
    fit = binomial_s2(t, n, g, target=0.999, models=["random_walk"]).best
    assert fit.interval is None
    assert "already below the target" in fit.note


def test_result_dict_has_the_cli_keys():
    t, n, g = simulate("exponential", 9)
    d = binomial_s2(t, n, g, target=0.9).to_dict()
    assert set(d) == {"model", "parameters", "interval", "models"}
    assert {m["name"] for m in d["models"]} == set(MODELS)
    assert set(d["models"][0]) == {"name", "parameters", "log_likelihood", "interval"}
    assert all(math.isfinite(m["log_likelihood"]) for m in d["models"])


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([0, 30], [5, 5], [4, 3]), {}, r"group 1: interval_days must be > 0, got 0"),
        (([30, 60], [5, 5], [6, 3]), {}, r"group 1: in_tolerance must be <= n \(5\), got 6"),
        (([30, 30], [5, 5], [4, 3]), {}, "at least two different intervals"),
        (([30, 60], [5, 5], [5, 5]), {}, "every result is in tolerance"),
        (([30, 60], [5, 5], [4, 3]), {"target": 1.2}, r"target must lie in \(0, 1\), got 1.2"),
        (([30, 60], [5, 5], [4, 3]), {"models": ["gamma"]}, "unknown reliability model 'gamma'"),
        (([30, 60], [5, 5], [4, 3]), {"criterion": "bic"}, "criterion must be 'likelihood'"),
        (([30, 60], [5], [4, 3]), {}, "must have the same length"),
    ],
)
def test_bad_input_is_an_input_error(args, kwargs, match):
    options = {"target": 0.9, **kwargs}
    with pytest.raises(InputError, match=match):
        binomial_s2(*args, **options)


def test_results_pickle_for_other_processes():
    import pickle

    t, n, g = simulate("exponential", 11)
    r = binomial_s2(t, n, g, target=0.9)
    back = pickle.loads(pickle.dumps(r))
    assert back.to_dict() == r.to_dict()
    with pytest.raises(TypeError):
        r.best.parameters["lambda"] = 1.0
