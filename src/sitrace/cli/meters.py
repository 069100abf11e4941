"""``sitrace meters``: simulate a meter fleet, estimate each meter's error, report.

- ``sitrace meters simulate --areas N --days D --out DIR`` writes a synthetic feed
  (readings), its truth and the meters table.
- ``sitrace meters estimate READINGS --out ESTIMATES`` prepares the feed, estimates and
  decides every area (in this process, or over partitions on a local Dask cluster with
  ``--workers``) and writes the estimates file contract and the areas file.
- ``sitrace meters report ESTIMATES --out DIR`` draws the estimates per area, the lot
  status and the drift of meters over windows, with an ``index.html`` linking them.

Tables are Parquet or CSV, chosen by the suffix, both ways (docs/meters.md). Errors are
printed in words (file, line, column) with exit code 2. The calculations live in
:mod:`sitrace.meters`; this module parses, calls and renders.
"""

from __future__ import annotations

import enum
import json
import logging
import math
import re
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..errors import InputError, SitraceError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["meters_app"]

meters_app = typer.Typer(
    help=(
        "Meters in service: simulate a fleet, estimate each meter's error from the energy "
        "balance of its transformer area, flag meters and areas, report (docs/meters.md)."
    ),
    no_args_is_help=True,
)

err = Console(stderr=True)

_TABLE_SUFFIXES = (".parquet", ".csv")
_FIGURE_SUFFIX = ".png"


class Method(enum.StrEnum):
    ols = "ols"
    ridge = "ridge"
    rls = "rls"
    robust = "robust"


class TableFormat(enum.StrEnum):
    parquet = "parquet"
    csv = "csv"


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object instead of tables.")
]


def _fail(error: SitraceError) -> typer.Exit:
    err.print(f"[bold red]error:[/bold red] {escape(str(error))}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


def _stdout() -> Console:
    return Console(highlight=False) if sys.stdout.isatty() else Console(width=120, highlight=False)


def _check_table_path(path: Path, what: str) -> None:
    if path.suffix.lower() not in _TABLE_SUFFIXES:
        raise InputError(
            f"{what} must end in {', '.join(_TABLE_SUFFIXES)}, got {path.suffix or 'no suffix'!r}",
            where=str(path),
        )


def _sibling(path: Path, tag: str) -> Path:
    """``estimates.parquet`` -> ``estimates.<tag>.parquet``."""
    return path.with_name(f"{path.stem}.{tag}{path.suffix}")


def _write(df: pd.DataFrame, path: Path) -> Path:
    from ..meters.feed import write_table

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_table(df, path)
    except OSError as exc:
        raise InputError(f"cannot write the file: {exc.strerror or exc}", where=str(path)) from None


@contextmanager
def _progress(label: str, total: int | None, *, enabled: bool) -> Iterator[Any]:
    """A rich progress bar on stderr (only on a terminal); yields ``advance(n)``."""
    show = enabled and err.is_terminal
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not show,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n=1: bar.advance(task, n)


# ----------------------------------------------------------------------------- simulate


@meters_app.command("simulate", no_args_is_help=True)
def simulate_command(
    areas: Annotated[int, typer.Option("--areas", help="Number of transformer areas.", min=1)],
    days: Annotated[int, typer.Option("--days", help="Days of readings.", min=1)],
    out: Annotated[
        Path,
        typer.Option("--out", help="Folder for the tables (created).", file_okay=False),
    ],
    interval: Annotated[
        int, typer.Option("--interval", help="Interval length in minutes (divides a day).")
    ] = 15,
    residual: Annotated[
        float,
        typer.Option("--residual", help="Residual noise of the balance, percent.", min=0.0),
    ] = 0.5,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of the random generator (reproducible).")
    ] = None,
    area_size: Annotated[
        float | None,
        typer.Option(
            "--area-size",
            help="Median customer meters per area (lognormal, 10..600); default 80.",
            min=1.0,
        ),
    ] = None,
    register: Annotated[
        bool,
        typer.Option(
            "--register", help="Write cumulative registers (register_kwh) instead of energy."
        ),
    ] = False,
    fmt: Annotated[
        TableFormat, typer.Option("--format", help="Table format of the files written.")
    ] = TableFormat.parquet,
    as_json: JsonOption = False,
) -> None:
    """Simulate a fleet with its ground truth: readings, truth and meters tables.

    Writes DIR/readings, DIR/truth (one row per meter: kind, true error), DIR/meters
    (MPE, accuracy class, lot, manufacturer, model, year, installed) and DIR/areas
    (master error, losses), as .parquet or .csv.

    Example:
    [bold]sitrace meters simulate --areas 3 --days 30 --seed 1 --out fleet/[/bold]
    """
    from ..meters.simulate import FleetConfig, simulate_fleet

    try:
        knobs: dict[str, Any] = {}
        if register:
            knobs["output"] = "register"
        if area_size is not None:
            knobs["area_size_median"] = area_size
        config = FleetConfig(**knobs)
        fleet = simulate_fleet(
            areas,
            days,
            interval_minutes=interval,
            residual_percent=residual,
            rng=seed,
            config=config,
        )
        suffix = f".{fmt.value}"
        files = {
            name: str(_write(getattr(fleet, name), out / f"{name}{suffix}"))
            for name in ("readings", "truth", "meters", "areas")
        }
    except SitraceError as exc:
        raise _fail(exc) from None
    customers = fleet.truth[fleet.truth["role"].astype(str) == "customer"]
    kinds = customers["kind"].astype(str).value_counts().sort_index()
    summary = {
        "areas": len(fleet.areas),
        "customer_meters": len(customers),
        "readings": len(fleet.readings),
        "days": days,
        "interval_minutes": interval,
        "residual_percent": residual,
        "seed": seed,
        "value_column": "register_kwh" if register else "energy_kwh",
        "kinds": {str(k): int(v) for k, v in kinds.items()},
        "files": files,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    console = _stdout()
    console.print(
        f"[bold]Simulated fleet[/bold]: {summary['areas']} area(s), "
        f"{summary['customer_meters']} customer meters, {days} day(s) of {interval}-min "
        f"{summary['value_column']}, residual {residual:g} %, seed {seed}"
    )
    table = Table(title="Customer meters by kind (truth)")
    table.add_column("kind")
    table.add_column("meters", justify="right")
    for kind, n in summary["kinds"].items():
        table.add_row(kind, str(n))
    console.print(table)
    for name, path in files.items():
        console.print(f"{name:<9} {path}")


# ----------------------------------------------------------------------------- estimate


def _merge_preparation(reports: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """One preparation summary over partitions: counts added, reasons added by key."""
    out: dict[str, Any] = {}
    for key in (
        "rows_in",
        "rows_used",
        "rows_dropped_total",
        "intervals_kept",
        "rollovers",
        "resets",
        "gaps",
        "zero_filled",
    ):
        out[key] = int(sum(int(r.get(key, 0)) for r in reports))
    for key in ("rows_dropped", "intervals_dropped"):
        merged: dict[str, int] = {}
        for r in reports:
            for reason, n in r.get(key, {}).items():
                merged[reason] = merged.get(reason, 0) + int(n)
        out[key] = merged
    minutes = sorted({int(r["interval_minutes"]) for r in reports if "interval_minutes" in r})
    out["interval_minutes"] = minutes[0] if len(minutes) == 1 else minutes
    out["interval_inferred"] = all(bool(r.get("interval_inferred", False)) for r in reports)
    out["conflicts"] = [c for r in reports for c in r.get("conflicts", [])][:20]
    out["rules"] = list(dict.fromkeys(rule for r in reports for rule in r.get("rules", [])))
    return out


@contextmanager
def _local_client(workers: int) -> Iterator[Any]:
    """A dask.distributed client on a local cluster of ``workers`` processes."""
    try:
        import dask
        from distributed import Client, LocalCluster

        from ..meters.fleet import WORKER_ENVIRON
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise SitraceError(
            f"--workers needs dask.distributed, which cannot be imported: {exc}",
            where="--workers",
        ) from None
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ": dict(WORKER_ENVIRON)}):
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
    except Exception as exc:
        raise SitraceError(
            f"cannot start a local Dask cluster with {workers} worker(s): "
            f"{type(exc).__name__}: {exc}; run without --workers to estimate in this process",
            where="--workers",
        ) from None
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def _run_estimate(
    readings: pd.DataFrame,
    meters: pd.DataFrame | None,
    *,
    options: dict[str, Any],
    prepare_options: dict[str, Any],
    partitions: int | None,
    workers: int,
    show_progress: bool,
):
    from ..meters.feed import check_readings
    from ..meters.fleet import estimate_partitions, estimate_readings, write_partitions

    n_areas = int(readings["area"].nunique()) if "area" in readings.columns else None
    if workers == 0 and partitions is None:
        with _progress("areas", n_areas, enabled=show_progress) as advance:
            return estimate_readings(
                readings,
                meters=meters,
                prepare_options=prepare_options,
                progress=advance,
                **options,
            )
    # Check the whole feed first, so that an error names the user's file and line,
    # not a temporary partition.
    check_readings(readings, assume_utc=bool(prepare_options.get("assume_utc", False)))
    n_areas = int(readings["area"].nunique())
    wanted = partitions if partitions is not None else 2 * workers
    per_partition = max(1, math.ceil(n_areas / max(1, wanted)))
    with tempfile.TemporaryDirectory(prefix="sitrace-meters-") as tmp:
        paths = write_partitions(readings, tmp, areas_per_partition=per_partition)
        with _progress("partitions", len(paths), enabled=show_progress) as advance:
            if workers == 0:
                return estimate_partitions(
                    paths,
                    meters=meters,
                    progress=advance,
                    prepare_options=prepare_options,
                    **options,
                )
            with _local_client(workers) as client:
                return estimate_partitions(
                    paths,
                    executor=client,
                    meters=meters,
                    progress=advance,
                    prepare_options=prepare_options,
                    **options,
                )


@meters_app.command("estimate", no_args_is_help=True)
def estimate_command(
    readings: Annotated[
        Path,
        typer.Argument(help="Readings feed (.parquet or .csv).", show_default=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="Estimates file to write (.parquet or .csv).")],
    meters: Annotated[
        Path | None,
        typer.Option(
            "--meters",
            help="Meters table (.parquet or .csv): meter, accuracy_class or mpe_percent. "
            "Without it every customer meter has MPE 1 %.",
        ),
    ] = None,
    method: Annotated[
        Method, typer.Option("--method", help="Estimator of each area's balance.")
    ] = Method.ols,
    master_error: Annotated[
        float,
        typer.Option(
            "--master-error",
            help="The master meters' error, percent, for the absolute errors.",
        ),
    ] = 0.0,
    partitions: Annotated[
        int | None,
        typer.Option(
            "--partitions",
            help="Split the feed into N partition files of whole areas (memory bounded by "
            "one partition); default 2 x --workers.",
            min=1,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Run the partitions on a local Dask cluster of W worker processes "
            "(0: in this process).",
            min=0,
        ),
    ] = 0,
    assume_utc: Annotated[
        bool,
        typer.Option("--assume-utc", help="Read timestamps without a time zone as UTC."),
    ] = False,
    details: Annotated[
        bool,
        typer.Option(
            "--details",
            help="Also write ESTIMATES.details.<suffix> with the reason of each status.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Estimate every customer meter's error from the energy balance of its area.

    Writes ESTIMATES (columns area, meter, error_percent, u_percent,
    relative_error_percent, status, intervals_used) and ESTIMATES.areas.<suffix>
    (area, intervals_used, residual_sd, balance_anomaly, anomaly_reason).

    Example:
    [bold]sitrace meters estimate fleet/readings.parquet --meters fleet/meters.parquet
    --out estimates.parquet[/bold]
    """
    from ..meters.feed import ESTIMATE_COLUMNS, read_table

    try:
        _check_table_path(out, "the estimates file")
        feed = read_table(readings)
        meters_table = read_table(meters) if meters is not None else None
        prepare_options: dict[str, Any] = {"assume_utc": True} if assume_utc else {}
        result = _run_estimate(
            feed,
            meters_table,
            options={"method": method.value, "master_error_percent": master_error},
            prepare_options=prepare_options,
            partitions=partitions,
            workers=workers,
            show_progress=not as_json,
        )
        estimates = result.estimates.loc[:, list(ESTIMATE_COLUMNS)]
        written = [_write(estimates, out), _write(result.areas, _sibling(out, "areas"))]
        if details:
            written.append(_write(result.estimates, _sibling(out, "details")))
    except SitraceError as exc:
        raise _fail(exc) from None
    counts = result.summary()
    preparation = _merge_preparation(result.preparation)
    if as_json:
        keys = ("meters", "ok", "flagged", "not_estimable", "areas", "balance_anomalies")
        payload = {key: counts[key] for key in keys}
        payload["preparation"] = preparation
        typer.echo(json.dumps(payload, indent=2))
        return
    console = _stdout()
    how = f"{workers} Dask worker(s)" if workers else "this process"
    console.print(f"[bold]Meter error estimates[/bold]  ({readings}, method {method}, {how})")
    console.print(
        f"rows: {preparation['rows_in']} in, {preparation['rows_used']} used, "
        f"{preparation['rows_dropped_total']} dropped; intervals of "
        f"{preparation['interval_minutes']} min"
    )
    table = Table()
    table.add_column("")
    table.add_column("count", justify="right")
    table.add_row("meters", str(counts["meters"]))
    table.add_row("ok", str(counts["ok"]))
    flagged = str(counts["flagged"])
    table.add_row("flagged", f"[red]{flagged}[/red]" if counts["flagged"] else flagged)
    table.add_row("not estimable", str(counts["not_estimable"]))
    table.add_row("areas", str(counts["areas"]))
    anomalies = str(counts["balance_anomalies"])
    table.add_row(
        "balance anomalies", f"[red]{anomalies}[/red]" if counts["balance_anomalies"] else anomalies
    )
    console.print(table)
    for path in written:
        console.print(f"wrote {path}")


# ----------------------------------------------------------------------------- report

_INDEX = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; max-width: 70em; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; border: 1px solid #ddd; }
table { border-collapse: collapse; }
td, th { padding: 0.2em 0.8em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p>Estimates: <code>{{ source }}</code>{% if areas_source %};
areas: <code>{{ areas_source }}</code>{% endif %}.</p>
<table>
<tr><th>meters</th><th>ok</th><th>flagged</th><th>not estimable</th><th>areas</th>
<th>balance anomalies</th></tr>
<tr><td>{{ counts.meters }}</td><td>{{ counts.ok }}</td><td>{{ counts.flagged }}</td>
<td>{{ counts.not_estimable }}</td><td>{{ counts.areas }}</td>
<td>{{ counts.balance_anomalies if counts.balance_anomalies is not none else "unknown" }}</td></tr>
</table>
<p>A meter is <em>flagged</em> when its error is outside its MPE with 99 % one-sided
confidence; <em>not estimable</em> when the data cannot resolve its error (it is never
flagged). Bars are ±2u.</p>
{% if note %}<p>{{ note }}</p>{% endif %}
{% for figure in figures %}
<figure>
<a href="{{ figure.file }}"><img src="{{ figure.file }}" alt="{{ figure.caption }}"></a>
<figcaption>{{ figure.caption }}</figcaption>
</figure>
{% endfor %}
{% if tables %}
<h2>Tables</h2>
<ul>
{% for t in tables %}<li><a href="{{ t.file }}">{{ t.file }}</a>: {{ t.caption }}</li>
{% endfor %}</ul>
{% endif %}
</body>
</html>
"""


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._") or "area"


def _check_estimates(df: pd.DataFrame, path: Path) -> pd.DataFrame:
    from ..meters.feed import ESTIMATE_COLUMNS, STATUSES

    missing = [c for c in ESTIMATE_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"not an estimates file: missing column(s) {', '.join(map(repr, missing))}; "
            f"required: {', '.join(ESTIMATE_COLUMNS)}",
            where=str(path),
        )
    status = df["status"].astype(str)
    bad = ~status.isin(STATUSES)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        line = f" line {i + 2}" if path.suffix.lower() == ".csv" else f" row {i}"
        raise InputError(
            f"status must be one of {', '.join(STATUSES)}, got {status.iloc[i]!r}",
            where=f"{path}{line}, column 'status'",
        )
    return df.assign(area=df["area"].astype(str), meter=df["meter"].astype(str))


def _lot_table(estimates: pd.DataFrame, meters: pd.DataFrame) -> pd.DataFrame:
    """Per lot: remote verdicts (ok = within, flagged = outside) and the 95 % rule."""
    import pandas as pd

    from ..meters.sampling import combine_evidence, group_lots, lot_conformity

    lot_columns = ("manufacturer", "model", "year")
    if all(c in meters.columns for c in lot_columns):
        by: tuple[str, ...] = lot_columns
    elif "lot" in meters.columns:
        by = ("lot",)
    else:
        raise InputError(
            "--lots needs lot columns in the meters table: manufacturer, model, year (or lot)",
            where="--meters",
        )
    lots = group_lots(meters, by=by)
    evidence = combine_evidence(estimates, {}, lots=lots)
    rows = []
    for lot in lots:
        mine = evidence[evidence["lot"] == lot.name]
        within = mine["within"]
        n_checked = int(within.notna().sum())
        n_within = int(within.fillna(False).astype(bool).sum())
        verdict = lot_conformity(n_within, n_checked, lot_size=lot.size)
        rows.append(
            {
                "lot": lot.name,
                "lot_size": lot.size,
                "n_checked": n_checked,
                "n_within": n_within,
                "n_outside": n_checked - n_within,
                "nonconforming_upper": verdict.nonconforming_upper,
                "nonconforming_lower": verdict.nonconforming_lower,
                "verdict": verdict.verdict,
                "stays_in_service": verdict.stays_in_service,
            }
        )
    return pd.DataFrame(rows)


@meters_app.command("report", no_args_is_help=True)
def report_command(
    estimates: Annotated[
        Path,
        typer.Argument(
            help="Estimates file (.parquet or .csv) from 'sitrace meters estimate'.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the plots and index.html (created).")
    ],
    meters: Annotated[
        Path | None,
        typer.Option("--meters", help="Meters table: MPE per meter, and lots for --lots."),
    ] = None,
    lots: Annotated[
        bool,
        typer.Option(
            "--lots",
            help="Lot status (95 % rule) from the meters table's manufacturer, model, year.",
        ),
    ] = False,
    history: Annotated[
        Path | None,
        typer.Option(
            "--history",
            help="Estimates over successive windows (window_end, meter, error_percent, "
            "u_percent) for drift plots of the flagged meters.",
        ),
    ] = None,
    max_areas: Annotated[
        int, typer.Option("--max-areas", help="Plot at most this many areas.", min=1)
    ] = 12,
    as_json: JsonOption = False,
) -> None:
    """Plots of an estimates file and an index.html linking them.

    Areas with a flagged meter or a balance anomaly are drawn (the first few areas when
    none has); with --lots, the lot status; with --history, the drift of flagged meters.

    Example:
    [bold]sitrace meters report estimates.parquet --meters fleet/meters.parquet --lots
    --out report/[/bold]
    """
    import matplotlib.pyplot as plt

    from ..meters.feed import read_table
    from ..meters.fleet import DEFAULT_MPE_PERCENT, mpe_by_meter
    from ..meters.plot import plot_drift, plot_estimates, plot_lots

    try:
        est = _check_estimates(read_table(estimates), estimates)
        areas_path = _sibling(estimates, "areas")
        area_table = read_table(areas_path) if areas_path.is_file() else None
        meters_table = read_table(meters) if meters is not None else None
        if lots and meters_table is None:
            raise InputError("--lots needs --meters (the meters table with lot columns)")
        mpe = mpe_by_meter(meters_table)
        est = est.assign(mpe_percent=[mpe.get(m, DEFAULT_MPE_PERCENT) for m in est["meter"]])

        anomalous: list[str] = []
        if area_table is not None and {"area", "balance_anomaly"} <= set(area_table.columns):
            flag = area_table["balance_anomaly"].astype(str).str.lower().isin(("true", "1"))
            anomalous = area_table.loc[flag, "area"].astype(str).tolist()
        order = list(dict.fromkeys(est["area"]))
        flagged_areas = set(est.loc[est["status"] == "flagged", "area"])
        chosen = [a for a in order if a in flagged_areas or a in set(anomalous)]
        note = ""
        if not chosen:
            chosen = order[: min(3, max_areas)]
            note = "No area has a flagged meter or a balance anomaly; the first areas are shown."
        elif len(chosen) > max_areas:
            note = (
                f"{len(chosen)} areas have a flagged meter or a balance anomaly; "
                f"the first {max_areas} are shown (--max-areas)."
            )
            chosen = chosen[:max_areas]

        out.mkdir(parents=True, exist_ok=True)
        figures: list[dict[str, str]] = []
        tables: list[dict[str, str]] = []
        for area in chosen:
            name = f"area-{_safe_name(area)}{_FIGURE_SUFFIX}"
            fig = plot_estimates(est, out / name, area=area)
            plt.close(fig)
            mine = est[est["area"] == area]
            why = []
            n_flagged = int((mine["status"] == "flagged").sum())
            if n_flagged:
                why.append(f"{n_flagged} flagged meter(s)")
            if area in anomalous:
                why.append("balance anomaly")
            caption = f"Area {area}: {len(mine)} meters" + (f"; {', '.join(why)}" if why else "")
            figures.append({"file": name, "caption": caption})

        if lots:
            lot_table = _lot_table(est, meters_table)
            fig = plot_lots(lot_table, out / f"lots{_FIGURE_SUFFIX}")
            plt.close(fig)
            _write(lot_table, out / "lots.csv")
            figures.append(
                {
                    "file": f"lots{_FIGURE_SUFFIX}",
                    "caption": "Lot status: share of meters with a remote verdict found "
                    "within limits (ok) against the 95 % rule; the verdict uses the "
                    "one-sided 95 % bound, which assumes a random sample of the lot "
                    "(remote verdicts are not).",
                }
            )
            tables.append({"file": "lots.csv", "caption": "lot status per lot"})

        if history is not None:
            past = read_table(history)
            drift_meters: list[str] | None = None
            if "meter" in past.columns:
                past = past.assign(meter=past["meter"].astype(str))
                past = past.assign(
                    mpe_percent=[mpe.get(m, DEFAULT_MPE_PERCENT) for m in past["meter"]]
                )
                known = set(past["meter"])
                flagged_meters = [m for m in est.loc[est["status"] == "flagged", "meter"]]
                drift_meters = [m for m in flagged_meters if m in known]
                drift_meters = (drift_meters or list(dict.fromkeys(past["meter"]))[:3])[:6]
            try:
                fig = plot_drift(past, out / f"drift{_FIGURE_SUFFIX}", meters=drift_meters)
            except InputError as exc:
                raise exc.located(str(history)) from None
            plt.close(fig)
            figures.append(
                {
                    "file": f"drift{_FIGURE_SUFFIX}",
                    "caption": "Estimated error over successive windows (band ±2u): "
                    + ", ".join(drift_meters or []),
                }
            )

        status = est["status"].value_counts()
        counts = {
            "meters": len(est),
            "ok": int(status.get("ok", 0)),
            "flagged": int(status.get("flagged", 0)),
            "not_estimable": int(status.get("not_estimable", 0)),
            "areas": len(order),
            "balance_anomalies": len(anomalous) if area_table is not None else None,
        }
        page = _render_index(
            title=f"Meter fleet report: {estimates.name}",
            source=str(estimates),
            areas_source=str(areas_path) if area_table is not None else "",
            counts=counts,
            figures=figures,
            tables=tables,
            note=note,
        )
        index = out / "index.html"
        try:
            index.write_text(page, encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot write the file: {exc.strerror or exc}", where=str(index)
            ) from None
    except SitraceError as exc:
        raise _fail(exc) from None
    files = [str(out / f["file"]) for f in figures] + [str(out / t["file"]) for t in tables]
    files.append(str(index))
    if as_json:
        typer.echo(json.dumps({"files": files, "areas_plotted": chosen, **counts}, indent=2))
        return
    console = _stdout()
    console.print(f"[bold]Report[/bold] of {estimates} in {out}")
    if note:
        console.print(note)
    for path in files:
        console.print(f"wrote {path}")


def _render_index(**context: Any) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return env.from_string(_INDEX).render(**context)
