"""Plots of calibration-interval analyses (matplotlib, drawn off-screen).

Calculation never imports this module; ``import sitrace.intervals`` does not load
matplotlib. Each function returns the matplotlib ``Figure`` and, given a path,
writes it (PNG, SVG or PDF by the suffix).

plot_reliability
    Method S2: the observed reliability of each group (with its binomial standard
    error) against the fitted reliability models, the target and the interval.
plot_drift
    Variables method: the observed deviations, the predicted drift Y0 + y(t) and its
    band +/- k u(t) (k = 1 for an uncertainty target), the limits and the interval.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from sitrace._figures import save_figure
from sitrace.intervals.s2 import S2Result, reliability
from sitrace.intervals.variables import VariablesInterval

__all__ = ["plot_drift", "plot_reliability"]


def plot_reliability(result: S2Result, path: str | Path | None = None) -> Figure:
    """Observed reliability per group against every fitted model; the best drawn bold."""
    data = result.data
    t = np.array(data.interval_days)
    n = np.array(data.n, dtype=float)
    r = np.array(data.in_tolerance) / n
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.errorbar(
        t,
        r,
        yerr=np.sqrt(r * (1 - r) / n),
        fmt="o",
        color="black",
        capsize=3,
        label="observed (±1 s.e.)",
    )
    grid = np.linspace(0.0, t.max() * 1.25, 400)
    for fit in result.models:
        best = fit is result.best
        ax.plot(
            grid,
            reliability(fit.name, grid, fit.parameters),
            lw=2.2 if best else 1.0,
            alpha=1.0 if best else 0.6,
            label=f"{fit.name} (ln L {fit.log_likelihood:.2f})",
        )
    ax.axhline(result.target, color="grey", ls="--", lw=1, label=f"target {result.target:g}")
    if result.interval is not None:
        ax.axvline(
            result.interval, color="grey", ls=":", lw=1, label=f"interval {result.interval:.4g}"
        )
    ax.set_xlabel("time since calibration")
    ax.set_ylabel("reliability (in-tolerance probability)")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"NCSLI RP-1 Method S2: best model {result.model}")
    ax.legend(fontsize=8)
    save_figure(fig, path)
    return fig


def plot_drift(result: VariablesInterval, path: str | Path | None = None) -> Figure:
    """Observed deviations, the predicted drift with its band, the limits and the interval."""
    fit = result.fit
    y0 = result.value or 0.0
    k = result.k if result.k is not None else 1.0
    end = max(float(fit.days.max()), result.interval or 0.0) * 1.2
    grid = np.linspace(0.0, end, 400)
    centre = result.predicted_value(grid)
    half = k * result.uncertainty(grid)
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(fit.days, y0 + fit.deviation, "o", color="black", label="observed Y0 + deviation")
    ax.plot(grid, centre, color="C0", label="predicted drift")
    ax.fill_between(
        grid, centre - half, centre + half, color="C0", alpha=0.2, label=f"± {k:.3g} u(t)"
    )
    for limit in (result.lower, result.upper):
        if limit is not None:
            ax.axhline(limit, color="C3", lw=1)
    if result.interval is not None:
        ax.axvline(result.interval, color="grey", ls=":", label=f"interval {result.interval:.4g}")
    ax.set_xlabel("time since calibration")
    ax.set_ylabel("value")
    ax.set_title(f"NASA-HDBK-8739.19-5 variables method ({result.method})")
    ax.legend(fontsize=8)
    save_figure(fig, path)
    return fig
