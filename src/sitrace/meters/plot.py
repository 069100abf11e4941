"""Plots of meter-fleet results (matplotlib, drawn off-screen).

Calculation never imports this module. Each function takes a table (a pandas
``DataFrame`` in the shape the estimators write), returns the matplotlib ``Figure``
and, given a path, writes it (PNG, SVG or PDF by the suffix; anything else is an
:class:`~sitrace.errors.InputError`).

Contents
--------
:func:`plot_estimates`
    Each meter's estimated error with its ±2u bar, grouped and coloured by status,
    with the ±MPE lines.
:func:`plot_drift`
    A meter's estimated error over successive windows with its ±2u band.
:func:`plot_lots`
    Share of each lot's checked meters found within limits, against the 95 % line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..errors import InputError

__all__ = ["plot_drift", "plot_estimates", "plot_lots"]

_FORMATS = (".pdf", ".png", ".svg")
_STATUS_ORDER = ("flagged", "ok", "not_estimable")
_STATUS_COLOUR = {"flagged": "#b03a2e", "ok": "#3b6ea5", "not_estimable": "#9a9a9a"}
_VERDICT_COLOUR = {
    "conforming": "#3b6ea5",
    "inconclusive": "#d68910",
    "nonconforming": "#b03a2e",
}
_DEFAULT_MPE_PERCENT = 1.0  # class 1 / B without a meters table (issue 6, file contract)
_MAX_LABELS = 60


def _check_path(path: str | Path | None) -> Path | None:
    if path is None:
        return None
    path = Path(path)
    if path.suffix.lower() not in _FORMATS:
        raise InputError(
            f"plot file must end in {', '.join(_FORMATS)}, got {path.suffix or 'no suffix'!r}",
            where=str(path),
        )
    return path


def _save(fig: Figure, path: Path | None) -> None:
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")


def _check_frame(df: object, name: str, required: Sequence[str]) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"must be a pandas DataFrame, got {type(df).__name__}", where=name)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(map(repr, missing))}; required: "
            f"{', '.join(required)}; got {', '.join(map(repr, map(str, df.columns)))}",
            where=name,
        )
    if len(df) == 0:
        raise InputError("the table has no rows: nothing to plot", where=name)
    return df


def _mpe(df: pd.DataFrame) -> np.ndarray:
    if "mpe_percent" in df.columns:
        values = pd.to_numeric(df["mpe_percent"], errors="coerce").to_numpy(dtype=float)
        return np.where(np.isfinite(values), values, _DEFAULT_MPE_PERCENT)
    return np.full(len(df), _DEFAULT_MPE_PERCENT)


def _times(column: pd.Series) -> np.ndarray:
    """Window ends as numbers or zone-less datetime64 (UTC), which matplotlib draws."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
    if pd.api.types.is_numeric_dtype(column.dtype) or pd.api.types.is_datetime64_dtype(
        column.dtype
    ):
        return column.to_numpy()
    parsed = pd.to_datetime(column, utc=True, errors="coerce", format="ISO8601")
    if parsed.isna().any():
        bad = column.iloc[int(parsed.isna().to_numpy().argmax())]
        raise InputError(
            f"window_end must be times or numbers, got {bad!r}",
            where="history",
        )
    return parsed.dt.tz_localize(None).to_numpy()


def plot_estimates(
    estimates_df: pd.DataFrame, path: str | Path | None = None, *, area: str | None = None
) -> Figure:
    """Estimated error per meter with ±2u bars, grouped by status, and the ±MPE lines.

    Parameters
    ----------
    estimates_df : DataFrame
        The estimates file contract: ``area``, ``meter``, ``error_percent``,
        ``u_percent``, ``status`` (others ignored; an ``mpe_percent`` column, if
        present, sets each meter's limit, else ±1 %).
    path : path, optional
        Write the figure here (.png, .svg or .pdf).
    area : str, optional
        Plot only this area (default: every row).

    Notes
    -----
    Meters are ordered flagged, ok, not estimable, and by error within each group.
    A "not estimable" meter with no number is drawn as an open marker on the zero
    line: the data say nothing about its error. The vertical range is set by the
    ok and flagged meters and the MPE, so the wide bars of meters the data cannot
    resolve run off the plot rather than hide the others.
    """
    path = _check_path(path)
    df = _check_frame(estimates_df, "estimates", ("meter", "error_percent", "u_percent", "status"))
    title = "Meter error estimates"
    if area is not None:
        if "area" not in df.columns:
            raise InputError("no 'area' column to select from", where="estimates")
        df = df[df["area"].astype(str) == str(area)]
        if len(df) == 0:
            raise InputError(f"no meters of area {area!r}", where="estimates")
        title = f"Area {area}: meter error estimates"
    unknown = sorted(set(df["status"].astype(str)) - set(_STATUS_ORDER))
    if unknown:
        raise InputError(
            f"status must be one of {', '.join(_STATUS_ORDER)}, got {unknown[0]!r}",
            where="estimates",
        )
    rank = df["status"].astype(str).map({s: i for i, s in enumerate(_STATUS_ORDER)})
    error = pd.to_numeric(df["error_percent"], errors="coerce")
    df = df.assign(_rank=rank.to_numpy(), _error=error.to_numpy())
    df = df.sort_values(["_rank", "_error"], na_position="last", kind="stable")
    x = np.arange(len(df))
    e = df["_error"].to_numpy(dtype=float)
    u = pd.to_numeric(df["u_percent"], errors="coerce").to_numpy(dtype=float)
    mpe = _mpe(df)
    status = df["status"].astype(str).to_numpy()

    fig, ax = plt.subplots(figsize=(min(14.0, 4.0 + 0.18 * len(df)), 4.5))
    for s in _STATUS_ORDER:
        chosen = status == s
        if not chosen.any():
            continue
        known = chosen & np.isfinite(e)
        label = f"{s.replace('_', ' ')} ({int(chosen.sum())})"
        if known.any():
            ax.errorbar(
                x[known],
                e[known],
                yerr=np.where(np.isfinite(u[known]), 2 * u[known], 0.0),
                fmt="o",
                markersize=3.5,
                capsize=2,
                elinewidth=0.9,
                color=_STATUS_COLOUR[s],
                label=label,
            )
            label = None
        blank = chosen & ~np.isfinite(e)
        if blank.any():
            ax.plot(
                x[blank],
                np.zeros(int(blank.sum())),
                "o",
                markersize=3.5,
                markerfacecolor="none",
                color=_STATUS_COLOUR[s],
                label=label,
            )
    if np.allclose(mpe, mpe[0]):
        ax.axhline(mpe[0], color="#444444", linestyle="--", linewidth=1, label=f"±MPE {mpe[0]:g} %")
        ax.axhline(-mpe[0], color="#444444", linestyle="--", linewidth=1)
    else:
        ax.step(x, mpe, where="mid", color="#444444", linestyle="--", linewidth=1, label="±MPE")
        ax.step(x, -mpe, where="mid", color="#444444", linestyle="--", linewidth=1)
    ax.axhline(0.0, color="#cccccc", linewidth=0.8, zorder=0)
    judged = np.isin(status, ("ok", "flagged")) & np.isfinite(e)
    reach = np.abs(e[judged]) + 2 * np.nan_to_num(u[judged]) if judged.any() else np.zeros(1)
    top = max(2.0 * float(np.max(mpe)), float(np.max(reach))) * 1.15
    ax.set_ylim(-top, top)
    ax.set_xlim(-1, len(df))
    if len(df) <= _MAX_LABELS:
        ax.set_xticks(x, df["meter"].astype(str).tolist(), rotation=90, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(df)} meters")
    ax.set_ylabel("estimated error / %  (bars ±2u)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    _save(fig, path)
    return fig


def plot_drift(
    history_df: pd.DataFrame,
    path: str | Path | None = None,
    *,
    meters: Sequence[str] | None = None,
) -> Figure:
    """Estimated error of meters over successive windows, with their ±2u bands.

    Parameters
    ----------
    history_df : DataFrame
        One row per meter and window: ``window_end`` (a time or a number),
        ``meter``, ``error_percent``, ``u_percent`` (an ``mpe_percent`` column sets
        the limit lines, else ±1 %). Windows where a meter was not estimable have
        NaN and leave a gap.
    path : path, optional
        Write the figure here (.png, .svg or .pdf).
    meters : sequence of str, optional
        The meters to draw (default: every meter in the table).
    """
    path = _check_path(path)
    df = _check_frame(history_df, "history", ("window_end", "meter", "error_percent", "u_percent"))
    ids = df["meter"].astype(str)
    if meters is None:
        chosen = list(dict.fromkeys(ids))
    else:
        chosen = [str(m) for m in meters]
        absent = [m for m in chosen if m not in set(ids)]
        if absent:
            raise InputError(f"meter(s) not in the table: {', '.join(absent[:5])}", where="history")
        if not chosen:
            raise InputError("no meters chosen", where="meters")
    fig, ax = plt.subplots(figsize=(8.0, 4.5))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for k, meter in enumerate(chosen):
        rows = df[ids == meter].sort_values("window_end")
        t = _times(rows["window_end"])
        e = pd.to_numeric(rows["error_percent"], errors="coerce").to_numpy(dtype=float)
        u = pd.to_numeric(rows["u_percent"], errors="coerce").to_numpy(dtype=float)
        colour = colours[k % len(colours)]
        ax.plot(t, e, "o-", color=colour, markersize=3, linewidth=1.2, label=meter)
        ax.fill_between(t, e - 2 * u, e + 2 * u, color=colour, alpha=0.2, linewidth=0)
    mpe = _mpe(df)
    limit = float(np.max(mpe))
    ax.axhline(limit, color="#444444", linestyle="--", linewidth=1, label=f"±MPE {limit:g} %")
    ax.axhline(-limit, color="#444444", linestyle="--", linewidth=1)
    ax.axhline(0.0, color="#cccccc", linewidth=0.8, zorder=0)
    ax.set_xlabel("end of window")
    ax.set_ylabel("estimated error / %  (band ±2u)")
    ax.set_title("Meter error over successive windows")
    ax.legend(fontsize=8, loc="best")
    fig.autofmt_xdate()
    fig.tight_layout()
    _save(fig, path)
    return fig


def plot_lots(lot_table: pd.DataFrame, path: str | Path | None = None) -> Figure:
    """Share of each lot's checked meters within limits, against the 95 % line.

    Parameters
    ----------
    lot_table : DataFrame
        One row per lot: ``lot``, ``n_within`` and ``n_checked`` (meters found
        within limits, meters with a verdict); optional ``nonconforming_upper`` (the
        one-sided upper bound on the lot's fraction outside limits, from
        :func:`sitrace.meters.sampling.lot_conformity`), drawn as the lower bound
        of the share within limits; optional ``verdict`` (``conforming``,
        ``inconclusive``, ``nonconforming``), which sets the colour.
    path : path, optional
        Write the figure here (.png, .svg or .pdf).

    Notes
    -----
    The 95 % line is the rule of issue 6: a lot stays in service only while at
    least 95 % of its meters are within limits. A lot with no checked meter is
    drawn with an empty bar and the label "no verdict".
    """
    path = _check_path(path)
    df = _check_frame(lot_table, "lots", ("lot", "n_within", "n_checked"))
    within = pd.to_numeric(df["n_within"], errors="coerce").to_numpy(dtype=float)
    checked = pd.to_numeric(df["n_checked"], errors="coerce").to_numpy(dtype=float)
    if np.any(~np.isfinite(within) | ~np.isfinite(checked) | (within < 0) | (within > checked)):
        raise InputError("need 0 <= n_within <= n_checked in every row", where="lots")
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(checked > 0, 100.0 * within / checked, np.nan)
    verdict = (
        df["verdict"].astype(str).to_numpy()
        if "verdict" in df.columns
        else np.full(len(df), "", dtype=object)
    )
    names = df["lot"].astype(str).tolist()
    y = np.arange(len(df))[::-1]
    fig, ax = plt.subplots(figsize=(8.0, 1.2 + 0.32 * len(df)))
    colours = [_VERDICT_COLOUR.get(v, "#3b6ea5") for v in verdict]
    ax.barh(y, np.nan_to_num(share), color=colours, height=0.6)
    if "nonconforming_upper" in df.columns:
        upper = pd.to_numeric(df["nonconforming_upper"], errors="coerce").to_numpy(dtype=float)
        lower = 100.0 * (1.0 - upper)
        ax.plot(lower, y, "|", color="black", markersize=12, label="lower confidence bound")
    for yi, s, n, v in zip(y, share, checked, verdict, strict=True):
        text = "no verdict" if not np.isfinite(s) else f"{s:.1f} % of {int(n)}"
        if v:
            text += f"  {v}"
        ax.text(101, yi, text, va="center", fontsize=8)
    ax.axvline(95.0, color="#b03a2e", linestyle="--", linewidth=1.2, label="95 % rule")
    ax.set_yticks(y, names, fontsize=8)
    ax.set_xlim(0, 135)
    ax.set_xticks([0, 20, 40, 60, 80, 100])
    ax.set_xlabel("meters within limits / % of checked")
    ax.set_title("Lot status", loc="left")
    ax.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False)
    fig.tight_layout()
    _save(fig, path)
    return fig
