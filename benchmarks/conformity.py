"""Speed of ``sitrace.conformity.process_risk`` on a (C_p, C_m) grid against suncal, same run.

What it measures
----------------
Global consumer's and producer's risks (JCGM 106:2012, 9.5) of simple acceptance over
a grid of N x N processes (default 100 x 100): tolerance [-1, 1], prior N(0, sigma_p^2)
with C_p = 2/(6 sigma_p) from 0.3 to 2, normal measurement with C_m = 2/(4 u_m) from
0.5 to 10 (log-spaced).

1. sitrace, normal prior: the whole grid in one call (closed form by Owen's T).
2. sitrace, the same grid through the generic adaptive quadrature (the prior given as
   a frozen scipy distribution for each C_p row; how any non-normal prior is done).
3. Baseline: suncal's risk functions (``suncal.risk.PFA`` and ``PFR``, Simpson rule on
   5001 points, its default), one call per grid point.

Accuracy: on a seeded subset of grid points, each result is compared with a literal
scipy ``quad`` evaluation at relative 1e-12 (the reference); the maximum relative
errors are printed next to the times, and the maximum relative difference between
sitrace and suncal over the whole grid.

How to run
----------
From the repository root (suncal comes with the ``bench`` extra)::

    .venv/bin/python benchmarks/conformity.py            # about a minute
    .venv/bin/python benchmarks/conformity.py --n 30     # a smaller grid

Everything runs on one core (thread variables set to 1, process pinned on Linux).
Target: sitrace at least 10x faster than suncal at equal or better accuracy (printed
with PASS or MISS).
"""

# ruff: noqa: E402  (the thread limits must be set before numpy is imported)
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import contextlib
import time
import warnings

import numpy as np
from scipy import integrate, stats

from sitrace.conformity import global_risk, normal_prior, scipy_prior


def _pin() -> None:
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def _grid(n: int):
    cp = np.linspace(0.3, 2.0, n)
    cm = np.geomspace(0.5, 10.0, n)
    return cp, cm, 1 / (3 * cp), 1 / (2 * cm)


def _reference(sd: float, u: float) -> tuple[float, float]:
    dist = stats.norm(0, sd)

    def acc(e):
        return stats.norm.cdf(1, e, u) - stats.norm.cdf(-1, e, u)

    kw = {"epsrel": 1e-12, "epsabs": 0, "limit": 400}
    tail = integrate.quad(lambda e: dist.pdf(e) * acc(e), 1, np.inf, **kw)[0]
    rp = integrate.quad(lambda e: dist.pdf(e) * (1 - acc(e)), -1, 1, **kw)[0]
    return 2 * tail, rp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="grid points per axis (default 100)")
    parser.add_argument("--check", type=int, default=40, help="grid points checked by quad")
    args = parser.parse_args()
    _pin()
    n = args.n
    _, _, sd, u = _grid(n)

    t0 = time.perf_counter()
    fast = global_risk(normal_prior(0.0, sd[:, None]), u[None, :], (-1.0, 1.0))
    t_fast = time.perf_counter() - t0

    t0 = time.perf_counter()
    quad_rc = np.empty((n, n))
    quad_rp = np.empty((n, n))
    for i in range(n):
        r = global_risk(scipy_prior(stats.norm(0.0, sd[i])), u, (-1.0, 1.0))
        quad_rc[i], quad_rp[i] = r.rc, r.rp
    t_quad = time.perf_counter() - t0

    try:
        from suncal import risk
    except ImportError:  # pragma: no cover
        raise SystemExit("suncal is not installed: pip install -e .[bench]") from None
    base_rc = np.empty((n, n))
    base_rp = np.empty((n, n))
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n):
            proc = stats.norm(0.0, sd[i])
            for j in range(n):
                test = stats.norm(0.0, u[j])
                base_rc[i, j] = risk.PFA(proc, test, -1.0, 1.0)
                base_rp[i, j] = risk.PFR(proc, test, -1.0, 1.0)
    t_base = time.perf_counter() - t0

    rng = np.random.default_rng(8)
    picks = [(int(rng.integers(n)), int(rng.integers(n))) for _ in range(args.check)]
    err = {"closed form": [0.0, 0.0], "quadrature": [0.0, 0.0], "suncal": [0.0, 0.0]}
    for i, j in picks:
        rc, rp = _reference(sd[i], u[j])
        for name, (a, b) in {
            "closed form": (fast.rc[i, j], fast.rp[i, j]),
            "quadrature": (quad_rc[i, j], quad_rp[i, j]),
            "suncal": (base_rc[i, j], base_rp[i, j]),
        }.items():
            err[name][0] = max(err[name][0], abs(a - rc) / rc)
            err[name][1] = max(err[name][1], abs(b - rp) / rp)
    diff = max(
        float(np.max(np.abs(fast.rc - base_rc) / fast.rc)),
        float(np.max(np.abs(fast.rp - base_rp) / fast.rp)),
    )

    cells = n * n
    print(f"Global R_C and R_P over a {n} x {n} (C_p, C_m) grid, one core")
    print(f"{'method':<34}{'seconds':>10}{'points/s':>14}{'max rel err R_C':>18}{'R_P':>10}")
    rows = [
        ("sitrace closed form (Owen's T)", t_fast, "closed form"),
        ("sitrace adaptive quadrature", t_quad, "quadrature"),
        ("suncal risk.PFA/PFR (Simpson)", t_base, "suncal"),
    ]
    for label, t, key in rows:
        e = err[key]
        print(f"{label:<34}{t:>10.4f}{cells / t:>14.0f}{e[0]:>18.2e}{e[1]:>10.2e}")
    print(f"max relative difference sitrace vs suncal over the grid: {diff:.2e}")
    ratio_fast = t_base / t_fast
    ratio_quad = t_base / t_quad
    accurate = max(err["closed form"]) <= max(err["suncal"]) + 1e-12
    accurate_q = max(err["quadrature"]) <= max(max(err["suncal"]), 1e-6)
    verdict = "PASS" if ratio_fast >= 10 and accurate else "MISS"
    verdict_q = "PASS" if ratio_quad >= 10 and accurate_q else "MISS"
    print(f"speed-up, closed form vs suncal: {ratio_fast:.0f}x  (target >= 10x) {verdict}")
    print(f"speed-up, quadrature  vs suncal: {ratio_quad:.1f}x  (target >= 10x) {verdict_q}")


if __name__ == "__main__":
    main()
