"""Decisions on estimated meter errors: meter flags, persistence, area balance anomalies.

Contents
--------
:func:`flag_meters`
    A meter is "flagged" when its error is outside its maximum permissible error (MPE)
    with a stated one-sided confidence: |ε̂| − z u > MPE, z = Φ⁻¹(confidence)
    (z ≈ 2.326 for the 99 % of the issue 6 file contract: "``flagged`` means its error is
    outside the MPE with 99 % one-sided confidence"). The guard band is z u.
:func:`persistent_flags`
    A flag counts when it holds in ``consecutive`` consecutive windows.
:func:`balance_anomaly`
    An *area* flag: the balance points to theft or a wrong topology, not to a meter.

Balance-anomaly rule (chosen here and documented; not a published rule)
------------------------------------------------------------------------
The area is flagged when any of these holds (tests one-sided at ``confidence``):

1. a customer's coefficient is one no meter fault explains (found by
   :func:`~sitrace.meters.estimate.estimate_area`): ε̂ beyond ``plausible_error_percent``
   with confidence, or θ̂ ≤ 0 (wrong-area customer, full bypass); or it switches from
   day to day (part of the energy bypasses the meter on some days: theft);
2. the fixed loss θ̂_0 is implausible: θ̂_0 − z u > ``max_fixed_loss_share`` × the mean
   master energy per interval (an unmetered load: theft, an unlisted customer), or
   θ̂_0 + z u < −``max_fixed_loss_share`` × that mean (customers register more than is
   supplied);
3. the residual is load-shaped: its day sums are far more dispersed than independent
   interval noise allows (:func:`residual_dispersion` above the χ²_D quantile and
   above ``max_dispersion_ratio`` × D).

Meters behind 1 are "not_estimable" (never flagged): their readings say nothing about
their error while part of their customer's energy is outside the balance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import scipy.stats

from ..errors import InputError
from .estimate import AreaEstimate, MeterEstimate
from .model import interval_days

__all__ = [
    "DEFAULT_MPE_PERCENT",
    "balance_anomaly",
    "flag_meters",
    "persistent_flags",
    "residual_dispersion",
]

#: Without a meters table a customer meter is taken as class 1 / B, MPE ±1 % (issue 6,
#: file contract).
DEFAULT_MPE_PERCENT = 1.0


def _z(confidence: float) -> float:
    if isinstance(confidence, bool) or not isinstance(confidence, int | float | np.number):
        raise InputError(f"confidence must be a number in [0.5, 1), got {confidence!r}")
    if not 0.5 <= confidence < 1:
        raise InputError(f"confidence must be in [0.5, 1), got {confidence!r}")
    return float(scipy.stats.norm.ppf(confidence))


def _mpe_for(mpe_percent: float | Mapping[str, float], meter: str, default: float) -> float:
    value = mpe_percent.get(meter, default) if isinstance(mpe_percent, Mapping) else mpe_percent
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise InputError(f"MPE must be a number, got {value!r}", where=f"meter {meter!r}")
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"MPE must be > 0 percent, got {value!r}", where=f"meter {meter!r}")
    return float(value)


def flag_meters(
    estimate: AreaEstimate,
    *,
    mpe_percent: float | Mapping[str, float] = DEFAULT_MPE_PERCENT,
    default_mpe_percent: float = DEFAULT_MPE_PERCENT,
    confidence: float = 0.99,
) -> AreaEstimate:
    """Flag meters whose error is outside their MPE with one-sided ``confidence``.

    Parameters
    ----------
    estimate : AreaEstimate
    mpe_percent : float or mapping meter -> float
        Maximum permissible error per meter (percent); meters missing from a mapping
        take ``default_mpe_percent``.
    confidence : float
        One-sided confidence of the flag (default 0.99, z = Φ⁻¹(0.99) ≈ 2.326).

    Returns
    -------
    AreaEstimate
        A copy with each meter's status re-decided: "not_estimable" stays; a meter with
        u > MPE cannot be judged against its limit and becomes "not_estimable"; a meter
        with |ε̂| − z u > MPE becomes "flagged"; the others "ok".
    """
    if not isinstance(estimate, AreaEstimate):
        raise InputError(f"estimate must be an AreaEstimate, got {type(estimate).__name__}")
    z = _z(confidence)
    _mpe_for(default_mpe_percent, "(default)", DEFAULT_MPE_PERCENT)
    out: list[MeterEstimate] = []
    for m in estimate.meters:
        mpe = _mpe_for(mpe_percent, m.meter, default_mpe_percent)
        if m.status == "not_estimable":
            out.append(m)
        elif not np.isfinite(m.u_percent) or m.u_percent > mpe:
            out.append(
                replace(
                    m,
                    status="not_estimable",
                    reason=f"uncertainty {m.u_percent:.3g} % above the MPE {mpe:g} %: cannot "
                    "be judged against its limit",
                )
            )
        elif abs(m.error_percent) - z * m.u_percent > mpe:
            out.append(
                replace(
                    m,
                    status="flagged",
                    reason=f"|error| {abs(m.error_percent):.3g} % − {z:.3f} × u "
                    f"{m.u_percent:.3g} % exceeds the MPE {mpe:g} %",
                )
            )
        else:
            out.append(replace(m, status="ok", reason=""))
    return replace(estimate, meters=tuple(out))


def persistent_flags(
    window_estimates: Sequence[AreaEstimate], *, consecutive: int = 2
) -> pd.DataFrame:
    """Which flags persist over consecutive windows.

    Parameters
    ----------
    window_estimates : sequence of AreaEstimate
        The same area's estimates over successive windows, oldest first, already
        decided by :func:`flag_meters`.
    consecutive : int
        A meter is persistently flagged in a window when it is "flagged" in that window
        and the ``consecutive − 1`` windows before it (a window where it is "ok",
        "not_estimable" or absent breaks the run).

    Returns
    -------
    DataFrame
        Columns ``window`` (position in the sequence), ``area``, ``meter``, ``status``,
        ``run`` (consecutive flagged windows ending here) and ``persistent`` (bool).
    """
    if not isinstance(consecutive, int | np.integer) or consecutive < 1:
        raise InputError(f"consecutive must be a positive integer, got {consecutive!r}")
    rows: list[dict] = []
    run: dict[str, int] = {}
    for w, est in enumerate(window_estimates):
        if not isinstance(est, AreaEstimate):
            raise InputError(f"window {w}: expected an AreaEstimate, got {type(est).__name__}")
        seen = set()
        for m in est.meters:
            seen.add(m.meter)
            run[m.meter] = run.get(m.meter, 0) + 1 if m.status == "flagged" else 0
            rows.append(
                {
                    "window": w,
                    "area": est.area,
                    "meter": m.meter,
                    "status": m.status,
                    "run": run[m.meter],
                    "persistent": run[m.meter] >= consecutive,
                }
            )
        for meter in set(run) - seen:
            run[meter] = 0
    columns = ["window", "area", "meter", "status", "run", "persistent"]
    return pd.DataFrame(rows, columns=columns)


def residual_dispersion(estimate: AreaEstimate) -> tuple[float, int]:
    """Day-level dispersion of the residual: Σ_d R_d² / V_d and the number of days D.

    R_d = Σ_{t∈d} r_t is a day's residual sum and V_d = Σ_{t∈d} r_t² its variance if the
    interval residuals were independent (heteroscedasticity allowed). A stable balance
    with independent noise gives about χ² with D degrees of freedom (a little less:
    the fit absorbs part of the residual). An unmetered load, a bypass or a wrong
    connection leaves a residual shaped like a load profile, correlated within the day:
    the statistic then far exceeds D.
    """
    if estimate.residuals.size == 0:
        return float("nan"), 0
    days = interval_days(estimate.residual_timestamps)
    _, inverse = np.unique(days, return_inverse=True)
    r = estimate.residuals
    sums = np.bincount(inverse, weights=r)
    squares = np.bincount(inverse, weights=r * r)
    ok = squares > 0
    return float(np.sum(sums[ok] ** 2 / squares[ok])), int(ok.sum())


def balance_anomaly(
    estimate: AreaEstimate,
    *,
    confidence: float = 0.99,
    max_fixed_loss_share: float = 0.05,
    max_dispersion_ratio: float = 2.0,
    min_days: int = 7,
) -> tuple[bool, str]:
    """Does the area's balance point to theft or a wrong topology? (an area flag)

    Parameters
    ----------
    estimate : AreaEstimate
    confidence : float
        One-sided confidence of each test.
    max_fixed_loss_share : float
        Largest plausible fixed loss per interval as a share of the mean master energy
        per interval.
    max_dispersion_ratio : float
        The day-level dispersion (:func:`residual_dispersion`) must exceed both the
        χ²_D quantile at ``confidence`` and this multiple of D: a drifting or stepping
        meter leaves a small day-level residual that the first test alone would catch
        in long windows.
    min_days : int
        The dispersion test needs at least this many days of residuals.

    Returns
    -------
    (bool, str)
        The flag and the reasons in words ("" when not flagged).
    """
    z = _z(confidence)
    if not isinstance(estimate, AreaEstimate):
        raise InputError(f"estimate must be an AreaEstimate, got {type(estimate).__name__}")
    reasons: list[str] = []
    implausible = [m.meter for m in estimate.meters if m.anomaly == "implausible"]
    switching = [m.meter for m in estimate.meters if m.anomaly == "switching"]
    if implausible:
        reasons.append(
            "customer readings that no meter error explains (wrong area or bypass): "
            + ", ".join(implausible)
        )
    if switching:
        reasons.append(
            "customer readings that switch from day to day (part of the energy bypasses "
            "the meter on some days: theft): " + ", ".join(switching)
        )
    share = estimate.fixed_loss_share
    mean_master = estimate.mean_master_kwh
    if np.isfinite(share) and np.isfinite(mean_master) and mean_master != 0:
        u_share = estimate.u_fixed_loss_kwh / abs(mean_master)
        if share - z * u_share > max_fixed_loss_share:
            reasons.append(
                f"fixed loss {100 * share:.3g} % of the supplied energy (u {100 * u_share:.2g} %) "
                f"is above {100 * max_fixed_loss_share:g} %: unmetered load (theft or an "
                "unlisted customer)"
            )
        elif share + z * u_share < -max_fixed_loss_share:
            reasons.append(
                f"fixed loss {100 * share:.3g} % of the supplied energy is negative beyond "
                f"{100 * max_fixed_loss_share:g} %: customers register more than is supplied "
                "(wrong topology)"
            )
    stat, n_days = residual_dispersion(estimate)
    # noise-free data (residual at rounding level) carry no dispersion information
    noisy = estimate.residual_sd > 1e-9 * abs(mean_master) if np.isfinite(mean_master) else True
    if noisy and n_days >= min_days and np.isfinite(stat):
        critical = max(
            float(scipy.stats.chi2.isf(1.0 - confidence, n_days)), max_dispersion_ratio * n_days
        )
        if stat > critical:
            reasons.append(
                f"day-level residual dispersion {stat:.3g} over {n_days} days above "
                f"{critical:.3g}: a load-shaped residual (an unmetered or unlisted load, a "
                "wrong connection)"
            )
    return bool(reasons), "; ".join(reasons)
