"""``sitrace comparison``: comparisons stored in the data centre, from a terminal.

The pilot registers a comparison, enters the participants' results from the
same CSV ``sitrace compare`` reads (``lab`` is the laboratory's organisation
code), evaluates it, and writes its HTML report; anyone with a token lists,
shows and reads the CMC flags they may see. Every write goes through the
services, so it is logged in the ledger like a write through the API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ..errors import InputError, SitraceError
from .compare import read_results
from .transfer import AdminOption, DatabaseOption, TokenOption, _actor, _open

__all__ = ["comparison_app"]

comparison_app = typer.Typer(
    help="Comparisons in the data centre: register, enter results, evaluate, report, CMC flags.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
err = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _fail(error: SitraceError) -> typer.Exit:
    err.print(f"[bold red]error:[/bold red] {error}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _session(database, token, as_admin):
    dc = _open(database)
    return dc, _actor(dc, token, as_admin)


def _organisation_ids(dc, codes: list[str]) -> dict[str, int]:
    from ..store import models as m

    with dc.reading() as session:
        found = dict(
            session.execute(
                select(m.Organisation.code, m.Organisation.id).where(m.Organisation.code.in_(codes))
            ).all()
        )
    missing = sorted(set(codes) - set(found))
    if missing:
        raise InputError(f"no organisation with code {', '.join(missing)}", where="lab")
    return found


def _g(value, digits: int = 12) -> str:
    """A value as given (up to 12 significant digits); uncertainties and scores with fewer."""
    if value is None:
        return ""
    return f"{value:.{digits}g}" if isinstance(value, float) else str(value)


@comparison_app.command("create", no_args_is_help=True)
def create(
    code: Annotated[str, typer.Option(help="Identifier, e.g. CCM.M-K1 or PT-2026-P1.")],
    title: Annotated[str, typer.Option(help="What is compared.")],
    quantity: Annotated[str, typer.Option(help="The measurand's quantity, as in CMC scopes.")],
    unit: Annotated[str, typer.Option(help="D-SI unit of the results, e.g. '\\kilogram'.")],
    method: Annotated[
        str,
        typer.Option(
            help="procedure-a, lcs, median, dl; for PT: algorithm-a, reference, formulation."
        ),
    ],
    kind: Annotated[str, typer.Option(help="key, supplementary or proficiency.")] = "key",
    nominal: Annotated[
        float | None, typer.Option(help="Nominal value: matches the labs' CMC lines.")
    ] = None,
    assigned_value: Annotated[float | None, typer.Option(help="PT: x_pt.")] = None,
    assigned_uncertainty: Annotated[float | None, typer.Option(help="PT: u(x_pt).")] = None,
    sigma_pt: Annotated[float | None, typer.Option(help="PT: sigma_pt.")] = None,
    pilot: Annotated[
        str | None, typer.Option(help="Pilot's organisation code (with --as-admin).")
    ] = None,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """Register a comparison piloted by your laboratory."""
    from ..services.comparisons import create_comparison
    from ..services.schemas import ComparisonCreate, input_error

    try:
        dc, actor = _session(database, token, as_admin)
        pilot_id = _organisation_ids(dc, [pilot])[pilot] if pilot else None
        try:
            data = ComparisonCreate(
                code=code, title=title, kind=kind, quantity=quantity, unit=unit,
                nominal=nominal, method=method, assigned_value=assigned_value,
                assigned_uncertainty=assigned_uncertainty, sigma_pt=sigma_pt, pilot=pilot_id,
            )  # fmt: skip
        except ValidationError as error:
            raise input_error(error, where="options") from None
        written = create_comparison(dc, actor, data)
    except SitraceError as error:
        raise _fail(error) from None
    out.print(f"registered comparison {written.record['id']}: {code} (ledger entry logged)")


@comparison_app.command("submit", no_args_is_help=True)
def submit(
    comparison: Annotated[int, typer.Argument(help="The comparison's id.")],
    results: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, help="CSV: lab (organisation code), value, uncertainty."
        ),
    ],
    unit: Annotated[str, typer.Option(help="D-SI unit of the CSV's values and uncertainties.")],
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """Enter results from a CSV (the columns of sitrace compare; lab is the
    organisation code). Each row is one submission, logged; a refused row stops the
    command and the rows before it stay submitted, as the message says."""
    from ..services.comparisons import submit_result
    from ..services.schemas import ComparisonResultCreate, input_error

    done = 0
    try:
        rows = read_results(results)
        dc, actor = _session(database, token, as_admin)
        ids = _organisation_ids(dc, [row.lab for row in rows])
        for row in rows:
            try:
                data = ComparisonResultCreate(
                    value=row.value,
                    uncertainty=row.u,
                    unit=unit,
                    dof=None if row.dof == float("inf") else row.dof,
                    include=row.include,
                    laboratory=ids[row.lab],
                )
                submit_result(dc, actor, comparison, data)
            except ValidationError as error:
                raise input_error(error, where=f"{results}, lab {row.lab!r}") from None
            except SitraceError as error:
                raise error.located(f"{results}, lab {row.lab!r}") from None
            done += 1
    except SitraceError as error:
        if done:
            err.print(f"{done} result(s) before this one were submitted")
        raise _fail(error) from None
    out.print(f"submitted {done} result(s) to comparison {comparison}")


@comparison_app.command("evaluate", no_args_is_help=True)
def evaluate(
    comparison: Annotated[int, typer.Argument(help="The comparison's id.")],
    method: Annotated[
        str | None, typer.Option(help="Evaluate by another method than registered.")
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(help="Organisation code to leave out of the reference value (repeat)."),
    ] = None,
    as_json: JsonOption = False,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """Evaluate a comparison you pilot: outcome, scores, CMC checks, all logged."""
    from ..services.comparisons import evaluate_comparison
    from ..services.schemas import ComparisonEvaluate, input_error

    try:
        dc, actor = _session(database, token, as_admin)
        excluded = list(_organisation_ids(dc, exclude).values()) if exclude else []
        data = ComparisonEvaluate(method=method, exclude=excluded)
        written = evaluate_comparison(dc, actor, comparison, data)
    except ValidationError as error:
        raise _fail(input_error(error, where="options")) from None
    except SitraceError as error:
        raise _fail(error) from None
    _show(written.record, as_json)


def _show(detail: dict, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(detail))
        return
    outcome = detail.get("outcome") or {}
    out.print(
        f"[bold]{detail['code']}[/bold] {detail['title']} ({detail['kind']}, {detail['status']}, "
        f"method {detail['method']}, unit {detail['unit']})"
    )
    if "reference_value" in outcome:
        out.print(
            f"reference value {_g(outcome['reference_value'])}, "
            f"u = {_g(outcome['reference_uncertainty'], 3)}"
        )
    if "assigned" in outcome:
        assigned = outcome["assigned"]
        out.print(
            f"assigned value {_g(assigned['value'])}, "
            f"u = {_g(assigned['standard_uncertainty'], 3)}, "
            f"sigma_pt = {_g(outcome['sigma_pt'], 3)}, "
            f"performance score {outcome['performance_score']}"
        )
    for warning in outcome.get("warnings", []):
        out.print(f"[yellow]warning:[/yellow] {warning}")
    table = Table()
    for column in ("lab", "value", "u", "evaluation", "score", "CMC"):
        table.add_column(column)
    name = {"z": "z", "z'": "z_prime"}.get(outcome.get("performance_score"), "En")
    for result in detail.get("results", []):
        scores = result.get("scores") or {}
        score = f"{outcome.get('performance_score', 'En')} = {scores[name]:.3g}" if scores else ""
        cmc = result.get("cmc") or {}
        verdict = {True: "supported", False: "FLAGGED", None: ""}[cmc.get("supported")]
        table.add_row(
            result["code"], _g(result["value"]), _g(result["uncertainty"], 3),
            result.get("evaluation") or "", score, verdict,
        )  # fmt: skip
    out.print(table)


@comparison_app.command("show", no_args_is_help=True)
def show(
    comparison: Annotated[int, typer.Argument(help="The comparison's id.")],
    as_json: JsonOption = False,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """A comparison with the results you may read."""
    from ..services.comparisons import comparison_detail, get_comparison

    try:
        dc, actor = _session(database, token, as_admin)
        with dc.reading() as session:
            detail = comparison_detail(session, actor, get_comparison(session, actor, comparison))
    except SitraceError as error:
        raise _fail(error) from None
    _show(detail, as_json)


@comparison_app.command("list")
def list_command(
    as_json: JsonOption = False,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """The comparisons you may see."""
    from ..services import records
    from ..services.comparisons import comparisons_query

    try:
        dc, actor = _session(database, token, as_admin)
        with dc.reading() as session:
            rows = [
                records.comparison(r) for r in session.execute(comparisons_query(actor)).scalars()
            ]
    except SitraceError as error:
        raise _fail(error) from None
    if as_json:
        out.print_json(json.dumps(rows))
        return
    table = Table()
    for column in ("id", "code", "kind", "status", "method", "title"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["id"]), row["code"], row["kind"], row["status"], row["method"], row["title"]
        )
    out.print(table)


@comparison_app.command("report", no_args_is_help=True)
def report(
    comparison: Annotated[int, typer.Argument(help="The comparison's id.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")],
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """Write an evaluated comparison's HTML report (tables and plots)."""
    from ..services.comparisons import comparison_report_html

    try:
        dc, actor = _session(database, token, as_admin)
        with dc.reading() as session:
            page = comparison_report_html(session, actor, comparison)
    except SitraceError as error:
        raise _fail(error) from None
    output.write_text(page, encoding="utf-8")
    out.print(f"report -> {output}")


@comparison_app.command("flags")
def flags(
    lab: Annotated[str | None, typer.Option(help="Only this organisation code.")] = None,
    as_json: JsonOption = False,
    token: TokenOption = None,
    as_admin: AdminOption = False,
    database: DatabaseOption = None,
) -> None:
    """Results that do not support the laboratory's CMC, newest first, with the reasons."""
    from ..services import records
    from ..services.comparisons import cmc_flags_query

    try:
        dc, actor = _session(database, token, as_admin)
        laboratory = _organisation_ids(dc, [lab])[lab] if lab else None
        with dc.reading() as session:
            found = session.execute(cmc_flags_query(actor, laboratory=laboratory)).scalars()
            rows = [
                {**records.comparison_result(r), "code": r.laboratory.code,
                 "comparison_code": r.comparison.code}
                for r in found
            ]  # fmt: skip
    except SitraceError as error:
        raise _fail(error) from None
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        out.print("no CMC flags")
    for row in rows:
        reasons = "; ".join(row["cmc"]["reasons"])
        out.print(
            f"[bold]{row['code']}[/bold] in {row['comparison_code']} (comparison "
            f"{row['comparison']}), CMC scope line {row['cmc']['accreditation']}: {reasons}"
        )
