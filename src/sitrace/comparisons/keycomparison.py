"""Key comparisons: reference values and degrees of equivalence (CIPM MRA).

Each laboratory reports a value x_i and its standard uncertainty u(x_i). A key
comparison reference value (KCRV) y is formed from them, and each laboratory's
degree of equivalence d_i = x_i - y is stated with its expanded uncertainty
U(d_i) = 2 u(d_i) (k = 2, a normal distribution assumed, as in Cox 2002).

Contents
--------
Participant
    One laboratory's result: lab, value, standard uncertainty, degrees of
    freedom, and whether it enters the reference value (``include``).
participants
    Build a tuple of :class:`Participant` from parallel sequences.
procedure_a
    Weighted mean, its uncertainty and the chi-squared consistency check
    (Cox 2002, procedure A) -> :class:`KeyComparisonResult`.
largest_consistent_subset
    Procedure A on the largest subset that passes the chi-squared test
    (Cox 2007) -> :class:`KeyComparisonResult` with ``excluded`` labs.
median_reference
    Median with a MAD-based standard uncertainty -> :class:`KeyComparisonResult`.
dersimonian_laird
    Random-effects reference value with the between-laboratory standard
    deviation tau (DerSimonian & Laird 1986; Koepke et al. 2017)
    -> :class:`KeyComparisonResult`.
degrees_of_equivalence
    Degrees of equivalence with a reference value obtained elsewhere (a robust
    consensus such as ISO 13528 Algorithm A, a pilot's value).
pairwise_degrees_of_equivalence
    d_ij = x_i - x_j and u(d_ij) for every pair -> :class:`PairwiseEquivalence`.
link_comparison
    Carry a regional (RMO) comparison onto a key comparison through linking
    laboratories -> :class:`LinkedComparison`.

Every function checks its data first and raises :class:`sitrace.errors.InputError`
naming the laboratory, e.g. ``"lab 'PTB': uncertainty must be > 0, got 0"``.

References
----------
Cox M G 2002 The evaluation of key comparison data, Metrologia 39 589-595.
Cox M G 2007 The evaluation of key comparison data: determining the largest
consistent subset, Metrologia 44 187-200.
DerSimonian R and Laird N 1986 Meta-analysis in clinical trials, Controlled
Clinical Trials 7 177-188.
Koepke A, Lafarge T, Possolo A and Toman B 2017 Consensus building for
interlaboratory studies, key comparisons, and meta-analysis, Metrologia 54 S34-S62.
Delahaye F and Witt T J 2002 Linking the results of key comparisons,
Metrologia 39 Tech. Suppl. 01005.
"""

from __future__ import annotations

import itertools
import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats

from sitrace.errors import InputError

__all__ = [
    "COVERAGE_FACTOR",
    "MAX_LCS_PARTICIPANTS",
    "DegreeOfEquivalence",
    "KeyComparisonResult",
    "LinkedComparison",
    "PairwiseEquivalence",
    "Participant",
    "degrees_of_equivalence",
    "dersimonian_laird",
    "largest_consistent_subset",
    "link_comparison",
    "median_reference",
    "pairwise_degrees_of_equivalence",
    "participants",
    "procedure_a",
]

COVERAGE_FACTOR = 2.0
"""k of U(d_i) = k u(d_i): 2, for about 95 % under a normal distribution (Cox 2002, 4)."""

MAX_LCS_PARTICIPANTS = 25
"""Largest number of candidate laboratories the exhaustive subset search accepts."""

MEDIAN_MAD_FACTOR = 1.858
"""Factor of the MAD-based standard uncertainty of the median, u = 1.858 MAD / sqrt(N - 1)."""

_CHUNK = 1 << 15  # subsets evaluated per numpy batch in the LCS search


# --------------------------------------------------------------------------- inputs


def _fmt(value: float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


@dataclass(frozen=True, slots=True)
class Participant:
    """One laboratory's result in a comparison.

    Attributes
    ----------
    lab : str
        Laboratory name, unique within a comparison.
    value : float
        Reported value x_i (finite).
    u : float
        Standard uncertainty u(x_i), finite and > 0.
    dof : float
        Degrees of freedom of ``u`` (> 0; ``inf`` when not stated). Kept for the
        record; the closed-form methods here do not use it.
    include : bool
        Whether the result enters the reference value. Results with
        ``include=False`` still receive a degree of equivalence, uncorrelated
        with the reference value.
    """

    lab: str
    value: float
    u: float
    dof: float = math.inf
    include: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.lab, str) or not self.lab.strip():
            raise InputError(f"lab name must be a non-empty string, got {self.lab!r}")
        where = f"lab {self.lab!r}"
        for name in ("value", "u", "dof"):
            item = getattr(self, name)
            if not _is_real(item):
                label = "uncertainty" if name == "u" else name
                raise InputError(
                    f"{label} must be a real number, got {type(item).__name__} {item!r}",
                    where=where,
                )
        value, u, dof = float(self.value), float(self.u), float(self.dof)
        if not math.isfinite(value):
            raise InputError(f"value must be finite, got {value!r}", where=where)
        if math.isnan(u) or not math.isfinite(u) or u <= 0:
            raise InputError(f"uncertainty must be > 0 and finite, got {_fmt(u)}", where=where)
        if math.isnan(dof) or dof <= 0:
            raise InputError(f"dof must be > 0, got {_fmt(dof)}", where=where)
        if not isinstance(self.include, bool | np.bool_):
            raise InputError(f"include must be True or False, got {self.include!r}", where=where)
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "u", u)
        object.__setattr__(self, "dof", dof)
        object.__setattr__(self, "include", bool(self.include))


def participants(
    labs: Sequence[str],
    values: Sequence[float],
    uncertainties: Sequence[float],
    *,
    dof: Sequence[float] | None = None,
    include: Sequence[bool] | None = None,
) -> tuple[Participant, ...]:
    """Build participants from parallel sequences (lab names, values, standard uncertainties).

    Examples
    --------
    >>> p = participants(["A", "B"], [1.0, 1.2], [0.1, 0.1])
    >>> [x.lab for x in p]
    ['A', 'B']
    """
    n = len(labs)
    columns = {"values": values, "uncertainties": uncertainties, "dof": dof, "include": include}
    for name, column in columns.items():
        if column is not None and len(column) != n:
            raise InputError(f"{name} must have one entry per lab ({n}), got {len(column)}")
    dofs = [math.inf] * n if dof is None else list(dof)
    flags = [True] * n if include is None else list(include)
    out = tuple(
        Participant(lab, x, u, dofs[i], flags[i])
        for i, (lab, x, u) in enumerate(zip(labs, values, uncertainties, strict=True))
    )
    _check(out, need_included=0)
    return out


def _check(results: Iterable[Participant], *, need_included: int = 2) -> tuple[Participant, ...]:
    """Validate a comparison: >= 2 participants, unique labs, >= ``need_included`` included."""
    if isinstance(results, Participant | str | bytes):
        raise InputError(f"results must be a sequence of Participant, got {type(results).__name__}")
    out = tuple(results)
    for i, item in enumerate(out):
        if not isinstance(item, Participant):
            raise InputError(
                f"result {i + 1} must be a Participant, got {type(item).__name__} {item!r}"
            )
    if len(out) < 2:
        raise InputError(f"a comparison needs at least 2 participants, got {len(out)}")
    seen: set[str] = set()
    for item in out:
        if item.lab in seen:
            raise InputError(
                "duplicate lab name: each lab may report once", where=f"lab {item.lab!r}"
            )
        seen.add(item.lab)
    included = sum(item.include for item in out)
    if included < need_included:
        raise InputError(
            f"at least {need_included} participants must enter the reference value "
            f"(include=True), got {included}"
        )
    return out


def _arrays(results: Sequence[Participant]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([p.value for p in results], dtype=np.float64)
    u = np.array([p.u for p in results], dtype=np.float64)
    inc = np.array([p.include for p in results], dtype=bool)
    return x, u, inc


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class DegreeOfEquivalence:
    """Degree of equivalence of one laboratory with the reference value.

    Attributes
    ----------
    lab : str
    d : float
        d_i = x_i - y.
    u : float
        Standard uncertainty u(d_i).
    U : float
        Expanded uncertainty U(d_i) = k u(d_i), k = :data:`COVERAGE_FACTOR`.
    En : float
        d_i / U(d_i); |En| <= 1 is the usual "equivalent" reading.
    included : bool
        Whether the lab's result entered the reference value.
    """

    lab: str
    d: float
    u: float
    U: float
    En: float
    included: bool

    def to_dict(self) -> dict[str, Any]:
        return {"lab": self.lab, "d": self.d, "u": self.u, "U": self.U, "En": self.En}


@dataclass(frozen=True, slots=True)
class KeyComparisonResult:
    """A reference value, its standard uncertainty and the laboratories' degrees of equivalence.

    Attributes
    ----------
    method : str
        ``"procedure-a"``, ``"lcs"``, ``"median"`` or ``"dl"``.
    reference_value, reference_uncertainty : float
        y and its standard uncertainty u(y).
    degrees_of_equivalence : tuple of DegreeOfEquivalence
        One per participant, in input order.
    chi2_observed, chi2_critical, birge_ratio, dof, p_value, consistent
        The chi-squared check of a weighted mean (Cox 2002, 5.1); ``None`` for the
        median and random-effects methods.
    tau : float or None
        Between-laboratory standard deviation (random effects only).
    excluded : tuple of str
        Labs left out of the reference value (by ``include=False`` or by the
        largest-consistent-subset search).
    """

    method: str
    reference_value: float
    reference_uncertainty: float
    degrees_of_equivalence: tuple[DegreeOfEquivalence, ...]
    chi2_observed: float | None = None
    chi2_critical: float | None = None
    birge_ratio: float | None = None
    dof: int | None = None
    p_value: float | None = None
    consistent: bool | None = None
    tau: float | None = None
    excluded: tuple[str, ...] = field(default=())

    def doe(self, lab: str) -> DegreeOfEquivalence:
        """Return the degree of equivalence of ``lab``."""
        for item in self.degrees_of_equivalence:
            if item.lab == lab:
                return item
        raise InputError(f"no such lab in this comparison: {lab!r}")

    def to_dict(self) -> dict[str, Any]:
        """Plain-JSON form: the keys of ``sitrace compare --json``."""
        out: dict[str, Any] = {
            "method": self.method,
            "reference_value": self.reference_value,
            "reference_uncertainty": self.reference_uncertainty,
        }
        if self.chi2_observed is not None:
            out.update(
                chi2_observed=self.chi2_observed,
                chi2_critical=self.chi2_critical,
                dof=self.dof,
                p_value=self.p_value,
                birge_ratio=self.birge_ratio,
                consistent=self.consistent,
            )
        if self.tau is not None:
            out["tau"] = self.tau
        if self.method == "lcs" or self.excluded:
            out["excluded"] = list(self.excluded)
        out["degrees_of_equivalence"] = [d.to_dict() for d in self.degrees_of_equivalence]
        return out


def _doe(
    results: Sequence[Participant],
    y: float,
    variance: Sequence[float],
    entered: Sequence[bool],
) -> tuple[DegreeOfEquivalence, ...]:
    out = []
    for p, var, inside in zip(results, variance, entered, strict=True):
        d = p.value - y
        u = math.sqrt(max(float(var), 0.0))
        U = COVERAGE_FACTOR * u
        En = d / U if U > 0 else (0.0 if d == 0 else math.copysign(math.inf, d))
        out.append(DegreeOfEquivalence(p.lab, d, u, U, En, bool(inside)))
    return tuple(out)


def _weighted_mean(x: np.ndarray, u: np.ndarray) -> tuple[float, float, float]:
    """Return y, u(y), chi2_obs for the weighted mean of x with standard uncertainties u."""
    w = 1.0 / u**2
    y = float(np.sum(w * x) / np.sum(w))
    u_y = float(1.0 / math.sqrt(float(np.sum(w))))
    chi2_obs = float(np.sum((x - y) ** 2 * w))
    return y, u_y, chi2_obs


def _check_alpha(alpha: float) -> float:
    if not _is_real(alpha) or not 0.0 < float(alpha) < 1.0:
        raise InputError(f"alpha must be a number in (0, 1), got {alpha!r}")
    return float(alpha)


def _weighted_mean_result(
    results: tuple[Participant, ...], entered: np.ndarray, alpha: float, method: str
) -> KeyComparisonResult:
    x, u, _ = _arrays(results)
    y, u_y, chi2_obs = _weighted_mean(x[entered], u[entered])
    nu = int(np.count_nonzero(entered)) - 1
    crit = float(stats.chi2.ppf(1.0 - alpha, nu))
    p_value = float(stats.chi2.sf(chi2_obs, nu))
    # Cox 2002, 4 and 5.1: u^2(d_i) = u^2(x_i) - u^2(y) for a lab in the weighted
    # mean (x_i and y correlated), u^2(x_i) + u^2(y) otherwise.
    variance = np.where(entered, u**2 - u_y**2, u**2 + u_y**2)
    return KeyComparisonResult(
        method=method,
        reference_value=y,
        reference_uncertainty=u_y,
        degrees_of_equivalence=_doe(results, y, variance, entered),
        chi2_observed=chi2_obs,
        chi2_critical=crit,
        birge_ratio=math.sqrt(chi2_obs / nu),
        dof=nu,
        p_value=p_value,
        consistent=p_value >= alpha,
        excluded=tuple(p.lab for p, inside in zip(results, entered, strict=True) if not inside),
    )


# --------------------------------------------------------------------------- procedure A


def procedure_a(results: Iterable[Participant], *, alpha: float = 0.05) -> KeyComparisonResult:
    """Weighted-mean reference value with the chi-squared consistency check (procedure A).

    Parameters
    ----------
    results : sequence of Participant
        At least two, with unique lab names; at least two with ``include=True``.
    alpha : float, keyword-only
        Significance level of the chi-squared test (Cox uses 0.05).

    Returns
    -------
    KeyComparisonResult
        y = Σ x_i/u_i² / Σ 1/u_i² and u(y) = (Σ 1/u_i²)^(-1/2) over the included
        labs; chi2_obs = Σ (x_i - y)²/u_i² with N - 1 degrees of freedom; the
        critical value χ²_{N-1}(1 - alpha); ``consistent`` is
        P(χ²_{N-1} > chi2_obs) >= alpha; Birge ratio sqrt(chi2_obs/(N - 1)).
        Degrees of equivalence for every lab: u²(d_i) = u_i² - u²(y) for an
        included lab, u_i² + u²(y) for one left out.

    References
    ----------
    Cox 2002, Metrologia 39 589, section 5.1 (procedure A) and section 4 (DoE).

    Examples
    --------
    >>> r = procedure_a(participants(["A", "B"], [1.0, 1.2], [0.1, 0.1]))
    >>> round(r.reference_value, 6), round(r.reference_uncertainty, 6), round(r.chi2_observed, 6)
    (1.1, 0.070711, 2.0)
    """
    alpha = _check_alpha(alpha)
    checked = _check(results)
    _, _, inc = _arrays(checked)
    return _weighted_mean_result(checked, inc, alpha, "procedure-a")


# --------------------------------------------------------------------------- LCS


def _subset_chi2(idx: np.ndarray, z: np.ndarray, w: np.ndarray) -> np.ndarray:
    """chi2_obs of each subset (rows of ``idx``, candidate indices), vectorised."""
    ws = w[idx]
    zs = z[idx]
    s0 = ws.sum(axis=1)
    mean = (ws * zs).sum(axis=1) / s0
    return (ws * (zs - mean[:, None]) ** 2).sum(axis=1)


def largest_consistent_subset(
    results: Iterable[Participant], *, alpha: float = 0.05
) -> KeyComparisonResult:
    """Procedure A on the largest subset of labs whose results pass the chi-squared test.

    Subsets of the included labs are examined in order of decreasing size; the
    first size at which some subset passes (P(χ²_{m-1} > chi2_obs) >= alpha) gives
    the largest consistent subset (Cox 2007). If several subsets of that size
    pass, the one with the smallest chi2_obs is taken (as the abstract of Cox
    2007 describes: "the LCS having smallest chi-squared value"), and on an
    exact tie the first in input order (sitrace's rule).

    Labs outside the subset are listed in ``excluded``; their degrees of
    equivalence have u²(d_i) = u_i² + u²(y), being uncorrelated with y.

    Parameters
    ----------
    results : sequence of Participant
        Labs with ``include=False`` are never candidates. At most
        :data:`MAX_LCS_PARTICIPANTS` candidates (the search is exhaustive).
    alpha : float, keyword-only

    Raises
    ------
    InputError
        More than 25 candidates, or no subset of 2 or more labs is consistent.

    References
    ----------
    Cox 2007, Metrologia 44 187; Cox 2002, Metrologia 39 589, 5.1.
    """
    alpha = _check_alpha(alpha)
    checked = _check(results)
    x, u, inc = _arrays(checked)
    candidates = np.flatnonzero(inc)
    n = candidates.size
    if n > MAX_LCS_PARTICIPANTS:
        raise InputError(
            f"the largest-consistent-subset search is exhaustive and accepts at most "
            f"{MAX_LCS_PARTICIPANTS} included participants, got {n}"
        )
    w = 1.0 / u[candidates] ** 2
    # chi2_obs is shift- and scale-free in x: centre and scale for accuracy.
    xc = x[candidates]
    scale = float(np.max(u[candidates]))
    z = (xc - float(np.median(xc))) / scale
    w_scaled = w * scale**2
    best: tuple[float, tuple[int, ...]] | None = None
    for m in range(n, 1, -1):
        crit = float(stats.chi2.ppf(1.0 - alpha, m - 1))
        combos = itertools.combinations(range(n), m)
        while True:
            chunk = np.fromiter(
                itertools.chain.from_iterable(itertools.islice(combos, _CHUNK)),
                dtype=np.intp,
            )
            if chunk.size == 0:
                break
            idx = chunk.reshape(-1, m)
            chi2 = _subset_chi2(idx, z, w_scaled)
            ok = np.flatnonzero(chi2 <= crit)
            if ok.size:
                k = int(ok[np.argmin(chi2[ok])])
                if best is None or chi2[k] < best[0]:
                    best = (float(chi2[k]), tuple(int(i) for i in idx[k]))
        if best is not None:
            entered = np.zeros(len(checked), dtype=bool)
            entered[candidates[list(best[1])]] = True
            return _weighted_mean_result(checked, entered, alpha, "lcs")
    raise InputError(
        f"no subset of 2 or more included participants passes the chi-squared test "
        f"at alpha={_fmt(alpha)}"
    )


# --------------------------------------------------------------------------- median


def median_reference(results: Iterable[Participant]) -> KeyComparisonResult:
    """Median of the included results, with a MAD-based standard uncertainty.

    y = median(x_i) over the included labs, and

        u(y) = 1.858 MAD / sqrt(N - 1),   MAD = median |x_i - y|,

    the estimate attributed to Müller (J. Res. NIST 105 (2000) 551) and used for
    median KCRVs in CCQM practice. The form and factor are stated as used; the
    source text could not be read when this was written. Degrees of equivalence
    use u²(d_i) = u_i² + u²(y) for every lab (the median's correlation with a
    single result is ignored, as is usual for this estimator).

    References
    ----------
    Cox 2002, Metrologia 39 589, section 5.2 (procedure B uses the median).
    """
    checked = _check(results)
    x, u, inc = _arrays(checked)
    xi = x[inc]
    n = xi.size
    y = float(np.median(xi))
    mad = float(np.median(np.abs(xi - y)))
    u_y = MEDIAN_MAD_FACTOR * mad / math.sqrt(n - 1)
    variance = u**2 + u_y**2
    return KeyComparisonResult(
        method="median",
        reference_value=y,
        reference_uncertainty=u_y,
        degrees_of_equivalence=_doe(checked, y, variance, inc),
        excluded=tuple(p.lab for p in checked if not p.include),
    )


# --------------------------------------------------------------------------- DL


def dersimonian_laird(results: Iterable[Participant]) -> KeyComparisonResult:
    """Random-effects reference value with the DerSimonian-Laird estimate of tau.

    Over the included labs, with w0_i = 1/u_i² and the weighted mean x0:

        Q = Σ w0_i (x_i - x0)²,
        tau² = max(0, (Q - (N - 1)) / (Σ w0_i - Σ w0_i² / Σ w0_i)),
        w_i = 1/(u_i² + tau²),  y = Σ w_i x_i / Σ w_i,  u(y) = (Σ w_i)^(-1/2).

    Degrees of equivalence in closed form: an included lab, correlated with y
    through its weight, has u²(d_i) = u_i² + tau² - u²(y); a lab left out has
    u²(d_i) = u_i² + tau² + u²(y). The NIST Consensus Builder evaluates these
    uncertainties by a parametric bootstrap instead (NICOB
    ``DoEUnilateralDerSimonianLaird.R``, whose closed form for excluded labs is
    u_i² + var(y) + tau²); the two agree only approximately.

    References
    ----------
    DerSimonian & Laird 1986, Controlled Clinical Trials 7 177; Koepke et al. 2017,
    Metrologia 54 S34, appendix on the DerSimonian-Laird procedure.

    Examples
    --------
    >>> r = dersimonian_laird(participants(["A", "B"], [1.0, 1.0], [0.1, 0.1]))
    >>> r.tau, round(r.reference_uncertainty, 6)
    (0.0, 0.070711)
    """
    checked = _check(results)
    x, u, inc = _arrays(checked)
    xi, ui = x[inc], u[inc]
    n = xi.size
    w0 = 1.0 / ui**2
    x0 = float(np.sum(w0 * xi) / np.sum(w0))
    q = float(np.sum(w0 * (xi - x0) ** 2))
    c = float(np.sum(w0) - np.sum(w0**2) / np.sum(w0))
    tau2 = max(0.0, (q - (n - 1)) / c) if c > 0 else 0.0
    w = 1.0 / (ui**2 + tau2)
    y = float(np.sum(w * xi) / np.sum(w))
    u_y = float(1.0 / math.sqrt(float(np.sum(w))))
    variance = np.where(inc, u**2 + tau2 - u_y**2, u**2 + tau2 + u_y**2)
    return KeyComparisonResult(
        method="dl",
        reference_value=y,
        reference_uncertainty=u_y,
        degrees_of_equivalence=_doe(checked, y, variance, inc),
        tau=math.sqrt(tau2),
        excluded=tuple(p.lab for p in checked if not p.include),
    )


# --------------------------------------------------------------------------- given reference


def degrees_of_equivalence(
    results: Iterable[Participant],
    reference_value: float,
    reference_uncertainty: float,
    *,
    method: str = "external",
) -> KeyComparisonResult:
    """Degrees of equivalence with a reference value computed elsewhere.

    d_i = x_i - y and u²(d_i) = u_i² + u²(y) for every lab: the covariance of x_i
    with a reference value from another estimator (a robust consensus, a pilot
    laboratory's value) is not known here and is taken as zero, which is
    conservative for labs that entered it (Cox 2002, section 4).

    Parameters
    ----------
    results : sequence of Participant
    reference_value : float
    reference_uncertainty : float
        Standard uncertainty u(y), finite and >= 0.
    method : str, keyword-only
        Name recorded in the result (e.g. ``"algorithm-a"``).
    """
    checked = _check(results, need_included=0)
    for name, item in (
        ("reference_value", reference_value),
        ("reference_uncertainty", reference_uncertainty),
    ):
        if not _is_real(item) or not math.isfinite(float(item)):
            raise InputError(f"{name} must be a finite real number, got {item!r}")
    y, u_y = float(reference_value), float(reference_uncertainty)
    if u_y < 0:
        raise InputError(f"reference_uncertainty must be >= 0, got {_fmt(u_y)}")
    _, u, inc = _arrays(checked)
    return KeyComparisonResult(
        method=str(method),
        reference_value=y,
        reference_uncertainty=u_y,
        degrees_of_equivalence=_doe(checked, y, u**2 + u_y**2, inc),
        excluded=tuple(p.lab for p in checked if not p.include),
    )


# --------------------------------------------------------------------------- pairwise


@dataclass(frozen=True, slots=True)
class PairwiseEquivalence:
    """Bilateral degrees of equivalence: d[i, j] = x_i - x_j, u[i, j]² = u_i² + u_j².

    Arrays are read-only, of shape (N, N), rows and columns in the order of ``labs``.
    """

    labs: tuple[str, ...]
    d: np.ndarray
    u: np.ndarray

    @property
    def expanded_uncertainty(self) -> np.ndarray:
        """Expanded uncertainties k u[i, j] with k = :data:`COVERAGE_FACTOR`."""
        out = COVERAGE_FACTOR * self.u
        out.setflags(write=False)
        return out

    def pair(self, lab_i: str, lab_j: str) -> tuple[float, float]:
        """Return (d_ij, u(d_ij)) of two labs by name."""
        try:
            i, j = self.labs.index(lab_i), self.labs.index(lab_j)
        except ValueError:
            raise InputError(f"no such lab in this comparison: {lab_i!r} or {lab_j!r}") from None
        return float(self.d[i, j]), float(self.u[i, j])


def pairwise_degrees_of_equivalence(results: Iterable[Participant]) -> PairwiseEquivalence:
    """Degrees of equivalence between every pair of labs, independent of any reference value.

    d_ij = x_i - x_j and u²(d_ij) = u_i² + u_j² (results uncorrelated); Cox 2002, 4.
    """
    checked = _check(results, need_included=0)
    x, u, _ = _arrays(checked)
    d = x[:, None] - x[None, :]
    uu = np.sqrt(u[:, None] ** 2 + u[None, :] ** 2)
    np.fill_diagonal(uu, 0.0)
    d.setflags(write=False)
    uu.setflags(write=False)
    return PairwiseEquivalence(tuple(p.lab for p in checked), d, uu)


# --------------------------------------------------------------------------- linking


@dataclass(frozen=True, slots=True)
class LinkedComparison:
    """A regional comparison expressed against a key comparison reference value.

    Attributes
    ----------
    offset, offset_uncertainty : float
        Δ, the weighted mean over the linking labs of d_l(KC) - d_l(RMO), and u(Δ).
    linking_labs : tuple of str
    reference_value, reference_uncertainty : float
        The key comparison's reference value and its standard uncertainty.
    degrees_of_equivalence : tuple of DegreeOfEquivalence
        Regional labs first (in the regional order), linked onto the KCRV;
        ``included`` is False for all of them. Linking labs keep their key
        comparison degrees of equivalence and are not repeated here.
    """

    offset: float
    offset_uncertainty: float
    linking_labs: tuple[str, ...]
    reference_value: float
    reference_uncertainty: float
    degrees_of_equivalence: tuple[DegreeOfEquivalence, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "link",
            "reference_value": self.reference_value,
            "reference_uncertainty": self.reference_uncertainty,
            "offset": self.offset,
            "offset_uncertainty": self.offset_uncertainty,
            "linking_labs": list(self.linking_labs),
            "degrees_of_equivalence": [d.to_dict() for d in self.degrees_of_equivalence],
        }


def link_comparison(
    regional: KeyComparisonResult,
    key: KeyComparisonResult,
    linking_labs: Sequence[str],
) -> LinkedComparison:
    """Link a regional (RMO) comparison to a key comparison through common laboratories.

    For each linking lab l, δ_l = d_l(KC) - d_l(RMO) with u²(δ_l) = u²(d_l(KC)) +
    u²(d_l(RMO)). The offset is their weighted mean Δ = Σ δ_l/u²(δ_l) / Σ 1/u²(δ_l),
    with u(Δ) = (Σ 1/u²(δ_l))^(-1/2). A lab j that took part in the regional
    comparison only gets d_j = d_j(RMO) + Δ and u²(d_j) = u²(d_j(RMO)) + u²(Δ).

    This is the simple linking scheme of Delahaye & Witt (2002): it treats the
    linking labs' two degrees of equivalence as independent and ignores the
    correlation between d_j(RMO) and the regional reference value through the
    linking labs, which a full analysis would keep.

    Parameters
    ----------
    regional, key : KeyComparisonResult
        Evaluations of the regional and of the key comparison.
    linking_labs : sequence of str
        At least one lab present in both.

    References
    ----------
    Delahaye F and Witt T J 2002, Metrologia 39 Tech. Suppl. 01005.
    """
    if isinstance(linking_labs, str):
        linking_labs = [linking_labs]
    labs = tuple(linking_labs)
    if not labs:
        raise InputError("at least one linking lab is needed, got none")
    if len(set(labs)) != len(labs):
        raise InputError(f"linking labs must be distinct, got {list(labs)}")
    regional_labs = {d.lab for d in regional.degrees_of_equivalence}
    key_labs = {d.lab for d in key.degrees_of_equivalence}
    deltas, weights = [], []
    for lab in labs:
        if lab not in regional_labs:
            raise InputError("linking lab is not in the regional comparison", where=f"lab {lab!r}")
        if lab not in key_labs:
            raise InputError("linking lab is not in the key comparison", where=f"lab {lab!r}")
        dk, dr = key.doe(lab), regional.doe(lab)
        var = dk.u**2 + dr.u**2
        if var <= 0:
            raise InputError(
                "degrees of equivalence must have u > 0 to link, got 0", where=f"lab {lab!r}"
            )
        deltas.append(dk.d - dr.d)
        weights.append(1.0 / var)
    w = np.array(weights)
    offset = float(np.sum(w * np.array(deltas)) / np.sum(w))
    u_offset = float(1.0 / math.sqrt(float(np.sum(w))))
    out = []
    for item in regional.degrees_of_equivalence:
        if item.lab in labs:
            continue
        d = item.d + offset
        u = math.sqrt(item.u**2 + u_offset**2)
        U = COVERAGE_FACTOR * u
        out.append(DegreeOfEquivalence(item.lab, d, u, U, d / U, False))
    return LinkedComparison(
        offset=offset,
        offset_uncertainty=u_offset,
        linking_labs=labs,
        reference_value=key.reference_value,
        reference_uncertainty=key.reference_uncertainty,
        degrees_of_equivalence=tuple(out),
    )
