"""The meter feed: file formats, column names and the readings contract (issue 6).

Tables travel as Parquet or CSV, chosen by the file's suffix (:func:`read_table`,
:func:`write_table`). A *readings* table has one row per meter reading:

============== ======================================================================
column         meaning
============== ======================================================================
``area``       transformer area id (text)
``meter``      meter id (text; ids are compared as text, so ``"007"`` stays ``"007"``)
``role``       ``"master"`` (the area's supply meter) or ``"customer"``
``timestamp``  end of the interval, ISO 8601 with a UTC offset (``2024-03-01T00:15:00Z``)
``energy_kwh`` energy in the interval, kWh, >= 0 — or, instead:
``register_kwh`` the cumulative register, kWh, >= 0 (differenced by
               :func:`sitrace.meters.prepare.prepare`, roll-over handled)
``quality``    optional text flag, passed through
============== ======================================================================

At least one of ``energy_kwh`` and ``register_kwh`` must be a column; a row whose value
is empty is a missing reading (the preparation step drops and counts it). Other columns
are ignored. Each area has exactly one master meter at any time (a master replaced
mid-period appears as two ids whose periods do not overlap).

Time zones: the contract is UTC. A timestamp without a zone (text without ``Z`` or an
offset, or a zone-less ``datetime64`` column) is refused by default, because a local
time read as UTC shifts every interval silently; pass ``assume_utc=True`` to read such
timestamps as UTC on purpose.

An *estimates* table has the columns :data:`ESTIMATE_COLUMNS`; the optional *meters*
table has ``meter`` and ``accuracy_class`` or ``mpe_percent``, ``lot``, ``installed``.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError

__all__ = [
    "AREA",
    "ENERGY",
    "ESTIMATE_COLUMNS",
    "METER",
    "QUALITY",
    "REGISTER",
    "REQUIRED_COLUMNS",
    "ROLE",
    "ROLES",
    "STATUSES",
    "SUFFIXES",
    "TIMESTAMP",
    "VALUE_COLUMNS",
    "check_readings",
    "meter_keys",
    "read_table",
    "write_table",
]

AREA = "area"
METER = "meter"
ROLE = "role"
TIMESTAMP = "timestamp"
ENERGY = "energy_kwh"
REGISTER = "register_kwh"
QUALITY = "quality"

ROLES = ("master", "customer")
REQUIRED_COLUMNS = (AREA, METER, ROLE, TIMESTAMP)
VALUE_COLUMNS = (ENERGY, REGISTER)
ESTIMATE_COLUMNS = (
    "area",
    "meter",
    "error_percent",
    "u_percent",
    "relative_error_percent",
    "status",
    "intervals_used",
)
STATUSES = ("ok", "flagged", "not_estimable")
SUFFIXES = (".parquet", ".csv")

# Columns read from CSV as text, never as numbers (ids keep their leading zeros).
_TEXT_COLUMNS = (
    AREA,
    METER,
    ROLE,
    QUALITY,
    "status",
    "lot",
    "accuracy_class",
    "manufacturer",
    "model",
)
_ZONE = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$", re.IGNORECASE)
_SOURCE = "source"


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            f"unknown table format {path.suffix or '(no suffix)'!r}; allowed suffixes: "
            + ", ".join(SUFFIXES),
            where=str(path),
        )
    return suffix


def read_table(path: str | PathLike[str]) -> pd.DataFrame:
    """Read a table from Parquet or CSV, chosen by the suffix.

    CSV columns that hold ids or flags (``area``, ``meter``, ``role``, ``quality``,
    ``status``, ``lot``, ...) are read as text. A ``timestamp`` column whose every value
    carries a UTC offset is parsed to ``datetime64[ns, UTC]``; otherwise it stays text so
    that :func:`check_readings` can say which row is wrong. The path is kept in
    ``df.attrs["source"]`` so that later errors name the file.

    Raises
    ------
    InputError
        The suffix is not ``.parquet`` or ``.csv``, the file does not exist, or it
        cannot be read as that format.
    """
    path = Path(path)
    suffix = _suffix(path)
    if not path.is_file():
        raise InputError("no such file", where=str(path))
    try:
        if suffix == ".parquet":
            df = pd.read_parquet(path)
        else:
            header = pd.read_csv(path, nrows=0).columns
            dtype = {c: str for c in _TEXT_COLUMNS if c in header}
            df = pd.read_csv(path, dtype=dtype)
            if TIMESTAMP in df.columns:
                df[TIMESTAMP] = _parse_zoned_text(df[TIMESTAMP])
    except (OSError, ValueError) as exc:  # pyarrow and pandas parse errors are ValueErrors
        if isinstance(exc, InputError):
            raise
        raise InputError(f"cannot read as {suffix[1:]}: {exc}", where=str(path)) from exc
    df.attrs[_SOURCE] = str(path)
    return df


def _parse_zoned_text(values: pd.Series) -> pd.Series:
    """Parse text timestamps when every one carries a zone; else return them unchanged."""
    if values.isna().any():
        return values
    text = values.astype(str).str.strip()
    if not text.str.contains(_ZONE).all():
        return values
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    if parsed.isna().any():
        return values
    return parsed.dt.as_unit("ns")


def write_table(df: pd.DataFrame, path: str | PathLike[str]) -> Path:
    """Write ``df`` as Parquet or CSV, chosen by the suffix; return the path.

    In CSV, zone-aware timestamps are written in UTC as ISO 8601 with ``Z``
    (``2024-03-01T00:15:00Z``); zone-less ones are written as they are (and are refused
    on reading unless ``assume_utc=True``). The index is not written.

    Raises
    ------
    InputError
        ``df`` is not a DataFrame, or the suffix is not ``.parquet`` or ``.csv``.
    """
    path = Path(path)
    suffix = _suffix(path)
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"expected a pandas DataFrame, got {type(df).__name__}", where=str(path))
    if suffix == ".parquet":
        df.to_parquet(path, index=False)
        return path
    out = df.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            utc = column.dt.tz_convert("UTC")
            fractional = bool(((utc.dt.microsecond != 0) | (utc.dt.nanosecond != 0)).any())
            fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if fractional else "%Y-%m-%dT%H:%M:%SZ"
            out[name] = utc.dt.strftime(fmt)
    out.to_csv(path, index=False)
    return path


def _where(source: str | None, position: int, df: pd.DataFrame, column: str | None) -> str:
    """Locate one row for a message: file and line (CSV) or row, area, meter, column."""
    if source is not None and source.lower().endswith(".csv"):
        place = f"{source} line {position + 2}"  # line 1 is the header
    elif source is not None:
        place = f"{source} row {position}"
    else:
        place = f"readings row {position}"
    parts = [place]
    for key in (AREA, METER):
        if key in df.columns:
            value = df[key].iloc[position]
            if not pd.isna(value):
                parts.append(f"{key} {str(value)!r}")
    if column is not None:
        parts.append(f"column {column!r}")
    return ", ".join(parts)


def _first(mask: pd.Series | np.ndarray) -> int:
    return int(np.flatnonzero(np.asarray(mask))[0])


def check_readings(
    df: pd.DataFrame, *, assume_utc: bool = False, source: str | None = None
) -> pd.DataFrame:
    """Validate a readings table against the feed contract; return a normalized copy.

    The copy has ``area``, ``meter``, ``role`` as text (categoricals), ``timestamp`` as
    ``datetime64[ns, UTC]``, the value columns present as float64 (NaN = missing
    reading), and ``quality`` if present; other columns are left out. Rows are in the
    input order (the position of a row is the position in the input).

    Parameters
    ----------
    df : DataFrame
        The readings (see the module docstring for the columns).
    assume_utc : bool, default False
        Read zone-less timestamps as UTC instead of refusing them.
    source : str, optional
        File name for messages; defaults to ``df.attrs["source"]`` (set by
        :func:`read_table`).

    Raises
    ------
    InputError
        A required column is missing; neither ``energy_kwh`` nor ``register_kwh`` is a
        column; an id is empty; a role is not ``master``/``customer``; a meter has two
        roles; a timestamp is empty, not ISO 8601 or has no zone; a value is not a number,
        infinite or negative; an area has no master, or two masters whose periods overlap.
        The message names the file and line (or row), area, meter and column, what is
        allowed and what was got.
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError(f"readings must be a pandas DataFrame, got {type(df).__name__}")
    source = source if source is not None else df.attrs.get(_SOURCE)
    table = source or "readings"
    missing = [c for c in REQUIRED_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(map(repr, missing))}; required: "
            f"{', '.join(REQUIRED_COLUMNS)} and one of {', '.join(VALUE_COLUMNS)}; "
            f"got columns {list(map(str, df.columns))}",
            where=table,
        )
    values = [c for c in VALUE_COLUMNS if c in df.columns]
    if not values:
        raise InputError(
            f"no value column: one of {ENERGY!r} (energy in the interval) or {REGISTER!r} "
            f"(cumulative register) is required; got columns {list(map(str, df.columns))}",
            where=table,
        )
    if len(df) == 0:
        raise InputError("readings table has no rows", where=table)

    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for key in (AREA, METER, ROLE):
        out[key] = _text_codes(df[key].reset_index(drop=True), key, df, source)
    role_names = np.asarray(out[ROLE].cat.categories, dtype=object)
    unknown = np.flatnonzero(~np.isin(role_names, ROLES))
    if unknown.size:
        i = _first(np.isin(out[ROLE].cat.codes.to_numpy(), unknown))
        raise InputError(
            f"role must be one of {', '.join(map(repr, ROLES))}, got {out[ROLE].iloc[i]!r}",
            where=_where(source, i, df, ROLE),
        )

    out[TIMESTAMP] = _check_timestamps(df[TIMESTAMP].reset_index(drop=True), df, source, assume_utc)

    for name in values:
        out[name] = _check_values(df[name].reset_index(drop=True), name, df, source)
    if QUALITY in df.columns:
        quality = df[QUALITY].reset_index(drop=True)
        names = (
            [str(c) for c in quality.cat.categories]
            if isinstance(quality.dtype, pd.CategoricalDtype)
            else []
        )
        if names and len(set(names)) == len(names):  # text on the categories only
            out[QUALITY] = pd.Categorical.from_codes(
                quality.cat.codes.to_numpy(), categories=pd.Index(names, dtype=object)
            )
        else:
            out[QUALITY] = quality.where(quality.isna(), quality.astype(str)).to_numpy()

    # one role per (area, meter): distinct (meter key, role) pairs, as integers
    key = meter_keys(out)
    is_master = (role_names[out[ROLE].cat.codes.to_numpy()] == "master").astype(np.int64)
    pairs = np.unique(key * 2 + is_master)
    twice = np.flatnonzero(np.diff(pairs // 2) == 0)
    if twice.size:
        i = _first(key == pairs[twice[0]] // 2)
        raise InputError(
            "a meter has one role; got customer, master",
            where=f"{table}, area {out[AREA].iloc[i]!r}, meter {out[METER].iloc[i]!r}",
        )
    _check_masters(out, table)
    out.attrs[_SOURCE] = source
    return out


def meter_keys(readings: pd.DataFrame) -> np.ndarray:
    """One int64 per (area, meter) of a checked readings table; rows of an area are
    contiguous when sorted by it (area code major, meter code minor)."""
    area = readings[AREA].cat.codes.to_numpy().astype(np.int64)
    meter = readings[METER].cat.codes.to_numpy().astype(np.int64)
    return area * len(readings[METER].cat.categories) + meter


def _text_codes(column: pd.Series, key: str, df: pd.DataFrame, source: str | None):
    """Text ids as a categorical, checked on the distinct values only (fast on big feeds)."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    if (codes < 0).any():
        i = _first(codes < 0)
        raise InputError(f"{key} is empty; every row needs one", where=_where(source, i, df, key))
    text = pd.Index(np.asarray(uniques, dtype=object)).astype(str).str.strip()
    empty = np.flatnonzero(np.asarray(text == ""))
    if empty.size:
        i = _first(np.isin(codes, empty))
        raise InputError(f"{key} is empty; every row needs one", where=_where(source, i, df, key))
    merged, names = pd.factorize(text)  # "7" and 7, or "A " and "A", are one id
    return pd.Categorical.from_codes(merged[codes], categories=pd.Index(names, dtype=object))


def _check_timestamps(
    column: pd.Series, df: pd.DataFrame, source: str | None, assume_utc: bool
) -> pd.Series:
    hint = (
        "readings are UTC: write ISO 8601 with 'Z' or an offset (2024-03-01T00:15:00Z), "
        "or pass assume_utc=True to read zone-less times as UTC"
    )
    empty = column.isna().to_numpy()
    if empty.any():
        i = _first(empty)
        raise InputError("timestamp is empty", where=_where(source, i, df, TIMESTAMP))
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        return column.dt.tz_convert("UTC").dt.as_unit("ns")
    if pd.api.types.is_datetime64_dtype(column.dtype):
        if not assume_utc:
            raise InputError(
                f"timestamp has no time zone, got {str(column.iloc[0])!r}; {hint}",
                where=_where(source, 0, df, TIMESTAMP),
            )
        return column.dt.tz_localize("UTC").dt.as_unit("ns")
    text = column.astype(str).str.strip()
    parsed = pd.to_datetime(text, utc=True, format="ISO8601", errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = _first(bad)
        raise InputError(
            f"timestamp must be ISO 8601 (2024-03-01T00:15:00Z), got {text.iloc[i]!r}",
            where=_where(source, i, df, TIMESTAMP),
        )
    naive = ~text.str.contains(_ZONE).to_numpy()
    if naive.any() and not assume_utc:
        i = _first(naive)
        raise InputError(
            f"timestamp has no time zone, got {text.iloc[i]!r}; {hint}",
            where=_where(source, i, df, TIMESTAMP),
        )
    return parsed.dt.as_unit("ns")


def _check_values(column: pd.Series, name: str, df: pd.DataFrame, source: str | None) -> np.ndarray:
    what = "energy in the interval" if name == ENERGY else "cumulative register"
    if pd.api.types.is_bool_dtype(column.dtype):
        raise InputError(
            f"{name} ({what}) must be numbers in kWh, got booleans",
            where=_where(source, 0, df, name),
        )
    if pd.api.types.is_numeric_dtype(column.dtype):
        numbers = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        converted = pd.to_numeric(column, errors="coerce")
        text = column.astype(str).str.strip()
        bad = (converted.isna() & column.notna() & (text != "")).to_numpy()
        if bad.any():
            i = _first(bad)
            raise InputError(
                f"{name} ({what}) must be a number in kWh, got {column.iloc[i]!r}",
                where=_where(source, i, df, name),
            )
        numbers = converted.to_numpy(dtype=np.float64, na_value=np.nan)
    infinite = np.isinf(numbers)
    if infinite.any():
        i = _first(infinite)
        raise InputError(
            f"{name} ({what}) must be finite, got {float(numbers[i])!r}",
            where=_where(source, i, df, name),
        )
    negative = numbers < 0
    if negative.any():
        i = _first(negative)
        raise InputError(
            f"{name} ({what}) must be >= 0 kWh, got {float(numbers[i])!r}",
            where=_where(source, i, df, name),
        )
    return numbers


def _check_masters(out: pd.DataFrame, table: str) -> None:
    """Exactly one master meter per area at any time (sequential replacements allowed)."""
    masters = out[out[ROLE] == "master"]
    areas = pd.unique(out[AREA])
    with_master = set(pd.unique(masters[AREA]))
    lacking = [a for a in areas if a not in with_master]
    if lacking:
        shown = ", ".join(map(repr, lacking[:5])) + (" ..." if len(lacking) > 5 else "")
        raise InputError(
            f"every area needs exactly one master meter (role 'master'); "
            f"{len(lacking)} area(s) have none: {shown}",
            where=table,
        )
    spans = masters.groupby([AREA, METER], sort=True, observed=True)[TIMESTAMP].agg(["min", "max"])
    counts = spans.groupby(level=0, observed=True).size()
    for area in counts.index[counts > 1]:  # loop over the (rare) areas with two master ids
        area_spans = spans.loc[area].sort_values("min")
        starts = area_spans["min"].to_numpy()
        ends = area_spans["max"].to_numpy()
        overlap = starts[1:] <= ends[:-1]
        if overlap.any():
            k = _first(overlap)
            first, second = area_spans.index[k], area_spans.index[k + 1]
            raise InputError(
                f"an area has exactly one master meter at a time; masters {first!r} "
                f"({area_spans['min'].iloc[k]} .. {area_spans['max'].iloc[k]}) and {second!r} "
                f"({area_spans['min'].iloc[k + 1]} .. {area_spans['max'].iloc[k + 1]}) overlap",
                where=f"{table}, area {area!r}",
            )
