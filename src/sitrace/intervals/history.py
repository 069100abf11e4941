"""Calibration histories as CSV text: read, check, and say where a row is wrong.

Every reader takes the text of a file (``parse_*``) or a path (``read_*``) and
returns plain values; nothing is cached and no clock is read. A bad row raises
:class:`sitrace.errors.InputError` naming the file, the line and the field, e.g.
``"history.csv line 4, field 'mpe': must be > 0, got 0"``.

File formats (a header row naming the columns, in any order; extra columns are
refused so that a misspelt name is not silently ignored; blank lines are skipped):

========================  ======================================  ==========================
reader                    columns                                 used by
========================  ======================================  ==========================
``staircase``             ``date,error,mpe``                      :func:`~.staircase.staircase`
``pass_fail``             ``date,in_tolerance`` (1 or 0)          :func:`~.a3.interval_test`
``grouped_results``       ``interval_days,n,in_tolerance``        :func:`~.s2.binomial_s2`
``drift``                 ``days,deviation``                      :func:`~.variables.fit_drift`
``usage``                 ``date,usage``                          :func:`~.in_use.in_use_due`
========================  ======================================  ==========================

Dates are ISO 8601 calendar dates (``2024-03-31``), oldest first.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sitrace.errors import InputError

__all__ = [
    "DriftData",
    "GroupedResults",
    "PassFail",
    "StaircaseCalibration",
    "UsageRecord",
    "parse_drift",
    "parse_grouped_results",
    "parse_pass_fail",
    "parse_staircase",
    "parse_usage",
    "read_drift",
    "read_grouped_results",
    "read_pass_fail",
    "read_staircase",
    "read_usage",
]

_TRUE = {"1", "true", "yes", "pass"}
_FALSE = {"0", "false", "no", "fail"}


@dataclass(frozen=True, slots=True)
class StaircaseCalibration:
    """One routine calibration: as-found ``error`` and the ``mpe`` in the same unit."""

    date: dt.date | None
    error: float
    mpe: float


@dataclass(frozen=True, slots=True)
class PassFail:
    """One calibration result at the current interval: in tolerance or not."""

    date: dt.date | None
    in_tolerance: bool


@dataclass(frozen=True, slots=True)
class GroupedResults:
    """Pass/fail results grouped by the interval at which they were found (RP-1 Method S2)."""

    interval_days: tuple[float, ...]
    n: tuple[int, ...]
    in_tolerance: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class DriftData:
    """Days since the previous calibration and the deviation (as-found minus previous as-left)."""

    days: tuple[float, ...]
    deviation: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """Use accumulated on one day (hours, cycles, operations: one unit per file)."""

    date: dt.date
    usage: float


# --------------------------------------------------------------------------- parsing


def _text(path: Path | str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", where=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("file is not UTF-8 text", where=str(path)) from None


def _rows(text: str, source: str, columns: tuple[str, ...]) -> Iterator[tuple[str, dict]]:
    """Yield (where, row) for each non-blank row after checking the header."""
    reader = csv.DictReader(text.splitlines())
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in columns if c not in header]
    extra = [h for h in header if h not in columns]
    if missing or extra or len(set(header)) != len(header):
        got = ",".join(header) if header else "nothing"
        raise InputError(
            f"header must be {','.join(columns)} (in any order), got {got}",
            where=f"{source} line 1",
        )
    reader.fieldnames = header
    seen = 0
    for row in reader:
        where = f"{source} line {reader.line_num}"
        if None in row:
            raise InputError(f"row has more fields than the header ({len(header)})", where=where)
        if all((v or "").strip() == "" for v in row.values()):
            continue
        for column in columns:
            if (row.get(column) or "").strip() == "":
                raise InputError(f"field '{column}' is empty", where=where)
        seen += 1
        yield where, row
    if seen == 0:
        raise InputError("no data rows after the header", where=source)


def _number(text: str, field: str, where: str) -> float:
    cleaned = text.strip().replace("\u2212", "-")
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(f"field '{field}' must be a number, got {text!r}", where=where) from None
    if not math.isfinite(value):
        raise InputError(f"field '{field}' must be a finite number, got {text!r}", where=where)
    return value


def _positive(text: str, field: str, where: str) -> float:
    value = _number(text, field, where)
    if value <= 0.0:
        raise InputError(f"field '{field}': must be > 0, got {text.strip()}", where=where)
    return value


def _whole(text: str, field: str, where: str) -> int:
    value = _number(text, field, where)
    if not value.is_integer() or value < 0:
        raise InputError(
            f"field '{field}': must be a whole number >= 0, got {text.strip()}", where=where
        )
    return int(value)


def _date(text: str, field: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"field '{field}': must be an ISO 8601 date (YYYY-MM-DD), got {text!r}", where=where
        ) from None


def _in_order(date: dt.date, previous: dt.date | None, where: str) -> None:
    if previous is not None and date < previous:
        raise InputError(
            f"field 'date': rows must be oldest first, got {date} after {previous}", where=where
        )


# --------------------------------------------------------------------------- readers


def parse_staircase(text: str, *, source: str = "<text>") -> tuple[StaircaseCalibration, ...]:
    """Parse ``date,error,mpe`` rows (one per calibration, oldest first)."""
    out: list[StaircaseCalibration] = []
    previous = None
    for where, row in _rows(text, source, ("date", "error", "mpe")):
        date = _date(row["date"], "date", where)
        _in_order(date, previous, where)
        previous = date
        error = _number(row["error"], "error", where)
        mpe = _positive(row["mpe"], "mpe", where)
        out.append(StaircaseCalibration(date, error, mpe))
    return tuple(out)


def parse_pass_fail(text: str, *, source: str = "<text>") -> tuple[PassFail, ...]:
    """Parse ``date,in_tolerance`` rows; in_tolerance is 1 or 0 (also true/false, pass/fail)."""
    out: list[PassFail] = []
    previous = None
    for where, row in _rows(text, source, ("date", "in_tolerance")):
        date = _date(row["date"], "date", where)
        _in_order(date, previous, where)
        previous = date
        flag = row["in_tolerance"].strip().lower()
        if flag in _TRUE:
            passed = True
        elif flag in _FALSE:
            passed = False
        else:
            raise InputError(
                f"field 'in_tolerance': must be 1 or 0, got {row['in_tolerance']!r}", where=where
            )
        out.append(PassFail(date, passed))
    return tuple(out)


def parse_grouped_results(text: str, *, source: str = "<text>") -> GroupedResults:
    """Parse ``interval_days,n,in_tolerance`` rows: n results at that interval, of which in tol."""
    days: list[float] = []
    ns: list[int] = []
    goods: list[int] = []
    for where, row in _rows(text, source, ("interval_days", "n", "in_tolerance")):
        t = _positive(row["interval_days"], "interval_days", where)
        n = _whole(row["n"], "n", where)
        if n == 0:
            raise InputError("field 'n': must be >= 1, got 0", where=where)
        good = _whole(row["in_tolerance"], "in_tolerance", where)
        if good > n:
            raise InputError(
                f"field 'in_tolerance': must be <= n ({n}), got {row['in_tolerance'].strip()}",
                where=where,
            )
        days.append(t)
        ns.append(n)
        goods.append(good)
    return GroupedResults(tuple(days), tuple(ns), tuple(goods))


def parse_drift(text: str, *, source: str = "<text>") -> DriftData:
    """Parse ``days,deviation`` rows (days since the previous calibration > 0)."""
    days: list[float] = []
    deviation: list[float] = []
    for where, row in _rows(text, source, ("days", "deviation")):
        days.append(_positive(row["days"], "days", where))
        deviation.append(_number(row["deviation"], "deviation", where))
    return DriftData(tuple(days), tuple(deviation))


def parse_usage(text: str, *, source: str = "<text>") -> tuple[UsageRecord, ...]:
    """Parse ``date,usage`` rows (use accumulated that day, >= 0, oldest first)."""
    out: list[UsageRecord] = []
    previous = None
    for where, row in _rows(text, source, ("date", "usage")):
        date = _date(row["date"], "date", where)
        _in_order(date, previous, where)
        previous = date
        usage = _number(row["usage"], "usage", where)
        if usage < 0:
            raise InputError(
                f"field 'usage': must be >= 0, got {row['usage'].strip()}", where=where
            )
        out.append(UsageRecord(date, usage))
    return tuple(out)


def read_staircase(path: Path | str) -> tuple[StaircaseCalibration, ...]:
    """Read a ``date,error,mpe`` file (see :func:`parse_staircase`)."""
    return parse_staircase(_text(path), source=str(path))


def read_pass_fail(path: Path | str) -> tuple[PassFail, ...]:
    """Read a ``date,in_tolerance`` file (see :func:`parse_pass_fail`)."""
    return parse_pass_fail(_text(path), source=str(path))


def read_grouped_results(path: Path | str) -> GroupedResults:
    """Read an ``interval_days,n,in_tolerance`` file (see :func:`parse_grouped_results`)."""
    return parse_grouped_results(_text(path), source=str(path))


def read_drift(path: Path | str) -> DriftData:
    """Read a ``days,deviation`` file (see :func:`parse_drift`)."""
    return parse_drift(_text(path), source=str(path))


def read_usage(path: Path | str) -> tuple[UsageRecord, ...]:
    """Read a ``date,usage`` file (see :func:`parse_usage`)."""
    return parse_usage(_text(path), source=str(path))
