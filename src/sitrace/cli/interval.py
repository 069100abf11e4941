"""``sitrace interval``: recalibration intervals from an instrument's history.

- ``staircase --history FILE --initial DAYS``: ILAC-G24 / OIML D 10 Method 1
  (FILE: ``date,error,mpe``) -> ``{intervals}``.
- ``a3 --history FILE --initial DAYS --target R``: NCSLI RP-1 Method A3
  (FILE: ``date,in_tolerance``) -> ``{interval, rejection_confidence,
  reliability_low, reliability_high, observed_reliability}``.
- ``s2 --data FILE --target R``: NCSLI RP-1 Method S2 (FILE:
  ``interval_days,n,in_tolerance``) -> ``{model, parameters, interval, models}``.
- ``variables --data FILE --u0 U0 --value Y0 ...``: NASA-HDBK-8739.19-5 variables
  method (FILE: ``days,deviation``) -> ``{b, covariance, s, interval}``.
- ``in-use --calibrated DATE --usage FILE ...``: ILAC-G24 Method 3 (FILE:
  ``date,usage``) -> ``{due_date, reason, ...}``.

Numbers are plain floats (days, the instrument's unit). ``--json`` prints one JSON
object; otherwise a readable summary. Errors are printed in words (file, line,
field) with exit code 2. The calculations live in :mod:`sitrace.intervals`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ..errors import InputError, SitraceError

__all__ = ["interval_app"]

interval_app = typer.Typer(
    help=(
        "Recalibration intervals: ILAC-G24 staircase and in-use time, NCSLI RP-1 "
        "Methods A3 and S2, NASA-HDBK-8739.19-5 variables method (docs/intervals.md)."
    ),
    no_args_is_help=True,
)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


def _run(compute: Callable[[], Any], as_json: bool, render: Callable[[Any, Console], None]):
    try:
        result = compute()
    except SitraceError as exc:
        Console(stderr=True).print(
            f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False
        )
        raise typer.Exit(code=2) from None
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
    else:
        render(result, Console(width=100))


def _g(value: float | None) -> str:
    return "none" if value is None else f"{value:.6g}"


@interval_app.command("staircase", no_args_is_help=True)
def staircase_command(
    history: Annotated[Path, typer.Option("--history", help="CSV date,error,mpe.")],
    initial: Annotated[
        float, typer.Option("--initial", help="Interval in days before the first row.")
    ],
    extend_below: Annotated[
        float, typer.Option("--extend-below", help="Extend when |error|/MPE <= E.")
    ] = 0.5,
    extend_factor: Annotated[
        float, typer.Option("--extend-factor", help="Factor F (>= 1) applied to extend.")
    ] = 1.25,
    shorten_factor: Annotated[
        float, typer.Option("--shorten-factor", help="Factor S in (0, 1] when |error|/MPE > 1.")
    ] = 0.5,
    min_days: Annotated[float, typer.Option("--min", help="Shortest interval, days.")] = 1.0,
    max_days: Annotated[
        float | None, typer.Option("--max", help="Longest interval, days (default: none).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """ILAC-G24 / OIML D 10 Method 1 ("staircase"): the interval after each calibration.

    Rounded half up to whole days, then limited to [--min, --max].
    """
    from ..intervals import read_staircase, staircase

    def compute():
        return staircase(
            read_staircase(history),
            initial,
            extend_below=extend_below,
            extend_factor=extend_factor,
            shorten_factor=shorten_factor,
            min_interval=min_days,
            max_interval=max_days,
        )

    def render(result, out: Console) -> None:
        out.print(
            f"[bold]Staircase[/bold] ({history}): initial interval {_g(result.initial)} d",
            highlight=False,
        )
        for step in result.steps:
            c = step.calibration
            clamp = " (limited)" if step.clamped else ""
            out.print(
                f"  {c.date}  |error|/MPE = {step.ratio:.3g}  {step.action:<7} -> "
                f"{_g(step.interval)} d{clamp}",
                highlight=False,
            )
        out.print(f"Next interval: [bold]{_g(result.interval)} d[/bold]", highlight=False)

    _run(compute, as_json, render)


@interval_app.command("a3", no_args_is_help=True)
def a3_command(
    history: Annotated[Path, typer.Option("--history", help="CSV date,in_tolerance (1/0).")],
    initial: Annotated[float, typer.Option("--initial", help="Current interval, days.")],
    target: Annotated[float, typer.Option("--target", help="Reliability target in (0, 1).")],
    confidence: Annotated[
        float,
        typer.Option("--confidence", help="Confidence of the test and of the reliability range."),
    ] = 0.5,
    as_json: JsonFlag = False,
) -> None:
    """NCSLI RP-1 Method A3 (interval test) on the results at the current interval."""
    from ..intervals import interval_test_results, read_pass_fail

    def compute():
        return interval_test_results(
            read_pass_fail(history), initial, target=target, confidence=confidence
        )

    def render(r, out: Console) -> None:
        out.print(
            f"[bold]Method A3[/bold] ({history}): {r.in_tolerance} of {r.n} in tolerance "
            f"at {_g(r.current_interval)} d, target {r.target:g}",
            highlight=False,
        )
        out.print(
            f"Observed reliability {r.observed_reliability:.4f}, range "
            f"[{r.reliability_low:.4f}, {r.reliability_high:.4f}] at {r.confidence:g}",
            highlight=False,
        )
        out.print(r.note[0].upper() + r.note[1:], highlight=False)
        out.print(f"Interval: [bold]{_g(r.interval)} d[/bold]", highlight=False)

    _run(compute, as_json, render)


@interval_app.command("s2", no_args_is_help=True)
def s2_command(
    data: Annotated[Path, typer.Option("--data", help="CSV interval_days,n,in_tolerance.")],
    target: Annotated[float, typer.Option("--target", help="Reliability target in (0, 1).")],
    as_json: JsonFlag = False,
) -> None:
    """NCSLI RP-1 Method S2: reliability models by maximum likelihood, the best by likelihood."""
    from ..intervals import binomial_s2, read_grouped_results

    def compute():
        return binomial_s2(read_grouped_results(data), target=target)

    def render(r, out: Console) -> None:
        out.print(f"[bold]Method S2[/bold] ({data}), target {r.target:g}", highlight=False)
        for fit in r.models:
            params = ", ".join(f"{k} = {v:.6g}" for k, v in fit.parameters.items())
            mark = "*" if fit is r.best else " "
            out.print(
                f" {mark} {fit.name:<18} ln L = {fit.log_likelihood:10.4f}  "
                f"interval {_g(fit.interval):>10}  ({params})",
                highlight=False,
            )
            if fit.note:
                out.print(f"     {fit.note}", highlight=False)
        out.print(
            f"Best model {r.model}: interval [bold]{_g(r.interval)} d[/bold]", highlight=False
        )

    _run(compute, as_json, render)


@interval_app.command("variables", no_args_is_help=True)
def variables_command(
    data: Annotated[Path, typer.Option("--data", help="CSV days,deviation.")],
    u0: Annotated[float, typer.Option("--u0", help="Standard uncertainty of the value at t = 0.")],
    value: Annotated[float, typer.Option("--value", help="Value Y0 set at calibration.")],
    lower: Annotated[float | None, typer.Option("--lower", help="Lower tolerance limit.")] = None,
    upper: Annotated[float | None, typer.Option("--upper", help="Upper tolerance limit.")] = None,
    target_u: Annotated[
        float | None, typer.Option("--target-u", help="Uncertainty target (standard).")
    ] = None,
    target_reliability: Annotated[
        float | None, typer.Option("--target-reliability", help="Reliability target in (0, 1).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """NASA-HDBK-8739.19-5 variables method: quadratic drift without intercept, the interval."""
    from ..intervals import (
        fit_drift,
        read_drift,
        reliability_target_interval,
        uncertainty_target_interval,
    )

    def compute():
        if (target_u is None) == (target_reliability is None):
            raise InputError("give exactly one of --target-u and --target-reliability")
        fit = fit_drift(read_drift(data), degree=2)
        if target_u is not None:
            if lower is not None or upper is not None:
                raise InputError("--lower/--upper apply to --target-reliability only")
            return uncertainty_target_interval(fit, u0=u0, target_u=target_u)
        return reliability_target_interval(
            fit,
            u0=u0,
            value=value,
            lower=lower,
            upper=upper,
            target_reliability=target_reliability,
        )

    def render(r, out: Console) -> None:
        f = r.fit
        out.print(
            f"[bold]Variables method[/bold] ({data}), {r.method} {r.target:g}", highlight=False
        )
        out.print(
            f"Drift y(t) = {f.b[0]:.6g} t + {f.b[1]:.6g} t^2, s = {f.s:.4g} "
            f"({len(f.days)} observations)",
            highlight=False,
        )
        out.print(
            "Covariance of b: "
            + "; ".join(" ".join(f"{v:.4g}" for v in row) for row in f.covariance),
            highlight=False,
        )
        if r.note:
            out.print(r.note, highlight=False)
        out.print(f"Interval: [bold]{_g(r.interval)} d[/bold]", highlight=False)

    _run(compute, as_json, render)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"must be an ISO 8601 date (YYYY-MM-DD), got {text!r}", where="--calibrated"
        ) from None


@interval_app.command("in-use", no_args_is_help=True)
def in_use_command(
    calibrated: Annotated[str, typer.Option("--calibrated", help="Date of the last calibration.")],
    usage: Annotated[Path, typer.Option("--usage", help="CSV date,usage since then.")],
    usage_limit: Annotated[float, typer.Option("--usage-limit", help="Use at which it is due.")],
    calendar_limit: Annotated[
        int, typer.Option("--calendar-limit", help="Days after which it is due in any case.")
    ],
    project: Annotated[
        bool, typer.Option("--project", help="Project the usage limit at the mean use per day.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """ILAC-G24 / OIML D 10 Method 3: due by use or by the calendar, whichever comes first."""
    from ..intervals import in_use_due, read_usage

    def compute():
        return in_use_due(
            _date(calibrated),
            read_usage(usage),
            usage_limit=usage_limit,
            calendar_limit_days=calendar_limit,
            project=project,
        )

    def render(r, out: Console) -> None:
        out.print(
            f"[bold]In-use time[/bold] ({usage}): used {_g(r.used)} of {_g(r.usage_limit)}",
            highlight=False,
        )
        out.print(
            f"Calendar due {r.calendar_due}; due [bold]{r.due_date}[/bold] ({r.reason})",
            highlight=False,
        )

    _run(compute, as_json, render)
