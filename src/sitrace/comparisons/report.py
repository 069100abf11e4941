"""Reports of comparisons: one self-contained HTML page per evaluation.

Calculation never imports this module; the CLI and notebooks do. A page holds
its CSS inline and its plots as inline SVG, with no script and no reference to
any other file or address, so it can be mailed or archived as it is. Every text
taken from the data (lab names, titles, units) is escaped.

Numbers are shown as people read them in a comparison report: the values and
uncertainties a laboratory reported as given (up to 12 significant digits);
computed uncertainties to two significant digits and the estimate they belong to
at the same decimal place (JCGM 100:2008, 7.2.6); En, z, z' and zeta to two
decimals; chi-squared, Birge ratio and p-value to three or four significant digits.

Contents
--------
key_comparison_html
    A key comparison: reference value, consistency check or tau, excluded labs,
    the table of degrees of equivalence, and the plots of degrees of
    equivalence, ranked results and kernel density.
proficiency_html
    A proficiency-test round (ISO 13528:2022): assigned value, u(x_pt),
    sigma_pt, the performance score, counts per evaluation, every participant's
    scores, and bar charts of the scores.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError
from .keycomparison import COVERAGE_FACTOR, KeyComparisonResult, Participant
from .proficiency import QUESTIONABLE, SATISFACTORY, UNSATISFACTORY, ProficiencyEvaluation

__all__ = ["key_comparison_html", "proficiency_html"]

_TEMPLATES = Path(__file__).parent / "templates"
_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SVG_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_METHODS = {
    "procedure-a": "weighted mean with the chi-squared test (Cox 2002, procedure A)",
    "lcs": "largest consistent subset (Cox 2007)",
    "median": "median of the included results",
    "dl": "DerSimonian-Laird random effects",
    "algorithm-a": "robust mean by ISO 13528 Algorithm A",
}


# --------------------------------------------------------------------------- numbers


def _unsigned_zero(text: str) -> str:
    """``-0.00`` (a tiny negative number rounded) reads as ``0.00``."""
    if text.startswith("-") and not any(c in "123456789" for c in text.split("e")[0]):
        return text[1:]
    return text


def _reported(value: float) -> str:
    """A value as a laboratory reported it: ``34.3``, ``1e-08``, at most 12 digits."""
    return f"{value:.12g}"


def _decimals(u: float) -> int:
    """Decimal places that show ``u`` to two significant digits."""
    return 1 - math.floor(math.log10(u))


def _measured(x: float, u: float) -> tuple[str, str]:
    """``x`` and ``u`` as text: ``u`` to two significant digits, ``x`` to the same place.

    Fixed point when that needs at most 8 decimals and x < 1e9; otherwise both in
    scientific notation with the same last place.
    """
    if not math.isfinite(u) or u <= 0:
        return f"{x:.6g}", f"{u:.2g}"
    # round u first: 0.0999 is 0.10, which moves the second digit one place left
    u = float(f"{u:.2g}")
    places = _decimals(u)
    if places <= 8 and abs(x) < 1e9 and u < 1e9:
        places = max(places, 0)
        return _unsigned_zero(f"{x:.{places}f}"), f"{u:.{places}f}"
    exponent = math.floor(math.log10(abs(x))) if x != 0 else math.floor(math.log10(u))
    mantissa = max(exponent + places, 1)
    return _unsigned_zero(f"{x:.{mantissa}e}"), f"{u:.1e}"


def _sig(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:#.{digits}g}".rstrip(".")


def _fixed(value: float | None, places: int = 2) -> str:
    if value is None:
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return _unsigned_zero(f"{value:.{places}f}")


# --------------------------------------------------------------------------- plots


def _svg(draw: Callable[[], Any], salt: str) -> str:
    """Inline SVG of the figure ``draw()`` makes: glyphs as paths, no date, no comments."""
    import matplotlib
    import matplotlib.pyplot as plt

    with matplotlib.rc_context(
        {"svg.hashsalt": f"sitrace-{salt}", "svg.fonttype": "path", "font.family": "DejaVu Sans"}
    ):
        fig = draw()
        try:
            buffer = io.StringIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    text = _SVG_PROLOG.sub("", buffer.getvalue(), count=1)
    return _SVG_COMMENT.sub("", text).strip()


# --------------------------------------------------------------------------- template


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # lab names, titles and units are escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _markup(svg: str):
    import markupsafe

    return markupsafe.Markup(svg)  # made by matplotlib here, not from the data


def _text(value: str | None, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise InputError(f"{name} must be a string or None, got {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True)
class _Row:
    lab: str
    cells: tuple[str, ...]
    flag: bool
    included: bool


# --------------------------------------------------------------------------- key comparison


def key_comparison_html(
    results: Iterable[Participant],
    result: KeyComparisonResult,
    *,
    title: str | None = None,
    unit: str | None = None,
) -> str:
    """A key comparison as one self-contained HTML page.

    The page shows the method, the reference value y with its standard
    uncertainty u(y) and U = k u(y); the chi-squared check (observed and critical
    values, degrees of freedom, p-value, Birge ratio, consistent or not) of a
    weighted mean, or the between-laboratory standard deviation tau of a random
    effects model; the labs excluded from y; a table of every lab's x_i, u_i,
    d_i, u(d_i), U(d_i), En and whether it entered y (|En| > 1 flagged); and the
    plots of :mod:`sitrace.comparisons.plot` (degrees of equivalence, ranked
    results, kernel density) as inline SVG.

    Parameters
    ----------
    results : sequence of Participant
        The laboratories' results, one for each degree of equivalence of ``result``.
    result : KeyComparisonResult
        Their evaluation.
    title : str, optional, keyword-only
        Page heading (default "Key comparison").
    unit : str, optional, keyword-only
        Unit of the values, shown in the column headings.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    InputError
        ``result`` is not a KeyComparisonResult, or a lab of ``result`` has no
        result in ``results`` (or the other way round).

    Examples
    --------
    >>> from sitrace.comparisons import participants, procedure_a
    >>> r = participants(["A", "B"], [1.0, 1.2], [0.1, 0.1])
    >>> page = key_comparison_html(r, procedure_a(r), unit="mg/kg")
    >>> "1.100" in page and "0.071" in page
    True
    """
    from .plot import plot_degrees_of_equivalence, plot_kernel_density, plot_results

    if not isinstance(result, KeyComparisonResult):
        raise InputError(f"result must be a KeyComparisonResult, got {type(result).__name__}")
    title, unit = _text(title, "title"), _text(unit, "unit")
    people = _people(results, result)
    by_lab = {p.lab: p for p in people}

    y, u_y = result.reference_value, result.reference_uncertainty
    y_text, u_text = _measured(y, u_y)
    summary: list[tuple[str, str]] = [
        ("Method", _METHODS.get(result.method, result.method)),
        ("Reference value y", y_text),
        ("Standard uncertainty u(y)", u_text),
        (
            f"Expanded uncertainty U(y), k = {COVERAGE_FACTOR:g}",
            _measured(y, COVERAGE_FACTOR * u_y)[1],
        ),
        ("Participants", f"{len(people)} ({len(people) - len(result.excluded)} in y)"),
    ]
    if result.chi2_observed is not None:
        summary += [
            ("χ² observed", _sig(result.chi2_observed, 4)),
            (f"χ² critical (ν = {result.dof})", _sig(result.chi2_critical, 4)),
            ("p-value", _sig(result.p_value, 3)),
            ("Birge ratio", _sig(result.birge_ratio, 3)),
            ("Consistent", "yes" if result.consistent else "no"),
        ]
    if result.tau is not None:
        summary.append(("Between-laboratory standard deviation τ", _sig(result.tau, 2)))
    summary.append(("Excluded from y", ", ".join(result.excluded) if result.excluded else "none"))

    rows = []
    for d in result.degrees_of_equivalence:
        p = by_lab[d.lab]
        d_text, U_text = _measured(d.d, d.U)
        rows.append(
            _Row(
                lab=d.lab,
                cells=(
                    _reported(p.value),
                    _reported(p.u),
                    d_text,
                    _measured(d.d, d.u)[1],
                    U_text,
                    _fixed(d.En),
                ),
                flag=abs(d.En) > 1.0,
                included=d.included,
            )
        )
    plots = [
        ("Degrees of equivalence", _svg(lambda: plot_degrees_of_equivalence(result), "doe")),
        ("Results ranked", _svg(lambda: plot_results(people, result), "ranked")),
        ("Kernel density", _svg(lambda: plot_kernel_density(people, result), "density")),
    ]
    template = _environment().get_template("key_comparison.html")
    return template.render(
        title=title or "Key comparison",
        unit=unit,
        k=f"{COVERAGE_FACTOR:g}",
        summary=summary,
        rows=rows,
        plots=[(name, _markup(svg)) for name, svg in plots],
    )


def _people(results: Iterable[Participant], result: KeyComparisonResult) -> tuple[Participant, ...]:
    if isinstance(results, Participant | str | bytes):
        raise InputError(f"results must be a sequence of Participant, got {type(results).__name__}")
    people = tuple(results)
    for i, item in enumerate(people):
        if not isinstance(item, Participant):
            raise InputError(f"result {i + 1} must be a Participant, got {type(item).__name__}")
    given = [p.lab for p in people]
    evaluated = [d.lab for d in result.degrees_of_equivalence]
    missing = [lab for lab in evaluated if lab not in given]
    extra = [lab for lab in given if lab not in evaluated]
    if missing or extra or len(set(given)) != len(given):
        raise InputError(
            "results must hold one Participant per degree of equivalence of result, "
            f"got no result for {missing} and results for labs not evaluated {extra}"
            if missing or extra
            else f"results must hold each lab once, got {given}"
        )
    return people


# --------------------------------------------------------------------------- proficiency


_SCORE_COLUMNS = (
    ("z", "z", "z_evaluation"),
    ("z'", "z_prime", "z_prime_evaluation"),
    ("zeta", "zeta", "zeta_evaluation"),
    ("En", "en", "en_evaluation"),
)


def proficiency_html(
    evaluation: ProficiencyEvaluation, *, title: str | None = None, unit: str | None = None
) -> str:
    """A proficiency-test round as one self-contained HTML page.

    The page shows the assigned value x_pt, its standard uncertainty u(x_pt) and
    how it was obtained (with x*, s* and the iterations of Algorithm A for a
    consensus value), sigma_pt, whether u(x_pt) is negligible and so which score
    judges performance (z or z'); the number of participants in each evaluation
    for every score; a table of each participant's x_i, D, z, z', zeta and En,
    every score coloured by its evaluation; and bar charts of the performance
    score and, where participants reported uncertainties, of zeta and En
    (:func:`sitrace.comparisons.plot.plot_scores`), as inline SVG.

    Parameters
    ----------
    evaluation : ProficiencyEvaluation
    title : str, optional, keyword-only
        Page heading (default "Proficiency test").
    unit : str, optional, keyword-only
        Unit of the results, shown in the headings.

    Returns
    -------
    str
        The HTML document.

    References
    ----------
    ISO 13528:2022: the scores and evaluations are those of
    :func:`sitrace.comparisons.evaluate_participants`.
    """
    from .plot import plot_scores

    if not isinstance(evaluation, ProficiencyEvaluation):
        raise InputError(
            f"evaluation must be a ProficiencyEvaluation, got {type(evaluation).__name__}"
        )
    title, unit = _text(title, "title"), _text(unit, "unit")
    assigned = evaluation.assigned
    x_pt, u_pt = assigned.value, assigned.standard_uncertainty
    x_text, u_text = _measured(x_pt, u_pt)
    sigma = evaluation.sigma_pt
    summary = [
        ("Assigned value x_pt", x_text),
        ("Standard uncertainty u(x_pt)", u_text),
        ("Obtained by", assigned.method),
    ]
    if assigned.robust is not None:
        robust = assigned.robust
        mean, sd = _measured(robust.mean, robust.standard_deviation)
        summary += [
            ("Robust mean x*", mean),
            ("Robust standard deviation s*", sd),
            ("Values p, iterations", f"{robust.p}, {robust.iterations}"),
        ]
    summary += [
        ("σ_pt", _measured(x_pt, sigma)[1]),
        (
            "u(x_pt) ≤ 0.3 σ_pt",
            "yes (negligible)" if evaluation.uncertainty_negligible else "no",
        ),
        ("Performance judged by", evaluation.performance_score),
        ("Coverage factor k of U(x_pt) in En", f"{evaluation.coverage_factor:g}"),
    ]
    classes = (SATISFACTORY, QUESTIONABLE, UNSATISFACTORY)
    counts = evaluation.summary()
    tally = [
        (name, [counts[name].get(c) for c in classes], sum(counts[name].values()))
        for name, _, _ in _SCORE_COLUMNS
    ]
    # the deviation D shows at the place of x_pt's uncertainty, or of sigma_pt
    scale = u_pt if u_pt > 0 else sigma
    rows = []
    for s in evaluation.scores:
        cells = [(_reported(s.value), ""), (_measured(s.deviation, scale)[0], "")]
        for _, field, verdict in _SCORE_COLUMNS:
            cells.append((_fixed(getattr(s, field)), getattr(s, verdict) or ""))
        rows.append((s.participant, cells, evaluation.evaluation(s.participant)))

    plots = [
        (
            f"{evaluation.performance_score} scores (performance)",
            _svg(lambda: plot_scores(evaluation), "performance"),
        )
    ]
    for name, field, _ in _SCORE_COLUMNS[2:]:
        if any(getattr(s, field) is not None for s in evaluation.scores):
            plots.append(
                (f"{name} scores", _svg(lambda n=name: plot_scores(evaluation, score=n), name))
            )
    template = _environment().get_template("proficiency.html")
    return template.render(
        title=title or "Proficiency test",
        unit=unit,
        summary=summary,
        classes=classes,
        tally=tally,
        score_names=[name for name, _, _ in _SCORE_COLUMNS],
        rows=rows,
        plots=[(name, _markup(svg)) for name, svg in plots],
    )
