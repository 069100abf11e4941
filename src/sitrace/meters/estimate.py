"""Per-area estimation of customer meter errors from the energy balance.

The balance of one low-voltage area over intervals t is the linear model (issue 6)

    y_t = Σ_j θ_j x_jt + θ_0 + θ_L q_t + ξ_t,    θ_j = 1 / (1 + ε_j),

with y the master meter's energy, x_j the customer meters' energies, θ_0 the fixed loss
per interval and θ_L q_t the variable loss (q_t = (Σ_j x_jt)² by default, "I²-like").

Contents
--------
:func:`estimate_area`
    One area, one window: ordinary least squares (QR), ridge toward the healthy prior
    θ = 1, recursive least squares with a forgetting factor, or a Huber M-estimator.
    Returns an :class:`AreaEstimate` with one :class:`MeterEstimate` per meter.
:func:`area_design`
    The regression columns of an area (what every method fits), for online use.
:func:`rls_init`, :func:`rls_update`, :class:`RLSState`
    Square-root recursive least squares for daily (block) online updates.

How the estimate is reported
----------------------------
θ̂ absorbs the master meter's error ε_0 (the common part is not identifiable from the
balance), so the absolute error is given ε_0: ε̂_j = (1 + ε_0)/θ̂_j − 1, and the
relative error (1 + ε̂_j)/(1 + ε̂_med) − 1 = θ̂_med/θ̂_j − 1 is taken against the area
median of the estimable meters and does not depend on ε_0. The standard uncertainty
follows from the parameter covariance by first-order propagation (JCGM 100:2008,
5.1.2, eq. (10)): u(ε_j) = (1 + ε_0) u(θ_j) / θ_j².

Identifiability (a meter the data cannot resolve is "not_estimable", never flagged):

* no readings, or near-zero consumption: the meter's energy over the used intervals is
  below ``min_share`` (default 1 %) of the area's mean meter energy;
* collinear profile: the meter's variance inflation factor (uncentred, the intercept
  and loss columns included) exceeds ``max_vif`` (default 10⁴, i.e. less than 1 % of
  the profile's norm is not a linear combination of the other columns);
* too few intervals for the area's size: T_used < k (N_fit + p), k =
  ``min_intervals_per_parameter`` (default 5; a floor chosen here, not a published
  rule: below it the residual variance and the large-sample covariance are unreliable);
* an uncertainty too large to judge the meter against its limit: u > ``max_u_percent``
  (default 1 %, the maximum permissible error of class 1 / B meters);
* a coefficient no meter error explains: θ̂ significantly (one-sided, ``confidence``)
  outside [(1 + ε_0)/(1 + p), (1 + ε_0)/(1 − p)], p = ``plausible_error_percent``
  (default 50 %): the customer's readings do not belong to this balance (wrong area,
  bypass); the area then carries a balance anomaly (see :mod:`~sitrace.meters.decide`);
* a coefficient that switches from day to day (theft on some days), see
  ``max_day_variation_percent``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd
import scipy.linalg
import scipy.stats

from ..errors import ConvergenceError, InputError
from .model import AreaSeries, interval_days

__all__ = [
    "HUBER_T",
    "LOSSES",
    "METHODS",
    "AreaDesign",
    "AreaEstimate",
    "MeterEstimate",
    "RLSState",
    "area_design",
    "estimate_area",
    "rls_init",
    "rls_update",
]

METHODS = ("ols", "ridge", "rls", "robust")
LOSSES = ("squared-total", "sum-squares", "none")
COVARIANCES = ("hc1", "classical")
WEIGHTS = ("load", "none")
STATUSES = ("ok", "flagged", "not_estimable")
ESTIMATE_COLUMNS = (
    "area",
    "meter",
    "error_percent",
    "u_percent",
    "relative_error_percent",
    "status",
    "intervals_used",
)

#: Huber's tuning constant; the default of statsmodels ``robust.norms.HuberT(t=1.345)``
#: (https://www.statsmodels.org/stable/generated/statsmodels.robust.norms.HuberT.html).
HUBER_T = 1.345
#: Normalisation of the median absolute deviation to a normal standard deviation:
#: scipy.stats.norm.ppf(3/4) (statsmodels ``robust.scale.mad``, c ≈ 0.6745).
_MAD_C = float(scipy.stats.norm.ppf(0.75))
#: Relative singular value below which a direction of the column-normalised design is
#: taken as exactly collinear (rank truncation).
_RCOND = 1e-10
_FIXED = "fixed_loss"
_VARIABLE = "variable_loss"
#: Smallest balance residual, as a share of the interval's energy, that the row
#: weights assume when imputed readings are present (a choice made here): when the
#: imputed readings' spread dominates every interval the data cannot tell the balance
#: residual, and without a floor the few complete intervals would take unbounded weight.
_MIN_SHARE = 1e-3


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class MeterEstimate:
    """One customer meter's estimated error in one window.

    Attributes
    ----------
    meter : str
    error_percent : float
        ε̂ in percent, given the master meter's error; NaN when the data cannot resolve it.
    u_percent : float
        Standard uncertainty of ``error_percent`` (percentage points); NaN as above.
    relative_error_percent : float
        Error relative to the area median of the estimable meters, in percent.
    status : {"ok", "flagged", "not_estimable"}
    intervals_used : int
        Intervals of the fit during which the meter was in service.
    reason : str
        Why the meter is not estimable or flagged ("" when ok).
    anomaly : {"", "implausible", "switching"}
        Set when the meter's readings point to a balance anomaly rather than a meter
        error: a coefficient no meter error explains (wrong area, bypass), or one that
        switches from day to day (theft on some days).
    """

    meter: str
    error_percent: float
    u_percent: float
    relative_error_percent: float
    status: str
    intervals_used: int
    reason: str = ""
    anomaly: str = ""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InputError(
                f"status must be one of {', '.join(STATUSES)}, got {self.status!r}",
                where=f"meter {self.meter!r}",
            )


@dataclass(frozen=True, eq=False)
class AreaEstimate:
    """The estimate of one area over one window.

    Attributes
    ----------
    area, method, loss : str
    meters : tuple of MeterEstimate
        One per meter of the series, in the series' order.
    columns : tuple of str
        Names of the fitted parameters: the meters that were fitted, then
        ``"fixed_loss"`` and ``"variable_loss"`` when present.
    theta : ndarray, shape (n,)
        Estimated coefficients in the order of ``columns`` (read-only).
    covariance : ndarray, shape (n, n)
        Their covariance matrix (read-only).
    fixed_loss_kwh, u_fixed_loss_kwh : float
        θ̂_0 and its standard uncertainty (kWh per interval, in master-meter units).
    loss_coefficient, u_loss_coefficient : float
        θ̂_L and its standard uncertainty (per kWh for q = (Σx)²).
    residual_sd : float
        Standard deviation of the residual ξ (kWh per interval), the imputed readings'
        part of the intervals' residuals left out (see :func:`estimate_area`,
        ``weights``).
    intervals_total, intervals_used, intervals_missing : int
        Intervals in the series, in the fit, and dropped for a missing reading.
    master_error_percent : float
        The master meter's error ε_0 assumed for the absolute errors.
    balance_anomaly : bool
        True when the balance points to theft or a wrong topology (an area flag).
    anomaly_reason : str
    residuals : ndarray, shape (k,)
        y − ŷ (read-only, kWh) of the fitted intervals that the day-level tests read:
        those whose imputed share is at most ``max_imputed_share_day_tests`` (every
        fitted interval with the defaults), k ≤ intervals_used.
    residual_timestamps : ndarray of datetime64[ns], shape (k,)
    fixed_loss_share : float
        θ̂_0 divided by the mean master energy per interval.
    mean_master_kwh : float
        Mean master energy per used interval.
    """

    area: str
    method: str
    loss: str
    meters: tuple[MeterEstimate, ...]
    columns: tuple[str, ...]
    theta: np.ndarray
    covariance: np.ndarray
    fixed_loss_kwh: float
    u_fixed_loss_kwh: float
    loss_coefficient: float
    u_loss_coefficient: float
    residual_sd: float
    intervals_total: int
    intervals_used: int
    intervals_missing: int
    master_error_percent: float
    balance_anomaly: bool = False
    anomaly_reason: str = ""
    residuals: np.ndarray = field(default_factory=lambda: np.empty(0))
    residual_timestamps: np.ndarray = field(
        default_factory=lambda: np.empty(0, dtype="datetime64[ns]")
    )
    fixed_loss_share: float = float("nan")
    mean_master_kwh: float = float("nan")

    def __post_init__(self) -> None:
        for name in ("theta", "covariance", "residuals", "residual_timestamps"):
            value = np.array(getattr(self, name), copy=True)
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def statuses(self) -> dict[str, str]:
        """Meter id -> status."""
        return {m.meter: m.status for m in self.meters}

    def meter(self, meter: str) -> MeterEstimate:
        """The estimate of one meter, by id."""
        for m in self.meters:
            if m.meter == meter:
                return m
        raise InputError(f"no meter {meter!r} in this estimate", where=f"area {self.area!r}")

    def to_frame(self, *, details: bool = False) -> pd.DataFrame:
        """The estimates file contract (issue 6): one row per meter.

        Columns ``area, meter, error_percent, u_percent, relative_error_percent, status,
        intervals_used``; with ``details=True`` also ``reason``.
        """
        rows = {
            "area": [self.area] * len(self.meters),
            "meter": [m.meter for m in self.meters],
            "error_percent": [m.error_percent for m in self.meters],
            "u_percent": [m.u_percent for m in self.meters],
            "relative_error_percent": [m.relative_error_percent for m in self.meters],
            "status": [m.status for m in self.meters],
            "intervals_used": [m.intervals_used for m in self.meters],
        }
        if details:
            rows["reason"] = [m.reason for m in self.meters]
        frame = pd.DataFrame(rows)
        frame["intervals_used"] = frame["intervals_used"].astype("int64")
        return frame


@dataclass(frozen=True, eq=False)
class AreaDesign:
    """The regression of one area: y = X θ + ξ over the usable intervals.

    Attributes
    ----------
    x : ndarray, shape (T_used, n)
        Columns: the fitted meters' energies, then 1 (fixed loss), then q (variable loss).
    y : ndarray, shape (T_used,)
        The master's energy minus the energies of the meters held at θ = 1 (not fitted).
    columns : tuple of str
    prior_theta : ndarray, shape (n,)
        The healthy prior: 1 for meters, 0 for loss terms.
    timestamps : ndarray of datetime64[ns], shape (T_used,)
    rows : ndarray of int, shape (T_used,)
        Positions of the used intervals in the series.
    in_service : ndarray of bool, shape (T_used, N)
        Which meter was in service in each used interval.
    imputed : ndarray of bool, shape (T_used, N)
        Which readings of the used intervals were missing and imputed (see
        :func:`area_design`); a meter's ``intervals_used`` counts its readings only.
    excluded : dict
        Meter id -> reason, for meters not fitted (no readings, near-zero consumption).
    intervals_missing : int
        Intervals dropped because a reading was missing (or between a replaced meter's
        last reading and its successor's first).
    imputed_variance : ndarray, shape (T_used,)
        Variance (kWh²) of each used interval's imputed energy: Σ over its imputed
        readings of their prediction variance (0 for a complete interval).
    imputed_share : ndarray, shape (T_used,)
        √imputed_variance as a share of the interval's customer energy.
    """

    x: np.ndarray
    y: np.ndarray
    columns: tuple[str, ...]
    prior_theta: np.ndarray
    timestamps: np.ndarray
    rows: np.ndarray
    in_service: np.ndarray
    excluded: dict
    intervals_missing: int
    mean_master: float
    imputed: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    imputed_variance: np.ndarray = field(default_factory=lambda: np.zeros(0))
    imputed_share: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def n_params(self) -> int:
        return int(self.x.shape[1])


# --------------------------------------------------------------------------- design


def _service_masks(customers: np.ndarray, gap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which readings are absent because the meter was not installed.

    A replacement appears (after preparation) as two meter ids: the old one without
    readings after its last reading, the new one without readings before its first.
    A leading NaN run of a column counts as "not installed" (0 kWh) only when another
    column's last reading lies at most ``gap`` intervals before the column's first
    reading, and symmetrically for a trailing run; any other NaN is a missing reading.
    A column with no reading at all counts as not installed. Returns (absent, has,
    swapping): ``swapping`` marks the intervals between an old meter's last reading
    and its successor's first, where either of them may have registered the energy.
    """
    t, n = customers.shape
    finite = np.isfinite(customers)
    has = finite.any(axis=0)
    first = np.where(has, finite.argmax(axis=0), t)
    last = np.where(has, t - 1 - finite[::-1].argmax(axis=0), -1)
    absent = np.zeros((t, n), dtype=bool)
    idx = np.arange(t)[:, None]
    # pair new meters (late first reading) with old ones (early last reading)
    starts = first[None, :] - last[:, None] - 1  # [old, new] gap in intervals
    paired = (starts >= 0) & (starts <= gap) & has[:, None] & has[None, :]
    np.fill_diagonal(paired, False)
    new_ok = paired.any(axis=0) & (first > 0)
    old_ok = paired.any(axis=1) & (last < t - 1)
    # a new meter is absent up to (and including) its predecessor's last reading;
    # the intervals between are missing for both (NaN stays NaN)
    pred_last = np.where(paired, last[:, None], -1).max(axis=0)
    succ_first = np.where(paired, first[None, :], t).min(axis=1)
    absent |= new_ok[None, :] & (idx <= pred_last[None, :])
    absent |= old_ok[None, :] & (idx >= succ_first[None, :])
    absent &= ~finite
    absent[:, ~has] = True
    swapping = (idx > pred_last[None, :]) & (idx < first[None, :]) & new_ok[None, :]
    return absent, has, swapping.any(axis=1)


def area_design(
    series: AreaSeries,
    *,
    loss: Literal["squared-total", "sum-squares", "none"] = "squared-total",
    fixed_loss: bool = True,
    min_share: float = 0.01,
    max_imputed_share: float = 0.01,
    loss_excluded: tuple[str, ...] | frozenset[str] = (),
) -> AreaDesign:
    """Build the regression columns of an area (used by every method).

    Parameters
    ----------
    series : AreaSeries
    loss : {"squared-total", "sum-squares", "none"}
        Variable-loss regressor q_t: (Σ_j x_jt)², Σ_j x_jt², or no variable loss.
    fixed_loss : bool
        Fit a fixed loss per interval θ_0 (an intercept).
    min_share : float
        Meters whose energy over the used intervals is below ``min_share`` times the
        area's mean meter energy are not fitted (held at θ = 1) and are not estimable.
    max_imputed_share : float
        Largest standard deviation of an interval's imputed energy, as a share of the
        interval's customer energy (default 0.01, see Notes); 0 uses only intervals
        where every customer in service has a reading.
    loss_excluded : collection of str
        Meters whose readings are left out of the variable-loss regressor q: readings
        that do not belong to this area's supply (a listed customer that another area
        supplies) carry no current through its lines.

    Notes
    -----
    An interval is used when the master has a reading and the readings missing from
    the customers in service can be imputed closely enough. Each lost reading is
    imputed by the meter's mean energy in the same interval of the day on the same
    type of day (weekday or weekend, UTC) over the window, with the variance of a
    prediction s_j² (1 + 1/n): s_j² the variance of the meter's readings about those
    means (n_j − k_j degrees of freedom for n_j readings in k_j groups), n the readings
    behind the mean. The interval is used when the imputed energy's standard deviation
    √(Σ_lost s_j² (1 + 1/n)) is at most ``max_imputed_share`` of the interval's
    customer energy. Any other interval is dropped and counted in
    ``intervals_missing``, and so are the intervals between an old meter's last
    reading and its successor's first: either may have registered them, and imputing
    both would count the customer twice.

    Why impute: each reading is lost independently (1 % is common), so in an area of
    N meters only about 0.99^N of the intervals are complete — 22 % for N = 150, 1 %
    for N = 450 — and dropping every incomplete interval leaves large areas with too
    few intervals for their size.

    The imputed mean x̂ goes into the meter's own column, not into y at θ = 1: the
    reading's error e = x − x̂ has mean zero given the regressors when x̂ is the
    conditional expectation (an error of the Berkson kind, which leaves the
    coefficients unbiased), so θ̂_j stays unbiased whatever θ_j; moved into y at
    θ = 1, the term (θ_j − 1) x̂ would stay in the residual and bias the meters whose
    profiles resemble x̂ whenever θ_j ≠ 1. The variable-loss regressor takes its
    expectation too: q plus the imputed readings' variances. The interval's residual
    is then ξ_t + Σ θ_j e_j, and :func:`estimate_area` weights each interval by its
    variance (``weights``).

    The cap of 1 % is a choice made here (not a published rule), and larger caps were
    measured: a lost reading's error is shared by its customer's whole day (a
    household's daily energy varies by about 25 %), so a lost day makes the errors of
    up to 96 intervals correlated, which neither the weights nor the
    heteroscedasticity-consistent covariance (independent intervals) describe. On
    simulated areas (households of appliance events, residual 0.5 %, 5 % of the days
    lost per meter independently): N = 30 over 30 days (20 areas), σ(ε̂ − ε) of
    healthy meters 1.01 pp with the 1 % cap, 0.89 pp with every interval (cap 1), and
    ε̂ ± 2u covering 94.8 % and 94.0 %; N = 100 over 60 days (4 areas), the 1 % cap
    keeps 5.5 % of the intervals (the areas are not estimable), every interval gives
    σ 5.9 pp, a coverage of 81 % and a false balance anomaly in 3 of the 4 areas. With
    readings lost one at a time (1 %) the correlation is weak and a larger cap only
    helps: N = 150 over 30 days (4 areas), σ 3.08 pp with the 1 % cap, 2.72 pp with
    every interval, both covering 95.5 %.

    Meters not fitted stay in the balance at the healthy prior θ = 1: their energy is
    subtracted from y.
    """
    _check_option("loss", loss, LOSSES)
    if not isinstance(fixed_loss, bool | np.bool_):
        raise InputError(f"fixed_loss must be True or False, got {fixed_loss!r}")
    _check_nonnegative("min_share", min_share)
    _check_nonnegative("max_imputed_share", max_imputed_share)
    if not isinstance(series, AreaSeries):
        raise InputError(f"series must be an AreaSeries, got {type(series).__name__}")
    customers = series.customers
    gap = max(1, (24 * 60) // series.interval_minutes)
    absent, has, swapping = _service_masks(customers, gap)
    x_all = np.where(absent, 0.0, customers)
    lost = ~np.isfinite(x_all)
    variance = np.zeros(x_all.shape)
    if max_imputed_share > 0 and lost.any():
        x_all, variance = _impute(x_all, lost, series.timestamps, series.interval_minutes)
        spread = np.sqrt(variance.sum(axis=1))  # NaN: a meter without any reading
        total = np.abs(x_all).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            share = np.where(total > 0, spread / total, np.where(spread > 0, np.inf, 0.0))
        complete = share <= max_imputed_share
    else:
        share = np.zeros(lost.shape[0])
        complete = ~lost.any(axis=1)
    used = np.isfinite(series.master) & complete & ~swapping
    observed = np.isfinite(series.master) | np.isfinite(customers).any(axis=1)
    rows = np.flatnonzero(used)
    x_used = x_all[rows]
    energy = np.abs(x_used).sum(axis=0)
    in_service = ~absent[rows]
    served = in_service.any(axis=0)
    mean_energy = energy[served].mean() if served.any() else 0.0
    excluded: dict[str, str] = {}
    for j, meter in enumerate(series.meters):
        if not has[j]:
            excluded[meter] = "no readings"
        elif not served[j]:
            excluded[meter] = "not in service in any used interval"
        elif energy[j] <= min_share * mean_energy:
            excluded[meter] = (
                f"near-zero consumption: {energy[j]:.4g} kWh, below {min_share:g} of the "
                f"area's mean meter energy {mean_energy:.4g} kWh"
            )
    fit = np.array([m not in excluded for m in series.meters], dtype=bool)
    columns = [m for m, f in zip(series.meters, fit, strict=True) if f]
    blocks = [x_used[:, fit]]
    prior = [np.ones(int(fit.sum()))]
    if fixed_loss:
        blocks.append(np.ones((rows.size, 1)))
        columns.append(_FIXED)
        prior.append(np.zeros(1))
    variance_used = variance[rows]
    if loss != "none":
        carried = ~np.isin(np.asarray(series.meters), list(loss_excluded))
        in_loss = x_used[:, carried]
        q = in_loss.sum(axis=1) ** 2 if loss == "squared-total" else (in_loss**2).sum(axis=1)
        # the expectation of q given the imputed means (both forms): + Σ of their variances
        q = q + variance_used[:, carried].sum(axis=1)
        blocks.append(q[:, None])
        columns.append(_VARIABLE)
        prior.append(np.zeros(1))
    y = series.master[rows] - x_used[:, ~fit].sum(axis=1)
    mean_master = float(np.mean(series.master[rows])) if rows.size else float("nan")
    return AreaDesign(
        x=np.hstack(blocks),
        y=y,
        columns=tuple(columns),
        prior_theta=np.concatenate(prior),
        timestamps=series.timestamps[rows],
        rows=rows,
        in_service=in_service,
        excluded=excluded,
        intervals_missing=int((~used & observed).sum() + (~observed).sum()),
        mean_master=mean_master,
        imputed=lost[rows],
        imputed_variance=variance_used.sum(axis=1),
        imputed_share=share[rows],
    )


def _impute(
    x: np.ndarray, lost: np.ndarray, timestamps: np.ndarray, interval_minutes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Fill lost readings with the meter's mean in the same interval of the day and type of day.

    Returns the filled array and the variance of each filled reading's error (kWh², 0
    where read, NaN where the meter has no reading at all): s_j² (1 + 1/n), s_j² the
    meter's variance about its means (n − k degrees of freedom for n readings in k
    groups) and n the readings behind the mean used, the variance of a prediction.
    """
    start = timestamps.astype("datetime64[m]").astype(np.int64) - 1  # interval start, min
    slot = (start % 1440) // interval_minutes
    # 1970-01-01 was a Thursday: day 2 and 3 of the week (from Thursday) are the weekend
    weekend = ((start // 1440) % 7 >= 2) & ((start // 1440) % 7 <= 3)
    values = np.where(lost, 0.0, x)
    seen = (~lost).astype(float)
    n_seen = seen.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.broadcast_to(values.sum(axis=0) / n_seen, x.shape)  # fallback: the mean
    count = np.broadcast_to(n_seen, x.shape)
    groups = np.zeros(x.shape[1])
    # then the same interval of the day, then that and the same day type (weekday or
    # weekend: household and business profiles differ between them)
    for key in (slot, slot * 2 + weekend):
        keys, index = np.unique(key, return_inverse=True)
        onehot = (index[:, None] == np.arange(keys.size)[None, :]).astype(float)
        sums, counts = onehot.T @ values, onehot.T @ seen
        per_key = sums / np.where(counts > 0, counts, 1.0)
        mean = np.where((counts > 0)[index], per_key[index], mean)
        count = np.where((counts > 0)[index], counts[index], count)
        groups = (counts > 0).sum(axis=0)  # a reading's own group is always seen
    filled = np.where(lost, mean, x)
    spread = np.where(lost, 0.0, x - mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        var = (spread**2).sum(axis=0) / np.maximum(n_seen - groups, 1)
        variance = np.where(lost, var * (1.0 + 1.0 / count), 0.0)
    variance = np.where(np.isfinite(filled), variance, np.nan)
    return filled, variance


# --------------------------------------------------------------------------- RLS


@dataclass(frozen=True, eq=False)
class RLSState:
    """State of a square-root recursive least-squares fit (information form).

    The fit minimises Σ_b λ^(B−b) ||y_b − X_b θ||² + λ^B (θ − θ_p)ᵀ P₀ (θ − θ_p) over
    blocks b = 1..B (e.g. days), λ the forgetting factor per block. ``r`` is the
    triangular square root of the weighted information Σ λ^(B−b) X_bᵀX_b (+ prior),
    ``r2`` that of Σ λ^(2(B−b)) X_bᵀX_b (for the sandwich covariance), ``z`` the
    rotated right-hand side, ``rss`` the weighted residual sum of squares.
    With λ = 1 the fit equals ordinary least squares on all blocks up to the prior.
    """

    r: np.ndarray
    r2: np.ndarray
    z: np.ndarray
    rss: float
    weight_sum: float
    prior_theta: np.ndarray
    forgetting: float
    blocks: int
    intervals: int

    def __post_init__(self) -> None:
        for name in ("r", "r2", "z", "prior_theta"):
            value = np.array(getattr(self, name), dtype=np.float64, copy=True)
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def n_params(self) -> int:
        return int(self.z.shape[0])

    @property
    def theta(self) -> np.ndarray:
        """Current estimate θ̂."""
        return self.prior_theta + scipy.linalg.solve_triangular(self.r, self.z)

    @property
    def residual_variance(self) -> float:
        """s² = rss / (Σw − tr(A⁻¹B)), unbiased for independent equal-variance noise.

        With weights w (λ^age) the expected weighted residual sum of squares is
        σ² (Σw − tr(A⁻¹B)), A = Σ w x xᵀ, B = Σ w² x xᵀ; with λ = 1 this is T − n.
        """
        # tr(A⁻¹ B) = ||R2 R⁻¹||_F²
        r_inv = scipy.linalg.solve_triangular(self.r, np.eye(self.n_params))
        dof = self.weight_sum - float(np.sum((self.r2 @ r_inv) ** 2))
        if dof <= 0:
            return float("nan")
        return float(self.rss / dof)

    @property
    def covariance(self) -> np.ndarray:
        """Cov(θ̂) = s² A⁻¹ B A⁻¹ (sandwich; s² A⁻¹ when λ = 1)."""
        a_inv = self._a_inv()
        m = self.r2 @ a_inv
        return self.residual_variance * (m.T @ m)

    def _a_inv(self) -> np.ndarray:
        r_inv = scipy.linalg.solve_triangular(self.r, np.eye(self.n_params))
        return r_inv @ r_inv.T


def rls_init(
    n_params: int,
    *,
    forgetting: float = 1.0,
    prior_theta: np.ndarray | None = None,
    prior_precision: float | np.ndarray = 1e-6,
) -> RLSState:
    """Start a recursive least-squares fit.

    Parameters
    ----------
    n_params : int
        Number of coefficients (columns of X).
    forgetting : float in (0, 1]
        Forgetting factor λ per block (per day for daily updates): a block's weight
        decays by λ per later block; the memory is about 1/(1 − λ) blocks.
    prior_theta : ndarray of shape (n_params,), optional
        Prior coefficients (default zeros; :func:`area_design` gives the healthy prior).
    prior_precision : float or ndarray of shape (n_params,)
        Information of the prior per coefficient (units of Σ x², i.e. of XᵀX's diagonal);
        small values make the fit equal to least squares on the data.
    """
    if not isinstance(n_params, int | np.integer) or n_params < 1:
        raise InputError(f"n_params must be a positive integer, got {n_params!r}")
    _check_forgetting(forgetting)
    prior = np.zeros(n_params) if prior_theta is None else np.asarray(prior_theta, float)
    if prior.shape != (n_params,) or not np.isfinite(prior).all():
        raise InputError(f"prior_theta must be {n_params} finite numbers, got shape {prior.shape}")
    precision = np.broadcast_to(np.asarray(prior_precision, dtype=float), (n_params,))
    if not np.isfinite(precision).all() or (precision <= 0).any():
        raise InputError(f"prior_precision must be > 0 and finite, got {prior_precision!r}")
    root = np.diag(np.sqrt(precision))
    return RLSState(
        r=root,
        r2=root,
        z=np.zeros(n_params),
        rss=0.0,
        weight_sum=0.0,
        prior_theta=prior,
        forgetting=float(forgetting),
        blocks=0,
        intervals=0,
    )


def rls_update(state: RLSState, x_block: np.ndarray, y_block: np.ndarray) -> RLSState:
    """Add one block of intervals (e.g. one day) to a recursive least-squares fit.

    The earlier information is discounted by the forgetting factor λ, then the block's
    rows are added exactly by a QR factorisation of the stacked square-root system
    [√λ R, √λ z; X_b, y_b − X_b θ_p] (a square-root information update), so the result
    does not depend on how the data are split into blocks when λ = 1.

    Parameters
    ----------
    state : RLSState
    x_block : ndarray, shape (m, n_params)
    y_block : ndarray, shape (m,)
    """
    if not isinstance(state, RLSState):
        raise InputError(f"state must be an RLSState from rls_init, got {type(state).__name__}")
    x = np.asarray(x_block, dtype=np.float64)
    y = np.asarray(y_block, dtype=np.float64)
    n = state.n_params
    if x.ndim != 2 or x.shape[1] != n:
        raise InputError(f"x_block must have shape (m, {n}), got {x.shape}")
    if y.shape != (x.shape[0],):
        raise InputError(f"y_block must have shape ({x.shape[0]},), got {y.shape}")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InputError("x_block and y_block must be finite (drop missing intervals first)")
    lam = state.forgetting
    root = np.sqrt(lam)
    stacked = np.vstack(
        [
            np.hstack([root * state.r, root * state.z[:, None]]),
            np.hstack([x, (y - x @ state.prior_theta)[:, None]]),
        ]
    )
    r_full = scipy.linalg.qr(stacked, mode="r")[0]
    r_new, z_new = _upper(r_full, n)
    corner = r_full[n, n] if r_full.shape[0] > n else 0.0
    r2 = scipy.linalg.qr(np.vstack([lam * state.r2, x]), mode="r")[0][:n]
    return RLSState(
        r=r_new,
        r2=np.triu(r2),
        z=z_new,
        rss=lam * state.rss + float(corner) ** 2,
        weight_sum=lam * state.weight_sum + x.shape[0],
        prior_theta=state.prior_theta,
        forgetting=lam,
        blocks=state.blocks + 1,
        intervals=state.intervals + x.shape[0],
    )


def _upper(r_full: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Split the R factor of [X y] into R (n×n) and Qᵀy (n), fixing signs so diag(R) ≥ 0.

    With fewer rows than columns the economic R is short: it is padded with zero rows
    (the system is rank-deficient and solved in the minimum-norm sense).
    """
    if r_full.shape[0] < n + 1:
        r_full = np.vstack([r_full, np.zeros((n + 1 - r_full.shape[0], r_full.shape[1]))])
    r = np.triu(r_full[:n, :n])
    z = r_full[:n, n].copy()
    signs = np.where(np.diag(r) < 0, -1.0, 1.0)
    return r * signs[:, None], z * signs


# --------------------------------------------------------------------------- solvers


@dataclass(frozen=True)
class _Fit:
    delta: np.ndarray  # θ − θ_p in scaled coordinates
    cov: np.ndarray  # classical covariance in scaled coordinates
    residuals: np.ndarray
    variance: float
    bread: np.ndarray | None = None  # A⁻¹ of the sandwich (None: no HC form)
    row_weights: np.ndarray | None = None  # weights of the rows in A (RLS forgetting)
    dof: float = float("nan")  # effective number of fitted parameters


def _svd_solve(r: np.ndarray, qty: np.ndarray):
    """Minimum-norm least squares from R and Qᵀy via the SVD of R (rank-revealing)."""
    u, s, vt = np.linalg.svd(r)
    keep = s > _RCOND * s[0] if s.size and s[0] > 0 else np.zeros(s.shape, bool)
    inv = np.where(keep, 1.0 / np.where(keep, s, 1.0), 0.0)
    delta = vt.T @ (inv * (u.T @ qty))
    return delta, vt, s, keep, inv


def _ols(xs: np.ndarray, y: np.ndarray):
    r_full = scipy.linalg.qr(np.hstack([xs, y[:, None]]), mode="r")[0]
    n = xs.shape[1]
    r, qty = _upper(r_full, n)
    delta, vt, s, keep, inv = _svd_solve(r, qty)
    resid = y - xs @ delta
    dof = xs.shape[0] - int(keep.sum())
    variance = float(resid @ resid / dof) if dof > 0 else float("nan")
    cov = (vt.T * inv**2) @ vt * variance
    bread = (vt.T * inv**2) @ vt
    fit = _Fit(delta, cov, resid, variance, bread=bread, dof=float(keep.sum()))
    return fit, (vt, s, keep, inv)


def _ridge(xs: np.ndarray, y: np.ndarray, penalty: np.ndarray, lam: float) -> _Fit:
    n = xs.shape[1]
    r_full = scipy.linalg.qr(np.hstack([xs, y[:, None]]), mode="r")[0]
    r, qty = _upper(r_full, n)
    gram = r.T @ r
    a = gram + lam * np.diag(penalty)
    a_inv = np.linalg.pinv(a, rcond=_RCOND, hermitian=True)
    delta = a_inv @ (r.T @ qty)
    resid = y - xs @ delta
    dof = xs.shape[0] - float(np.trace(a_inv @ gram))
    variance = float(resid @ resid / dof) if dof > 0 else float("nan")
    cov = variance * (a_inv @ gram @ a_inv)
    return _Fit(delta, cov, resid, variance, bread=a_inv, dof=xs.shape[0] - dof)


def _robust(
    xs: np.ndarray, y: np.ndarray, ols: tuple, t: float, max_iterations: int, area: str
) -> _Fit:
    """Huber M-estimate by iteratively reweighted least squares.

    Weights w = min(1, t / |r/s|) with s = median(|r|) / Φ⁻¹(3/4) recomputed at each
    iteration (as statsmodels ``RLM`` does with ``scale_est="mad"``); covariance
    Huber's H1 form: K² [Σψ²/(T−n)] s² / [mean ψ']² (XᵀX)⁻¹,
    K = 1 + (n/T) var(ψ')/mean(ψ')² (statsmodels ``RLMResults.bcov_scaled``, after
    Huber, Robust Statistics, 1981).
    """
    fit, (vt, _s, _keep, inv) = ols
    delta = fit.delta
    resid = fit.residuals
    n_rows, n = xs.shape
    for _ in range(max_iterations):
        scale = float(np.median(np.abs(resid)) / _MAD_C)
        if scale <= 0:
            break
        w = np.minimum(1.0, t / np.maximum(np.abs(resid) / scale, 1e-300))
        sw = np.sqrt(w)
        r_full = scipy.linalg.qr(np.hstack([xs * sw[:, None], (y * sw)[:, None]]), mode="r")[0]
        r, qty = _upper(r_full, n)
        new, *_ = _svd_solve(r, qty)
        step = np.max(np.abs(new - delta)) if delta.size else 0.0
        delta = new
        resid = y - xs @ delta
        if step <= 1e-10 * max(1.0, float(np.max(np.abs(delta)))):
            break
    else:
        raise ConvergenceError(
            f"Huber IRLS did not converge in {max_iterations} iterations", where=f"area {area!r}"
        )
    scale = float(np.median(np.abs(resid)) / _MAD_C)
    if scale <= 0:
        return _Fit(delta, fit.cov * 0.0, resid, 0.0)
    u = resid / scale
    psi = np.clip(u, -t, t)
    dpsi = (np.abs(u) <= t).astype(float)
    m = dpsi.mean()
    k = 1.0 + n / n_rows * dpsi.var() / m**2
    xtx_inv = (vt.T * inv**2) @ vt
    factor = k**2 * (psi @ psi / (n_rows - n)) * scale**2 / m**2
    return _Fit(delta, factor * xtx_inv, resid, float(psi @ psi / (n_rows - n)) * scale**2)


# --------------------------------------------------------------------------- main


@dataclass(frozen=True)
class _Solved:
    theta: np.ndarray
    cov: np.ndarray
    residuals: np.ndarray
    variance: float
    vif: np.ndarray


def _solve(
    x: np.ndarray,
    y: np.ndarray,
    prior: np.ndarray,
    timestamps: np.ndarray,
    penalised: np.ndarray,
    opts: dict,
    area: str,
    rows: _RowModel,
) -> _Solved:
    """Fit one design with the chosen method, in column-normalised coordinates.

    Every row is divided by its residual standard deviation (``rows.scale``, relative
    to the mean; none for unweighted rows) first: weighted least squares. Residuals and
    the balance residual's variance are returned in kWh.
    """
    t_used = x.shape[0]
    scale = rows.scale
    if scale is not None:
        x = x / scale[:, None]
        y = y / scale
    norms = np.sqrt((x**2).sum(axis=0))
    norms = np.where(norms > 0, norms, 1.0)
    xs = x / norms
    y_w = y - x @ prior
    ols = _ols(xs, y_w)
    ols_fit, (vt, _s, keep, inv) = ols
    # identifiability from the data whatever the method: e_j outside the row space of
    # the design, or an uncentred variance inflation factor (unit-norm columns)
    outside = (vt[~keep] ** 2).sum(axis=0) > 1e-8
    vif = np.where(outside, np.inf, (vt.T**2 * inv**2).sum(axis=1))
    method = opts["method"]
    if method == "ols":
        fit = ols_fit
    elif method == "ridge":
        fit = _ridge(xs, y_w, penalised.astype(float), opts["ridge_lambda"])
    elif method == "robust":
        fit = _robust(xs, y_w, ols, opts["huber_t"], opts["max_iterations"], area)
    else:
        fit = _rls_fit(xs, y_w, timestamps, opts["forgetting"], opts["prior_weight"], t_used)
    cov = fit.cov
    if opts["covariance"] == "hc1" and fit.bread is not None and t_used > fit.dof:
        # heteroscedasticity-consistent sandwich: A⁻¹ Σ w² r² x xᵀ A⁻¹ · T/(T − p)
        w = fit.residuals if fit.row_weights is None else fit.residuals * fit.row_weights
        score = xs * w[:, None]
        cov = fit.bread @ (score.T @ score) @ fit.bread * (t_used / (t_used - fit.dof))
    residuals, variance = fit.residuals, fit.variance
    if scale is not None:
        residuals = residuals * scale
        # E[b_t r_t²] is the balance residual's own variance s² a_t² (b_t = 1 when no
        # reading of the interval was imputed)
        variance = float(rows.balance @ residuals**2) / max(t_used - fit.dof, 1)
    return _Solved(
        theta=prior + fit.delta / norms,
        cov=cov / np.outer(norms, norms),
        residuals=residuals,
        variance=variance,
        vif=vif,
    )


@dataclass(frozen=True)
class _RowModel:
    scale: np.ndarray | None  # residual sd per row relative to the mean (None: equal)
    balance: np.ndarray  # share of the row's residual variance that is the balance's
    share: float  # s: the balance residual sd per unit of a_t (nan: not estimated)


def _row_model(
    x: np.ndarray, y: np.ndarray, imputed_variance: np.ndarray, weights: str
) -> _RowModel:
    """The residual variance of each interval: Var_t = s² a_t² + V_t.

    a_t = |y_t| (floored at 5 % of the median) for ``weights="load"``, 1 for
    ``"none"``; V_t the variance of the interval's imputed energy (readings at θ = 1,
    :func:`area_design`). Without imputed readings this is the weighting as before
    (s cancels). With them s² is estimated by iteratively reweighted moments (the
    variance function fitted to squared residuals, Carroll and Ruppert, Transformation
    and Weighting in Regression, 1988, ch. 3): fit with weights 1/Var_t (1/a_t² at
    first), then s² = Σ g_t a_t² (c r_t² − V_t) / Σ g_t a_t⁴ with g_t = 1/Var_t² and
    c = T/(T − p), until s² moves by less than 1 % (the weights need no more), and
    not below (``_MIN_SHARE``)² in units of a².
    """
    t_used = y.shape[0]
    a = _load_scale(y) if weights == "load" else np.ones(t_used)
    v = imputed_variance
    if not (v > 0).any():
        scale = a / float(np.mean(a)) if weights == "load" else None
        return _RowModel(scale, np.ones(t_used), float("nan"))
    a2 = a * a
    floor = _MIN_SHARE**2 * float(np.mean(y * y)) / float(np.mean(a2))
    norms = np.sqrt((x**2).sum(axis=0))
    xn = x / np.where(norms > 0, norms, 1.0)
    dof = t_used / max(t_used - x.shape[1], 1)
    s2 = None
    for _ in range(20):
        var = a2 if s2 is None else s2 * a2 + v
        sd = np.sqrt(var)
        coef = scipy.linalg.lstsq(
            xn / sd[:, None], y / sd, lapack_driver="gelsy", check_finite=False
        )[0]
        moment = dof * (y - xn @ coef) ** 2 - v
        g = 1.0 / (var * var)
        new = max(float(g @ (a2 * moment)) / float(g @ (a2 * a2)), floor)
        done = s2 is not None and abs(new - s2) <= 0.01 * s2
        s2 = new
        if done:
            break
    var = s2 * a2 + v
    sd = np.sqrt(var)
    return _RowModel(sd / float(np.mean(sd)), s2 * a2 / var, float(np.sqrt(s2)))


def _load_scale(y: np.ndarray) -> np.ndarray:
    """|y_t| floored at 5 % of the median (no row weighs more than 400 times the
    median row)."""
    a = np.abs(y)
    floor = 0.05 * float(np.median(a)) if a.size else 0.0
    return np.maximum(a, floor if floor > 0 else 1.0)


def _split_days(
    x: np.ndarray,
    prior: np.ndarray,
    n_fit: int,
    switching: np.ndarray,
    starts: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The design with each switching meter's column split into one column per day.

    Returns (x, prior, penalised): the kept meters, then the day columns of the
    switching meters (in meter order, then day order), then the loss columns.
    """
    t_used, n = x.shape
    day_of = np.repeat(np.arange(starts.size), np.diff(np.r_[starts, t_used]))
    onehot = day_of[:, None] == np.arange(starts.size)[None, :]
    keep = [i for i in range(n_fit) if not switching[i]]
    split = [x[:, [i]] * onehot for i in np.flatnonzero(switching)]
    x2 = np.hstack([x[:, keep], *split, x[:, n_fit:]])
    n_meter_cols = len(keep) + starts.size * int(switching.sum())
    prior2 = np.r_[np.ones(n_meter_cols), prior[n_fit:]]
    pen2 = np.r_[np.ones(n_meter_cols, bool), np.zeros(n - n_fit, bool)]
    return x2, prior2, pen2


def _day_starts(timestamps: np.ndarray) -> np.ndarray:
    days = interval_days(timestamps)
    return np.r_[0, np.flatnonzero(days[1:] != days[:-1]) + 1]


def _day_variation(
    x: np.ndarray, residuals: np.ndarray, starts: np.ndarray, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Day-to-day variation of each column's apparent coefficient.

    For column j and day d, c_jd = Σ w r x_j / Σ w x_j² is the least-squares correction
    of θ_j that day's residual asks for, with variance v_jd = Σ w² r² x_j² / (Σ w x_j²)²
    (heteroscedasticity-consistent); w is 1 for an interval without imputed readings
    and the balance's share of its residual variance otherwise (:func:`_row_model`).
    Returns Q_j = Σ_d c_jd²/v_jd (about χ² with D degrees of freedom when θ_j is
    constant), the rms excess √max(0, mean(c² − v)), D_j (days with data), and the
    residual sum of squares one coefficient per day would remove, Σ_d (Σ w r x_j)² /
    Σ w x_j² (each column alone).
    """
    wx = weights[:, None] * x
    num = np.add.reduceat(residuals[:, None] * wx, starts, axis=0)
    den = np.add.reduceat(wx * x, starts, axis=0)
    var_num = np.add.reduceat((residuals[:, None] * wx) ** 2, starts, axis=0)
    ok = (den > 0) & (var_num > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(ok, num / np.where(ok, den, 1.0), 0.0)
        v = np.where(ok, var_num / np.where(ok, den, 1.0) ** 2, 0.0)
        q = np.where(ok, c * c / np.where(ok, v, 1.0), 0.0).sum(axis=0)
    days = ok.sum(axis=0)
    excess = np.sqrt(np.maximum(0.0, (c * c - v).sum(axis=0) / np.maximum(days, 1)))
    reduction = (c * num).sum(axis=0)
    return q, excess, days, reduction


def estimate_area(
    series: AreaSeries,
    *,
    method: Literal["ols", "ridge", "rls", "robust"] = "ols",
    loss: Literal["squared-total", "sum-squares", "none"] = "squared-total",
    fixed_loss: bool = True,
    ridge_lambda: float = 0.01,
    forgetting: float = 1.0,
    master_error_percent: float = 0.0,
    min_share: float = 0.01,
    max_vif: float = 1e4,
    min_intervals_per_parameter: float = 5.0,
    max_u_percent: float = 1.0,
    plausible_error_percent: float = 50.0,
    max_day_variation_percent: float = 10.0,
    max_imputed_share: float = 0.01,
    max_imputed_share_day_tests: float = 0.01,
    loss_excluded: tuple[str, ...] | frozenset[str] = (),
    covariance: Literal["hc1", "classical"] = "hc1",
    weights: Literal["load", "none"] = "load",
    confidence: float = 0.99,
    huber_t: float = HUBER_T,
    max_iterations: int = 100,
    prior_weight: float = 1e-6,
) -> AreaEstimate:
    """Estimate every customer meter's error of one area from its energy balance.

    Parameters
    ----------
    series : AreaSeries
        One area over one window (NaN = missing).
    method : {"ols", "ridge", "rls", "robust"}
        ``"ols"``: least squares by one QR factorisation of the column-normalised
        design, covariance s² (RᵀR)⁻¹ (minimum-norm solution on exactly collinear
        columns). ``"ridge"``: least squares plus λ Σ_j ||x_j||² (θ_j − 1)² over the
        meters (not the loss terms): each meter's prior is worth ``ridge_lambda`` times
        its own information, so with orthogonal profiles θ̂_j − 1 shrinks by
        1/(1 + λ), and λ → 0 recovers OLS; covariance s² A⁻¹ XᵀX A⁻¹ (sandwich, the
        shrinkage bias toward θ = 1 not included). ``"rls"``: recursive least squares
        over calendar days (UTC) with forgetting factor ``forgetting`` per day
        (:func:`rls_update`); λ = 1 equals OLS up to the prior (worth
        ``prior_weight`` intervals of each column's data). ``"robust"``: Huber
        M-estimate (t = ``huber_t``, scale by the MAD) by iteratively reweighted least
        squares, covariance Huber's H1.
    loss : {"squared-total", "sum-squares", "none"}
        Variable-loss regressor (Σx)², Σx², or none.
    fixed_loss : bool
        Fit a fixed loss per interval (intercept).
    master_error_percent : float
        The master meter's error ε_0 (percent) for the absolute errors.
    min_share, max_vif, min_intervals_per_parameter, max_u_percent, plausible_error_percent
        Identifiability thresholds (see the module docstring).
    max_day_variation_percent : float
        A meter whose apparent coefficient changes from day to day by more than this
        (rms, percent of θ), significantly (χ² test at 1 − (1 − confidence)/N), is
        switching: part of its customer's energy bypasses it on some days (theft) —
        no meter fault does that. It is refitted with one coefficient per day, reported
        not estimable, and the area carries a balance anomaly. The test is stepwise:
        the meter whose day columns remove most of the residual is split first, the
        area refitted and the others tested again (a switching customer leaves a
        load-shaped residual that every correlated profile would otherwise pick up).
    max_imputed_share : float
        Largest standard deviation of an interval's imputed (lost) readings as a share
        of its customer energy (:func:`area_design`, whose notes give what larger
        caps measured); 0 keeps only complete intervals.
    max_imputed_share_day_tests : float
        Largest such share of an interval that the day-level tests read (the
        switching test above and the residual's day dispersion of
        :func:`sitrace.meters.decide.balance_anomaly`, through
        ``AreaEstimate.residuals``). A lost reading's error carries its customer's
        level that day, a day pattern no meter or theft causes: with every interval
        of 30-meter areas that lose 5 % of their days per meter, every area raised a
        balance anomaly until these tests read only intervals within this share.
        A meter's own imputed readings never enter its own day statistic.
    loss_excluded : collection of str
        Meters left out of the variable-loss regressor (:func:`area_design`). Meters
        found implausible (readings that do not belong to this balance) are left out
        of it as well, and the area refitted once: the loss regressor built from a
        customer another area supplies is a term the balance does not contain, and it
        biases the correlated meters.
    covariance : {"hc1", "classical"}
        ``"classical"``: the covariance of each method's model above (s² (RᵀR)⁻¹ for
        OLS). ``"hc1"`` (default): the heteroscedasticity-consistent sandwich
        A⁻¹ Xᵀ diag(w² r²) X A⁻¹ · T/(T − p) with A⁻¹ each method's bread (White's HC0
        scaled by T/(T − p): MacKinnon and White's HC1, as statsmodels
        ``RegressionResults.HC1_se`` defines it). The balance residual grows with the
        load, and the classical form then understates u: on simulated areas
        (N = 30, 30 days, residual 0.5 % of each interval's energy) ε̂ ± 2u covered
        the true error 89 % of the time with the classical form, 94 % with HC1. The
        robust method keeps Huber's H1 form.
    weights : {"load", "none"}
        ``"load"`` (default): weighted least squares with row weights 1/y_t², y_t
        the master reading, for a residual whose standard deviation is a share of
        the interval's energy (Aitken's generalised least squares; the HC1 sandwich
        keeps u right if the share is not constant). ``"none"``: every interval
        weighs the same. On simulated areas (N = 30, 30 days, residual 0.5 % of each
        interval's energy, 40 areas) σ(ε̂ − ε) of healthy meters was 0.36 pp with
        "load" and 0.49 pp with "none", with the same 94 % coverage of ε̂ ± 2u.
        An interval with imputed readings has the larger variance s² a_t² + V_t
        (a_t = y_t for "load", 1 for "none"; V_t the imputed energy's variance from
        :func:`area_design`), and every interval is weighted by 1/(s² a_t² + V_t),
        s estimated from the residuals (feasible generalised least squares; without
        imputed readings this is the weighting above). The rows imputed before were
        weighted as complete ones: on areas of 150 meters that lose 1 % of their
        readings (4 areas, 30 days) σ was 3.64 pp, with these weights 3.08 pp, the
        coverage of ε̂ ± 2u 95.3 % and 95.5 %.
    confidence : float
        One-sided confidence of the implausible-coefficient and switching tests.

    Returns
    -------
    AreaEstimate
        Status "ok" or "not_estimable" per meter (flags come from
        :func:`sitrace.meters.decide.flag_meters`); the balance anomaly from
        :func:`sitrace.meters.decide.balance_anomaly`.

    References
    ----------
    JCGM 100:2008, 5.1.2, eq. (10) (first-order propagation θ → ε).
    """
    arguments = dict(locals())
    _check_option("method", method, METHODS)
    _check_option("covariance", covariance, COVARIANCES)
    _check_option("weights", weights, WEIGHTS)
    _check_positive("ridge_lambda", ridge_lambda, allow_zero=True)
    _check_forgetting(forgetting)
    _check_finite("master_error_percent", master_error_percent)
    if master_error_percent <= -100:
        raise InputError(f"master_error_percent must be > -100, got {master_error_percent!r}")
    _check_positive("max_vif", max_vif)
    _check_positive("min_intervals_per_parameter", min_intervals_per_parameter, allow_zero=True)
    _check_positive("max_u_percent", max_u_percent)
    _check_positive("plausible_error_percent", plausible_error_percent)
    _check_positive("max_day_variation_percent", max_day_variation_percent)
    _check_nonnegative("max_imputed_share_day_tests", max_imputed_share_day_tests)
    _check_positive("huber_t", huber_t)
    _check_positive("prior_weight", prior_weight)
    _check_finite("confidence", confidence)
    if not 0.5 <= confidence < 1:
        raise InputError(f"confidence must be in [0.5, 1), got {confidence!r}")
    if not isinstance(max_iterations, int | np.integer) or max_iterations < 1:
        raise InputError(f"max_iterations must be a positive integer, got {max_iterations!r}")
    opts = dict(
        method=method,
        ridge_lambda=float(ridge_lambda),
        forgetting=float(forgetting),
        huber_t=float(huber_t),
        max_iterations=int(max_iterations),
        prior_weight=float(prior_weight),
        covariance=covariance,
        weights=weights,
    )
    design = area_design(
        series,
        loss=loss,
        fixed_loss=fixed_loss,
        min_share=min_share,
        max_imputed_share=max_imputed_share,
        loss_excluded=loss_excluded,
    )
    one_plus_e0 = 1.0 + master_error_percent / 100.0
    x, y = design.x, design.y
    t_used, n = x.shape
    columns = list(design.columns)
    n_fit = sum(1 for c in columns if c not in (_FIXED, _VARIABLE))
    per_meter_used = (design.in_service & ~design.imputed).sum(axis=0)
    reasons: dict[str, str] = dict(design.excluded)
    anomaly: dict[str, str] = {}
    base = dict(
        area=series.area,
        method=method,
        loss=loss,
        intervals_total=series.n_intervals,
        intervals_used=int(t_used),
        intervals_missing=design.intervals_missing,
        master_error_percent=float(master_error_percent),
    )
    needed = min_intervals_per_parameter * n
    if t_used < needed or t_used <= n:
        why = (
            f"too few intervals for the area's size: {t_used} used, need at least "
            f"{min_intervals_per_parameter:g} × {n} parameters = {needed:g}"
        )
        meters = tuple(
            MeterEstimate(m, np.nan, np.nan, np.nan, "not_estimable", int(c), reasons.get(m, why))
            for m, c in zip(series.meters, per_meter_used, strict=True)
        )
        return AreaEstimate(
            meters=meters,
            columns=tuple(columns),
            theta=np.full(n, np.nan),
            covariance=np.full((n, n), np.nan),
            fixed_loss_kwh=np.nan,
            u_fixed_loss_kwh=np.nan,
            loss_coefficient=np.nan,
            u_loss_coefficient=np.nan,
            residual_sd=np.nan,
            residuals=np.empty(0),
            residual_timestamps=np.empty(0, dtype="datetime64[ns]"),
            **base,
        )
    penalised = np.zeros(n, dtype=bool)
    penalised[:n_fit] = True
    rows = _row_model(x, y, design.imputed_variance, weights)
    # a lost reading's error is shared by its day (the customer's level that day): the
    # day-level tests read only intervals whose imputed part is small
    tested = design.imputed_share <= max_imputed_share_day_tests
    solved = _solve(x, y, design.prior_theta, design.timestamps, penalised, opts, series.area, rows)
    # switching meters (theft on some days): refit with one coefficient per day.
    # Stepwise, one meter at a time: a switching customer leaves a load-shaped residual
    # that every correlated profile picks up in the marginal day statistic, so only the
    # most significant meter is split, the area refitted and the others tested again.
    starts = _day_starts(design.timestamps)
    alpha = (1.0 - confidence) / max(n_fit, 1)
    # a meter's imputed readings say nothing about its coefficient on that day
    position = {m: j for j, m in enumerate(series.meters)}
    own = design.imputed[:, [position[c] for c in columns[:n_fit]]]
    meter_x = np.where(own, 0.0, x[:, :n_fit])
    switching = np.zeros(n_fit, dtype=bool)
    stats: dict[int, tuple[float, float, int]] = {}
    first = solved
    while True:
        day_residuals = solved.residuals
        if method == "robust":  # outlier intervals are not day-level switching: winsorise
            read = day_residuals[tested] if tested.any() else day_residuals
            scale = float(np.median(np.abs(read)) / _MAD_C)
            day_residuals = np.clip(day_residuals, -huber_t * scale, huber_t * scale)
        q_stat, excess, n_days, reduction = _day_variation(
            meter_x, day_residuals, starts, np.where(tested, rows.balance, 0.0)
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            excess_pct = 100 * excess / np.abs(first.theta[:n_fit])
        log_p = scipy.stats.chi2.logsf(q_stat, np.maximum(n_days, 1))
        candidate = (
            (log_p < np.log(alpha))
            & (excess_pct > max_day_variation_percent)
            & (n_days >= 2)
            & ~switching
        )
        if not candidate.any():
            break
        # the split that explains most of the residual (forward selection): under a
        # load-shaped residual every correlated column's χ² saturates, the switching
        # meter's own day columns fit it best
        i = int(np.flatnonzero(candidate)[np.argmax(reduction[candidate])])
        switching[i] = True
        stats[i] = (float(excess_pct[i]), float(q_stat[i]), int(n_days[i]))
        x2, prior2, pen2 = _split_days(x, design.prior_theta, n_fit, switching, starts)
        # the balance residual without the switching customer's day pattern
        rows = _row_model(x2, y, design.imputed_variance, weights)
        solved = _solve(x2, y, prior2, design.timestamps, pen2, opts, series.area, rows)
    if switching.any():
        keep_cols = [i for i in range(n_fit) if not switching[i]]
        split_names = [
            f"{columns[i]}@{interval_days(design.timestamps[starts[d]])!s}"
            for i in np.flatnonzero(switching)
            for d in range(starts.size)
        ]
        for i in np.flatnonzero(switching):
            meter = columns[i]
            pct, q_i, d_i = stats[i]
            reasons[meter] = (
                f"apparent coefficient varies from day to day by {pct:.3g} % rms "
                f"(χ² {q_i:.3g} over {d_i} days), more than any other meter's: part of "
                "the customer's energy bypasses the meter on some days (theft), or an "
                "unmetered load shaped like this customer's; no meter fault explains it"
            )
            anomaly[meter] = "switching"
        columns = [columns[i] for i in keep_cols] + split_names + columns[n_fit:]
        n_fit = len(keep_cols) + len(split_names)
    col_index = {c: i for i, c in enumerate(columns)}
    theta, cov = solved.theta, solved.cov
    u_theta = np.sqrt(np.clip(np.diag(cov), 0, None))
    z = float(scipy.stats.norm.ppf(confidence))
    eps = np.full(series.n_meters, np.nan)
    u_eps = np.full(series.n_meters, np.nan)
    status = ["not_estimable"] * series.n_meters
    for j, meter in enumerate(series.meters):
        if meter in reasons:
            continue
        i = col_index[meter]
        th = theta[i]
        if solved.vif[i] > max_vif:
            reasons[meter] = (
                f"collinear profile: variance inflation {solved.vif[i]:.3g} above {max_vif:g}"
            )
            continue
        # a coefficient no meter fault explains, tested in θ (the linear estimate):
        # θ significantly outside [(1 + ε_0)/(1 + p), (1 + ε_0)/(1 − p)], p the
        # plausible error
        p = plausible_error_percent / 100.0
        low = one_plus_e0 / (1.0 + p)
        high = one_plus_e0 / (1.0 - p) if p < 1 else np.inf
        if th + z * u_theta[i] < low or th - z * u_theta[i] > high:
            reasons[meter] = (
                f"implausible coefficient θ = {th:.4g} (u {u_theta[i]:.2g}): outside "
                f"[{low:.4g}, {high:.4g}], an error beyond ±{plausible_error_percent:g} % "
                "that no meter fault explains (wrong area or bypass)"
            )
            anomaly[meter] = "implausible"
            continue
        e = one_plus_e0 / th - 1.0
        ue = one_plus_e0 * u_theta[i] / th**2
        eps[j], u_eps[j] = e, ue
        if not np.isfinite(ue) or ue * 100 > max_u_percent:
            reasons[meter] = (
                f"uncertainty {100 * ue:.3g} % above {max_u_percent:g} %: cannot be judged "
                "against its limit"
            )
            continue
        status[j] = "ok"
    ok = np.array([s_ == "ok" for s_ in status])
    if ok.any():
        eps_med = float(np.median(eps[ok]))
        rel = (1.0 + eps) / (1.0 + eps_med) - 1.0
    else:
        rel = np.full(series.n_meters, np.nan)
    meters = []
    for j, meter in enumerate(series.meters):
        structural = (
            meter in design.excluded
            or anomaly.get(meter) == "switching"
            or reasons.get(meter, "").startswith("collinear")
        )
        meters.append(
            MeterEstimate(
                meter=meter,
                error_percent=np.nan if structural else float(100 * eps[j]),
                u_percent=np.nan if structural else float(100 * u_eps[j]),
                relative_error_percent=np.nan if structural else float(100 * rel[j]),
                status=status[j],
                intervals_used=int(per_meter_used[j]),
                reason=reasons.get(meter, ""),
                anomaly=anomaly.get(meter, ""),
            )
        )
    fixed_i = col_index.get(_FIXED)
    var_i = col_index.get(_VARIABLE)
    estimate = AreaEstimate(
        meters=tuple(meters),
        columns=tuple(columns),
        theta=theta,
        covariance=cov,
        fixed_loss_kwh=float(theta[fixed_i]) if fixed_i is not None else 0.0,
        u_fixed_loss_kwh=float(u_theta[fixed_i]) if fixed_i is not None else 0.0,
        loss_coefficient=float(theta[var_i]) if var_i is not None else 0.0,
        u_loss_coefficient=float(u_theta[var_i]) if var_i is not None else 0.0,
        residual_sd=float(np.sqrt(solved.variance)),
        residuals=solved.residuals[tested],
        residual_timestamps=design.timestamps[tested],
        fixed_loss_share=(
            float(theta[fixed_i]) / design.mean_master
            if fixed_i is not None and design.mean_master
            else float("nan")
        ),
        mean_master_kwh=design.mean_master,
        **base,
    )
    from .decide import balance_anomaly  # the rule lives with the decisions

    implausible = frozenset(m for m, a in anomaly.items() if a == "implausible")
    if loss != "none" and not implausible <= frozenset(loss_excluded):
        arguments["loss_excluded"] = frozenset(loss_excluded) | implausible
        return estimate_area(**arguments)
    flag, why = balance_anomaly(estimate, confidence=confidence)
    return replace(estimate, balance_anomaly=flag, anomaly_reason=why)


def _rls_fit(
    xs: np.ndarray,
    y_w: np.ndarray,
    timestamps: np.ndarray,
    forgetting: float,
    prior_weight: float,
    t_used: int,
) -> _Fit:
    """RLS over calendar days (UTC) in the scaled, prior-centred coordinates."""
    n = xs.shape[1]
    # scaled columns have unit norm: one interval's worth of a column is 1/T_used
    state = rls_init(n, forgetting=forgetting, prior_precision=prior_weight / t_used)
    days = interval_days(timestamps)
    cuts = np.flatnonzero(days[1:] != days[:-1]) + 1
    for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, days.size], strict=True):
        state = rls_update(state, xs[lo:hi], y_w[lo:hi])
    delta = state.theta
    # row weights λ^(age in days) at the end of the window, for the sandwich form
    day_index = np.repeat(np.arange(cuts.size + 1), np.diff(np.r_[0, cuts, days.size]))
    weights = forgetting ** (day_index[-1] - day_index).astype(float)
    r_inv = scipy.linalg.solve_triangular(state.r, np.eye(n))
    return _Fit(
        delta,
        state.covariance,
        y_w - xs @ delta,
        state.residual_variance,
        bread=r_inv @ r_inv.T,
        row_weights=weights,
        dof=float(n),
    )


# --------------------------------------------------------------------------- checks


def _check_option(name: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InputError(
            f"{name} must be one of {', '.join(repr(a) for a in allowed)}, got {value!r}"
        )


def _check_finite(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InputError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value):
        raise InputError(f"{name} must be finite, got {value!r}")


def _check_positive(name: str, value: object, *, allow_zero: bool = False) -> None:
    _check_finite(name, value)
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InputError(f"{name} must be {bound}, got {value!r}")


def _check_nonnegative(name: str, value: object) -> None:
    _check_positive(name, value, allow_zero=True)


def _check_forgetting(value: object) -> None:
    _check_finite("forgetting", value)
    if not 0 < value <= 1:
        raise InputError(f"forgetting must be in (0, 1], got {value!r}")
