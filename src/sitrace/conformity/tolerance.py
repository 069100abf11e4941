"""Tolerance intervals and acceptance intervals (JCGM 106:2012, 3.3.4, 3.3.9).

Contents
--------
Tolerance
    The closed interval C = [T_L, T_U] of permissible values of the measurand; either
    limit may be absent (a one-sided tolerance, JCGM 106, 3.3.4 and 7.3).
tolerance
    Build a :class:`Tolerance` from a ``Tolerance``, a ``(lower, upper)`` pair, or
    the ``lower=``/``upper=`` keywords.

An acceptance interval [A_L, A_U] has the same shape; a guard band w > 0 moves a
limit inward (A_U = T_U - w, A_L = T_L + w, guarded acceptance, JCGM 106, 8.3.2)
and w < 0 outward (guarded rejection, 8.3.3).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sitrace.conformity._checks import real
from sitrace.errors import InputError

__all__ = ["Tolerance", "tolerance"]


@dataclass(frozen=True, slots=True)
class Tolerance:
    """A closed interval [lower, upper]; ``None`` is an absent limit.

    Attributes
    ----------
    lower, upper : float or None
        T_L and T_U. At least one is given; when both are, lower < upper.
    """

    lower: float | None = None
    upper: float | None = None

    def __post_init__(self) -> None:
        lower = None if self.lower is None else real("lower", self.lower)
        upper = None if self.upper is None else real("upper", self.upper)
        if lower is None and upper is None:
            raise InputError("a tolerance needs a limit: give 'lower', 'upper' or both")
        if lower is not None and upper is not None and not lower < upper:
            raise InputError(f"'lower' must be < 'upper', got lower={lower}, upper={upper}")
        object.__setattr__(self, "lower", lower)
        object.__setattr__(self, "upper", upper)

    @property
    def low(self) -> float:
        """T_L, or -inf when absent."""
        return -math.inf if self.lower is None else self.lower

    @property
    def high(self) -> float:
        """T_U, or +inf when absent."""
        return math.inf if self.upper is None else self.upper

    @property
    def two_sided(self) -> bool:
        return self.lower is not None and self.upper is not None

    @property
    def width(self) -> float | None:
        """T_U - T_L, or None for a one-sided interval."""
        return self.high - self.low if self.two_sided else None

    def contains(self, value: float) -> bool:
        """True when ``value`` lies in the closed interval."""
        return self.low <= value <= self.high

    def shrink(self, w: float) -> Tolerance:
        """The interval moved inward by ``w`` at each present limit (outward for w < 0).

        Raises InputError when the result would be empty or inverted.
        """
        w = real("w", w)
        lower = None if self.lower is None else self.lower + w
        upper = None if self.upper is None else self.upper - w
        if lower is not None and upper is not None and not lower < upper:
            raise InputError(
                f"guard band w = {w:g} leaves no acceptance interval inside "
                f"[{self.lower:g}, {self.upper:g}] (w must be < {(self.upper - self.lower) / 2:g})"
            )
        return Tolerance(lower, upper)

    def to_list(self) -> list[float | None]:
        return [self.lower, self.upper]


def tolerance(
    limits: Tolerance | tuple[float | None, float | None] | None = None,
    *,
    lower: float | None = None,
    upper: float | None = None,
) -> Tolerance:
    """A :class:`Tolerance` from an existing one, a ``(lower, upper)`` pair or keywords."""
    if limits is None:
        return Tolerance(lower, upper)
    if lower is not None or upper is not None:
        raise InputError("give the tolerance either as 'limits' or as 'lower'/'upper', not both")
    if isinstance(limits, Tolerance):
        return limits
    try:
        low, high = limits
    except (TypeError, ValueError):
        raise InputError(
            f"'tolerance' must be a Tolerance or a (lower, upper) pair, got {limits!r}"
        ) from None
    return Tolerance(low, high)
