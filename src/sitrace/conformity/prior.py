"""Prior PDFs of a production process: what is known of the measurand before measuring.

JCGM 106:2012, 9.2-9.4 model the items of a process by a prior PDF g_0(eta):
a normal PDF, a gamma PDF for quantities near a natural limit (9.4, the ball-bearing
example of 9.5.4), or any other. Parameters may be arrays, so that one prior stands
for a whole grid of processes (broadcast with u_m and the guard band).

Contents
--------
Prior
    One family with broadcast parameters -> pdf, cdf, sf, support, scale.
normal_prior, gamma_prior, lognormal_prior, uniform_prior
    The named families (scipy parameterizations in their docstrings).
scipy_prior
    Any frozen ``scipy.stats`` continuous distribution.
sample_prior
    A sample (measured items, a Monte Carlo run): the empirical distribution.
parse_prior
    ``"normal:MEAN,SD"``, ``"gamma:SHAPE,SCALE"``, ``"lognormal:MU,SIGMA"``,
    ``"uniform:LOW,HIGH"`` (the CLI's ``--prior``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from sitrace.conformity._checks import positive_array, real, real_array
from sitrace.errors import InputError

__all__ = [
    "PRIOR_FAMILIES",
    "Prior",
    "gamma_prior",
    "lognormal_prior",
    "normal_prior",
    "parse_prior",
    "sample_prior",
    "scipy_prior",
    "uniform_prior",
]

PRIOR_FAMILIES = ("normal", "gamma", "lognormal", "uniform")


@dataclass(frozen=True, slots=True)
class Prior:
    """A process PDF g_0 with parameters broadcast to ``shape``.

    Build it with the factory functions; ``family`` is one of :data:`PRIOR_FAMILIES`,
    ``"scipy"`` or ``"sample"``.
    """

    family: str
    params: tuple[np.ndarray, ...]
    dist: Any = field(default=None, repr=False)
    sample: np.ndarray | None = field(default=None, repr=False)

    @property
    def shape(self) -> tuple[int, ...]:
        if self.family in ("scipy", "sample"):
            return ()
        return np.broadcast_shapes(*(p.shape for p in self.params))

    def _p(self, idx: np.ndarray | None, shape: tuple[int, ...]) -> list[np.ndarray]:
        if idx is None:
            return [np.broadcast_to(p, shape) for p in self.params]
        return [np.broadcast_to(p, shape).ravel()[idx] for p in self.params]

    def frozen(self, idx: np.ndarray | None = None, shape: tuple[int, ...] | None = None):
        """The scipy distribution with the parameters of elements ``idx`` of ``shape``."""
        if self.family == "scipy":
            return self.dist
        shape = self.shape if shape is None else shape
        p = self._p(idx, shape)
        if self.family == "normal":
            return stats.norm(loc=p[0], scale=p[1])
        if self.family == "gamma":
            return stats.gamma(p[0], scale=p[1])
        if self.family == "lognormal":
            return stats.lognorm(p[1], scale=np.exp(p[0]))
        if self.family == "uniform":
            return stats.uniform(loc=p[0], scale=p[1] - p[0])
        raise InputError(f"a {self.family} prior has no scipy distribution")

    def to_text(self) -> str:
        if self.family == "sample":
            return f"sample of {self.sample.size} values"
        if self.family == "scipy":
            return f"scipy {self.dist.dist.name}"
        names = {
            "normal": ("mean", "sd"),
            "gamma": ("shape", "scale"),
            "lognormal": ("mu", "sigma"),
            "uniform": ("low", "high"),
        }[self.family]
        inner = ", ".join(f"{n}={_fmt(p)}" for n, p in zip(names, self.params, strict=True))
        return f"{self.family}({inner})"


def _fmt(p: np.ndarray) -> str:
    return f"{float(p):g}" if p.ndim == 0 else f"array{p.shape}"


def normal_prior(mean, sd) -> Prior:
    """N(mean, sd^2); arrays broadcast. JCGM 106:2012, 9.4 (normal process)."""
    return Prior("normal", (real_array("mean", mean), positive_array("sd", sd)))


def gamma_prior(shape, scale) -> Prior:
    """Gamma PDF with shape alpha and scale 1/beta (scipy ``gamma(a, scale=)``).

    JCGM 106:2012, 9.4 and the ball-bearing example of 9.5.4 use alpha = 4,
    beta = 4 um^-1, i.e. ``gamma_prior(4, 0.25)``.
    """
    return Prior("gamma", (positive_array("shape", shape), positive_array("scale", scale)))


def lognormal_prior(mu, sigma) -> Prior:
    """log(eta) ~ N(mu, sigma^2) (scipy ``lognorm(sigma, scale=exp(mu))``)."""
    return Prior("lognormal", (real_array("mu", mu), positive_array("sigma", sigma)))


def uniform_prior(low, high) -> Prior:
    """Rectangular PDF on [low, high]."""
    lo, hi = real_array("low", low), real_array("high", high)
    if np.any(np.broadcast_to(lo, np.broadcast_shapes(lo.shape, hi.shape)) >= hi):
        raise InputError("'low' must be < 'high' for a uniform prior")
    return Prior("uniform", (lo, hi))


def scipy_prior(dist) -> Prior:
    """Any frozen continuous ``scipy.stats`` distribution (scalar parameters)."""
    if not (hasattr(dist, "pdf") and hasattr(dist, "cdf") and hasattr(dist, "support")):
        raise InputError(
            f"'prior' must be a frozen scipy.stats continuous distribution, got {dist!r}"
        )
    if np.shape(dist.mean()) != ():
        raise InputError("a scipy prior must have scalar parameters; use a named family for grids")
    return Prior("scipy", (), dist=dist)


def sample_prior(values) -> Prior:
    """The empirical distribution of a sample of at least 2 finite values."""
    arr = real_array("values", values).ravel()
    if arr.size < 2:
        raise InputError(f"a sample prior needs at least 2 values, got {arr.size}")
    arr = np.sort(arr)
    arr.setflags(write=False)
    return Prior("sample", (), sample=arr)


def parse_prior(text: str) -> Prior:
    """A prior from ``FAMILY:P1,P2``, e.g. ``normal:0,0.5`` or ``gamma:4,0.25``."""
    family, sep, rest = str(text).partition(":")
    family = family.strip().lower()
    if family not in PRIOR_FAMILIES or not sep:
        raise InputError(
            f"'prior' must be one of normal:MEAN,SD | gamma:SHAPE,SCALE | "
            f"lognormal:MU,SIGMA | uniform:LOW,HIGH, got {text!r}"
        )
    parts = [p.strip() for p in rest.split(",")]
    if len(parts) != 2:
        raise InputError(f"'prior' {family} needs two numbers after ':', got {rest!r}")
    try:
        p1, p2 = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"'prior' parameters must be numbers, got {rest!r}") from None
    p1, p2 = real("prior", p1), real("prior", p2)
    return {
        "normal": normal_prior,
        "gamma": gamma_prior,
        "lognormal": lognormal_prior,
        "uniform": uniform_prior,
    }[family](p1, p2)


def as_prior(prior: Any) -> Prior:
    """A :class:`Prior` from a Prior, a spec string, a frozen scipy distribution or a sample."""
    if isinstance(prior, Prior):
        return prior
    if isinstance(prior, str):
        return parse_prior(prior)
    if hasattr(prior, "pdf") and hasattr(prior, "cdf"):
        return scipy_prior(prior)
    if isinstance(prior, list | tuple | np.ndarray):
        return sample_prior(prior)
    raise InputError(
        f"'prior' must be a Prior, a spec such as 'normal:0,1', a frozen scipy.stats "
        f"distribution or a sample, got {type(prior).__name__}"
    )
