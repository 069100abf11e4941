"""``sitrace compare RESULTS.csv``: a key comparison's reference value and degrees of equivalence.

RESULTS.csv has a header row with the columns ``lab``, ``value`` and
``uncertainty`` (standard uncertainty), and optionally ``dof`` and ``include``
(yes/no/true/false/1/0; default yes). The command reads the file, calls one
function of :mod:`sitrace.comparisons` and prints a table, or one JSON object
with ``--json``. ``--plot`` and ``--density`` write the degrees of equivalence and
the kernel density of the results (:mod:`sitrace.comparisons.plot`), ``--report``
one self-contained HTML page (:mod:`sitrace.comparisons.report`). Errors are
printed in words (file, line, column) with exit code 2.
"""

from __future__ import annotations

import csv
import enum
import json
import math
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..comparisons import (
    KeyComparisonResult,
    Participant,
    degrees_of_equivalence,
    dersimonian_laird,
    largest_consistent_subset,
    median_reference,
    procedure_a,
    proficiency,
)
from ..errors import InputError, SitraceError

__all__ = ["Method", "compare", "read_results"]

_REQUIRED = ("lab", "value", "uncertainty")
_OPTIONAL = ("dof", "include")
_REPORT_SUFFIXES = (".html", ".htm")
_YES = {"yes", "y", "true", "t", "1"}
_NO = {"no", "n", "false", "f", "0"}


class Method(enum.StrEnum):
    procedure_a = "procedure-a"
    lcs = "lcs"
    median = "median"
    dl = "dl"
    algorithm_a = "algorithm-a"


def _number(text: str, *, where: str, column: str) -> float:
    """A number as metrologists write it: ``1e-6``, ``-0.25``, ``1 234.5``, ``−3`` (U+2212)."""
    cleaned = text.strip().replace("\u2212", "-").replace("\u2009", "").replace(" ", "")
    try:
        return float(cleaned)
    except ValueError:
        raise InputError(f"column '{column}' must be a number, got {text!r}", where=where) from None


def read_results(path: Path) -> tuple[Participant, ...]:
    """Read RESULTS.csv into participants; every error names file, line and column."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", where=str(path)) from None
    reader = csv.DictReader(text.splitlines())
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"header must name the columns {', '.join(_REQUIRED)} "
            f"(optional: {', '.join(_OPTIONAL)}), missing {', '.join(missing)}",
            where=f"{path} line 1",
        )
    reader.fieldnames = header
    out = []
    for row in reader:
        where = f"{path} line {reader.line_num}"
        if None in row:
            raise InputError(f"row has more fields than the header ({len(header)})", where=where)
        if all((v or "").strip() == "" for v in row.values()):
            continue
        for column in _REQUIRED:
            if (row.get(column) or "").strip() == "":
                raise InputError(f"column '{column}' is empty", where=where)
        value = _number(row["value"], where=where, column="value")
        u = _number(row["uncertainty"], where=where, column="uncertainty")
        dof_text = (row.get("dof") or "").strip()
        dof = math.inf if dof_text in ("", "inf") else _number(dof_text, where=where, column="dof")
        flag = (row.get("include") or "").strip().lower()
        if flag == "" or flag in _YES:
            include = True
        elif flag in _NO:
            include = False
        else:
            raise InputError(
                f"column 'include' must be yes/no/true/false/1/0, got {row['include']!r}",
                where=where,
            )
        try:
            out.append(Participant(row["lab"].strip(), value, u, dof, include))
        except SitraceError as exc:
            raise exc.located(where) from None
    return tuple(out)


def _evaluate(results: tuple[Participant, ...], method: Method, alpha: float):
    if method is Method.procedure_a:
        return procedure_a(results, alpha=alpha)
    if method is Method.lcs:
        return largest_consistent_subset(results, alpha=alpha)
    if method is Method.median:
        return median_reference(results)
    if method is Method.dl:
        return dersimonian_laird(results)
    # ISO 13528:2022, 7.7 and C.3.1: robust consensus x* with u = 1.25 s*/sqrt(p).
    assigned = proficiency.consensus_value(
        [p.value for p in results if p.include], where="algorithm-a"
    )
    return degrees_of_equivalence(
        results, assigned.value, assigned.standard_uncertainty, method="algorithm-a"
    )


def _check_report_path(path: Path) -> None:
    if path.suffix.lower() not in _REPORT_SUFFIXES:
        raise InputError(
            f"report file must end in {', '.join(_REPORT_SUFFIXES)}, "
            f"got {path.suffix or 'no suffix'}",
            where=str(path),
        )


def _write_report(
    path: Path, results: tuple[Participant, ...], result: KeyComparisonResult, source: Path
) -> None:
    """Write the HTML report of ``result``.

    Every method, algorithm-a included, gives a :class:`KeyComparisonResult` here (the
    robust mean is the reference value; no sigma_pt is given, so there are no
    proficiency scores), so every report is a key-comparison report.
    """
    from ..comparisons.report import key_comparison_html

    page = key_comparison_html(results, result, title=f"Key comparison: {source.name}")
    try:
        path.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot write the report: {exc.strerror or exc}", where=str(path)
        ) from None


def _g(value: float) -> str:
    return f"{value:.6g}"


def _render(result: KeyComparisonResult, source: Path) -> None:
    out = Console() if sys.stdout.isatty() else Console(width=120)
    out.print(f"[bold]Key comparison[/bold]  ({source}), method {result.method}")
    out.print(
        f"Reference value {_g(result.reference_value)}, "
        f"standard uncertainty {_g(result.reference_uncertainty)}",
        highlight=False,
    )
    if result.chi2_observed is not None:
        verdict = "consistent" if result.consistent else "[red]not consistent[/red]"
        out.print(
            f"chi2_obs {_g(result.chi2_observed)} (critical {_g(result.chi2_critical)}, "
            f"dof {result.dof}, p = {result.p_value:.3g}), Birge ratio "
            f"{_g(result.birge_ratio)}: {verdict}",
            highlight=False,
        )
    if result.tau is not None:
        out.print(f"Between-lab standard deviation tau {_g(result.tau)}", highlight=False)
    if result.excluded:
        out.print(f"Excluded from the reference value: {', '.join(result.excluded)}")
    table = Table(title="Degrees of equivalence (U = 2u)")
    for name in ("lab", "d", "u(d)", "U(d)", "En", "in ref."):
        table.add_column(name, justify="left" if name == "lab" else "right")
    for d in result.degrees_of_equivalence:
        en = f"{d.En:.2f}"
        table.add_row(
            d.lab,
            _g(d.d),
            _g(d.u),
            _g(d.U),
            f"[red]{en}[/red]" if abs(d.En) > 1 else en,
            "yes" if d.included else "no",
        )
    out.print(table)


def compare(
    results_file: Annotated[
        Path,
        typer.Argument(
            metavar="RESULTS_CSV",
            help="Columns lab,value,uncertainty (standard) and optionally dof,include.",
            show_default=False,
        ),
    ],
    method: Annotated[
        Method,
        typer.Option(
            "--method",
            help=(
                "procedure-a (weighted mean, Cox 2002), lcs (largest consistent subset, "
                "Cox 2007), median, dl (DerSimonian-Laird), algorithm-a (ISO 13528)."
            ),
        ),
    ] = Method.procedure_a,
    alpha: Annotated[
        float,
        typer.Option(
            "--alpha", help="Significance level of the chi-squared test.", min=0.0, max=1.0
        ),
    ] = 0.05,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Write the degrees of equivalence (.png, .svg, .pdf)."),
    ] = None,
    density: Annotated[
        Path | None,
        typer.Option(
            "--density", help="Write the kernel density of the results (.png, .svg, .pdf)."
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report", help="Write a self-contained HTML report: tables and plots (.html)."
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of a table.")
    ] = False,
) -> None:
    """Evaluate a key comparison: reference value, consistency check, degrees of equivalence.

    Example:
    [bold]sitrace compare examples/comparisons/pcb28.csv --method dl --plot doe.png[/bold]
    [bold]sitrace compare examples/comparisons/pcb28.csv --report pcb28.html[/bold]
    """
    err = Console(stderr=True)
    try:
        if report is not None:
            _check_report_path(report)
        results = read_results(results_file)
        result = _evaluate(results, method, alpha)
        if plot is not None or density is not None:
            import matplotlib.pyplot as plt

            from ..comparisons.plot import plot_degrees_of_equivalence, plot_kernel_density

            if plot is not None:
                plt.close(plot_degrees_of_equivalence(result, plot))
            if density is not None:
                plt.close(plot_kernel_density(results, result, density))
        if report is not None:
            _write_report(report, results, result, results_file)
    except SitraceError as exc:
        err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    _render(result, results_file)
    written = Console()
    if plot is not None:
        written.print(f"Plot written to {plot}")
    if density is not None:
        written.print(f"Kernel density written to {density}")
    if report is not None:
        written.print(f"Report written to {report}")
