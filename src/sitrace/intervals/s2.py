"""NCSLI RP-1 Method S2: reliability models fitted by maximum likelihood to grouped pass/fail data.

Calibrations are grouped by the time t_i since the previous calibration; in group i,
g_i of n_i were found in tolerance. For a reliability model R(t; theta) the
binomial log-likelihood (RP-1 Appendix D) is

    ln L(theta) = sum_i [ ln C(n_i, g_i) + g_i ln R(t_i) + (n_i - g_i) ln(1 - R(t_i)) ],

maximised here over theta for each model. The model with the largest ln L is chosen
(``criterion="aic"`` penalises parameters: AIC = 2k - 2 ln L), and the interval is
the time at which that model's reliability falls to the target Rt.

Models (t in the unit of the data, days in the CLI):

================  ===================================  ======================
name              R(t)                                 parameters
================  ===================================  ======================
exponential       exp(-lambda t)                       lambda > 0
weibull           exp(-(lambda t)**beta)               lambda > 0, beta > 0
random_walk       2 Phi(1/sqrt(theta1 + theta2 t)) - 1  theta1 > 0, theta2 > 0
mixed_exponential (1 + theta1 t)**(-theta2)            theta1 > 0, theta2 > 0
================  ===================================  ======================

The random-walk model starts below 1 at t = 0 (2 Phi(1/sqrt(theta1)) - 1); when that is
already below the target there is no interval, and the model's interval is ``None``
with a note.

The fit is on log-parameters (so they stay positive) with time scaled by the longest
interval, by Nelder-Mead from several starting points derived from linearised fits;
it does not depend on the order of the groups.

References
----------
NCSL International, Recommended Practice RP-1 (calibration intervals),
Method S2 (binomial method) and Appendix D (reliability
models, maximum-likelihood estimation).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
from scipy import optimize, special, stats

from sitrace.errors import ConvergenceError, InputError
from sitrace.intervals._checks import count, positive, probability
from sitrace.intervals.history import GroupedResults

__all__ = [
    "MODELS",
    "ModelFit",
    "S2Result",
    "binomial_s2",
    "grouped_results",
    "reliability",
]


# --------------------------------------------------------------------------- models


def _log_r_exponential(t, p):
    return -p[0] * t


def _log_r_weibull(t, p):
    return -((p[0] * t) ** p[1])


def _log_r_random_walk(t, p):
    q = 1.0 / np.sqrt(p[0] + p[1] * t)
    return np.log1p(-2.0 * special.ndtr(-q))


def _log_r_mixed(t, p):
    return -p[1] * np.log1p(p[0] * t)


def _interval_exponential(rt, p):
    return -math.log(rt) / p[0]


def _interval_weibull(rt, p):
    return (-math.log(rt)) ** (1.0 / p[1]) / p[0]


def _interval_random_walk(rt, p):
    z = float(stats.norm.ppf((1.0 + rt) / 2.0))
    t = (1.0 / z**2 - p[0]) / p[1]
    return t if t >= 0.0 else None


def _interval_mixed(rt, p):
    return (rt ** (-1.0 / p[1]) - 1.0) / p[0]


@dataclass(frozen=True, slots=True)
class _Model:
    name: str
    parameters: tuple[str, ...]
    log_r: Callable
    interval: Callable
    # exponents e_j such that parameter_j scales as (time scale)**e_j
    time_power: tuple[int, ...]


MODELS: Mapping[str, _Model] = MappingProxyType(
    {
        "exponential": _Model(
            "exponential", ("lambda",), _log_r_exponential, _interval_exponential, (-1,)
        ),
        "weibull": _Model(
            "weibull", ("lambda", "beta"), _log_r_weibull, _interval_weibull, (-1, 0)
        ),
        "random_walk": _Model(
            "random_walk", ("theta1", "theta2"), _log_r_random_walk, _interval_random_walk, (0, -1)
        ),
        "mixed_exponential": _Model(
            "mixed_exponential", ("theta1", "theta2"), _log_r_mixed, _interval_mixed, (-1, 0)
        ),
    }
)


def reliability(model: str, t, parameters: Mapping[str, float]) -> np.ndarray:
    """R(t) of a named model with its parameters (as in :attr:`ModelFit.parameters`)."""
    m = _model(model)
    p = np.array([float(parameters[name]) for name in m.parameters])
    return np.exp(m.log_r(np.asarray(t, dtype=float), p))


def _model(name: str) -> _Model:
    try:
        return MODELS[name]
    except KeyError:
        raise InputError(
            f"unknown reliability model {name!r}; known: {', '.join(MODELS)}", where="models"
        ) from None


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ModelFit:
    """One reliability model fitted by maximum likelihood."""

    name: str
    parameters: Mapping[str, float]
    log_likelihood: float
    interval: float | None
    note: str

    def __reduce__(self):
        # A mappingproxy does not pickle; rebuild it from a plain dict (Dask, processes).
        return (
            _model_fit,
            (self.name, dict(self.parameters), self.log_likelihood, self.interval, self.note),
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "parameters": dict(self.parameters),
            "log_likelihood": self.log_likelihood,
            "interval": self.interval,
        }


def _model_fit(name, parameters, log_likelihood, interval, note) -> ModelFit:
    return ModelFit(name, MappingProxyType(dict(parameters)), log_likelihood, interval, note)


@dataclass(frozen=True, slots=True)
class S2Result:
    """Method S2: every model fitted, the best one and its interval for the target."""

    data: GroupedResults
    target: float
    criterion: str
    models: tuple[ModelFit, ...]
    best: ModelFit

    @property
    def model(self) -> str:
        return self.best.name

    @property
    def parameters(self) -> Mapping[str, float]:
        return self.best.parameters

    @property
    def interval(self) -> float | None:
        return self.best.interval

    def to_dict(self) -> dict:
        return {
            "model": self.best.name,
            "parameters": dict(self.best.parameters),
            "interval": self.best.interval,
            "models": [m.to_dict() for m in self.models],
        }


# --------------------------------------------------------------------------- fitting


def grouped_results(
    interval_days: Sequence[float], n: Sequence[int], in_tolerance: Sequence[int]
) -> GroupedResults:
    """Check grouped results: t > 0, n >= 1, 0 <= g <= n, equal lengths, >= 2 distinct t."""
    if not (len(interval_days) == len(n) == len(in_tolerance)):
        raise InputError(
            "interval_days, n and in_tolerance must have the same length, got "
            f"{len(interval_days)}, {len(n)} and {len(in_tolerance)}"
        )
    t = tuple(
        positive(v, "interval_days", where=f"group {i + 1}") for i, v in enumerate(interval_days)
    )
    ns = tuple(count(v, "n", where=f"group {i + 1}", minimum=1) for i, v in enumerate(n))
    gs = []
    for i, (g, ni) in enumerate(zip(in_tolerance, ns, strict=True)):
        g = count(g, "in_tolerance", where=f"group {i + 1}")
        if g > ni:
            raise InputError(f"in_tolerance must be <= n ({ni}), got {g}", where=f"group {i + 1}")
        gs.append(g)
    if len(set(t)) < 2:
        raise InputError(
            f"at least two different intervals are needed to fit a model, got {len(set(t))}",
            where="interval_days",
        )
    total_good, total = sum(gs), sum(ns)
    if total_good == total or total_good == 0:
        state = "in" if total_good else "out of"
        raise InputError(
            f"every result is {state} tolerance: reliability models cannot be fitted",
            where="in_tolerance",
        )
    return GroupedResults(t, ns, tuple(gs))


def _negative_log_likelihood(log_p, m, tau, ns, gs, constant):
    if np.any(np.abs(log_p) > 50.0):
        return np.inf
    p = np.exp(log_p)
    with np.errstate(all="ignore"):
        log_r = m.log_r(tau, p)
        log_q = np.log(-np.expm1(log_r))
        terms = gs * log_r + (ns - gs) * log_q
        # 0 * log(0) is 0: a group without failures does not need R < 1 exactly.
        terms = np.where((ns - gs) == 0, gs * log_r, terms)
        terms = np.where(gs == 0, (ns - gs) * log_q, terms)
    value = -(constant + float(np.sum(terms)))
    return value if math.isfinite(value) else np.inf


def _starts(name: str, tau: np.ndarray, ns: np.ndarray, gs: np.ndarray) -> list[np.ndarray]:
    r = (gs + 0.5) / (ns + 1.0)
    w = ns.astype(float)
    lam = max(float(np.sum(w * tau * -np.log(r)) / np.sum(w * tau**2)), 1e-6)
    if name == "exponential":
        base = [lam]
    elif name == "weibull":
        beta, icpt = np.polyfit(np.log(tau), np.log(-np.log(r)), 1, w=np.sqrt(w))
        base = [math.exp(icpt / beta), beta] if beta > 0.05 else [lam, 1.0]
    elif name == "random_walk":
        z = stats.norm.ppf((r + 1.0) / 2.0)
        slope, icpt = np.polyfit(tau, 1.0 / z**2, 1, w=np.sqrt(w))
        base = [max(icpt, 1e-3), max(slope, 1e-3)]
    else:
        theta1 = max(float(np.average((1.0 / r - 1.0) / tau, weights=w)), 1e-6)
        base = [theta1, 1.0]
    logs = np.log(np.array(base, dtype=float))
    starts = [logs]
    for shift in (-1.5, 1.5):
        for j in range(len(logs)):
            s = logs.copy()
            s[j] += shift
            starts.append(s)
    return starts


def _fit(m: _Model, data: GroupedResults, target: float) -> ModelFit:
    t = np.array(data.interval_days)
    scale = float(t.max())
    tau = t / scale
    ns = np.array(data.n, dtype=float)
    gs = np.array(data.in_tolerance, dtype=float)
    constant = float(
        np.sum(special.gammaln(ns + 1) - special.gammaln(gs + 1) - special.gammaln(ns - gs + 1))
    )
    best = None
    for start in _starts(m.name, tau, ns, gs):
        res = optimize.minimize(
            _negative_log_likelihood,
            start,
            args=(m, tau, ns, gs, constant),
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000, "maxfev": 8000},
        )
        if math.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise ConvergenceError(f"no finite likelihood for the {m.name} model", where="s2")
    scaled = np.exp(best.x)
    p = scaled * scale ** np.array(m.time_power, dtype=float)
    interval = m.interval(target, p)
    note = ""
    if interval is None:
        note = f"{m.name}: the reliability at t = 0 is already below the target {target:g}"
    return ModelFit(
        name=m.name,
        parameters=MappingProxyType(dict(zip(m.parameters, map(float, p), strict=True))),
        log_likelihood=-float(best.fun),
        interval=None if interval is None else float(interval),
        note=note,
    )


def binomial_s2(
    interval_days: Sequence[float] | GroupedResults,
    n: Sequence[int] | None = None,
    in_tolerance: Sequence[int] | None = None,
    *,
    target: float,
    models: Sequence[str] = ("exponential", "weibull", "random_walk", "mixed_exponential"),
    criterion: str = "likelihood",
) -> S2Result:
    """Fit reliability models to grouped pass/fail data and give the interval for ``target``.

    Parameters
    ----------
    interval_days : sequence of float or GroupedResults
        Time since the previous calibration of each group (> 0), or the whole data set.
    n, in_tolerance : sequence of int
        Results in each group, and how many were in tolerance (omit with GroupedResults).
    target : float
        Reliability target Rt in (0, 1).
    models : sequence of str
        Names from :data:`MODELS`.
    criterion : {"likelihood", "aic"}
        How the best model is chosen: largest ln L, or smallest AIC.

    Examples
    --------
    >>> r = binomial_s2([30, 60, 90, 120], [40, 40, 40, 40], [37, 33, 31, 27],
    ...                 target=0.9, models=["exponential"])
    >>> r.model, round(r.interval, 1)
    ('exponential', 34.5)
    """
    if isinstance(interval_days, GroupedResults):
        if n is not None or in_tolerance is not None:
            raise InputError("give either GroupedResults or three sequences, not both")
        data = grouped_results(
            interval_days.interval_days, interval_days.n, interval_days.in_tolerance
        )
    else:
        if n is None or in_tolerance is None:
            raise InputError("n and in_tolerance are needed with interval_days")
        data = grouped_results(interval_days, n, in_tolerance)
    rt = probability(target, "target")
    if criterion not in ("likelihood", "aic"):
        raise InputError(f"criterion must be 'likelihood' or 'aic', got {criterion!r}")
    if isinstance(models, str) or not models:
        raise InputError(f"models must be a non-empty list of names, got {models!r}")
    chosen = [_model(name) for name in models]
    fits = tuple(_fit(m, data, rt) for m in chosen)

    def score(f: ModelFit) -> float:
        k = len(f.parameters)
        return f.log_likelihood if criterion == "likelihood" else f.log_likelihood - k

    best = max(fits, key=score)
    return S2Result(data=data, target=rt, criterion=criterion, models=fits, best=best)
