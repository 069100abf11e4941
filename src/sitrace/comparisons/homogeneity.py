"""Homogeneity and stability of proficiency-test items (ISO 13528:2022, Annex B).

Before a round, the provider measures g items in duplicate to show that the items
differ too little to matter against sigma_pt; before and after the round it measures
items to show that they did not change.

Contents
--------
homogeneity_check
    Between-sample standard deviation s_s from a g x 2 duplicate design, the
    criterion s_s <= 0.3 sigma_pt and the expanded criterion with F1, F2
    -> :class:`HomogeneityCheck`.
homogeneity_factors
    F1 and F2 of the expanded criterion for g items.
stability_check
    |y1 - y2| <= 0.3 sigma_pt, and the variant widened by the uncertainty of the
    two means -> :class:`StabilityCheck`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from sitrace.comparisons.proficiency import _is_real, _non_negative, _number
from sitrace.errors import InputError

__all__ = [
    "HomogeneityCheck",
    "StabilityCheck",
    "homogeneity_check",
    "homogeneity_factors",
    "stability_check",
]

_CRITERION = 0.3  # s_s <= 0.3 sigma_pt; |y1 - y2| <= 0.3 sigma_pt


@dataclass(frozen=True, slots=True)
class HomogeneityCheck:
    """Result of a duplicate homogeneity study of g items.

    Attributes
    ----------
    g : int
        Number of items, >= 2.
    grand_mean : float
        Mean of the item means.
    s_x : float
        Standard deviation of the g item means (n - 1).
    s_w : float
        Within-item standard deviation, sqrt(sum w_t^2 / (2 g)), w_t = |x_t1 - x_t2|.
    s_s : float
        Between-sample standard deviation, sqrt(max(0, s_x^2 - s_w^2 / 2)).
    sigma_pt : float
    limit : float
        0.3 sigma_pt.
    sufficient : bool
        s_s <= 0.3 sigma_pt.
    f1, f2 : float
        Factors of the expanded criterion (see :func:`homogeneity_factors`).
    expanded_limit : float
        sqrt(F1 (0.3 sigma_pt)^2 + F2 s_w^2).
    sufficient_expanded : bool
        s_s <= expanded_limit.
    """

    g: int
    grand_mean: float
    s_x: float
    s_w: float
    s_s: float
    sigma_pt: float
    limit: float
    sufficient: bool
    f1: float
    f2: float
    expanded_limit: float
    sufficient_expanded: bool

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "g": self.g,
            "grand_mean": self.grand_mean,
            "s_x": self.s_x,
            "s_w": self.s_w,
            "s_s": self.s_s,
            "sigma_pt": self.sigma_pt,
            "limit": self.limit,
            "sufficient": self.sufficient,
            "f1": self.f1,
            "f2": self.f2,
            "expanded_limit": self.expanded_limit,
            "sufficient_expanded": self.sufficient_expanded,
        }


def homogeneity_factors(g: int) -> tuple[float, float]:
    """F1 = chi2_0.95(g - 1)/(g - 1) and F2 = (F_0.95(g - 1, g) - 1)/2 for g items.

    They widen the criterion s_s <= 0.3 sigma_pt so that a sufficiently homogeneous
    material is not failed by the sampling error of s_s, with 95 % confidence.

    References
    ----------
    ISO 13528:2022, Annex B (expanded criterion; the standard tabulates F1, F2);
    M. Thompson, S. L. R. Ellison, R. Wood, Pure Appl. Chem. 78 (2006) 145
    (IUPAC Harmonized Protocol, which gives the same formulas).

    Examples
    --------
    >>> [round(f, 2) for f in homogeneity_factors(10)]
    [1.88, 1.01]
    """
    if isinstance(g, bool) or not isinstance(g, numbers.Integral) or g < 2:
        raise InputError(f"g must be an integer >= 2, got {g!r}", where="homogeneity_factors")
    g = int(g)
    f1 = float(stats.chi2.ppf(0.95, g - 1)) / (g - 1)
    f2 = (float(stats.f.ppf(0.95, g - 1, g)) - 1.0) / 2.0
    return f1, f2


def homogeneity_check(measurements: Any, sigma_pt: float) -> HomogeneityCheck:
    """Between-sample standard deviation of g items measured in duplicate, and its criteria.

    Parameters
    ----------
    measurements : array-like of shape (g, 2)
        Row t holds the two results x_t1, x_t2 on item t; g >= 2, finite reals.
    sigma_pt : float
        Standard deviation for proficiency assessment, > 0.

    Returns
    -------
    HomogeneityCheck

    Raises
    ------
    InputError
        Wrong shape, fewer than 2 items, a non-finite value (named by item and
        replicate, counted from 1), or sigma_pt <= 0.

    References
    ----------
    ISO 13528:2022, Annex B: s_x, s_w, s_s of the duplicate design, the criterion
    s_s <= 0.3 sigma_pt and the expanded criterion.

    Examples
    --------
    >>> h = homogeneity_check([[1.0, 1.2], [1.1, 1.1], [0.9, 1.1]], 1.0)
    >>> h.sufficient
    True
    """
    where = "homogeneity_check"
    sigma = _number(sigma_pt, field="sigma_pt", where=where, positive=True)
    if isinstance(measurements, str | bytes):
        raise InputError(
            f"measurements must be a (g, 2) array-like, got {type(measurements).__name__}",
            where=where,
        )
    try:
        table = np.array(measurements, dtype=object)
    except ValueError as exc:
        raise InputError("measurements must be a (g, 2) array-like", where=where) from exc
    if table.ndim != 2 or table.shape[1] != 2:
        raise InputError(
            f"measurements must have shape (g, 2), got shape {table.shape}", where=where
        )
    for (item, replicate), value in np.ndenumerate(table):
        at = f"item {item + 1}, replicate {replicate + 1}"
        if not _is_real(value):
            raise InputError(
                f"{at}: must be a real number, got {type(value).__name__} {value!r}",
                where=where,
            )
        if not math.isfinite(float(value)):
            raise InputError(f"{at}: must be finite, got {float(value)!r}", where=where)
    x = table.astype(np.float64)
    g = int(x.shape[0])
    if g < 2:
        raise InputError(f"measurements must hold at least 2 items, got {g}", where=where)
    means = x.mean(axis=1)
    w = np.abs(x[:, 0] - x[:, 1])
    s_x = float(np.std(means, ddof=1))
    s_w = math.sqrt(float(np.sum(w**2)) / (2 * g))
    s_s = math.sqrt(max(0.0, s_x**2 - s_w**2 / 2.0))
    f1, f2 = homogeneity_factors(g)
    limit = _CRITERION * sigma
    expanded = math.sqrt(f1 * limit**2 + f2 * s_w**2)
    return HomogeneityCheck(
        g=g,
        grand_mean=float(np.mean(means)),
        s_x=s_x,
        s_w=s_w,
        s_s=s_s,
        sigma_pt=sigma,
        limit=limit,
        sufficient=s_s <= limit,
        f1=f1,
        f2=f2,
        expanded_limit=expanded,
        sufficient_expanded=s_s <= expanded,
    )


@dataclass(frozen=True, slots=True)
class StabilityCheck:
    """Result of a stability check of PT items.

    Attributes
    ----------
    difference : float
        |y1 - y2|, the absolute difference of the general means before and after.
    limit : float
        0.3 sigma_pt.
    stable : bool
        difference <= limit.
    expanded_limit : float or None
        0.3 sigma_pt + 2 sqrt(u^2(y1) + u^2(y2)), when both uncertainties are given.
    stable_expanded : bool or None
        difference <= expanded_limit.
    """

    difference: float
    limit: float
    stable: bool
    expanded_limit: float | None
    stable_expanded: bool | None

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (JSON-ready)."""
        return {
            "difference": self.difference,
            "limit": self.limit,
            "stable": self.stable,
            "expanded_limit": self.expanded_limit,
            "stable_expanded": self.stable_expanded,
        }


def stability_check(
    mean_before: float,
    mean_after: float,
    sigma_pt: float,
    *,
    u_before: float | None = None,
    u_after: float | None = None,
) -> StabilityCheck:
    """Check that PT items did not change: |y1 - y2| <= 0.3 sigma_pt.

    When the standard uncertainties of the two means are given, the criterion is also
    evaluated widened by them: |y1 - y2| <= 0.3 sigma_pt + 2 sqrt(u^2(y1) + u^2(y2)),
    for when the measurement's own intermediate precision is not small against sigma_pt.

    Parameters
    ----------
    mean_before, mean_after : float
        General means y1 (e.g. of the homogeneity study) and y2 (of the stability test).
    sigma_pt : float
        > 0.
    u_before, u_after : float, optional, keyword-only
        u(y1), u(y2) >= 0; give both or neither.

    References
    ----------
    ISO 13528:2022, B.5 (stability); in ISO 13528:2015 these are B.5.1, eq. (B.17), and
    B.5.2 c), eq. (B.18).

    Examples
    --------
    >>> stability_check(10.0, 10.2, 1.0).stable
    True
    """
    where = "stability_check"
    y1 = _number(mean_before, field="mean_before", where=where)
    y2 = _number(mean_after, field="mean_after", where=where)
    sigma = _number(sigma_pt, field="sigma_pt", where=where, positive=True)
    if (u_before is None) != (u_after is None):
        raise InputError(
            "u_before and u_after must be given together, "
            f"got u_before={u_before!r}, u_after={u_after!r}",
            where=where,
        )
    difference = abs(y1 - y2)
    limit = _CRITERION * sigma
    expanded = None
    if u_before is not None:
        u1 = _non_negative(u_before, field="u_before", where=where)
        u2 = _non_negative(u_after, field="u_after", where=where)
        expanded = limit + 2.0 * math.hypot(u1, u2)
    return StabilityCheck(
        difference=difference,
        limit=limit,
        stable=difference <= limit,
        expanded_limit=expanded,
        stable_expanded=None if expanded is None else difference <= expanded,
    )
