"""From a raw readings feed to aligned area series, with every dropped row counted.

:func:`prepare` takes a readings table (the contract is in :mod:`sitrace.meters.feed`)
and returns one :class:`~sitrace.meters.model.AreaSeries` per transformer area and a
:class:`PreparationReport`. The steps, in order, and the rule of each:

1. **Check** the table (:func:`~sitrace.meters.feed.check_readings`); a broken contract
   is an :class:`~sitrace.errors.InputError`, nothing is guessed.
2. **Quality**: rows whose ``quality`` is in ``drop_quality`` are dropped (reason
   ``quality``); by default none are.
3. **Order** by area, meter, time (input order does not matter). **Missing values**: a
   meter is a *register* meter when it has no ``energy_kwh`` value at all, else an
   *energy* meter; a row without its meter's value is dropped (``missing_value``).
4. **Interval**: ``interval_minutes``, or the most common time step between a meter's
   consecutive readings, rounded to whole minutes (the mode over all meters; a tie goes
   to the shorter step). A step over a missing reading is a multiple of the interval, so
   the inference needs most readings present; pass ``interval_minutes`` otherwise.
5. **Grid**: the grid is every ``interval`` from the most common phase of the
   timestamps (so daily readings at local midnight keep their phase). A timestamp
   within 10 % of an interval of a grid point (:data:`SNAP_FRACTION`) is moved onto it;
   a farther one is dropped (``off_grid``).
6. **Duplicates** (same area, meter and grid time): identical values keep one row
   (the others ``duplicate``); different values are a *conflict*: all of them are
   dropped (``duplicate_conflict``) and the interval is a gap, because nothing in the
   feed says which one is right. The first conflicts are listed in the report.
7. **Registers** are differenced per meter. A decrease is a *roll-over* when adding the
   register size ``10**k`` kWh gives an increment between 0 and
   :data:`ROLLOVER_WINDOW` of the size (e.g. 99990 -> 00010 on a 5-digit register is
   20 kWh); the size is ``register_size`` or, per meter, the smallest power of ten above
   its largest reading. Any other decrease is a *reset or replacement*: the meter's
   history is split and the new part becomes the column ``"<meter>#2"`` (``#3`` ...).
   The first reading of a segment only anchors the next difference
   (``register_baseline``); a difference spanning more than one interval cannot be split
   among them, and its interval is a gap (``register_gap``).
8. **Align**: per area, a grid from its first to its last reading; one column per
   customer meter (or register segment), NaN where a reading is missing. Outside a
   column's service span (before its first reading, after its last) the meter is not
   installed and registers nothing: those cells are 0 (counted as ``zero_filled``), so
   that a meter replaced by a new id is two columns that together carry the customer's
   energy. A gap inside the span stays NaN. (A meter whose readings are merely lost at
   the very start or end of the period cannot be told from one not yet installed or
   already removed; it is taken as out of service there too, and counted.)
9. **Drop intervals** (whole rows of the grid), each for the first reason that applies:
   ``low_coverage``, fewer than ``min_coverage`` of the meters in service (the master
   included) have a reading; ``no_load``, the master reads <= 0, or every customer in
   service has a reading and their sum is 0; ``light_load``, the master reads less than
   ``light_load_fraction`` times the area's typical load (the median master energy of
   the intervals with load). The rows in a dropped interval are counted under its
   reason. An interval whose master reading is missing is kept as a gap.

Every input row ends either *used* (its energy is a cell of an area series) or dropped
for exactly one reason: ``rows_in == rows_used + sum(rows_dropped.values())``.

Light and no load. The energy-balance literature excludes light-load and no-load data
before estimating meter errors: Cao, Lin, Wei and Gao, "A Newly Designed Method for
On-Line Error Estimation of Smart Meter" (DTEEES; https://dpi-journals.com/index.php/
dteees/article/view/35483) first sift the daily data "to classify the data for light-load
and no-load meters"; Li et al., PeerJ Computer Science 9:e1581 (2023), doi
10.7717/peerj-cs.1581, pre-process the data "excluding data collected under light load
conditions". The parts of these papers available to us do not state a numeric threshold,
so the threshold here is a parameter: an interval is light-load when the area's supply is
below ``light_load_fraction`` (default 0.1) of its median supply. The reason for dropping
them: in such intervals the fixed loss and the reading resolution are large next to the
customers' energies, so they carry little information about the meters' errors and much
about the loss model. Meter-level no-load (a vacant customer) is not dropped here: the
estimator reports such a meter "not estimable", so it stays visible.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..errors import InputError
from .feed import (
    AREA,
    ENERGY,
    METER,
    QUALITY,
    REGISTER,
    ROLE,
    TIMESTAMP,
    check_readings,
    meter_keys,
)
from .model import AreaSeries

__all__ = [
    "INTERVAL_DROP_REASONS",
    "ROLLOVER_WINDOW",
    "ROW_DROP_REASONS",
    "SNAP_FRACTION",
    "AreaPreparation",
    "PreparationReport",
    "Prepared",
    "prepare",
]

#: A timestamp within this fraction of an interval from a grid point is moved onto it.
SNAP_FRACTION = 0.1
#: A register decrease is a roll-over when the wrapped increment is at most this
#: fraction of the register size.
ROLLOVER_WINDOW = 0.1
#: Reasons a row is dropped, in the order the steps apply them.
ROW_DROP_REASONS = (
    "quality",
    "missing_value",
    "off_grid",
    "duplicate",
    "duplicate_conflict",
    "register_baseline",
    "register_gap",
    "low_coverage",
    "no_load",
    "light_load",
)
#: Reasons an interval of an area's grid is dropped.
INTERVAL_DROP_REASONS = ("low_coverage", "no_load", "light_load")
_MAX_CONFLICTS_LISTED = 20
_NS_PER_MINUTE = 60_000_000_000


def _frozen(mapping: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class AreaPreparation:
    """What preparation did to one area.

    Attributes
    ----------
    area : str
    intervals_grid : int
        Intervals from the area's first to its last reading.
    intervals_kept : int
        Intervals in the area series.
    intervals_dropped : Mapping[str, int]
        Dropped intervals by reason (:data:`INTERVAL_DROP_REASONS`).
    meters : int
        Customer columns (meters and register segments).
    gaps : int
        Missing (NaN) cells among the kept intervals, master and customers.
    zero_filled : int
        Customer cells set to 0 among the kept intervals (meter not in service).
    light_load_threshold_kwh : float
        Master energy below which an interval counted as light load (NaN: no master data).
    """

    area: str
    intervals_grid: int
    intervals_kept: int
    intervals_dropped: Mapping[str, int]
    meters: int
    gaps: int
    zero_filled: int
    light_load_threshold_kwh: float

    def to_dict(self) -> dict:
        return {
            "area": self.area,
            "intervals_grid": self.intervals_grid,
            "intervals_kept": self.intervals_kept,
            "intervals_dropped": dict(self.intervals_dropped),
            "meters": self.meters,
            "gaps": self.gaps,
            "zero_filled": self.zero_filled,
            "light_load_threshold_kwh": (
                None
                if np.isnan(self.light_load_threshold_kwh)
                else float(self.light_load_threshold_kwh)
            ),
        }


@dataclass(frozen=True, slots=True)
class PreparationReport:
    """Counts of what :func:`prepare` kept, dropped (by reason) and changed.

    ``rows_in == rows_used + sum(rows_dropped.values())`` always holds.

    Attributes
    ----------
    rows_in, rows_used : int
        Input rows; rows whose energy is a cell of an area series.
    rows_dropped : Mapping[str, int]
        Dropped rows by reason (every reason of :data:`ROW_DROP_REASONS`, 0 included).
    interval_minutes : int
    interval_inferred : bool
        True when the interval was taken from the data (modal time step).
    intervals_kept : int
        Intervals over all areas.
    intervals_dropped : Mapping[str, int]
        Dropped intervals over all areas, by reason.
    rollovers, resets : int
        Register roll-overs corrected; register resets (new segments ``"<meter>#k"``).
    gaps, zero_filled : int
        Over all areas (see :class:`AreaPreparation`).
    conflicts : tuple of (area, meter, timestamp ISO 8601)
        The first conflicting duplicates (same key, different values), at most 20.
    areas : tuple of AreaPreparation
    rules : tuple of str
        The rules applied, with their parameter values.
    """

    rows_in: int
    rows_used: int
    rows_dropped: Mapping[str, int]
    interval_minutes: int
    interval_inferred: bool
    intervals_kept: int
    intervals_dropped: Mapping[str, int]
    rollovers: int
    resets: int
    gaps: int
    zero_filled: int
    conflicts: tuple[tuple[str, str, str], ...]
    areas: tuple[AreaPreparation, ...] = field(default=())
    rules: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        dropped = sum(self.rows_dropped.values())
        if self.rows_in != self.rows_used + dropped:
            raise InputError(
                f"row accounting does not add up: {self.rows_in} in != {self.rows_used} used "
                f"+ {dropped} dropped",
                where="PreparationReport",
            )

    @property
    def rows_dropped_total(self) -> int:
        return int(sum(self.rows_dropped.values()))

    def to_dict(self) -> dict:
        """Plain, JSON-ready dict of every count."""
        return {
            "rows_in": self.rows_in,
            "rows_used": self.rows_used,
            "rows_dropped": dict(self.rows_dropped),
            "rows_dropped_total": self.rows_dropped_total,
            "interval_minutes": self.interval_minutes,
            "interval_inferred": self.interval_inferred,
            "intervals_kept": self.intervals_kept,
            "intervals_dropped": dict(self.intervals_dropped),
            "rollovers": self.rollovers,
            "resets": self.resets,
            "gaps": self.gaps,
            "zero_filled": self.zero_filled,
            "conflicts": [list(c) for c in self.conflicts],
            "areas": [a.to_dict() for a in self.areas],
            "rules": list(self.rules),
        }

    def summary(self) -> str:
        """A short readable account of the preparation."""
        how = "inferred" if self.interval_inferred else "given"
        lines = [
            f"prepared {len(self.areas)} area(s), interval {self.interval_minutes} min ({how})",
            f"rows: {self.rows_in} in, {self.rows_used} used, {self.rows_dropped_total} dropped",
        ]
        lines += [f"  {reason:<20} {n}" for reason, n in self.rows_dropped.items() if n]
        dropped = ", ".join(f"{r} {n}" for r, n in self.intervals_dropped.items())
        lines.append(f"intervals: {self.intervals_kept} kept; dropped {dropped}")
        lines.append(
            f"registers: {self.rollovers} roll-over(s) corrected, "
            f"{self.resets} reset(s) split into new segments"
        )
        lines.append(
            f"cells: {self.gaps} gap(s) marked NaN, {self.zero_filled} outside service set to 0"
        )
        if self.conflicts:
            shown = "; ".join(f"{a}/{m} at {t}" for a, m, t in self.conflicts[:3])
            lines.append(f"conflicting duplicates (all dropped): {shown}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()


@dataclass(frozen=True, slots=True)
class Prepared:
    """The result of :func:`prepare`: one series per area (sorted by area id) and a report."""

    areas: tuple[AreaSeries, ...]
    report: PreparationReport

    def area(self, name: str) -> AreaSeries:
        """The series of area ``name``."""
        for series in self.areas:
            if series.area == name:
                return series
        raise InputError(
            f"no area {name!r}; areas: {', '.join(s.area for s in self.areas)}",
            where="Prepared",
        )


def _mode(values: np.ndarray) -> int:
    uniques, counts = np.unique(values, return_counts=True)
    return int(uniques[np.argmax(counts)])  # ties: the smallest value


def _check_options(
    interval_minutes, light_load_fraction, min_coverage, register_size
) -> float | None:
    if interval_minutes is not None and (
        isinstance(interval_minutes, bool)
        or not isinstance(interval_minutes, int | np.integer)
        or interval_minutes <= 0
    ):
        raise InputError(
            f"interval_minutes must be a positive whole number of minutes or None (inferred), "
            f"got {interval_minutes!r}"
        )
    if not (0.0 <= float(light_load_fraction) < 1.0):
        raise InputError(f"light_load_fraction must be in [0, 1), got {light_load_fraction!r}")
    if not (0.0 <= float(min_coverage) <= 1.0):
        raise InputError(f"min_coverage must be in [0, 1], got {min_coverage!r}")
    if register_size is None:
        return None
    size = float(register_size)
    exponent = np.log10(size) if size > 0 else np.nan
    if not np.isfinite(exponent) or abs(exponent - round(exponent)) > 1e-9 or exponent < 0:
        raise InputError(
            f"register_size must be a power of ten (10**k kWh, k >= 0) or None (per meter "
            f"from its largest reading), got {register_size!r}"
        )
    return size


def prepare(
    readings: pd.DataFrame,
    *,
    interval_minutes: int | None = None,
    light_load_fraction: float = 0.1,
    min_coverage: float = 0.5,
    register_size: float | None = None,
    drop_quality: Collection[str] = (),
    assume_utc: bool = False,
) -> Prepared:
    """Turn a readings feed into aligned area series; count everything dropped.

    Parameters
    ----------
    readings : DataFrame
        The feed (columns in :mod:`sitrace.meters.feed`).
    interval_minutes : int, optional
        Interval length; default: the modal time step of the data.
    light_load_fraction : float, default 0.1
        An interval whose master energy is below this fraction of the area's median
        master energy is dropped as light load; 0 keeps every interval with load.
    min_coverage : float, default 0.5
        An interval where fewer than this fraction of the meters in service (master
        included) have a reading is dropped; 0 keeps every interval.
    register_size : float, optional
        Register size 10**k kWh for roll-over; default per meter from its largest reading.
    drop_quality : collection of str
        ``quality`` values whose rows are dropped.
    assume_utc : bool, default False
        Read zone-less timestamps as UTC instead of refusing them.

    Returns
    -------
    Prepared
        ``areas``: one :class:`~sitrace.meters.model.AreaSeries` per area, sorted by id;
        ``report``: a :class:`PreparationReport`.

    Raises
    ------
    InputError
        The readings break the contract (see :func:`~sitrace.meters.feed.check_readings`),
        an option is out of range, or the interval cannot be inferred.

    Examples
    --------
    >>> import pandas as pd
    >>> feed = pd.DataFrame({
    ...     "area": "A", "meter": ["M0", "C1", "M0", "C1"],
    ...     "role": ["master", "customer"] * 2,
    ...     "timestamp": pd.to_datetime(["2024-01-01T00:15Z"] * 2 + ["2024-01-01T00:30Z"] * 2),
    ...     "energy_kwh": [1.0, 0.98, 1.2, 1.17]})
    >>> out = prepare(feed)
    >>> out.areas[0].customers[:, 0].tolist(), out.report.rows_used
    ([0.98, 1.17], 4)
    """
    size = _check_options(interval_minutes, light_load_fraction, min_coverage, register_size)
    df = check_readings(readings, assume_utc=assume_utc)
    dropped = dict.fromkeys(ROW_DROP_REASONS, 0)
    rows_in = len(df)
    rules: list[str] = []
    area_names = np.asarray(df[AREA].cat.categories, dtype=object)
    meter_names = np.asarray(df[METER].cat.categories, dtype=object)

    # Rows are held as parallel numpy arrays on integer codes (no string work per row).
    nan = np.full(rows_in, np.nan)
    rows = {
        "key": meter_keys(df),
        "area": df[AREA].cat.codes.to_numpy().astype(np.int64),
        "meter": df[METER].cat.codes.to_numpy().astype(np.int64),
        "master": (df[ROLE] == "master").to_numpy(dtype=bool),
        "t": df[TIMESTAMP].dt.tz_localize(None).to_numpy("datetime64[ns]").view(np.int64),
        "energy": df[ENERGY].to_numpy(dtype=np.float64) if ENERGY in df.columns else nan,
        "register": df[REGISTER].to_numpy(dtype=np.float64) if REGISTER in df.columns else nan,
    }

    # 2. quality
    if drop_quality and QUALITY in df.columns:
        bad = df[QUALITY].isin(list(drop_quality)).to_numpy()
        dropped["quality"] = int(bad.sum())
        rows = _take(rows, ~bad)
        rules.append(f"rows with quality in {sorted(drop_quality)} dropped")

    # 3. order by meter and time; a meter with any energy_kwh value is an energy meter
    rows = _take(rows, _order(rows["key"], rows["t"]))
    starts, group = _groups(rows["key"])
    has_energy = (
        np.logical_or.reduceat(~np.isnan(rows["energy"]), starts)[group] if starts.size else []
    )
    rows["is_register"] = ~np.asarray(has_energy, dtype=bool)
    rows["value"] = np.where(rows["is_register"], rows["register"], rows["energy"])
    missing = np.isnan(rows["value"])
    dropped["missing_value"] = int(missing.sum())
    rows = _take(rows, ~missing)
    if rows["t"].size == 0:
        raise InputError("no reading has a value (every energy_kwh/register_kwh is empty)")

    # 4. interval
    if interval_minutes is None:
        # steps between a meter's consecutive readings, to the nearest minute (clock jitter
        # of seconds does not split the vote); a step over a missing reading is a multiple
        starts, _ = _groups(rows["key"])
        opens = np.zeros(rows["t"].size, dtype=bool)
        opens[starts] = True
        steps = np.diff(rows["t"])[~opens[1:]]
        steps = np.rint(steps / _NS_PER_MINUTE).astype(np.int64) * _NS_PER_MINUTE
        steps = steps[steps > 0]
        if steps.size == 0:
            raise InputError(
                "cannot infer the interval: no meter has two readings a minute or more apart; "
                "pass interval_minutes"
            )
        step = _mode(steps)
        minutes = step // _NS_PER_MINUTE
        rules.append(
            f"interval {minutes} min inferred (most common step between a meter's readings)"
        )
    else:
        minutes = int(interval_minutes)
        step = minutes * _NS_PER_MINUTE

    # 5. grid phase and snapping (monotone in t, so the order by meter and time is kept)
    t = rows["t"]
    phase = _mode(t % step)
    rel = (t - phase) % step
    tolerance = SNAP_FRACTION * step
    near_below = rel <= tolerance
    on_grid = near_below | ((step - rel) <= tolerance)
    rows["t"] = np.where(near_below, t - rel, t + (step - rel))
    dropped["off_grid"] = int((~on_grid).sum())
    rows = _take(rows, on_grid)
    rules.append(
        f"timestamps within {SNAP_FRACTION:g} of an interval of the grid moved onto it, "
        "others dropped (off_grid)"
    )

    # 6. duplicates: rows are sorted by (meter, time); within the (few) rows that share a
    # meter and time, sort by value too, so that identical values are adjacent
    same = _same_key_time(rows)
    shared = np.zeros(same.size + 1, dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    if shared.any():
        index = np.flatnonzero(shared)
        index = index[np.lexsort((rows["value"][index], rows["t"][index], rows["key"][index]))]
        order = np.arange(shared.size)
        order[np.flatnonzero(shared)] = index
        rows = _take(rows, order)
        same = _same_key_time(rows)
    identical = np.zeros(same.size + 1, dtype=bool)
    identical[1:] = same & (rows["value"][1:] == rows["value"][:-1])
    dropped["duplicate"] = int(identical.sum())
    rows = _take(rows, ~identical)
    same = _same_key_time(rows)
    conflict = np.zeros(same.size + 1, dtype=bool)
    conflict[1:] |= same
    conflict[:-1] |= same
    dropped["duplicate_conflict"] = int(conflict.sum())
    first_conflicts = np.flatnonzero(conflict & ~np.r_[False, same])[:_MAX_CONFLICTS_LISTED]
    conflicts = tuple(
        (
            str(area_names[rows["area"][i]]),
            str(meter_names[rows["meter"][i]]),
            pd.Timestamp(int(rows["t"][i]), tz="UTC").isoformat(),
        )
        for i in first_conflicts
    )
    rows = _take(rows, ~conflict)
    rules.append("conflicting duplicates (same area, meter, time; different values) all dropped")

    # 7. registers
    rollovers, resets, n_baseline, n_gap = _difference_registers(rows, step, size)
    dropped["register_baseline"] = n_baseline
    dropped["register_gap"] = n_gap
    if rows["is_register"].any():
        rules.append(
            "register roll-over: decrease with wrapped increment <= "
            f"{ROLLOVER_WINDOW:g} x register size "
            + (f"({size:g} kWh)" if size else "(10**k above the meter's largest reading)")
            + "; any other decrease is a reset: new segment '<meter>#k'"
        )

    # 8-9. align, fill, drop intervals; one loop over areas (rows of an area are contiguous)
    areas: list[AreaSeries] = []
    area_reports: list[AreaPreparation] = []
    interval_dropped = dict.fromkeys(INTERVAL_DROP_REASONS, 0)
    rows_used = 0
    bounds = np.r_[0, np.flatnonzero(np.diff(rows["area"])) + 1, rows["area"].size]
    for lo, hi in itertools.pairwise(bounds):
        part = {name: column[lo:hi] for name, column in rows.items()}
        series, report, used, by_reason = _align_area(
            str(area_names[part["area"][0]]),
            part,
            meter_names,
            step=step,
            minutes=int(minutes),
            light_load_fraction=float(light_load_fraction),
            min_coverage=float(min_coverage),
        )
        areas.append(series)
        area_reports.append(report)
        rows_used += used
        for reason, n in by_reason.items():
            dropped[reason] += n
        for reason, n in report.intervals_dropped.items():
            interval_dropped[reason] += n
    order = np.argsort([s.area for s in areas], kind="stable")
    areas = [areas[i] for i in order]
    area_reports = [area_reports[i] for i in order]
    rules.append("cells outside a meter's service span set to 0; gaps inside it left NaN")
    rules.append(f"intervals with coverage < {float(min_coverage):g} dropped (low_coverage)")
    rules.append(
        "intervals with master <= 0, or all customers present and summing to 0, dropped (no_load)"
    )
    rules.append(
        f"intervals with master < {float(light_load_fraction):g} x the area's median master "
        "energy dropped (light_load)"
    )

    report = PreparationReport(
        rows_in=rows_in,
        rows_used=rows_used,
        rows_dropped=_frozen(dropped),
        interval_minutes=int(minutes),
        interval_inferred=interval_minutes is None,
        intervals_kept=sum(r.intervals_kept for r in area_reports),
        intervals_dropped=_frozen(interval_dropped),
        rollovers=rollovers,
        resets=resets,
        gaps=sum(r.gaps for r in area_reports),
        zero_filled=sum(r.zero_filled for r in area_reports),
        conflicts=conflicts,
        areas=tuple(area_reports),
        rules=tuple(rules),
    )
    return Prepared(areas=tuple(areas), report=report)


def _order(key: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Indices sorting rows by meter key, then time (two stable passes; faster than lexsort)."""
    by_time = np.argsort(t, kind="stable")
    return by_time[np.argsort(key[by_time], kind="stable")]


def _take(rows: dict[str, np.ndarray], selection: np.ndarray) -> dict[str, np.ndarray]:
    """The same rows selected (boolean mask) or reordered (index array) in every column."""
    if selection.dtype == bool and selection.all():  # nothing dropped: no copies
        return rows
    return {name: column[selection] for name, column in rows.items()}


def _groups(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start index of each run of equal ``key`` (sorted) and each row's run number."""
    if key.size == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    opens = np.ones(key.size, dtype=bool)
    opens[1:] = key[1:] != key[:-1]
    return np.flatnonzero(opens), np.cumsum(opens) - 1


def _same_key_time(rows: dict[str, np.ndarray]) -> np.ndarray:
    """For rows 1..n-1: same meter and time as the row before."""
    key, t = rows["key"], rows["t"]
    return (key[1:] == key[:-1]) & (t[1:] == t[:-1])


def _difference_registers(
    rows: dict[str, np.ndarray], step: int, size: float | None
) -> tuple[int, int, int, int]:
    """Set ``rows["energy_out"]`` (interval energy) and ``rows["segment"]`` in place.

    Rows are sorted by meter and time. Returns roll-overs, resets, baselines, gap rows.
    """
    value, t = rows["value"], rows["t"]
    register = rows["is_register"]
    starts, group = _groups(rows["key"])
    opens = np.zeros(value.size, dtype=bool)
    opens[starts] = True
    previous = np.where(opens, np.nan, np.roll(value, 1))
    previous_t = np.where(opens, t, np.roll(t, 1))  # exact int64 arithmetic
    if size is None:
        largest = np.maximum.reduceat(value, starts)[group] if starts.size else value
        # the smallest power of ten above the largest reading: 99990 -> 1e5, 999.95 -> 1e3
        sizes = 10.0 ** (np.floor(np.log10(np.maximum(largest, 1.0))) + 1.0)
    else:
        sizes = np.full(value.size, size)
    delta = value - previous
    wrapped = delta + sizes
    decrease = register & (delta < 0)  # NaN (a meter's first reading) compares False
    rollover = decrease & (wrapped >= 0) & (wrapped <= ROLLOVER_WINDOW * sizes)
    reset = decrease & ~rollover
    increment = np.where(rollover, wrapped, delta)
    resets_so_far = np.cumsum(reset)
    segment = resets_so_far - resets_so_far[starts][group] if starts.size else resets_so_far
    baseline = register & (opens | reset)
    gap = register & ~baseline & ((t - previous_t) // step != 1)
    rows["energy_out"] = np.where(register, np.where(baseline | gap, np.nan, increment), value)
    rows["segment"] = segment.astype(np.int64)
    return int(rollover.sum()), int(reset.sum()), int(baseline.sum()), int(gap.sum())


def _align_area(
    area: str,
    part: dict[str, np.ndarray],
    meter_names: np.ndarray,
    *,
    step: int,
    minutes: int,
    light_load_fraction: float,
    min_coverage: float,
) -> tuple[AreaSeries, AreaPreparation, int, dict[str, int]]:
    """One area's grid, cells, service spans and interval drops (vectorized inside)."""
    t, energy, is_master = part["t"], part["energy_out"], part["master"]
    start = int(t.min())
    k = (t - start) // step
    n_grid = int(k.max()) + 1
    grid = start + step * np.arange(n_grid, dtype=np.int64)

    master = np.full(n_grid, np.nan)
    master[k[is_master]] = energy[is_master]
    master_seen = np.zeros(n_grid, dtype=bool)
    if is_master.any():
        master_seen[k[is_master].min() : k[is_master].max() + 1] = True

    # one column per (meter, segment), named "<meter>" or "<meter>#<segment + 1>"
    cust = ~is_master
    column_key = part["meter"][cust] * (int(part["segment"].max()) + 1) + part["segment"][cust]
    _, first_row, codes = np.unique(column_key, return_index=True, return_inverse=True)
    meter_of, segment_of = part["meter"][cust][first_row], part["segment"][cust][first_row]
    names = [  # a loop over this area's columns, not over readings
        str(meter_names[m]) + (f"#{g + 1}" if g else "")
        for m, g in zip(meter_of, segment_of, strict=True)
    ]
    if len(set(names)) != len(names):
        clash = next(n for n in names if names.count(n) > 1)
        raise InputError(
            f"a register reset would start segment {clash!r}, but a meter with that id exists; "
            "rename the meter",
            where=f"area {area!r}",
        )
    order = np.argsort(np.asarray(names, dtype=object), kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    codes = rank[codes]
    names = [names[i] for i in order]
    n_meters = len(names)

    customers = np.full((n_grid, n_meters), np.nan)
    customers[k[cust], codes] = energy[cust]
    first = np.full(n_meters, n_grid, dtype=np.int64)
    last = np.full(n_meters, -1, dtype=np.int64)
    np.minimum.at(first, codes, k[cust])
    np.maximum.at(last, codes, k[cust])
    grid_rows = np.arange(n_grid)[:, None]
    in_service = (grid_rows >= first[None, :]) & (grid_rows <= last[None, :])
    customers[~in_service] = 0.0

    present = ~np.isnan(customers) & in_service
    n_in_service = in_service.sum(axis=1)
    n_service = n_in_service + master_seen
    n_present = present.sum(axis=1) + (~np.isnan(master) & master_seen)
    coverage = np.where(n_service > 0, n_present / np.maximum(n_service, 1), 0.0)
    low_coverage = (coverage < min_coverage) if min_coverage > 0 else np.zeros(n_grid, bool)
    all_present = (present.sum(axis=1) == n_in_service) & (n_in_service > 0)
    customer_sum = np.where(present, customers, 0.0).sum(axis=1)
    no_load = ~low_coverage & (
        (~np.isnan(master) & (master <= 0)) | (all_present & (customer_sum <= 0))
    )
    loaded = ~low_coverage & ~no_load & ~np.isnan(master) & (master > 0)
    typical = float(np.median(master[loaded])) if loaded.any() else np.nan
    threshold = light_load_fraction * typical
    light_load = loaded & (master < threshold) if np.isfinite(threshold) else np.zeros_like(loaded)
    keep = ~(low_coverage | no_load | light_load)

    # rows: an energy in a kept interval is used; one in a dropped interval takes its reason
    has_energy = ~np.isnan(energy)
    rows_by_reason = {
        "low_coverage": int((has_energy & low_coverage[k]).sum()),
        "no_load": int((has_energy & no_load[k]).sum()),
        "light_load": int((has_energy & light_load[k]).sum()),
    }
    used = int((has_energy & keep[k]).sum())

    kept_customers = customers[keep]
    series = AreaSeries(
        area=area,
        timestamps=grid[keep].astype("datetime64[ns]"),
        master=master[keep],
        customers=kept_customers,
        meters=tuple(names),
        interval_minutes=minutes,
    )
    report = AreaPreparation(
        area=area,
        intervals_grid=n_grid,
        intervals_kept=int(keep.sum()),
        intervals_dropped=_frozen(
            {
                "low_coverage": int(low_coverage.sum()),
                "no_load": int(no_load.sum()),
                "light_load": int(light_load.sum()),
            }
        ),
        meters=n_meters,
        gaps=int(np.isnan(kept_customers).sum() + np.isnan(master[keep]).sum()),
        zero_filled=int((~in_service[keep]).sum()),
        light_load_threshold_kwh=float(threshold) if np.isfinite(threshold) else float("nan"),
    )
    return series, report, used, rows_by_reason
