"""Argument checks shared by the conformity modules; every message names the argument."""

from __future__ import annotations

import math
import numbers

import numpy as np

from sitrace.errors import InputError


def real(name: str, value: object) -> float:
    """A finite real number, else InputError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"'{name}' must be a real number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise InputError(f"'{name}' must be finite, got {x}")
    return x


def positive(name: str, value: object) -> float:
    """A finite number > 0."""
    x = real(name, value)
    if x <= 0:
        raise InputError(f"'{name}' must be > 0, got {x}")
    return x


def probability_open(name: str, value: object) -> float:
    """A probability strictly inside (0, 1)."""
    x = real(name, value)
    if not 0 < x < 1:
        raise InputError(f"'{name}' must be in (0, 1), got {x}")
    return x


def real_array(name: str, value: object) -> np.ndarray:
    """A float array (any shape) of finite values."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"'{name}' must be numbers, got {value!r}") from None
    if not np.all(np.isfinite(arr)):
        raise InputError(f"'{name}' must be finite, got {arr[~np.isfinite(arr)].flat[0]}")
    return arr


def positive_array(name: str, value: object) -> np.ndarray:
    """A float array (any shape) of finite values > 0."""
    arr = real_array(name, value)
    if np.any(arr <= 0):
        raise InputError(f"'{name}' must be > 0, got {arr[arr <= 0].flat[0]}")
    return arr


def dof_value(dof: object) -> float | None:
    """Degrees of freedom of a t PDF: None or inf for normal, else a number > 0."""
    if dof is None:
        return None
    if isinstance(dof, bool) or not isinstance(dof, numbers.Real) or math.isnan(float(dof)):
        raise InputError(f"'dof' must be a number > 0 or None, got {dof!r}")
    x = float(dof)
    if x <= 0:
        raise InputError(f"'dof' must be > 0, got {x}")
    return None if math.isinf(x) else x
