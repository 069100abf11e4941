"""Specific (item) risk: the conformance probability of one measured item (JCGM 106:2012, 7-8).

The state of knowledge of the measurand after measuring one item is a PDF: a
normal PDF N(y, u^2) (JCGM 106, 7.4), a scaled-and-shifted t PDF y + u t_nu (JCGM 106,
7.4 note; JCGM 101, 6.4.9: u is the scale, the standard uncertainty of a Type A mean)
or any PDF given as a Monte Carlo sample (JCGM 101, 7; JCGM 106, 7.5).

Contents
--------
specific_risk
    p_c = P(eta in C | y), the probabilities below T_L and above T_U, the specific
    risk 1 - p_c and C_m -> :class:`SpecificRisk` (JCGM 106, 7.1-7.6, 9.3.1).
conformance_probability
    p_c alone.
measurement_capability_index
    C_m = (T_U - T_L)/(4u) (JCGM 106, 7.6).
acceptance_interval
    The interval of measured values y whose p_c reaches a required value
    (JCGM 106, 8.3, 8.4) -> :class:`AcceptanceInterval`, with no limits and a note
    when no measured value can reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import optimize, stats

from sitrace.conformity._checks import dof_value, positive, probability_open, real
from sitrace.conformity.tolerance import Tolerance
from sitrace.errors import InputError

__all__ = [
    "AcceptanceInterval",
    "SpecificRisk",
    "acceptance_interval",
    "conformance_probability",
    "measurement_capability_index",
    "specific_risk",
]


@dataclass(frozen=True, slots=True)
class SpecificRisk:
    """Conformance of one measured item.

    Attributes
    ----------
    p_c : float
        Conformance probability P(T_L <= eta <= T_U | y) (JCGM 106, 7).
    p_below, p_above : float
        P(eta < T_L | y) and P(eta > T_U | y) (0 where the limit is absent).
    specific_risk : float
        1 - p_c: the probability that the item does not conform (JCGM 106, 9.3.1).
    C_m : float or None
        (T_U - T_L)/(4u) for a two-sided tolerance, None for a one-sided one.
        For a sample, u is the sample's standard deviation.
    distribution : str
        ``"normal"``, ``"t"`` or ``"sample"``.
    tolerance : Tolerance
    """

    p_c: float
    p_below: float
    p_above: float
    specific_risk: float
    C_m: float | None
    distribution: str
    tolerance: Tolerance

    def to_dict(self) -> dict[str, Any]:
        return {
            "p_c": self.p_c,
            "p_below": self.p_below,
            "p_above": self.p_above,
            "specific_risk": self.specific_risk,
            "C_m": self.C_m,
            "distribution": self.distribution,
            "tolerance": self.tolerance.to_list(),
        }


@dataclass(frozen=True, slots=True)
class AcceptanceInterval:
    """Measured values y with p_c(y) >= the required conformance probability.

    Attributes
    ----------
    lower, upper : float or None
        A_L and A_U; None where the tolerance has no such limit, and both None when
        no measured value reaches the required p_c.
    required_pc : float
    exists : bool
        False when the measurement capability is too small for the required p_c.
    guard_band : float or None
        w = T_U - A_U (= A_L - T_L for the symmetric PDFs used here); > 0 is guarded
        acceptance, < 0 guarded rejection (JCGM 106, 8.3.2, 8.3.3).
    note : str or None
        Why there is no interval.
    """

    lower: float | None
    upper: float | None
    required_pc: float
    exists: bool
    guard_band: float | None
    note: str | None = None

    def to_list(self) -> list[float | None] | None:
        return [self.lower, self.upper] if self.exists else None


def _limits(lower: float | None, upper: float | None) -> Tolerance:
    return Tolerance(lower, upper)


def _sample_values(y: Any) -> np.ndarray | None:
    """The values of a Monte Carlo sample, or None when ``y`` is a single number."""
    if isinstance(y, bool):
        raise InputError(f"'y' must be a number or a sample, got {y!r}")
    if isinstance(y, int | float | np.number):
        return None
    samples = getattr(y, "samples", None)
    if samples is None and hasattr(y, "values") and not isinstance(y, np.ndarray):
        samples = y.values
    if hasattr(y, "samples") and samples is None:
        raise InputError(
            "'y' is a Monte Carlo output without samples: run it with the samples kept"
        )
    values = y if samples is None else samples
    try:
        arr = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InputError(f"'y' must be a number or a sample of numbers, got {y!r}") from None
    if arr.size < 2:
        raise InputError(f"a sample 'y' needs at least 2 values, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise InputError("the sample 'y' holds a value that is not finite (NaN or inf)")
    return arr


def _dist(u: float, dof: float | None):
    return stats.norm if dof is None else stats.t(dof)


def _between(dist, z_low: float, z_high: float) -> float:
    """P(z_low <= Z <= z_high) without cancellation in either tail."""
    if z_low > 0:
        return float(dist.sf(z_low) - dist.sf(z_high))
    return float(dist.cdf(z_high) - dist.cdf(z_low))


def specific_risk(
    y: Any,
    u: float | None = None,
    *,
    lower: float | None = None,
    upper: float | None = None,
    dof: float | None = None,
) -> SpecificRisk:
    """Conformance probability and specific risk of one measured item.

    Parameters
    ----------
    y : float, array-like of shape (M,), or McOutput
        The measured value (with ``u``), or a Monte Carlo sample of the measurand
        (an array, or a :class:`sitrace.uncertainty.McOutput` holding its samples).
    u : float, optional
        Standard uncertainty (the scale of the t PDF when ``dof`` is given); None for
        a sample.
    lower, upper : float, optional
        T_L and T_U; at least one.
    dof : float, optional
        Degrees of freedom: a scaled-and-shifted t PDF y + u t_dof. None or inf: normal.

    References
    ----------
    JCGM 106:2012, 7.1, 7.3 (one-sided), 7.4 (two-sided), 7.5 (general
    PDFs, Monte Carlo), 7.6 (C_m), 9.3.1 (specific risk).

    Examples
    --------
    >>> r = specific_risk(1.0, 0.5, upper=2.0)
    >>> round(r.p_c, 4), round(r.specific_risk, 4)
    (0.9772, 0.0228)
    """
    tol = _limits(lower, upper)
    sample = _sample_values(y)
    if sample is not None:
        if u is not None or dof is not None:
            raise InputError("give 'u' and 'dof' for a measured value, not for a sample 'y'")
        m = sample.size
        p_below = float(np.count_nonzero(sample < tol.low)) / m
        p_above = float(np.count_nonzero(sample > tol.high)) / m
        p_c = float(np.count_nonzero((sample >= tol.low) & (sample <= tol.high))) / m
        s = float(np.std(sample, ddof=1))
        c_m = tol.width / (4 * s) if tol.two_sided and s > 0 else None
        return SpecificRisk(p_c, p_below, p_above, 1.0 - p_c, c_m, "sample", tol)
    y = real("y", y)
    if u is None:
        raise InputError("'u' is required with a single measured value 'y'")
    u = positive("u", u)
    nu = dof_value(dof)
    dist = _dist(u, nu)
    z_low = (tol.low - y) / u
    z_high = (tol.high - y) / u
    p_below = float(dist.cdf(z_low))
    p_above = float(dist.sf(z_high))
    p_c = _between(dist, z_low, z_high)
    c_m = tol.width / (4 * u) if tol.two_sided else None
    return SpecificRisk(
        p_c, p_below, p_above, p_above + p_below, c_m, "normal" if nu is None else "t", tol
    )


def conformance_probability(
    y: Any,
    u: float | None = None,
    *,
    lower: float | None = None,
    upper: float | None = None,
    dof: float | None = None,
) -> float:
    """p_c = P(T_L <= eta <= T_U | y); see :func:`specific_risk` (JCGM 106:2012, 7.1).

    Examples
    --------
    >>> round(conformance_probability(0.0, 1.0, lower=-1.96, upper=1.96), 4)
    0.95
    """
    return specific_risk(y, u, lower=lower, upper=upper, dof=dof).p_c


def measurement_capability_index(
    u: float, *, lower: float | None = None, upper: float | None = None
) -> float:
    """C_m = (T_U - T_L)/(4u) (JCGM 106:2012, 7).

    Examples
    --------
    >>> measurement_capability_index(0.5, lower=-2.0, upper=2.0)
    2.0
    """
    u = positive("u", u)
    tol = _limits(lower, upper)
    if not tol.two_sided:
        raise InputError("C_m needs a two-sided tolerance: give both 'lower' and 'upper'")
    return tol.width / (4 * u)


def acceptance_interval(
    u: float,
    *,
    lower: float | None = None,
    upper: float | None = None,
    p_c: float,
    dof: float | None = None,
) -> AcceptanceInterval:
    """The acceptance interval of measured values y with p_c(y) >= ``p_c``.

    For a one-sided tolerance A_U = T_U - z u with z the ``p_c`` quantile of the
    standard normal (or t) PDF (JCGM 106:2012, 8.3); for a two-sided one
    the limits solve p_c(A) = ``p_c`` (8.4). When even the midpoint of the tolerance
    has a smaller p_c (C_m too small), there is no interval: ``exists`` is False, the
    limits are None and ``note`` says why.

    Examples
    --------
    >>> a = acceptance_interval(0.1, upper=1.0, p_c=0.95)
    >>> round(a.upper, 4)
    0.8355
    """
    u = positive("u", u)
    p = probability_open("p_c", p_c)
    tol = _limits(lower, upper)
    nu = dof_value(dof)
    dist = _dist(u, nu)
    if not tol.two_sided:
        w = float(dist.ppf(p)) * u
        shifted = tol.shrink(w)
        return AcceptanceInterval(shifted.lower, shifted.upper, p, True, w)
    mid = 0.5 * (tol.low + tol.high)
    half = 0.5 * tol.width
    best = _between(dist, -half / u, half / u)
    if best < p:
        return AcceptanceInterval(
            None,
            None,
            p,
            False,
            None,
            note=(
                f"no measured value reaches p_c >= {p:g}: the largest p_c is {best:.6g}, "
                f"at the midpoint {mid:g} (C_m = {tol.width / (4 * u):.4g} is too small)"
            ),
        )

    def gap(y: float) -> float:
        return _between(dist, (tol.low - y) / u, (tol.high - y) / u) - p

    far = tol.high + 50 * u
    a_upper = mid if best == p else optimize.brentq(gap, mid, far, xtol=1e-14 * max(1, abs(far)))
    w = tol.high - a_upper
    return AcceptanceInterval(tol.low + w, a_upper, p, True, w)
