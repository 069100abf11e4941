"""Lots and sampling inspection of meters in service (ISO 2859-1 single sampling, normal).

Contents
--------
- :func:`code_letter` — ISO 2859-1:1999 Table 1: sample size code letter from the lot size and
  the inspection level (general I, II, III; special S-1 .. S-4).
- :func:`single_plan` — Table 2-A: the single sampling plan for normal inspection (sample size,
  acceptance number Ac, rejection number Re) for an AQL, following the table's arrows, with
  100 % inspection when the sample size equals or exceeds the lot size.
- :func:`draw_sample` — simple random sampling without replacement (seeded).
- :func:`lot_decision` — accept or reject a lot from the inspected sample.
- :func:`group_lots` — lots of meters by (manufacturer, model, year).
- :func:`lot_conformity` — the rule "a lot stays in service only while at least 95 % of its
  meters are within limits", with an exact one-sided confidence bound.
- :func:`combine_evidence` — remote estimates merged with laboratory results per meter.

The two ISO tables are held below as data (``_TABLE_1``, ``_TABLE_2A``). They were transcribed
from public secondary sources, because the text of ISO 2859-1 could not be read; the tests compare
every cell with ``tests/reference/iso2859/``, whose README names each source (repository, path,
commit or URL) and the discrepancies found. These sources reproduce MIL-STD-105E Tables I and II-A,
which ISO 2859-1 and ANSI/ASQ Z1.4 adopted (one source quoting ISO 2859-1:1999 agrees); two cells
(A/10, and R at AQL 0.010-0.015) still want a check against the ISO text itself.

References
----------
ISO 2859-1:1999, *Sampling procedures for inspection by attributes — Part 1: Sampling schemes
indexed by acceptance quality limit (AQL) for lot-by-lot inspection*, Table 1 and Table 2-A.
Clopper, C. J. & Pearson, E. S. (1934), Biometrika 26, 404–413.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats

from ..errors import InputError

__all__ = [
    "AQL_VALUES",
    "CODE_LETTERS",
    "LEVELS",
    "Lot",
    "LotConformity",
    "LotDecision",
    "SamplingPlan",
    "code_letter",
    "combine_evidence",
    "draw_sample",
    "group_lots",
    "lot_conformity",
    "lot_decision",
    "single_plan",
]

#: Inspection levels, in the column order of Table 1.
LEVELS: tuple[str, ...] = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")

#: Sample size code letters of Table 2-A, top to bottom (no I, no O).
CODE_LETTERS: tuple[str, ...] = tuple("ABCDEFGHJKLMNPQR")

#: AQL columns of Table 2-A, as printed (percent nonconforming, or nonconformities per 100 items).
AQL_VALUES: tuple[str, ...] = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65",
    "1.0", "1.5", "2.5", "4.0", "6.5", "10", "15", "25", "40", "65",
    "100", "150", "250", "400", "650", "1000",
)  # fmt: skip

# ISO 2859-1 Table 1, sample size code letters: (lot size from, to (None = "and over"),
# letters for S-1, S-2, S-3, S-4, I, II, III). Transcribed from the chart "ANSI/ASQC Z1.4 /
# MIL-STD-105E / BS 6001 / DIN 40080 / ISO 2859 / NF X 06-022, Table I" (pdfcoffee.com, see
# tests/reference/iso2859/README.md); the test file holds a second, independent transcription.
_TABLE_1: tuple[tuple[int, int | None, str], ...] = (
    (2, 8, "AAAAAAB"),
    (9, 15, "AAAAABC"),
    (16, 25, "AABBBCD"),
    (26, 50, "ABBCCDE"),
    (51, 90, "BBCCCEF"),
    (91, 150, "BBCDDFG"),
    (151, 280, "BCDEEGH"),
    (281, 500, "BCDEFHJ"),
    (501, 1200, "CCEFGJK"),
    (1201, 3200, "CDEGHKL"),
    (3201, 10000, "CDFGJLM"),
    (10001, 35000, "CDFHKMN"),
    (35001, 150000, "DEGJLNP"),
    (150001, 500000, "DEGJMPQ"),
    (500001, None, "DEHKNQR"),
)

# ISO 2859-1 Table 2-A, single sampling plans for normal inspection (master table):
# (code letter, sample size, 26 cells, one per AQL column of AQL_VALUES). A cell is "Ac/Re", or an
# arrow: "v" = use the first sampling plan below the arrow, "^" = the first plan above it (the
# sample size then changes). Transcribed from the MIL-STD-105E extraction of
# kotaooka/sampling-calc tests/mil105e-legible.js @ 0af4bc1 (the 54 cells it prints "44 65" read
# "44 45", as printed in the pdfcoffee.com chart); see tests/reference/iso2859/README.md.
_TABLE_2A: tuple[tuple[str, int, str], ...] = (
    ("A", 2, "v v v v v v v v v v v v v v 0/1 v v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31"),
    ("B", 3, "v v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45"),
    ("C", 5, "v v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^"),
    ("D", 8, "v v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^"),
    (
        "E",
        13,
        "v v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45 ^ ^ ^",
    ),
    ("F", 20, "v v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^"),
    ("G", 32, "v v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^"),
    ("H", 50, "v v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^"),
    ("J", 80, "v v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("K", 125, "v v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("L", 200, "v v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("M", 315, "v v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("N", 500, "v v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("P", 800, "v 0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("Q", 1250, "0/1 ^ v 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
    ("R", 2000, "^ ^ 1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^ ^"),
)

_DOWN, _UP = "v", "^"
_REMOTE_STATUSES = ("ok", "flagged", "not_estimable")


def _parse_table_2a() -> tuple[dict[str, int], tuple[tuple[object, ...], ...]]:
    sizes: dict[str, int] = {}
    rows: list[tuple[object, ...]] = []
    for letter, n, text in _TABLE_2A:
        cells: list[object] = []
        for token in text.split():
            if token in (_DOWN, _UP):
                cells.append(token)
            else:
                ac, re = token.split("/")
                cells.append((int(ac), int(re)))
        assert len(cells) == len(AQL_VALUES), letter
        sizes[letter] = n
        rows.append(tuple(cells))
    return sizes, tuple(rows)


#: Sample size for each code letter (Table 2-A).
SAMPLE_SIZES, _CELLS = _parse_table_2a()


# --------------------------------------------------------------------------------------------
# Values


@dataclass(frozen=True, slots=True)
class SamplingPlan:
    """A single sampling plan for normal inspection (ISO 2859-1 Table 2-A).

    Attributes
    ----------
    code_letter : str
        Sample size code letter from Table 1 for the lot size and level.
    sample_size : int
        Number of items to inspect. Equals ``lot_size`` when the table's sample size equals or
        exceeds the lot size (100 % inspection).
    acceptance, rejection : int
        Ac and Re: accept the lot when the number of nonconforming items in the sample is
        <= Ac, reject it when it is >= Re.
    aql : str
        The AQL column, as printed in the table ("1.0", "0.65", ...).
    level : str
        Inspection level (one of :data:`LEVELS`).
    note : str
        How the plan was found: the arrow followed, 100 % inspection; empty otherwise.
    lot_size : int
        The lot size the plan was made for.
    plan_letter : str
        Code letter of the row the plan was read from (differs from ``code_letter`` after an
        arrow; the sample size is that of ``plan_letter``).
    full_inspection : bool
        True when every item of the lot is to be inspected.
    """

    code_letter: str
    sample_size: int
    acceptance: int
    rejection: int
    aql: str
    level: str
    note: str
    lot_size: int
    plan_letter: str
    full_inspection: bool


@dataclass(frozen=True, slots=True)
class LotDecision:
    """Outcome of a lot inspected with a :class:`SamplingPlan`.

    ``accepted`` is True when ``n_nonconforming <= plan.acceptance``.
    """

    accepted: bool
    n_inspected: int
    n_nonconforming: int
    acceptance: int
    rejection: int
    plan: SamplingPlan


@dataclass(frozen=True, slots=True)
class Lot:
    """Meters of one lot: same values of the grouping columns (e.g. manufacturer, model, year)."""

    key: tuple
    name: str
    meters: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.meters)


@dataclass(frozen=True, slots=True)
class LotConformity:
    """The 95 % rule for one lot, with exact one-sided confidence bounds.

    Attributes
    ----------
    n_within, n_checked, lot_size : int
        Meters found within limits, meters checked, meters in the lot.
    proportion, confidence : float
        Required proportion within limits (0.95) and confidence of the bounds (0.95).
    nonconforming_upper, nonconforming_lower : float
        One-sided bounds on the lot's fraction of meters outside limits, from the
        hypergeometric distribution (sampling without replacement from the finite lot):
        ``D_upper / lot_size`` and ``D_lower / lot_size``.
    binomial_upper, binomial_lower : float
        The Clopper–Pearson bounds (infinite-lot / process view), for comparison.
    verdict : str
        ``"conforming"`` when ``nonconforming_upper <= 1 - proportion`` (at least ``proportion``
        of the lot within limits, with the stated confidence), ``"nonconforming"`` when
        ``nonconforming_lower > 1 - proportion``, ``"inconclusive"`` otherwise.
    stays_in_service : bool
        True only for ``"conforming"``: the lot stays in service only while its conformity is
        shown, not merely while its nonconformity is unproven.
    """

    n_within: int
    n_checked: int
    lot_size: int
    proportion: float
    confidence: float
    nonconforming_upper: float
    nonconforming_lower: float
    binomial_upper: float
    binomial_lower: float
    verdict: str
    stays_in_service: bool


# --------------------------------------------------------------------------------------------
# Checks


def _check_lot_size(lot_size: object, where: str = "lot_size") -> int:
    if isinstance(lot_size, bool) or not isinstance(lot_size, Integral):
        raise InputError(f"must be an integer number of items >= 2, got {lot_size!r}", where=where)
    if lot_size < 2:
        raise InputError(
            f"must be >= 2 (ISO 2859-1 Table 1 starts at lot size 2), got {lot_size}",
            where=where,
        )
    return int(lot_size)


def _check_level(level: object) -> str:
    if level not in LEVELS:
        raise InputError(
            f"unknown inspection level {level!r}; allowed: {', '.join(LEVELS)}", where="level"
        )
    return str(level)


def _check_aql(aql: object) -> int:
    """Index of the AQL column; accepts the printed string or a number."""
    if isinstance(aql, str):
        if aql in AQL_VALUES:
            return AQL_VALUES.index(aql)
        try:
            value = float(aql)
        except ValueError:
            value = math.nan
    elif isinstance(aql, Real) and not isinstance(aql, bool):
        value = float(aql)
    else:
        value = math.nan
    for j, printed in enumerate(AQL_VALUES):
        if math.isclose(value, float(printed), rel_tol=1e-9):
            return j
    raise InputError(
        f"unknown AQL {aql!r}; Table 2-A has the columns {', '.join(AQL_VALUES)}", where="aql"
    )


def _check_confidence(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not 0.0 < float(value) < 1.0:
        raise InputError(f"must be a number strictly between 0 and 1, got {value!r}", where=where)
    return float(value)


# --------------------------------------------------------------------------------------------
# Tables


def code_letter(lot_size: int, level: str = "II") -> str:
    """Sample size code letter for a lot (ISO 2859-1:1999, Table 1).

    Parameters
    ----------
    lot_size : int
        Number of items in the lot, >= 2.
    level : str
        Inspection level: general ``"I"``, ``"II"`` (the usual one), ``"III"``, or special
        ``"S-1"`` .. ``"S-4"``.

    Examples
    --------
    >>> code_letter(2000)
    'K'
    """
    n = _check_lot_size(lot_size)
    column = LEVELS.index(_check_level(level))
    for low, high, letters in _TABLE_1:
        if n >= low and (high is None or n <= high):
            return letters[column]
    raise AssertionError("Table 1 covers every lot size >= 2")  # pragma: no cover


def _table_2a(letter: str, j: int) -> tuple[str, int, int, int, str]:
    """Table 2-A for a code letter and AQL column index, arrows followed.

    Returns (letter of the plan used, its sample size, Ac, Re, note).
    """
    i = CODE_LETTERS.index(letter)
    note = ""
    if _CELLS[i][j] in (_DOWN, _UP):
        step = 1 if _CELLS[i][j] == _DOWN else -1
        k = i
        while _CELLS[k][j] in (_DOWN, _UP):
            k += step
            if not 0 <= k < len(CODE_LETTERS):  # pragma: no cover - the table has no such cell
                raise AssertionError(f"arrow at {letter}/{AQL_VALUES[j]} points off the table")
        where_to = "below" if step > 0 else "above"
        note = (
            f"Table 2-A: arrow at {letter}/{AQL_VALUES[j]}, first sampling plan {where_to} "
            f"the arrow is at code letter {CODE_LETTERS[k]}"
        )
        i = k
    ac, re = _CELLS[i][j]
    return CODE_LETTERS[i], SAMPLE_SIZES[CODE_LETTERS[i]], ac, re, note


def single_plan(lot_size: int, aql: float | str, level: str = "II") -> SamplingPlan:
    """Single sampling plan for normal inspection (ISO 2859-1:1999, Tables 1 and 2-A).

    The code letter comes from Table 1. Where Table 2-A holds an arrow for that letter and AQL,
    the first sampling plan below (or above) the arrow is used, with *its* sample size. When that
    sample size equals or exceeds the lot size, every item is inspected (``full_inspection``) —
    the table's footnote.

    Parameters
    ----------
    lot_size : int
        Number of items in the lot, >= 2.
    aql : float or str
        Acceptance quality limit, one of :data:`AQL_VALUES` (``1.0`` or ``"1.0"``).
    level : str
        Inspection level, one of :data:`LEVELS`.

    Examples
    --------
    Issue 6: a lot of 2,000 at level II, AQL 1.0.

    >>> p = single_plan(2000, 1.0)
    >>> (p.code_letter, p.sample_size, p.acceptance, p.rejection)
    ('K', 125, 3, 4)
    """
    n_lot = _check_lot_size(lot_size)
    level = _check_level(level)
    j = _check_aql(aql)
    letter = code_letter(n_lot, level)
    plan_letter, n, ac, re, note = _table_2a(letter, j)
    full = n >= n_lot
    if full:
        note = (note + "; " if note else "") + (
            f"sample size {n} >= lot size {n_lot}: 100 % inspection"
        )
        n = n_lot
    return SamplingPlan(
        code_letter=letter,
        sample_size=n,
        acceptance=ac,
        rejection=re,
        aql=AQL_VALUES[j],
        level=level,
        note=note,
        lot_size=n_lot,
        plan_letter=plan_letter,
        full_inspection=full,
    )


# --------------------------------------------------------------------------------------------
# Sampling and decisions


def draw_sample(
    meters: Sequence[str] | Lot,
    plan: SamplingPlan,
    *,
    rng: np.random.Generator | int | None,
    prefer: Iterable[str] | None = None,
) -> tuple[str, ...]:
    """Choose the meters to inspect: simple random sampling without replacement.

    Parameters
    ----------
    meters : sequence of str or Lot
        The lot's meter ids; their number must equal ``plan.lot_size``.
    plan : SamplingPlan
        The plan (``plan.sample_size`` meters are drawn; all of them under 100 % inspection).
    rng : numpy.random.Generator, int or None
        Seed or generator; the same seed gives the same sample.
    prefer : iterable of str, optional
        Meters to take first, for example the ones the remote estimate reported
        ``"not_estimable"``: they have no evidence at all, so a laboratory check is worth most
        there. If they are more than the sample size, the sample is a simple random sample of
        them; otherwise all are taken and the rest is a simple random sample of the other
        meters. Note that a sample with preferences is no longer a simple random sample of the
        lot, so the operating characteristic of the ISO plan does not describe it.

    Returns
    -------
    tuple of str
        The chosen ids, in drawing order.
    """
    ids = tuple(str(m) for m in (meters.meters if isinstance(meters, Lot) else meters))
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(m for m in ids if m in seen or seen.add(m))
        raise InputError(f"meter id {dup!r} appears twice", where="meters")
    if len(ids) != plan.lot_size:
        raise InputError(
            f"the plan is for a lot of {plan.lot_size} meters, got {len(ids)} meter ids",
            where="meters",
        )
    generator = np.random.default_rng(rng)
    n = plan.sample_size
    preferred = [] if prefer is None else [m for m in dict.fromkeys(str(p) for p in prefer)]
    unknown = [m for m in preferred if m not in set(ids)]
    if unknown:
        raise InputError(f"meter {unknown[0]!r} is not in the lot", where="prefer")
    if len(preferred) >= n:
        chosen = generator.choice(len(preferred), size=n, replace=False)
        return tuple(preferred[k] for k in chosen)
    taken = set(preferred)
    rest = [m for m in ids if m not in taken]
    chosen = generator.choice(len(rest), size=n - len(preferred), replace=False)
    return tuple(preferred) + tuple(rest[k] for k in chosen)


def _results_as_bools(sample_results: Mapping[str, bool] | Iterable[bool]) -> list[bool]:
    values = (
        list(sample_results.values())
        if isinstance(sample_results, Mapping)
        else list(sample_results)
    )
    out = []
    for k, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)):
            out.append(bool(v))
        else:
            raise InputError(
                f"must be True (within limits) or False (outside), got {v!r}",
                where=f"sample_results[{k}]",
            )
    return out


def lot_decision(
    sample_results: Mapping[str, bool] | Iterable[bool], plan: SamplingPlan
) -> LotDecision:
    """Accept or reject a lot from its inspected sample (ISO 2859-1, single sampling).

    Parameters
    ----------
    sample_results : mapping meter -> bool, or iterable of bool
        One verdict per inspected meter: True when within limits (conforming), False when
        outside (nonconforming). There must be exactly ``plan.sample_size`` of them.
    plan : SamplingPlan

    Returns
    -------
    LotDecision
        Accepted when the number of nonconforming meters is <= Ac, rejected when it is >= Re.
    """
    results = _results_as_bools(sample_results)
    if len(results) != plan.sample_size:
        raise InputError(
            f"the plan inspects {plan.sample_size} meters, got {len(results)} results",
            where="sample_results",
        )
    bad = sum(1 for r in results if not r)
    return LotDecision(
        accepted=bad <= plan.acceptance,
        n_inspected=len(results),
        n_nonconforming=bad,
        acceptance=plan.acceptance,
        rejection=plan.rejection,
        plan=plan,
    )


def group_lots(
    meters_df: pd.DataFrame, by: Sequence[str] = ("manufacturer", "model", "year")
) -> tuple[Lot, ...]:
    """Group meters into lots by the given columns of the meters table.

    Parameters
    ----------
    meters_df : pandas.DataFrame
        The meters table; needs a ``meter`` column and every column of ``by``.
    by : sequence of str
        Columns that define a lot (default manufacturer, model, year).

    Returns
    -------
    tuple of Lot
        Sorted by key; each lot's meters in table order. ``name`` joins the key with "/".
    """
    if not isinstance(meters_df, pd.DataFrame):
        raise InputError(
            f"must be a pandas DataFrame, got {type(meters_df).__name__}", where="meters_df"
        )
    by = tuple(by)
    if not by:
        raise InputError("needs at least one column", where="by")
    missing = [c for c in ("meter", *by) if c not in meters_df.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(repr(c) for c in missing)}; "
            f"has {', '.join(map(repr, meters_df.columns))}",
            where="meters_df",
        )
    ids = meters_df["meter"].astype(str)
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise InputError(f"meter id {duplicated.iloc[0]!r} appears twice", where="meters_df")
    null = meters_df[list(by)].isna()
    if null.to_numpy().any():
        row, col = next((r, c) for r in range(len(meters_df)) for c in by if null.iloc[r][c])
        raise InputError(
            f"column {col!r} is empty for meter {ids.iloc[row]!r}; every meter needs a lot",
            where=f"meters_df row {row}",
        )
    groups: dict[tuple, list[str]] = {}
    for key, meter in zip(meters_df[list(by)].itertuples(index=False, name=None), ids, strict=True):
        groups.setdefault(tuple(key), []).append(meter)
    return tuple(
        Lot(key=key, name="/".join(str(k) for k in key), meters=tuple(groups[key]))
        for key in sorted(groups, key=lambda k: tuple(str(x) for x in k))
    )


# --------------------------------------------------------------------------------------------
# The 95 % rule


def _hypergeom_upper(x: int, n: int, N: int, alpha: float) -> int:
    """Largest D (nonconforming items in the lot) with P(X <= x | D) > alpha."""
    lo, hi = x, N - (n - x)  # D >= x seen; D <= N - (conforming seen)
    if stats.hypergeom.cdf(x, N, hi, n) > alpha:
        return hi
    while hi - lo > 1:  # invariant: cdf(lo) > alpha >= cdf(hi); cdf decreases with D
        mid = (lo + hi) // 2
        if stats.hypergeom.cdf(x, N, mid, n) > alpha:
            lo = mid
        else:
            hi = mid
    return lo


def _hypergeom_lower(x: int, n: int, N: int, alpha: float) -> int:
    """Smallest D with P(X >= x | D) > alpha."""
    lo, hi = x, N - (n - x)
    if x == 0 or stats.hypergeom.sf(x - 1, N, lo, n) > alpha:
        return lo
    while hi - lo > 1:  # invariant: sf(lo) <= alpha < sf(hi); sf increases with D
        mid = (lo + hi) // 2
        if stats.hypergeom.sf(x - 1, N, mid, n) > alpha:
            hi = mid
        else:
            lo = mid
    return hi


def lot_conformity(
    n_within: int,
    n_checked: int,
    *,
    lot_size: int,
    proportion: float = 0.95,
    confidence: float = 0.95,
) -> LotConformity:
    """Does at least ``proportion`` of the lot lie within limits, with ``confidence``?

    The rule of issue 6 — "a lot stays in service only while at least 95 % of its meters are
    within limits" — is judged from ``n_checked`` meters of the lot, ``n_within`` of them found
    within limits. The decision uses the exact one-sided bound from the **hypergeometric**
    distribution, because the checked meters are drawn without replacement from a finite lot of
    known size: the number of nonconforming meters in the lot, D, is bounded by
    ``D_upper = max{D : P(X <= x | N, D, n) > 1 - confidence}`` (x = nonconforming found).
    This is the finite-lot counterpart of the Clopper–Pearson bound; it is tighter when a large
    part of the lot is checked, and exact (D = x) under 100 % inspection. The Clopper–Pearson
    bound ``beta.ppf(confidence, x + 1, n - x)``, which treats the lot as infinite (a process),
    is reported alongside.

    The checked meters must be a random sample of the lot for the bound to hold.

    Parameters
    ----------
    n_within, n_checked : int
        Meters found within limits, and meters checked (0 <= n_within <= n_checked <= lot_size).
    lot_size : int
        Meters in the lot (>= 1).
    proportion : float
        Required fraction within limits, default 0.95.
    confidence : float
        One-sided confidence of the bounds, default 0.95.
    """
    for name, v in (("n_within", n_within), ("n_checked", n_checked), ("lot_size", lot_size)):
        if isinstance(v, bool) or not isinstance(v, Integral) or v < 0:
            raise InputError(f"must be an integer >= 0, got {v!r}", where=name)
    n_within, n_checked, N = int(n_within), int(n_checked), int(lot_size)
    if N < 1:
        raise InputError(f"must be >= 1, got {N}", where="lot_size")
    if n_checked > N:
        raise InputError(f"cannot exceed lot_size {N}, got {n_checked}", where="n_checked")
    if n_within > n_checked:
        raise InputError(f"cannot exceed n_checked {n_checked}, got {n_within}", where="n_within")
    proportion = _check_confidence(proportion, "proportion")
    confidence = _check_confidence(confidence, "confidence")
    alpha = 1.0 - confidence
    x, n = n_checked - n_within, n_checked

    if n == 0:
        d_up, d_low = N, 0
        b_up, b_low = 1.0, 0.0
    else:
        d_up = _hypergeom_upper(x, n, N, alpha)
        d_low = _hypergeom_lower(x, n, N, alpha)
        b_up = 1.0 if x == n else float(stats.beta.ppf(confidence, x + 1, n - x))
        b_low = 0.0 if x == 0 else float(stats.beta.ppf(alpha, x, n - x + 1))
    limit = (1.0 - proportion) * N  # largest tolerated number outside limits
    if d_up <= limit + 1e-9 * N:
        verdict = "conforming"
    elif d_low > limit + 1e-9 * N:
        verdict = "nonconforming"
    else:
        verdict = "inconclusive"
    return LotConformity(
        n_within=n_within,
        n_checked=n,
        lot_size=N,
        proportion=proportion,
        confidence=confidence,
        nonconforming_upper=d_up / N,
        nonconforming_lower=d_low / N,
        binomial_upper=b_up,
        binomial_lower=b_low,
        verdict=verdict,
        stays_in_service=verdict == "conforming",
    )


def combine_evidence(
    remote_estimates: pd.DataFrame,
    sample_results: Mapping[str, bool] | pd.DataFrame,
    *,
    lots: Iterable[Lot] | None = None,
) -> pd.DataFrame:
    """Merge remote error estimates with laboratory results, one row per meter.

    Rules: a meter verified in the laboratory takes the laboratory verdict (it overrides the
    remote status); otherwise a remote ``"ok"`` counts as within limits, ``"flagged"`` as outside,
    and ``"not_estimable"`` as unknown. The meters left unknown are the ones to prefer when
    drawing the laboratory sample (``draw_sample(..., prefer=...)``): they have no evidence.

    Parameters
    ----------
    remote_estimates : pandas.DataFrame
        Estimates in the file contract: columns ``meter`` and ``status`` (``ok``, ``flagged``,
        ``not_estimable``); other columns are ignored.
    sample_results : mapping meter -> bool, or DataFrame with columns ``meter``, ``within``
        Laboratory verdicts: True when the meter was found within limits.
    lots : iterable of Lot, optional
        When given, a ``lot`` column (the lot's name) is added.

    Returns
    -------
    pandas.DataFrame
        Columns ``meter``, ``remote_status`` (missing, NaN, where the meter had no estimate),
        ``lab_within`` (pandas boolean, NA where not verified), ``within`` (boolean, NA where
        unknown), ``source`` (``"lab"``, ``"remote"`` or ``"none"``) and, with ``lots``, ``lot``.
        Per lot, ``within.sum()`` and ``within.notna().sum()`` feed :func:`lot_conformity`; the
        bound assumes those meters are a random sample of the lot (remote verdicts are not).
    """
    if not isinstance(remote_estimates, pd.DataFrame):
        raise InputError(
            f"must be a pandas DataFrame, got {type(remote_estimates).__name__}",
            where="remote_estimates",
        )
    missing = [c for c in ("meter", "status") if c not in remote_estimates.columns]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(map(repr, missing))}", where="remote_estimates"
        )
    remote: dict[str, str] = {}
    for row, (meter, status) in enumerate(
        zip(remote_estimates["meter"].astype(str), remote_estimates["status"], strict=True)
    ):
        if status not in _REMOTE_STATUSES:
            raise InputError(
                f"status must be one of {', '.join(_REMOTE_STATUSES)}, got {status!r} "
                f"(meter {meter!r})",
                where=f"remote_estimates row {row}",
            )
        if meter in remote:
            raise InputError(f"meter {meter!r} appears twice", where=f"remote_estimates row {row}")
        remote[meter] = status

    if isinstance(sample_results, pd.DataFrame):
        if not {"meter", "within"} <= set(sample_results.columns):
            raise InputError("needs columns 'meter' and 'within'", where="sample_results")
        pairs = zip(sample_results["meter"].astype(str), sample_results["within"], strict=True)
    elif isinstance(sample_results, Mapping):
        pairs = ((str(k), v) for k, v in sample_results.items())
    else:
        raise InputError(
            f"must be a mapping meter -> bool or a DataFrame, got {type(sample_results).__name__}",
            where="sample_results",
        )
    lab: dict[str, bool] = {}
    for meter, v in pairs:
        if not isinstance(v, (bool, np.bool_)):
            raise InputError(
                f"must be True (within limits) or False, got {v!r}",
                where=f"sample_results[{meter!r}]",
            )
        lab[meter] = bool(v)

    meters = list(dict.fromkeys([*remote, *lab]))
    rows = []
    for m in meters:
        status = remote.get(m)
        if m in lab:
            within, source = lab[m], "lab"
        elif status == "ok":
            within, source = True, "remote"
        elif status == "flagged":
            within, source = False, "remote"
        else:
            within, source = pd.NA, "none"
        rows.append((m, status, lab.get(m, pd.NA), within, source))
    out = pd.DataFrame(rows, columns=["meter", "remote_status", "lab_within", "within", "source"])
    out["lab_within"] = out["lab_within"].astype("boolean")
    out["within"] = out["within"].astype("boolean")
    if lots is not None:
        lot_of = {m: lot.name for lot in lots for m in lot.meters}
        out["lot"] = [lot_of.get(m) for m in out["meter"]]
    return out
