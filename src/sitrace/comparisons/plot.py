"""Plots of key comparisons and proficiency tests (matplotlib, drawn off-screen).

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
plot_kernel_density
    The mixture (1/N) Σ N(x; x_i, u_i²) of the laboratories' results, each
    lab's weighted component drawn faintly, and the reference value band.
plot_scores
    A bar chart of the participants' z, z', zeta or En scores of a proficiency
    test, coloured by evaluation, with the warning and action limits.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .._figures import save_figure
from ..errors import InputError
from .keycomparison import COVERAGE_FACTOR, KeyComparisonResult, Participant
from .proficiency import QUESTIONABLE, SATISFACTORY, UNSATISFACTORY, ProficiencyEvaluation

__all__ = [
    "plot_degrees_of_equivalence",
    "plot_kernel_density",
    "plot_results",
    "plot_scores",
]

_INCLUDED = "#1f77b4"
_EXCLUDED = "#7f7f7f"
_REFERENCE = "#aa7700"
_BAND = "#ffdd88"
_EVALUATION_COLOURS = {
    SATISFACTORY: "#2ca02c",
    QUESTIONABLE: "#ff9f1c",
    UNSATISFACTORY: "#d62728",
}
# score name -> (ParticipantScore attribute, evaluation attribute, limits)
_SCORES = {
    "z": ("z", "z_evaluation", (2.0, 3.0)),
    "z'": ("z_prime", "z_prime_evaluation", (2.0, 3.0)),
    "zeta": ("zeta", "zeta_evaluation", (2.0, 3.0)),
    "En": ("en", "en_evaluation", (1.0,)),
}
_SCORE_NAMES = ("performance", *_SCORES)
_SIGMAS = 5.0  # each component is drawn over x_i ± 5 u_i (tails beyond: 6e-7 of its mass)
_GRID = 2001  # points spread evenly over the whole range
_LOCAL = 81  # points over x_i ± 5 u_i of each component, so narrow peaks are resolved


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
    save_figure(fig, path)
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
    save_figure(fig, path)
    return fig


def _participants(results: Iterable[Participant]) -> tuple[Participant, ...]:
    if isinstance(results, Participant | str | bytes):
        raise InputError(f"results must be a sequence of Participant, got {type(results).__name__}")
    people = tuple(results)
    if not people:
        raise InputError("results must hold at least one Participant, got none")
    for i, item in enumerate(people):
        if not isinstance(item, Participant):
            raise InputError(f"result {i + 1} must be a Participant, got {type(item).__name__}")
    return people


def _mixture(x: np.ndarray, u: np.ndarray, extra: tuple[float, ...]) -> tuple[np.ndarray, ...]:
    """Grid, weighted components (N, M) and mixture (M,) of N(x_i, u_i²) with weights 1/N."""
    lo = min((float(np.min(x - _SIGMAS * u)), *extra))
    hi = max((float(np.max(x + _SIGMAS * u)), *extra))
    local = (x[:, None] + u[:, None] * np.linspace(-_SIGMAS, _SIGMAS, _LOCAL)[None, :]).ravel()
    grid = np.unique(np.concatenate([np.linspace(lo, hi, _GRID), local, x]))
    z = (grid[None, :] - x[:, None]) / u[:, None]
    components = np.exp(-0.5 * z**2) / (u[:, None] * math.sqrt(2.0 * math.pi) * x.size)
    return grid, components, components.sum(axis=0)


def plot_kernel_density(
    results: Iterable[Participant],
    result: KeyComparisonResult | None = None,
    path: str | Path | None = None,
    *,
    title: str | None = None,
) -> Figure:
    """The kernel density of the laboratories' results: (1/N) Σ N(x; x_i, u_i²).

    Each laboratory's result is taken as a normal distribution with mean x_i and
    standard deviation u_i (its standard uncertainty), and the plot draws their
    equally weighted mixture

        p(x) = (1/N) Σ_i φ((x - x_i)/u_i) / u_i,

    a density that integrates to 1. Each lab's component, weighted 1/N so that the
    components add up to p(x), is drawn faintly; the components of labs left out
    of the reference value (``include=False``, or listed in ``result.excluded``)
    are dashed. All the results given enter the mixture: to draw only the labs
    that entered the reference value, pass only those. Several modes, or a lab's
    component standing apart, show at a glance what a chi-squared test reports as
    one number. Given a :class:`KeyComparisonResult`, the reference value y is
    drawn as a vertical line with its band y ± k u(y), k = :data:`COVERAGE_FACTOR`.

    The degrees of freedom of the results are not used: every component is
    normal. The NIST Consensus Builder draws each lab's density the same way
    when its degrees of freedom are infinite and a scaled Student t otherwise,
    beside the density of its linear opinion pool (``server.R``, ``LPplot``, in
    tlafarge/NICOB_app_public at 01f4b3d4); there the pool holds only the labs
    that entered the consensus.

    Parameters
    ----------
    results : sequence of Participant
        At least one.
    result : KeyComparisonResult, optional
        The evaluation whose reference value and excluded labs are drawn.
    path : str or Path, optional
        Where to write the figure (.png, .svg, .pdf).
    title : str, optional, keyword-only

    Returns
    -------
    matplotlib.figure.Figure
        The mixture is the line labelled ``"mixture density"``; its data are the
        grid (the range of every x_i ± 5 u_i, with 81 points across each
        component) and p(x) on it.

    References
    ----------
    Koepke A, Lafarge T, Possolo A and Toman B 2017, Metrologia 54 S34 (the NIST
    Consensus Builder). ISO 13528:2022 describes kernel density plots among its
    graphical methods, with one bandwidth for all participants rather than each
    lab's u_i; its clause was not read here and is not cited.
    """
    people = _participants(results)
    if result is not None and not isinstance(result, KeyComparisonResult):
        raise InputError(
            f"result must be a KeyComparisonResult or None, got {type(result).__name__}"
        )
    x = np.array([p.value for p in people], dtype=np.float64)
    u = np.array([p.u for p in people], dtype=np.float64)
    excluded = set(result.excluded) if result is not None else set()
    extra: tuple[float, ...] = ()
    if result is not None:
        U_y = COVERAGE_FACTOR * result.reference_uncertainty
        extra = (result.reference_value - U_y, result.reference_value + U_y)
    grid, components, density = _mixture(x, u, extra)

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    if result is not None:
        y = result.reference_value
        ax.axvspan(y - U_y, y + U_y, color=_BAND, alpha=0.6, label="reference ± U", lw=0)
        ax.axvline(y, color=_REFERENCE, linewidth=1.0)
    for p, component in zip(people, components, strict=True):
        out = p.lab in excluded or not p.include
        ax.plot(
            grid,
            component,
            color=_EXCLUDED if out else _INCLUDED,
            linestyle="--" if out else "-",
            linewidth=0.8,
            alpha=0.6,
        )
    ax.plot(grid, density, color="black", linewidth=1.6, label="mixture density")
    ax.plot(x, np.zeros_like(x), "|", color="black", markersize=8)
    ax.set_ylim(bottom=0.0)
    ax.set_xlabel("value")
    ax.set_ylabel("probability density")
    default = "Kernel density of the results"
    if result is not None:
        default += f" ({result.method})"
    ax.set_title(title or default)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    save_figure(fig, path)
    return fig


def plot_scores(
    evaluation: ProficiencyEvaluation,
    path: str | Path | None = None,
    *,
    score: str = "performance",
    title: str | None = None,
) -> Figure:
    """Bar chart of the participants' scores, coloured by evaluation, with the limits.

    One bar per participant, in the order of ``evaluation.scores``. Bars are
    green (satisfactory), orange (questionable) or red (unsatisfactory), as
    :func:`~sitrace.comparisons.classify_z` and
    :func:`~sitrace.comparisons.classify_en` judge them. z, z' and zeta get
    dashed warning lines at ±2 and solid action lines at ±3; En gets lines at ±1.
    Participants without the score (zeta without u(x_i), En without U(x_i)) get
    no bar, and their label is marked ``(n/a)``.

    Parameters
    ----------
    evaluation : ProficiencyEvaluation
    path : str or Path, optional
        Where to write the figure (.png, .svg, .pdf).
    score : {"performance", "z", "z'", "zeta", "En"}, keyword-only
        ``"performance"`` (default) draws the score the round is judged by,
        ``evaluation.performance_score`` (z, or z' when u(x_pt) is not negligible).
    title : str, optional, keyword-only

    Raises
    ------
    InputError
        An unknown score name, or no participant has the score.

    References
    ----------
    ISO 13528:2022 shows bar plots of participants' scores among its graphical
    methods; its clause was not read here and is not cited. The limits are those
    of :func:`~sitrace.comparisons.classify_z` and
    :func:`~sitrace.comparisons.classify_en`.
    """
    if not isinstance(evaluation, ProficiencyEvaluation):
        raise InputError(
            f"evaluation must be a ProficiencyEvaluation, got {type(evaluation).__name__}"
        )
    if not isinstance(score, str) or score not in _SCORE_NAMES:
        raise InputError(
            f"score must be one of {', '.join(map(repr, _SCORE_NAMES))}, got {score!r}"
        )
    name = evaluation.performance_score if score == "performance" else score
    field, verdict_field, limits = _SCORES[name]
    rows = evaluation.scores
    values = [getattr(s, field) for s in rows]
    if all(v is None for v in values):
        need = {"zeta": "u(x_i)", "En": "U(x_i)"}.get(name, "a result")
        raise InputError(f"no participant has a {name} score (it needs {need})")
    verdicts = [getattr(s, verdict_field) for s in rows]
    positions = [i for i, v in enumerate(values) if v is not None]

    fig, ax = plt.subplots(figsize=(max(4.0, 0.45 * len(rows) + 2.0), 3.6))
    ax.bar(
        positions,
        [values[i] for i in positions],
        color=[_EVALUATION_COLOURS[verdicts[i]] for i in positions],
        edgecolor="black",
        linewidth=0.5,
    )
    ax.axhline(0.0, color="black", linewidth=0.8)
    styles = [("--", "#ff9f1c", "warning"), ("-", "#d62728", "action")]
    if len(limits) == 1:
        styles = [("-", "#d62728", "limit")]
    handles = []
    for limit, (style, colour, kind) in zip(limits, styles, strict=True):
        for sign in (1.0, -1.0):
            ax.axhline(sign * limit, color=colour, linestyle=style, linewidth=1.0)
        handles.append(Line2D([], [], color=colour, linestyle=style, label=f"{kind} (±{limit:g})"))
    present = [c for c in (SATISFACTORY, QUESTIONABLE, UNSATISFACTORY) if c in verdicts]
    handles += [Patch(color=_EVALUATION_COLOURS[c], label=c) for c in present]
    top = max([abs(values[i]) for i in positions] + [limits[-1]])
    ax.set_ylim(-1.15 * top, 1.15 * top)
    labels = [
        s.participant if v is not None else f"{s.participant} (n/a)"
        for s, v in zip(rows, values, strict=True)
    ]
    ax.set_xticks(range(len(rows)), labels, rotation=45, ha="right")
    ax.set_xlim(-0.6, len(rows) - 0.4)
    ax.set_ylabel(f"{name} score")
    ax.set_title(title or f"{name} scores")
    ax.legend(handles=handles, loc="best", fontsize="small")
    fig.tight_layout()
    save_figure(fig, path)
    return fig
