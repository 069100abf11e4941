"""Plots of uncertainty results (matplotlib, drawn off-screen).

Calculation never imports this module. Each function returns the matplotlib
``Figure`` and, given a path, writes it (PNG, SVG or PDF by the suffix).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from .._figures import save_figure
from ..errors import InputError, SitraceError
from ..units import to_unicode
from .budget import Budget
from .montecarlo import McOutput

__all__ = ["plot_budget", "plot_distribution"]


def _unicode(dsi: str) -> str:
    try:
        return to_unicode(dsi)
    except SitraceError:
        return dsi


def plot_budget(budget: Budget, path: str | Path | None = None) -> Figure:
    """Bar chart of |u_i(y)| per input, largest first, with the share of variance.

    The combined standard uncertainty u_c(y) is drawn as a reference line.
    """
    rows = [r for r in budget.sorted_rows()]
    names = [r.name for r in rows]
    values = [abs(r.contribution) for r in rows]
    shares = [r.variance_share for r in rows]
    extra = []
    if budget.correlation_variance:
        extra.append(("(correlations)", budget.correlation_variance))
    if budget.higher_order_variance:
        extra.append(("(higher order)", budget.higher_order_variance))
    uc = budget.combined_standard_uncertainty
    for label, var in extra:
        names.append(label)
        values.append(float(np.sqrt(abs(var))))
        shares.append(var / uc**2 if uc else 0.0)
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(names) + 1.6))
    y = np.arange(len(names))[::-1]
    bars = ax.barh(y, values, color="#3b6ea5")
    ax.set_yticks(y, names)
    ax.axvline(uc, color="#b03a2e", linestyle="--", linewidth=1.2, label=f"u_c = {uc:.3g}")
    for bar, share in zip(bars, shares, strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f"  {100 * share:.1f} %",
            va="center",
            fontsize=8,
        )
    unit = f" / {_unicode(budget.unit)}" if budget.unit else ""
    ax.set_xlabel(f"|c_i u(x_i)|{unit}")
    ax.set_title(f"Uncertainty budget of {budget.output}")
    ax.legend(loc="lower right", fontsize=8)
    ax.set_xlim(0, max(max(values, default=0.0), uc) * 1.25 or 1.0)
    fig.tight_layout()
    save_figure(fig, path)
    return fig


def plot_distribution(
    mc: McOutput,
    *,
    gum_estimate: float | None = None,
    gum_uncertainty: float | None = None,
    gum_dof: float | None = None,
    shortest: bool = True,
    path: str | Path | None = None,
) -> Figure:
    """Histogram of the Monte Carlo output with its coverage interval and the GUM PDF."""
    if mc.samples is None:
        raise InputError("the Monte Carlo result kept no samples: run it with keep_samples=True")
    from scipy import stats

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.hist(mc.samples, bins=200, density=True, color="#9db8d9", label="Monte Carlo")
    low, high = mc.interval(shortest=shortest)
    for v in (low, high):
        ax.axvline(v, color="#3b6ea5", linestyle="--", linewidth=1)
    if gum_estimate is not None and gum_uncertainty:
        xs = np.linspace(mc.samples[0], mc.samples[-1], 400)
        if gum_dof is not None and np.isfinite(gum_dof):
            pdf = stats.t.pdf((xs - gum_estimate) / gum_uncertainty, gum_dof) / gum_uncertainty
        else:
            pdf = stats.norm.pdf(xs, gum_estimate, gum_uncertainty)
        ax.plot(xs, pdf, color="#b03a2e", label="GUM")
    ax.set_title(f"{mc.name}: {100 * mc.coverage_probability:g} % coverage interval")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save_figure(fig, path)
    return fig
