"""Bivariate normal orthant probabilities by Owen's T function, vectorized.

P(X <= h, Y <= k) for standard normals with correlation rho in (-1, 1), from
D. B. Owen, Ann. Math. Statist. 27 (1956) 1075:
Phi2 = (Phi(h) + Phi(k))/2 - T(h, a_h) - T(k, a_k) - beta, with
a_h = (k - rho h)/(h sqrt(1 - rho^2)), a_k = (h - rho k)/(k sqrt(1 - rho^2)) and
beta = 1/2 when h k < 0 or (h k = 0 and h + k < 0), else 0. scipy's ``owens_t``
(Patefield and Tandy 2000) is accurate to about machine precision.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, owens_t

__all__ = ["lower_orthant"]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    zero = den == 0
    if np.any(zero):
        out = np.where(zero, np.copysign(np.inf, np.where(num == 0, 1.0, num)), out)
    return out


def lower_orthant(h, k, rho) -> np.ndarray:
    """P(X <= h, Y <= k), broadcasting h, k and rho; h and k may be +-inf."""
    h, k, rho = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (h, k, rho)))
    out = np.empty(h.shape)
    inf_h, inf_k = np.isinf(h), np.isinf(k)
    out[inf_h] = np.where(h[inf_h] > 0, ndtr(k[inf_h]), 0.0)
    rest = ~inf_h & inf_k
    out[rest] = np.where(k[rest] > 0, ndtr(h[rest]), 0.0)
    fin = ~inf_h & ~inf_k
    hh, kk, rr = h[fin], k[fin], rho[fin]
    s = np.sqrt((1.0 - rr) * (1.0 + rr))
    both0 = (hh == 0) & (kk == 0)
    a_h = _ratio(kk - rr * hh, hh * s)
    a_k = _ratio(hh - rr * kk, kk * s)
    beta = np.where((hh * kk < 0) | ((hh * kk == 0) & (hh + kk < 0)), 0.5, 0.0)
    val = 0.5 * (ndtr(hh) + ndtr(kk)) - owens_t(hh, a_h) - owens_t(kk, a_k) - beta
    val = np.where(both0, 0.25 + np.arcsin(rr) / (2 * np.pi), val)
    out[fin] = np.clip(val, 0.0, 1.0)
    return out
