"""Method 1 of ILAC-G24:2022 / OIML D 10:2022 (6.2): automatic adjustment, the "staircase".

After each routine calibration the next interval is extended when the instrument was
found well within its maximum permissible error (MPE), shortened when it was found
outside, and kept otherwise. The guide leaves the thresholds and factors to the
laboratory, so every one of them is a parameter here:

- ratio r = |as-found error| / MPE;
- r <= ``extend_below``: the interval is multiplied by ``extend_factor`` (>= 1);
- r > ``shorten_above`` (1 by default: outside the MPE): multiplied by
  ``shorten_factor`` (in (0, 1]);
- otherwise the interval is kept;
- the product is rounded half up to a multiple of ``round_to`` days (1: whole days;
  ``None``: no rounding), then limited to [``min_interval``, ``max_interval``]. Each
  step records whether that limit acted (``clamped``).

References
----------
ILAC-G24:2022 / OIML D 10:2022, *Guidelines for the determination of recalibration
intervals of measuring equipment*, 6.2 (Method 1: automatic adjustment or
"staircase", calendar-time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sitrace.errors import InputError
from sitrace.intervals._checks import fmt, non_negative, positive, real, scaled
from sitrace.intervals.history import StaircaseCalibration

__all__ = ["EXTEND", "KEEP", "SHORTEN", "StaircaseResult", "StaircaseStep", "staircase"]

EXTEND = "extend"
KEEP = "keep"
SHORTEN = "shorten"


@dataclass(frozen=True, slots=True)
class StaircaseStep:
    """What one calibration did to the interval."""

    calibration: StaircaseCalibration
    ratio: float
    action: str
    unclamped: float
    interval: float
    clamped: bool


@dataclass(frozen=True, slots=True)
class StaircaseResult:
    """The initial interval and one step per calibration, oldest first."""

    initial: float
    steps: tuple[StaircaseStep, ...]

    @property
    def intervals(self) -> tuple[float, ...]:
        """The initial interval, then the interval set after each calibration."""
        return (self.initial, *(s.interval for s in self.steps))

    @property
    def interval(self) -> float:
        """The interval in force after the last calibration."""
        return self.intervals[-1]

    def to_dict(self) -> dict:
        return {"intervals": [float(i) for i in self.intervals]}


def _as_calibration(item, index: int) -> StaircaseCalibration:
    where = f"calibrations[{index}]"
    if isinstance(item, StaircaseCalibration):
        error, mpe, date = item.error, item.mpe, item.date
    else:
        try:
            error, mpe = item
        except (TypeError, ValueError):
            raise InputError(
                "must be a StaircaseCalibration or an (error, mpe) pair, "
                f"got {type(item).__name__}",
                where=where,
            ) from None
        date = None
    return StaircaseCalibration(
        date, real(error, "error", where=where), positive(mpe, "mpe", where=where)
    )


def staircase(
    calibrations: Sequence[StaircaseCalibration | tuple[float, float]],
    initial: float,
    *,
    extend_below: float,
    extend_factor: float,
    shorten_factor: float,
    shorten_above: float = 1.0,
    min_interval: float = 1.0,
    max_interval: float | None = None,
    round_to: float | None = 1.0,
) -> StaircaseResult:
    """Adjust a recalibration interval after each calibration (ILAC-G24 Method 1).

    Parameters
    ----------
    calibrations : sequence of StaircaseCalibration or (error, mpe)
        As-found error and MPE (same unit) of each routine calibration, oldest first.
    initial : float
        Interval in days in force before the first calibration listed; must lie in
        [min_interval, max_interval].
    extend_below, shorten_above : float
        Thresholds on |error|/MPE: extend at or below the first, shorten above the second.
    extend_factor, shorten_factor : float
        Factors applied to the interval (extend_factor >= 1, 0 < shorten_factor <= 1).
    min_interval, max_interval : float
        Limits of the interval in days (``max_interval=None``: no upper limit).
    round_to : float or None
        Round half up to a multiple of this many days (``None``: no rounding).

    Examples
    --------
    >>> r = staircase([(0.1, 1.0), (0.7, 1.0), (1.4, 1.0)], 180,
    ...               extend_below=0.5, extend_factor=1.25, shorten_factor=0.5)
    >>> r.intervals
    (180.0, 225.0, 225.0, 113.0)
    """
    initial = positive(initial, "initial")
    extend_below = non_negative(extend_below, "extend_below")
    shorten_above = positive(shorten_above, "shorten_above")
    if extend_below > shorten_above:
        raise InputError(
            f"extend_below must be <= shorten_above ({fmt(shorten_above)}), got {fmt(extend_below)}"
        )
    extend_factor = positive(extend_factor, "extend_factor")
    if extend_factor < 1.0:
        raise InputError(f"extend_factor must be >= 1, got {fmt(extend_factor)}")
    shorten_factor = positive(shorten_factor, "shorten_factor")
    if shorten_factor > 1.0:
        raise InputError(f"shorten_factor must lie in (0, 1], got {fmt(shorten_factor)}")
    min_interval = positive(min_interval, "min_interval")
    upper = math.inf if max_interval is None else positive(max_interval, "max_interval")
    if upper < min_interval:
        raise InputError(
            f"max_interval must be >= min_interval ({fmt(min_interval)}), got {fmt(upper)}"
        )
    if round_to is not None:
        round_to = positive(round_to, "round_to")
    if not min_interval <= initial <= upper:
        raise InputError(
            f"initial must lie in [min_interval, max_interval] = [{fmt(min_interval)}, "
            f"{fmt(upper)}], got {fmt(initial)}"
        )
    records = [_as_calibration(c, i) for i, c in enumerate(calibrations)]

    steps = []
    interval = initial
    for record in records:
        ratio = abs(record.error) / record.mpe
        if ratio <= extend_below:
            action, factor = EXTEND, extend_factor
        elif ratio > shorten_above:
            action, factor = SHORTEN, shorten_factor
        else:
            action, factor = KEEP, 1.0
        unclamped = interval if action == KEEP else scaled(interval, factor, round_to)
        new = min(max(unclamped, min_interval), upper)
        steps.append(StaircaseStep(record, ratio, action, unclamped, new, new != unclamped))
        interval = new
    return StaircaseResult(initial, tuple(steps))
