"""The variables method of NASA-HDBK-8739.19-5: intervals from the drift of as-found values.

Each calibration gives the time t since the previous one and the deviation y of the
as-found value from the previous as-left value. A polynomial drift without intercept
(quadratic by default),

    y(t) = b1 t + b2 t**2,

is fitted by least squares (b = (T'T)^-1 T'y with rows T = (t, t**2)); its residual
standard deviation is s = sqrt(RSS / (n - m)) and the covariance of b is
V = s**2 (T'T)^-1. The standard uncertainty of a predicted deviation at t is

    u_p(t) = sqrt(s**2 + t' V t),  t' = (t, t**2),

and a value set to Y0 with standard uncertainty u0 at calibration is, after t,
Y(t) = Y0 + y(t) with u(t) = sqrt(u0**2 + u_p(t)**2).

- **Uncertainty target**: the interval is the first t at which u(t) reaches the
  target uncertainty.
- **Reliability target**: the interval is the first t at which the band
  Y(t) +/- k u(t) reaches a tolerance limit, with k the Student-t quantile for
  n - m degrees of freedom: t_((1+R)/2) with two limits, t_R with one.

When the target is already missed at t = 0 (u0 and s already above the target, or
the band at t = 0 already outside a limit) the interval is 0 and the result says so.
NASA-HDBK-8739.19-5 Table 7-6 prints 153.04 days for such a case (the later time at
which the band comes back inside the lower limit); sitrace gives 0 with a note.

References
----------
NASA-HDBK-8739.19-5, NASA Measurement Quality Assurance Handbook, Annex 5 (calibration
intervals), chapter 7 (variables data), Tables 7-2 to 7-7; after H. Castrup,
"Calibration Intervals from Variables Data".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from sitrace.errors import ConvergenceError, InputError
from sitrace.intervals._checks import count, fmt, non_negative, positive, probability, real
from sitrace.intervals.history import DriftData

__all__ = [
    "DriftFit",
    "VariablesInterval",
    "fit_drift",
    "reliability_target_interval",
    "uncertainty_target_interval",
]


def _read_only(values) -> np.ndarray:
    array = np.array(values, dtype=float)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, slots=True)
class DriftFit:
    """Polynomial drift through the origin fitted to (days, deviation)."""

    days: np.ndarray
    deviation: np.ndarray
    degree: int
    b: np.ndarray
    covariance: np.ndarray
    s: float

    @property
    def dof(self) -> int:
        return len(self.days) - self.degree

    def _powers(self, t) -> np.ndarray:
        t = np.asarray(t, dtype=float)
        return np.stack([t ** (j + 1) for j in range(self.degree)], axis=-1)

    def predict(self, t):
        """Predicted deviation y(t) (no Y0)."""
        return self._powers(t) @ self.b

    def prediction_uncertainty(self, t):
        """u_p(t) = sqrt(s**2 + t' V t)."""
        p = self._powers(t)
        return np.sqrt(self.s**2 + np.einsum("...i,ij,...j->...", p, self.covariance, p))

    def to_dict(self) -> dict:
        return {
            "b": [float(v) for v in self.b],
            "covariance": [[float(v) for v in row] for row in self.covariance],
            "s": self.s,
        }


@dataclass(frozen=True, slots=True)
class VariablesInterval:
    """An interval from the variables method, with the fit it came from."""

    fit: DriftFit
    method: str
    interval: float | None
    target: float
    u0: float
    value: float | None
    lower: float | None
    upper: float | None
    k: float | None
    note: str

    def predicted_value(self, t):
        """Y0 + y(t) (only for the reliability target, where Y0 is given)."""
        return (self.value or 0.0) + self.fit.predict(t)

    def uncertainty(self, t):
        """u(t) = sqrt(u0**2 + u_p(t)**2)."""
        return np.sqrt(self.u0**2 + self.fit.prediction_uncertainty(t) ** 2)

    def to_dict(self) -> dict:
        return {**self.fit.to_dict(), "interval": self.interval}


def fit_drift(
    days: Sequence[float] | DriftData, deviation: Sequence[float] | None = None, *, degree=2
) -> DriftFit:
    """Least-squares drift without intercept (NASA-HDBK-8739.19-5, chapter 7).

    Parameters
    ----------
    days : sequence of float or DriftData
        Time since the previous calibration (> 0) of each observation.
    deviation : sequence of float
        As-found minus the previous as-left value (omit with DriftData).
    degree : int
        Degree m of the polynomial (2: quadratic, as the handbook).

    Examples
    --------
    NASA-HDBK-8739.19-5 Table 7-2 gives b (Table 7-3):

    >>> f = fit_drift([70, 86, 104, 135, 167, 173], [.1, .11, .251, .299, .403, .615])
    >>> [float(f"{v:.4g}") for v in f.b], round(f.s, 4)
    ([0.0001574, 1.674e-05], 0.0708)
    """
    if isinstance(days, DriftData):
        if deviation is not None:
            raise InputError("give either DriftData or days and deviation, not both")
        days, deviation = days.days, days.deviation
    if deviation is None:
        raise InputError("deviation is needed with days")
    if len(days) != len(deviation):
        raise InputError(
            f"days and deviation must have the same length, got {len(days)} and {len(deviation)}"
        )
    m = count(degree, "degree", minimum=1)
    t = np.array([positive(v, "days", where=f"observation {i + 1}") for i, v in enumerate(days)])
    y = np.array(
        [real(v, "deviation", where=f"observation {i + 1}") for i, v in enumerate(deviation)]
    )
    distinct = len(set(t.tolist()))
    if len(t) <= m or distinct < m:
        raise InputError(
            f"a degree-{m} drift needs more than {m} observations at {m} or more different "
            f"times, got {len(t)} observations at {distinct} times",
            where="days",
        )
    T = np.stack([t ** (j + 1) for j in range(m)], axis=1)
    # Column scaling keeps T'T well conditioned for days**m.
    scale = np.abs(T).max(axis=0)
    Ts = T / scale
    inv = np.linalg.inv(Ts.T @ Ts)
    b = (inv @ Ts.T @ y) / scale
    residual = y - T @ b
    s2 = float(residual @ residual) / (len(t) - m)
    cov = s2 * inv / np.outer(scale, scale)
    return DriftFit(
        days=_read_only(t),
        deviation=_read_only(y),
        degree=m,
        b=_read_only(b),
        covariance=_read_only(cov),
        s=math.sqrt(s2),
    )


def _first_crossing(excess: Callable[[float], float], start: float) -> float | None:
    """First t > 0 at which ``excess`` (negative at 0) becomes 0, or None if it never does."""
    hi = start
    grid = None
    for _ in range(64):
        grid = np.linspace(0.0, hi, 4097)
        values = np.array([excess(x) for x in grid])
        above = np.nonzero(values >= 0.0)[0]
        if above.size:
            j = int(above[0])
            if values[j] == 0.0:
                return float(grid[j])
            return float(optimize.brentq(excess, grid[j - 1], grid[j], xtol=1e-12, rtol=1e-14))
        hi *= 2.0
    return None


def _check_fit(fit: DriftFit) -> DriftFit:
    if not isinstance(fit, DriftFit):
        raise InputError(f"fit must be a DriftFit (from fit_drift), got {type(fit).__name__}")
    return fit


def uncertainty_target_interval(fit: DriftFit, *, u0: float, target_u: float) -> VariablesInterval:
    """Interval at which sqrt(u0**2 + u_p(t)**2) reaches ``target_u`` (uncertainty target).

    Examples
    --------
    NASA-HDBK-8739.19-5 Table 7-7 (u0 = 0.28, target 0.5):

    >>> f = fit_drift([70, 86, 104, 135, 167, 173], [.1, .11, .251, .299, .403, .615])
    >>> round(uncertainty_target_interval(f, u0=0.28, target_u=0.5).interval, 2)
    327.15
    """
    fit = _check_fit(fit)
    u0 = non_negative(u0, "u0")
    target = positive(target_u, "target_u")

    def excess(t: float) -> float:
        return float(u0**2 + fit.prediction_uncertainty(t) ** 2 - target**2)

    note = ""
    if excess(0.0) >= 0.0:
        interval = 0.0
        note = (
            f"u0 and the residual s already give {math.sqrt(u0**2 + fit.s**2):.6g} >= the "
            f"target {fmt(target)} at t = 0: no interval meets the target"
        )
    else:
        interval = _first_crossing(excess, float(fit.days.max()))
        if interval is None:
            raise ConvergenceError("the uncertainty never reaches the target", where="variables")
    return VariablesInterval(
        fit, "uncertainty target", interval, target, u0, None, None, None, None, note
    )


def reliability_target_interval(
    fit: DriftFit,
    *,
    u0: float,
    value: float,
    target_reliability: float,
    lower: float | None = None,
    upper: float | None = None,
) -> VariablesInterval:
    """Interval at which Y0 + y(t) +/- k u(t) reaches a limit (reliability target).

    Examples
    --------
    NASA-HDBK-8739.19-5 Table 7-4 (Y0 = 10.03, u0 = 0.28, limits 9 and 11, R = 0.9):

    >>> f = fit_drift([70, 86, 104, 135, 167, 173], [.1, .11, .251, .299, .403, .615])
    >>> r = reliability_target_interval(f, u0=0.28, value=10.03, lower=9, upper=11,
    ...                                 target_reliability=0.9)
    >>> round(r.interval, 1)
    140.1
    """
    fit = _check_fit(fit)
    u0 = non_negative(u0, "u0")
    y0 = real(value, "value")
    rt = probability(target_reliability, "target_reliability")
    lo = None if lower is None else real(lower, "lower")
    hi = None if upper is None else real(upper, "upper")
    if lo is None and hi is None:
        raise InputError("at least one tolerance limit (lower or upper) is needed")
    if lo is not None and hi is not None and lo >= hi:
        raise InputError(f"lower must be < upper ({fmt(hi)}), got {fmt(lo)}")
    two_sided = lo is not None and hi is not None
    k = float(stats.t.ppf((1.0 + rt) / 2.0 if two_sided else rt, fit.dof))

    def excess(t: float) -> float:
        centre = y0 + float(fit.predict(t))
        half = k * math.sqrt(u0**2 + float(fit.prediction_uncertainty(t)) ** 2)
        out = -math.inf
        if hi is not None:
            out = max(out, centre + half - hi)
        if lo is not None:
            out = max(out, lo - (centre - half))
        return out

    note = ""
    if excess(0.0) >= 0.0:
        interval = 0.0
        note = (
            f"at t = 0 the band {y0:g} +/- {k:.4g} u already reaches a limit: the reliability "
            f"target {rt:g} is not met by any interval"
        )
    else:
        interval = _first_crossing(excess, float(fit.days.max()))
        if interval is None:
            raise ConvergenceError("the band never reaches a limit", where="variables")
    return VariablesInterval(fit, "reliability target", interval, rt, u0, y0, lo, hi, k, note)
