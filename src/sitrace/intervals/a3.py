"""NCSLI RP-1 Method A3, the interval test: is the current interval consistent with the target?

n calibrations made at the current interval I0 found x in tolerance; the observed
reliability is R0 = x/n. With the reliability target Rt:

- **rejection confidence** C: the confidence with which the hypothesis "the true
  reliability at I0 is Rt" is rejected by an equal-tailed binomial test,
  C = max(0, 1 - 2p), where p = P(X <= x | n, Rt) when R0 < Rt and
  p = P(X >= x | n, Rt) when R0 > Rt (C = 0 when R0 = Rt; the floor at 0 acts only
  when x is the median count of Bin(n, Rt));
- **reliability confidence range** [R_L, R_U]: the two-sided Clopper-Pearson
  interval for the true reliability at ``confidence``; it always contains R0,
  including x = 0 (R_L = 0) and x = n (R_U = 1);
- **new interval**: when C > ``confidence`` the interval is changed to
  I1 = I0 * 10**((R0 - Rt) * C) if R0 < Rt (not below I0 / ``max_change``) or
  I1 = I0 * 10**((R0 - Rt) / (1 - C)) if R0 > Rt (not above I0 * ``max_change``);
  otherwise I0 is kept. I1 is rounded half up to a multiple of ``round_to`` days and
  limited to [``min_interval``, ``max_interval``] when given.

The 2019 NCSL International Workshop & Symposium tutorial on calibration intervals
works three assets with confidence 0.5 (tests/reference/intervals/README.md); the
defaults reproduce it.

Unlike Sandia's suncal (``suncal/intervals/testa3.py``), an observed reliability
above the target gives a positive rejection confidence, so intervals are extended as
well as shortened, and x = 1 is not treated as x = n.

References
----------
NCSL International, Recommended Practice RP-1 (calibration intervals),
Method A3 (interval test method).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats

from sitrace.errors import InputError
from sitrace.intervals._checks import count, fmt, positive, probability, scaled
from sitrace.intervals.history import PassFail

__all__ = ["A3Result", "interval_test", "interval_test_results", "reliability_range"]


@dataclass(frozen=True, slots=True)
class A3Result:
    """The outcome of Method A3 for one interval and its pass/fail record."""

    interval: float
    calculated_interval: float
    current_interval: float
    changed: bool
    rejection_confidence: float
    reliability_low: float
    reliability_high: float
    observed_reliability: float
    in_tolerance: int
    n: int
    target: float
    confidence: float
    note: str

    def to_dict(self) -> dict:
        return {
            "interval": self.interval,
            "rejection_confidence": self.rejection_confidence,
            "reliability_low": self.reliability_low,
            "reliability_high": self.reliability_high,
            "observed_reliability": self.observed_reliability,
        }


def reliability_range(in_tolerance: int, n: int, confidence: float) -> tuple[float, float]:
    """Two-sided Clopper-Pearson interval for the reliability (x in tolerance out of n)."""
    x = count(in_tolerance, "in_tolerance")
    n = count(n, "n", minimum=1)
    if x > n:
        raise InputError(f"in_tolerance must be <= n ({n}), got {x}")
    alpha = 1.0 - probability(confidence, "confidence")
    low = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    high = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return low, high


def _rejection_confidence(x: int, n: int, target: float) -> float:
    observed = x / n
    if observed < target:
        p = float(stats.binom.cdf(x, n, target))
    elif observed > target:
        p = float(stats.binom.sf(x - 1, n, target))
    else:
        return 0.0
    return max(0.0, 1.0 - 2.0 * p)


def interval_test(
    in_tolerance: int,
    n: int,
    current_interval: float,
    *,
    target: float,
    confidence: float = 0.5,
    max_change: float = 2.0,
    min_interval: float | None = None,
    max_interval: float | None = None,
    round_to: float | None = 1.0,
) -> A3Result:
    """NCSLI RP-1 Method A3 on ``in_tolerance`` of ``n`` results at ``current_interval``.

    Parameters
    ----------
    in_tolerance, n : int
        Calibrations found in tolerance, and all calibrations, at the current interval.
    current_interval : float
        The interval I0 being tested (days).
    target : float
        Reliability target Rt in (0, 1).
    confidence : float
        Confidence in (0, 1): of the reliability range, and the rejection confidence
        the test must exceed before the interval is changed.
    max_change : float
        The new interval stays within [I0 / max_change, I0 * max_change] (>= 1).
    min_interval, max_interval : float, optional
        Limits of the new interval in days.
    round_to : float or None
        Round the new interval half up to a multiple of this many days.

    Examples
    --------
    Asset 1 of the 2019 NCSLI tutorial: 15 of 20 in tolerance at 365 days, target 0.95.

    >>> r = interval_test(15, 20, 365, target=0.95)
    >>> r.interval, round(r.rejection_confidence, 4)
    (231.0, 0.9949)
    """
    x = count(in_tolerance, "in_tolerance")
    n = count(n, "n", minimum=1)
    if x > n:
        raise InputError(f"in_tolerance must be <= n ({n}), got {x}")
    i0 = positive(current_interval, "current_interval")
    rt = probability(target, "target")
    conf = probability(confidence, "confidence")
    max_change = positive(max_change, "max_change")
    if max_change < 1.0:
        raise InputError(f"max_change must be >= 1, got {fmt(max_change)}")
    low_limit = 0.0 if min_interval is None else positive(min_interval, "min_interval")
    high_limit = math.inf if max_interval is None else positive(max_interval, "max_interval")
    if high_limit < low_limit:
        raise InputError(
            f"max_interval must be >= min_interval ({fmt(low_limit)}), got {fmt(high_limit)}"
        )
    if round_to is not None:
        round_to = positive(round_to, "round_to")

    r0 = x / n
    c = _rejection_confidence(x, n, rt)
    if r0 < rt:
        factor = max(10.0 ** ((r0 - rt) * c), 1.0 / max_change)
    elif r0 > rt:
        limit = math.log10(max_change)
        exponent = math.inf if c >= 1.0 else (r0 - rt) / (1.0 - c)
        factor = max_change if exponent >= limit else 10.0**exponent
    else:
        factor = 1.0
    calculated = i0 * factor
    low, high = reliability_range(x, n, conf)

    if c > conf:
        rounded = scaled(i0, factor, round_to)
        interval = min(max(rounded, low_limit), high_limit)
        note = (
            f"rejection confidence {c:.4f} > {conf:g}: interval "
            f"{'shortened' if r0 < rt else 'extended'}"
        )
        if interval != rounded:
            note += f" and limited to [{fmt(low_limit)}, {fmt(high_limit)}] days"
        changed = interval != i0
    else:
        interval = i0
        note = f"rejection confidence {c:.4f} <= {conf:g}: interval kept"
        changed = False
    return A3Result(
        interval=interval,
        calculated_interval=calculated,
        current_interval=i0,
        changed=changed,
        rejection_confidence=c,
        reliability_low=low,
        reliability_high=high,
        observed_reliability=r0,
        in_tolerance=x,
        n=n,
        target=rt,
        confidence=conf,
        note=note,
    )


def interval_test_results(
    results: Sequence[PassFail | bool | int], current_interval: float, **options
) -> A3Result:
    """Method A3 on a list of results (PassFail records, or True/False/1/0) at I0.

    ``options`` are the keyword arguments of :func:`interval_test`.
    """
    flags = []
    for i, item in enumerate(results):
        value = item.in_tolerance if isinstance(item, PassFail) else item
        if value not in (0, 1) or isinstance(value, float):
            raise InputError(f"must be 1/0 or True/False, got {value!r}", where=f"results[{i}]")
        flags.append(bool(value))
    if not flags:
        raise InputError("at least one result is needed", where="results")
    return interval_test(sum(flags), len(flags), current_interval, **options)
