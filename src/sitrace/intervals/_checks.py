"""Argument checks shared by the interval methods; each raises InputError naming the argument."""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from sitrace.errors import InputError


def fmt(value: float) -> str:
    """``2`` rather than ``2.0``; otherwise ``repr``."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def real(value: Any, name: str, *, where: str | None = None) -> float:
    """``value`` as a finite float."""
    if not isinstance(value, numbers.Real) or isinstance(value, bool | np.bool_):
        raise InputError(
            f"{name} must be a real number, got {type(value).__name__} {value!r}", where=where
        )
    number = float(value)
    if math.isnan(number):
        raise InputError(f"{name} must be a finite number, got NaN", where=where)
    if math.isinf(number):
        raise InputError(f"{name} must be a finite number, got {number!r}", where=where)
    return number


def positive(value: Any, name: str, *, where: str | None = None) -> float:
    number = real(value, name, where=where)
    if number <= 0.0:
        raise InputError(f"{name} must be > 0, got {fmt(number)}", where=where)
    return number


def non_negative(value: Any, name: str, *, where: str | None = None) -> float:
    number = real(value, name, where=where)
    if number < 0.0:
        raise InputError(f"{name} must be >= 0, got {fmt(number)}", where=where)
    return number


def probability(value: Any, name: str, *, where: str | None = None) -> float:
    """A probability strictly inside (0, 1)."""
    number = real(value, name, where=where)
    if not 0.0 < number < 1.0:
        raise InputError(f"{name} must lie in (0, 1), got {fmt(number)}", where=where)
    return number


def count(value: Any, name: str, *, where: str | None = None, minimum: int = 0) -> int:
    """A whole number >= ``minimum`` (floats equal to an integer are accepted)."""
    number = real(value, name, where=where)
    if not number.is_integer():
        raise InputError(f"{name} must be a whole number, got {fmt(number)}", where=where)
    if number < minimum:
        raise InputError(f"{name} must be >= {minimum}, got {fmt(number)}", where=where)
    return int(number)


def scaled(interval: float, factor: float, step: float | None) -> float:
    """``interval * factor`` rounded half up to a multiple of ``step``, in decimal arithmetic.

    Decimal arithmetic on the numbers as written (``1.1``, not its binary neighbour) keeps
    exact halves exact: 15 days x 1.1 = 16.5 rounds to 17, and 45 x 1.1 = 49.5 to 50.
    """
    if step is None:
        return interval * factor
    exact = Decimal(repr(interval)) * Decimal(repr(factor)) / Decimal(repr(step))
    return float(exact.to_integral_value(rounding=ROUND_HALF_UP) * Decimal(repr(step)))
