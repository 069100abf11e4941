"""Plots of conformity assessments (matplotlib, drawn off-screen).

Calculation never imports this module. Each function returns the matplotlib
``Figure`` and, given a path, writes it (PNG, SVG or PDF by the suffix).

Contents
--------
plot_measurand
    The measurand's PDF (normal or t) for one measured value, the tolerance and
    acceptance limits, the conforming area and the shaded risk areas below T_L and
    above T_U (JCGM 106:2012, Figs. 5-8 style).
plot_risk_vs_guard_band
    R_C and R_P of a process against the guard band w (JCGM 106:2012, 9.5 style).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from scipy import stats

from sitrace._figures import save_figure
from sitrace.conformity._checks import dof_value, positive, real
from sitrace.conformity.process_risk import global_risk
from sitrace.conformity.specific import specific_risk
from sitrace.conformity.tolerance import Tolerance, tolerance

__all__ = ["plot_measurand", "plot_risk_vs_guard_band"]


def plot_measurand(
    y: float,
    u: float,
    limits: Tolerance | tuple[float | None, float | None],
    *,
    acceptance: Tolerance | tuple[float | None, float | None] | None = None,
    dof: float | None = None,
    path: str | Path | None = None,
) -> Figure:
    """PDF of the measurand given y, with C, A and the risk areas shaded."""
    y, u = real("y", y), positive("u", u)
    nu = dof_value(dof)
    tol = tolerance(limits)
    dist = stats.norm(y, u) if nu is None else stats.t(nu, loc=y, scale=u)
    lo = min(y - 5 * u, tol.low if tol.lower is not None else np.inf)
    hi = max(y + 5 * u, tol.high if tol.upper is not None else -np.inf)
    x = np.linspace(lo - u, hi + u, 801)
    g = dist.pdf(x)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(x, g, color="#1f77b4", lw=1.5, label="PDF of the measurand")
    inside = (x >= tol.low) & (x <= tol.high)
    ax.fill_between(x, g, where=inside, color="#2ca02c", alpha=0.25, label="conforming")
    ax.fill_between(x, g, where=~inside, color="#d62728", alpha=0.45, label="risk")
    for t in (tol.lower, tol.upper):
        if t is not None:
            ax.axvline(t, color="black", lw=1.2)
    if acceptance is not None:
        acc = tolerance(acceptance)
        for a in (acc.lower, acc.upper):
            if a is not None:
                ax.axvline(a, color="#555555", lw=1.0, ls="--")
    r = specific_risk(y, u, lower=tol.lower, upper=tol.upper, dof=nu)
    ax.axvline(y, color="#1f77b4", lw=0.8, ls=":")
    ax.set_title(f"y = {y:g}, u = {u:g}: p_c = {r.p_c:.4f}, risk = {r.specific_risk:.4f}")
    ax.set_xlabel("measurand")
    ax.set_ylabel("probability density")
    ax.legend(loc="upper right", fontsize=8)
    return save_figure(fig, path)


def plot_risk_vs_guard_band(
    prior: Any,
    u_m: float,
    limits: Tolerance | tuple[float | None, float | None],
    *,
    guard_bands=None,
    path: str | Path | None = None,
) -> Figure:
    """R_C and R_P against the guard band w (A = [T_L + w, T_U - w])."""
    tol = tolerance(limits)
    u_m = positive("u_m", u_m)
    if guard_bands is None:
        top = tol.width / 2 * 0.9 if tol.two_sided else 4 * u_m
        guard_bands = np.linspace(-2 * u_m, min(top, 4 * u_m), 121)
    w = np.asarray(guard_bands, dtype=float)
    r = global_risk(prior, u_m, tol, guard_band=w)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(w, np.asarray(r.rc), label="R_C (consumer)", color="#d62728")
    ax.plot(w, np.asarray(r.rp), label="R_P (producer)", color="#1f77b4")
    ax.axvline(0.0, color="black", lw=0.8)
    ax.set_xlabel("guard band w")
    ax.set_ylabel("global risk")
    ax.set_title(f"{r.prior}, u_m = {u_m:g}")
    ax.legend(fontsize=8)
    return save_figure(fig, path)
