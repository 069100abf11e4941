"""Adaptive Gauss-Kronrod (7-15) quadrature, vectorized over many integrals at once.

Each of n integrals has its own limits and integrand parameters; all panels of all
integrals are evaluated in one numpy call per round, and only the panels of the
integrals that have not met their tolerance are bisected (the largest-error half of
them). A semi-infinite range [a, inf) is mapped to [0, 1) by x = a + s t/(1 - t) with
a scale s per integral. Error estimate |K15 - G7| per panel (Kronrod 1965; QUADPACK
uses the same pair). Convergence: sum of panel errors <= max(epsrel |I|, epsabs).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sitrace.errors import ConvergenceError

__all__ = ["integrate"]

# Kronrod 15-point nodes (positive half, descending) and weights; Gauss 7-point weights.
_XK = np.array(
    [
        0.991455371120812639206854697526329,
        0.949107912342758524526189684047851,
        0.864864423359769072789712788640926,
        0.741531185599394439863864773280788,
        0.586087235467691130294144845693013,
        0.405845151377397166906606412076961,
        0.207784955007898467600689403773245,
        0.000000000000000000000000000000000,
    ]
)
_WK = np.array(
    [
        0.022935322010529224963732008058970,
        0.063092092629978553290700663189204,
        0.104790010322250183839876322541518,
        0.140653259715525918745189590510238,
        0.169004726639267902826583426598550,
        0.190350578064785409913256402421014,
        0.204432940075298892414161999234649,
        0.209482141084727828012999174891714,
    ]
)
_WG = np.array(
    [
        0.129484966168869693270611432679082,
        0.279705391489276667901467771423780,
        0.381830050505118944950369775488975,
        0.417959183673469387755102040816327,
    ]
)
_NODES = np.concatenate([-_XK[:-1], _XK[::-1]])  # 15 nodes on [-1, 1], ascending
_WEIGHTS_K = np.concatenate([_WK[:-1], _WK[::-1]])
_WEIGHTS_G = np.zeros(15)
_WEIGHTS_G[[1, 3, 5, 7, 9, 11, 13]] = np.concatenate([_WG[:-1], _WG[::-1]])


def _map(t: np.ndarray, a: np.ndarray, b: np.ndarray, s: np.ndarray):
    """x(t) and dx/dt for finite [a, b] (t in [0, 1]) or a semi-infinite range."""
    x = np.empty_like(t)
    jac = np.empty_like(t)
    up = np.isinf(b) & ~np.isinf(a)
    down = np.isinf(a) & ~np.isinf(b)
    fin = ~(up | down)
    x[fin] = a[fin] + (b[fin] - a[fin]) * t[fin]
    jac[fin] = (b[fin] - a[fin]) * np.ones_like(t[fin])
    for mask, base, sign in ((up, a, 1.0), (down, b, -1.0)):
        if np.any(mask):
            tt = t[mask]
            one = 1.0 - tt
            x[mask] = base[mask] + sign * s[mask] * tt / one
            jac[mask] = s[mask] / (one * one)
    return x, jac


def integrate(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    a: np.ndarray,
    b: np.ndarray,
    *,
    scale: np.ndarray,
    breaks: np.ndarray | None = None,
    epsrel: float = 1e-9,
    epsabs: float = 1e-300,
    max_rounds: int = 200,
    what: str = "integral",
) -> np.ndarray:
    """Integrals of ``f(x, idx)`` over [a_i, b_i] for i = 0..n-1.

    ``f`` gets points x (1-D) and, for each point, the index of its integral, and
    returns the integrand values. At most one of a_i, b_i may be infinite; a_i >= b_i
    gives 0. ``breaks`` (n, m) are points (x) where the integrand changes fast; NaN
    entries are ignored.
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    s = np.broadcast_to(np.asarray(scale, dtype=float), a.shape).ravel()
    n = a.size
    if np.any(np.isinf(a) & np.isinf(b)):
        raise ValueError("integrate: a range infinite at both ends must be split first")
    empty = ~(a < b)
    # Initial panels in t: 8 uniform ones plus the breakpoints mapped into t.
    grid = np.linspace(0.0, 1.0, 9)
    cuts = [np.broadcast_to(grid, (n, 9))]
    if breaks is not None and breaks.size:
        bx = np.asarray(breaks, dtype=float).reshape(n, -1)
        with np.errstate(invalid="ignore", divide="ignore"):
            bt = np.where(
                np.isinf(b)[:, None],
                (bx - a[:, None]) / (s[:, None] + bx - a[:, None]),
                np.where(
                    np.isinf(a)[:, None],
                    (b[:, None] - bx) / (s[:, None] + b[:, None] - bx),
                    (bx - a[:, None]) / (b - a)[:, None],
                ),
            )
        bt = np.where(np.isfinite(bt) & (bt > 0) & (bt < 1), bt, 0.0)
        cuts.append(bt)
    cuts = np.sort(np.concatenate(cuts, axis=1), axis=1)
    elem = np.repeat(np.arange(n), cuts.shape[1] - 1)
    tl = cuts[:, :-1].ravel()
    tr = cuts[:, 1:].ravel()
    keep = (tr > tl) & ~empty[elem]
    elem, tl, tr = elem[keep], tl[keep], tr[keep]
    # Panel store.
    p_elem = np.empty(0, dtype=int)
    p_tl = np.empty(0)
    p_tr = np.empty(0)
    p_val = np.empty(0)
    p_err = np.empty(0)
    new_elem, new_tl, new_tr = elem, tl, tr
    for _ in range(max_rounds):
        if new_elem.size:
            half = 0.5 * (new_tr - new_tl)
            mid = 0.5 * (new_tr + new_tl)
            t = mid[:, None] + half[:, None] * _NODES[None, :]
            ei = np.repeat(new_elem, 15)
            x, jac = _map(t.ravel(), a[ei], b[ei], s[ei])
            y = np.asarray(f(x, ei), dtype=float) * jac
            y = np.where(np.isfinite(y), y, 0.0).reshape(-1, 15)
            k15 = half * (y @ _WEIGHTS_K)
            g7 = half * (y @ _WEIGHTS_G)
            p_elem = np.concatenate([p_elem, new_elem])
            p_tl = np.concatenate([p_tl, new_tl])
            p_tr = np.concatenate([p_tr, new_tr])
            p_val = np.concatenate([p_val, k15])
            p_err = np.concatenate([p_err, np.abs(k15 - g7)])
        total = np.bincount(p_elem, weights=p_val, minlength=n)
        err = np.bincount(p_elem, weights=p_err, minlength=n)
        bad = err > np.maximum(epsrel * np.abs(total), epsabs)
        if not np.any(bad):
            return total
        # Bisect the panels of unconverged integrals that carry more than the mean error.
        count = np.bincount(p_elem, minlength=n)
        share = np.where(count > 0, err / np.maximum(count, 1), 0.0)
        split = bad[p_elem] & (p_err >= share[p_elem])
        new_elem = np.repeat(p_elem[split], 2)
        mids = 0.5 * (p_tl[split] + p_tr[split])
        new_tl = np.column_stack([p_tl[split], mids]).ravel()
        new_tr = np.column_stack([mids, p_tr[split]]).ravel()
        keep = ~split
        p_elem, p_tl, p_tr, p_val, p_err = (
            p_elem[keep],
            p_tl[keep],
            p_tr[keep],
            p_val[keep],
            p_err[keep],
        )
    raise ConvergenceError(
        f"adaptive quadrature of the {what} did not reach relative {epsrel:g} "
        f"in {max_rounds} rounds ({int(np.count_nonzero(bad))} of {n} integrals)"
    )
