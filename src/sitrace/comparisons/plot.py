"""Plots of key comparison results (matplotlib, drawn off-screen).

Calculation never imports this module. Each function returns the matplotlib
``Figure`` and, given a path, writes it (PNG, SVG or PDF by the suffix).

Contents
--------
plot_degrees_of_equivalence
    d_i with U(d_i) error bars per lab; labs left out of the reference value
    are drawn hollow and grey, after the others.
plot_results
    The laboratories' values ranked, with ±U error bars, the reference value
    and its expanded-uncertainty band.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from ..errors import InputError
from .keycomparison import COVERAGE_FACTOR, KeyComparisonResult, Participant

__all__ = ["plot_degrees_of_equivalence", "plot_results"]

_FORMATS = {".png", ".svg", ".pdf"}
_INCLUDED = "#1f77b4"
_EXCLUDED = "#7f7f7f"


def _save(fig: Figure, path: str | Path | None) -> None:
    if path is None:
        return
    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise InputError(
            f"plot file must end in {', '.join(sorted(_FORMATS))}, "
            f"got {path.suffix or 'no suffix'}",
            where=str(path),
        )
    fig.savefig(path, dpi=150, bbox_inches="tight")


def plot_degrees_of_equivalence(
    result: KeyComparisonResult, path: str | Path | None = None, *, title: str | None = None
) -> Figure:
    """Degrees of equivalence d_i ± U(d_i) per lab, with the zero line.

    Labs that entered the reference value come first (filled markers); labs
    left out (``included`` False) follow, hollow and grey, and are named in the
    legend as excluded.
    """
    if not isinstance(result, KeyComparisonResult):
        raise InputError(f"result must be a KeyComparisonResult, got {type(result).__name__}")
    rows = sorted(result.degrees_of_equivalence, key=lambda d: not d.included)
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(rows) + 2.0), 3.6))
    ax.axhline(0.0, color="black", linewidth=0.8)
    for kind, colour, face in ((True, _INCLUDED, _INCLUDED), (False, _EXCLUDED, "white")):
        pos = [i for i, d in enumerate(rows) if d.included is kind]
        if not pos:
            continue
        ax.errorbar(
            pos,
            [rows[i].d for i in pos],
            yerr=[rows[i].U for i in pos],
            fmt="o",
            color=colour,
            markerfacecolor=face,
            capsize=4,
            label="in reference value" if kind else "excluded",
        )
    ax.set_xticks(range(len(rows)), [d.lab for d in rows], rotation=45, ha="right")
    ax.set_ylabel(f"d_i ± U (k = {COVERAGE_FACTOR:g})")
    ax.set_title(title or f"Degrees of equivalence ({result.method})")
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    _save(fig, path)
    return fig


def plot_results(
    results: Iterable[Participant],
    result: KeyComparisonResult,
    path: str | Path | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """Reported values ranked in increasing order, ±k u_i, with the reference value band.

    The band is y ± k u(y) with k = :data:`COVERAGE_FACTOR`; excluded labs are
    drawn hollow and grey.
    """
    people = sorted(results, key=lambda p: p.value)
    if not people:
        raise InputError("results must hold at least one Participant, got none")
    excluded = set(result.excluded)
    y, U_y = result.reference_value, COVERAGE_FACTOR * result.reference_uncertainty
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(people) + 2.0), 3.6))
    ax.axhspan(y - U_y, y + U_y, color="#ffdd88", alpha=0.6, label="reference ± U")
    ax.axhline(y, color="#aa7700", linewidth=1.0)
    for i, p in enumerate(people):
        out = p.lab in excluded or not p.include
        ax.errorbar(
            [i],
            [p.value],
            yerr=[COVERAGE_FACTOR * p.u],
            fmt="o",
            color=_EXCLUDED if out else _INCLUDED,
            markerfacecolor="white" if out else _INCLUDED,
            capsize=4,
        )
    ax.set_xticks(range(len(people)), [p.lab for p in people], rotation=45, ha="right")
    ax.set_ylabel(f"x_i ± U (k = {COVERAGE_FACTOR:g})")
    ax.set_title(title or f"Results and reference value ({result.method})")
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    _save(fig, path)
    return fig
