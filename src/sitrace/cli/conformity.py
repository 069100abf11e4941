"""``sitrace conformity ...``: statements of conformity and their risks (JCGM 106, ILAC-G8).

Commands (each prints a short text report, or one JSON object with ``--json``):

- ``specific``: conformance probability of one measured value (normal or t PDF),
  C_m, and the acceptance interval for a required p_c;
- ``decide``: a decision rule's statement (simple, guarded, ILAC-G8 non-binary);
- ``global``: consumer's and producer's risks of a process, for an acceptance
  interval or the guard band meeting a target risk;
- ``tur``: PFA and PFR from a TUR and an in-tolerance probability.

Errors are printed in words (which option, what was wrong) with exit code 2.
"""

from __future__ import annotations

import enum
import json
import math
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from ..conformity import (
    decide,
    global_risk,
    guard_band_for_target,
    parse_prior,
    pfa_pfr,
    specific_risk,
)
from ..conformity.specific import acceptance_interval
from ..errors import InputError, SitraceError

__all__ = ["conformity_app"]

conformity_app = typer.Typer(
    name="conformity",
    help="Conformity decisions with measurement uncertainty (JCGM 106:2012, ILAC-G8:09/2019).",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


class Dist(enum.StrEnum):
    normal = "normal"
    t = "t"


class Rule(enum.StrEnum):
    simple = "simple"
    guarded = "guarded"
    nonbinary = "nonbinary"


_LOWER = typer.Option("--lower", help="Lower tolerance limit T_L.")
_UPPER = typer.Option("--upper", help="Upper tolerance limit T_U.")
_JSON = typer.Option("--json", help="Print one JSON object.")


def _fail(exc: SitraceError) -> None:
    Console(stderr=True).print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
    raise typer.Exit(code=2)


def _emit(data: dict[str, Any], as_json: bool, lines: list[str]) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    out = Console() if sys.stdout.isatty() else Console(width=120)
    for line in lines:
        out.print(line, highlight=False)


def _g(x: float | None) -> str:
    return "none" if x is None else f"{x:.6g}"


@conformity_app.command("specific")
def specific(
    value: Annotated[float, typer.Option("--value", help="Measured value y.")],
    u: Annotated[float, typer.Option("--u", help="Standard uncertainty (scale of the t PDF).")],
    lower: Annotated[float | None, _LOWER] = None,
    upper: Annotated[float | None, _UPPER] = None,
    dist: Annotated[Dist, typer.Option("--dist", help="PDF of the measurand.")] = Dist.normal,
    dof: Annotated[
        float | None, typer.Option("--dof", help="Degrees of freedom (--dist t).")
    ] = None,
    require_pc: Annotated[
        float | None,
        typer.Option(
            "--require-pc",
            help="Required conformance probability: decide, and give the acceptance interval.",
        ),
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Conformance probability of one measured value (JCGM 106:2012, 7-8).

    Example:
    [bold]sitrace conformity specific --value 9.7 --u 0.15 --lower 9.5 --upper 10.5[/bold]
    [bold]    --require-pc 0.95[/bold]
    """
    try:
        if dist is Dist.t and dof is None:
            raise InputError("--dist t needs --dof")
        if dist is Dist.normal and dof is not None:
            raise InputError("--dof is for --dist t")
        r = specific_risk(value, u, lower=lower, upper=upper, dof=dof)
        interval = None
        note = None
        decision = None
        if require_pc is not None:
            a = acceptance_interval(u, lower=lower, upper=upper, p_c=require_pc, dof=dof)
            interval = a.to_list()
            note = a.note
            decision = "pass" if r.p_c >= require_pc else "fail"
        else:
            note = "give --require-pc for an acceptance interval and a decision"
    except SitraceError as exc:
        _fail(exc)
    data: dict[str, Any] = {
        "p_c": r.p_c,
        "p_below": r.p_below,
        "p_above": r.p_above,
        "specific_risk": r.specific_risk,
        "C_m": r.C_m,
        "acceptance_interval": interval,
    }
    if decision is not None:
        data["decision"] = decision
    data["note"] = note
    lines = [
        f"[bold]Specific risk[/bold] ({r.distribution} PDF, y = {value:g}, u = {u:g}, "
        f"tolerance [{_g(lower)}, {_g(upper)}])",
        f"p_c = {r.p_c:.6g}   below T_L {r.p_below:.4g}   above T_U {r.p_above:.4g}",
        f"specific risk 1 - p_c = {r.specific_risk:.4g}"
        + ("" if r.C_m is None else f"   C_m = {r.C_m:.4g}"),
    ]
    if interval is not None:
        lines.append(
            f"acceptance interval for p_c >= {require_pc:g}: [{_g(interval[0])}, {_g(interval[1])}]"
        )
    if decision is not None:
        lines.append(f"decision: [bold]{decision}[/bold]")
    if note:
        lines.append(f"note: {note}")
    _emit(data, as_json, lines)


@conformity_app.command("decide")
def decide_command(
    value: Annotated[float, typer.Option("--value", help="Measured value y.")],
    U: Annotated[float, typer.Option("--U", help="Expanded uncertainty (k = 2).")],
    lower: Annotated[float | None, _LOWER] = None,
    upper: Annotated[float | None, _UPPER] = None,
    rule: Annotated[Rule, typer.Option("--rule", help="Decision rule.")] = Rule.simple,
    r: Annotated[float, typer.Option("--r", help="Guard band w = r U (guarded, nonbinary).")] = 1.0,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Statement of conformity under a decision rule (ILAC-G8:09/2019, 4.2).

    Example:
    [bold]sitrace conformity decide --value 0.95 --U 0.1 --lower -1 --upper 1[/bold]
    [bold]    --rule nonbinary[/bold]
    """
    try:
        d = decide(value, U, lower=lower, upper=upper, rule=rule.value, r=r)
    except SitraceError as exc:
        _fail(exc)
    data = {
        "statement": d.statement,
        "acceptance_limits": list(d.acceptance_limits),
        "rule": d.rule_text,
        "clause": f"{d.standard}, {d.clause}",
        "p_c": d.p_c,
    }
    lines = [
        f"[bold]{d.statement}[/bold]  (y = {value:g}, U = {U:g}, acceptance limits "
        f"[{_g(d.acceptance_limits[0])}, {_g(d.acceptance_limits[1])}])",
        f"rule: {d.rule_text}",
        f"source: {d.standard}, {d.clause}",
        f"p_c = {d.p_c:.6g}; probability this statement is wrong: {d.risk:.4g}",
    ]
    _emit(data, as_json, lines)


def _pair(text: str) -> tuple[float | None, float | None]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise InputError(f"--accept must be A_L,A_U (leave a side empty if absent), got {text!r}")
    out: list[float | None] = []
    for p in parts:
        if p == "" or p.lower() in ("none", "-inf", "inf", "+inf"):
            out.append(None)
            continue
        try:
            x = float(p)
        except ValueError:
            raise InputError(f"--accept limits must be numbers, got {p!r}") from None
        if not math.isfinite(x):
            raise InputError(f"--accept limits must be finite, got {p!r}")
        out.append(x)
    return out[0], out[1]


@conformity_app.command("global")
def global_command(
    prior: Annotated[
        str,
        typer.Option(
            "--prior",
            help="normal:MEAN,SD | gamma:SHAPE,SCALE | lognormal:MU,SIGMA | uniform:LOW,HIGH",
        ),
    ],
    um: Annotated[float, typer.Option("--um", help="Standard uncertainty u_m of the measurement.")],
    lower: Annotated[float | None, _LOWER] = None,
    upper: Annotated[float | None, _UPPER] = None,
    accept: Annotated[
        str | None, typer.Option("--accept", help="Acceptance interval A_L,A_U.")
    ] = None,
    target_rc: Annotated[
        float | None, typer.Option("--target-rc", help="Find the guard band giving this R_C.")
    ] = None,
    target_rp: Annotated[
        float | None, typer.Option("--target-rp", help="Find the guard band giving this R_P.")
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """Global consumer's and producer's risks of a process (JCGM 106:2012, 9).

    Example:
    [bold]sitrace conformity global --prior gamma:4,0.25 --um 0.25 --upper 2[/bold]
    [bold]    --target-rc 0.001[/bold]
    """
    try:
        if sum(x is not None for x in (accept, target_rc, target_rp)) > 1:
            raise InputError("give at most one of --accept, --target-rc, --target-rp")
        p = parse_prior(prior)
        if target_rc is not None or target_rp is not None:
            res = guard_band_for_target(p, um, lower=lower, upper=upper, rc=target_rc, rp=target_rp)
        else:
            acc = _pair(accept) if accept is not None else None
            res = global_risk(p, um, lower=lower, upper=upper, acceptance=acc)
    except SitraceError as exc:
        _fail(exc)
    full = res.to_dict()
    keys = ("rc", "rp", "rc_conditional", "p_accept", "p_nonconforming")
    data = {k: full[k] for k in keys}
    data["acceptance_limits"] = full["acceptance_limits"]
    data["guard_band"] = full["guard_band"]
    lines = [
        f"[bold]Global risk[/bold]  prior {res.prior}, u_m = {um:g}, tolerance "
        f"[{_g(lower)}, {_g(upper)}]",
        f"acceptance limits [{_g(data['acceptance_limits'][0])}, "
        f"{_g(data['acceptance_limits'][1])}], guard band {_g(data['guard_band'])}",
        f"R_C = {data['rc']:.6g}   R_P = {data['rp']:.6g}   "
        f"R_C/P(accept) = {data['rc_conditional']:.6g}",
        f"P(accept) = {data['p_accept']:.6g}   P(nonconforming) = {data['p_nonconforming']:.6g}",
    ]
    _emit(data, as_json, lines)


@conformity_app.command("tur")
def tur_command(
    tur: Annotated[float, typer.Option("--tur", help="TUR = (T_U - T_L)/(2U), U at k = 2.")],
    itp: Annotated[float, typer.Option("--itp", help="In-tolerance probability of the process.")],
    guard: Annotated[
        float, typer.Option("--guard", help="Guard band as a multiple M of U: A = T - M U.")
    ] = 0.0,
    as_json: Annotated[bool, _JSON] = False,
) -> None:
    """PFA and PFR from a TUR and an in-tolerance probability (tolerance +-1, normal).

    Example:
    [bold]sitrace conformity tur --tur 4 --itp 0.95[/bold]
    """
    try:
        r = pfa_pfr(tur, itp, guard=guard)
    except SitraceError as exc:
        _fail(exc)
    data = {
        "pfa": r.pfa,
        "pfr": r.pfr,
        "pfa_worst_case": r.pfa_worst_case,
        "itp_worst_case": r.itp_worst_case,
    }
    lines = [
        f"[bold]TUR {tur:g}[/bold], ITP {itp:g}, guard band M = {guard:g} (A = T - M U)",
        f"PFA = {r.pfa:.6g}   PFR = {r.pfr:.6g}",
        f"worst-case PFA {r.pfa_worst_case:.6g} at ITP {r.itp_worst_case:.4g}",
    ]
    _emit(data, as_json, lines)
