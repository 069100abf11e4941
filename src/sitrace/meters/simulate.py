"""Synthetic transformer areas and fleets with their ground truth (seeded).

The estimators of :mod:`sitrace.meters` are checked against data whose answer is
known. This module draws such data: one low-voltage area at a time
(:func:`simulate_area`, the aligned :class:`~sitrace.meters.model.AreaSeries` plus
every true value behind it) and whole fleets in the shape of a real meter-data feed
(:func:`simulate_fleet`: readings with their messy parts, a truth table, a meters
table). Every knob and its default lives in :class:`FleetConfig`.

Contents
--------
FleetConfig
    Every knob of the simulation with its default; ``FleetConfig.clean()`` turns
    off every messy part (for exact, noise-free estimator tests).
simulate_area
    One area -> :class:`SimulatedArea` (series, true errors over time, master
    error, loss parameters, per-meter kinds and a truth table).
simulate_fleet
    Many areas -> :class:`Fleet` (readings in the feed shape, truth, meters, areas).
draw_area_sizes
    Area sizes (number of customer meters) from a truncated lognormal.

The model
---------
A customer meter j with relative error eps_j(t) registers x_jt = (1 + eps_j(t)) e_jt,
e_jt the true energy through the meter. The master (supply) meter of the area,
with error eps_0, registers

    y_t = (1 + eps_0) (S_t + a + b q_t) + xi_t,

S_t the true energy the area supplies to its customers, a the fixed loss per
interval, b q_t the variable (I^2-like) loss and xi_t the residual noise. The
variable-loss regressor is computed from the *registered* customer energies:

    q_t = (sum_j x_jt)^2        (``loss_regressor="squared-total"``, default)
    q_t = sum_j x_jt^2          (``loss_regressor="sum-squares"``)

summed over the meters installed in interval t, before any reading is lost. This
is a modelling choice: the physical loss follows the true current, but an
estimator can only compute q_t from what the meters register, and with q_t from x
the balance is exactly linear in computable regressors. With no theft, no
wrong-area customer and no PV export (S_t = sum_j e_jt), therefore,

    y_t = sum_j theta_jt x_jt + theta_0 + theta_L q_t + xi_t,
    theta_jt = (1 + eps_0) / (1 + eps_j(t)),  theta_0 = (1 + eps_0) a,
    theta_L = (1 + eps_0) b,

holds to floating point (xi_t = 0 when ``residual_percent=0``). The master error
is absorbed in every theta, as :mod:`sitrace.meters.model` describes.

All shapes, rates and defaults here are modelling choices for plausible test data
(the ranges quoted in issue 6: areas of about 10-600 meters, healthy errors of a
few tenths of a percent, drift to 2-6 % over 30-365 days); they are not taken from
a standard and claim no statistics of a real grid.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from ..errors import InputError
from .model import AreaSeries

__all__ = [
    "KINDS",
    "Fleet",
    "FleetConfig",
    "SimulatedArea",
    "draw_area_sizes",
    "simulate_area",
    "simulate_fleet",
]

KINDS = ("healthy", "drifting", "step", "theft", "wrong_area", "vacant", "pv")
"""Kinds of customer meter; the master meter's kind in truth tables is ``"master"``."""

# Special kinds drawn in this order (counts per area by stochastic rounding).
_SPECIAL = ("drifting", "step", "theft", "wrong_area", "vacant", "pv")
_KNOB = {kind: f"{'drift' if kind == 'drifting' else kind}_fraction" for kind in _SPECIAL}
_MANUFACTURERS = ("Northmeter", "Voltaris", "Kilowatt Works", "Ampero")
_NS_PER_MINUTE = 60_000_000_000


def _fraction(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"must be a number in [0, 1], got {value!r}", where=f"FleetConfig.{name}")
    if not 0.0 <= float(value) <= 1.0:
        raise InputError(f"must be in [0, 1], got {value!r}", where=f"FleetConfig.{name}")
    return float(value)


def _non_negative(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"must be a number >= 0, got {value!r}", where=f"FleetConfig.{name}")
    if not (math.isfinite(float(value)) and float(value) >= 0.0):
        raise InputError(
            f"must be a finite number >= 0, got {value!r}", where=f"FleetConfig.{name}"
        )
    return float(value)


def _pair(name: str, value: Any, *, minimum: float = 0.0) -> tuple[float, float]:
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise InputError(
            f"must be a pair (low, high) of numbers, got {value!r}", where=f"FleetConfig.{name}"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and minimum <= lo <= hi):
        raise InputError(
            f"must satisfy {minimum:g} <= low <= high, got {value!r}", where=f"FleetConfig.{name}"
        )
    return lo, hi


@dataclass(frozen=True, slots=True)
class FleetConfig:
    """Every knob of the synthetic fleet, with its default.

    Fractions are per customer meter of an area; the number of meters of a kind in
    an area of N meters is floor(f N + u), u ~ U(0, 1) (stochastic rounding: exactly
    f N when that is an integer, f N on average otherwise). A meter has one kind;
    the special kinds are drawn in the order drifting, step, theft, wrong_area,
    vacant, pv, and what is left is healthy.

    Calendar
        start : str = "2024-01-01T00:00"
            Start of the first interval (UTC, ISO 8601). Timestamps are interval ends.
    Area sizes (:func:`draw_area_sizes`)
        area_size_median : float = 80
            Median of the lognormal number of customer meters per area.
        area_size_sigma : float = 1.0
            Standard deviation of ln(size).
        area_size_range : (int, int) = (10, 600)
            The lognormal is truncated to this range (issue 6: about 10-600 meters).
    Load profiles (kWh per interval, all customers)
        commercial_fraction : float = 0.1
            Share of customers with a commercial profile (business hours 8-18 h on
            weekdays, a low base load otherwise); the others are households (morning
            peak about 7.5 h, evening peak about 19.5 h; later morning and a midday
            bump on weekends).
        household_kwh_per_day : float = 8.0, commercial_kwh_per_day : float = 40.0
            Median daily energy of each profile (at the seasonal mean).
        consumption_sigma : float = 0.6
            Standard deviation of ln(daily energy) between customers.
        peak_shift_hours : float = 0.75
            Standard deviation of a per-customer shift of the daily shape (keeps the
            customers' profiles from being collinear).
        seasonal_amplitude : float = 0.2, winter_peak_day : int = 15
            Seasonal factor 1 + A cos(2 pi (doy - winter_peak_day) / 365.25).
        day_sigma : float = 0.25
            Lognormal (mean one) day-to-day factor per customer, sd of its log.
        interval_sigma : float = 0.35
            Lognormal (mean one) interval-to-interval factor per customer (of the
            base load; commercial loads are all base load).
        appliance_share : float = 0.5
            Share of a household's energy drawn by switched appliances (kettle,
            oven, washing machine, shower, heaters); the rest is base load (fridge,
            standby, lighting, electronics). Appliance uses are events: their
            number per day is Poisson with the mean that gives this share of the
            day's energy, each starts at a time drawn from the household's daily
            shape and draws a constant power for its duration, spread over the
            intervals it overlaps. They make a household's 15-minute energy as
            spiky as metered households are (a 2 kW kettle against a mean of about
            0.3 kW) and its profile its own.
        appliance_kw : (float, float) = (1.0, 3.0)
            The power of an appliance use, U(low, high) kW.
        appliance_minutes : float = 20.0, appliance_minutes_sigma : float = 0.8
            Median duration of an appliance use and the sd of its log (lognormal,
            limited to 1..240 minutes).
    Special kinds of customer
        vacant_fraction : float = 0.03, standby_kw : float = 0.005
            Vacant premises draw only a standby power (about 5 W).
        pv_fraction : float = 0.05
            PV prosumers; their import-only meter registers max(load - pv, 0), so the
            registered import falls to about zero at midday on sunny days.
        pv_peak_kw : float = 4.0, pv_peak_sigma : float = 0.3
            Median peak PV power and the sd of its log. The PV shape is a sine over
            a day length of 12 +/- 4 h (longest at day 172), scaled by a seasonal
            elevation factor and an area-wide daily cloud factor U(0.2, 1).
        pv_export : bool = False
            False: the PV surplus max(pv - load, 0) is not exported (curtailed or
            stored), so the balance stays exact. True: the surplus flows into the
            grid; it lowers the master's reading but no meter registers it (an
            import-only register), a sun-shaped negative residual.
        theft_fraction : float = 0.005, theft_share : (float, float) = (0.3, 0.8)
            Theft: from a start day U(0, days), on each day with probability
            ``theft_day_probability`` (0.5), a share U(theft_share) of the customer's
            energy bypasses the meter: it is in the master's reading, not in x.
        wrong_area_fraction : float = 0.005
            A meter listed in an area whose energy another area supplies. In
            :func:`simulate_area` its energy is simply not in the master's reading;
            in :func:`simulate_fleet` it is supplied (and in the master) of its own
            area but listed in another one, so one area has an unlisted customer
            and the other a listed meter it does not supply.
    Meter errors (percent)
        n_lots : int = 12, lot_years : (int, int) = (2015, 2023)
            Lots (manufacturer, model, year), each with a batch mean error.
        batch_mean_percent : float = 0.0, batch_sd_percent : float = 0.2
            Lot means ~ N(batch_mean_percent, batch_sd_percent).
        meter_sd_percent : float = 0.2
            Spread of healthy meters around their lot mean.
        drift_fraction : float = 0.05
            Drifting meters: error = healthy + s r clip((t - t0) / D, 0, 1), sign s
            = +/-1, reach r ~ U(drift_reach_percent) = U(2, 6) %, duration D ~
            U(drift_days) = U(30, 365) days, start t0 ~ U(-D, days) days from the
            period start (so every drifting meter has started by the end, and some
            have reached their full reach).
        step_fraction : float = 0.01, step_percent : (float, float) = (1.0, 5.0)
            Step faults: the error jumps by +/- U(step_percent) at a time U(0, days).
        master_error_mean_percent : float = 0.0, master_error_sd_percent : float = 0.2
            Master meter error eps_0 ~ N(mean, sd).
    Line loss and residual
        fixed_loss_percent : float = 1.0
            a = this share of the mean supplied energy per interval.
        variable_loss_percent : float = 3.0
            b is set so that the mean of b q_t is this share of the mean supplied
            energy.
        loss_regressor : str = "squared-total"
            q_t = (sum_j x_jt)^2 ("squared-total") or sum_j x_jt^2 ("sum-squares").
        residual_scale : str = "interval"
            The residual xi_t ~ N(0, s_t^2) has s_t = residual_percent % of the
            noise-free y_t ("interval"), or of the area's mean noise-free y ("mean").
    Readings (lost readings apply to :func:`simulate_area` too)
        missing_rate : float = 0.01
            Each reading (master and customers) is lost independently with this
            probability.
        burst_rate : float = 0.05, burst_hours : (float, float) = (2, 72)
            Bursts of lost readings: Poisson(burst_rate per meter per 30 days), each
            lasting U(burst_hours) hours.
        replacement_fraction : float = 0.01
            Meters replaced at a time U(0, days): the old id ends, a new id starts
            (register from zero, a fresh healthy error from a lot of the latest year).
    Feed shape (:func:`simulate_fleet` only)
        output : str = "energy"
            "energy": column ``energy_kwh``; "register": column ``register_kwh``, a
            cumulative register that wraps at 10^k kWh.
        register_digits : int = 6, master_register_digits : int = 8
            k for customer and master registers.
        register_decimals : int = 3
            Registers are rounded to this many decimals.
        rollover_fraction : float = 0.02
            Share of meters whose register starts close enough below 10^k to roll
            over within the period (others start at U(0, 10^k); new meters at 0).
        duplicate_fraction : float = 0.002
            Share of rows sent twice (identical copies next to the original).
        out_of_order_fraction : float = 0.002
            Share of rows moved to another row's place (shuffled among themselves).
        quality : bool = True
            Emit a ``quality`` column ("ok").
    """

    start: str = "2024-01-01T00:00"
    area_size_median: float = 80.0
    area_size_sigma: float = 1.0
    area_size_range: tuple[int, int] = (10, 600)
    commercial_fraction: float = 0.1
    household_kwh_per_day: float = 8.0
    commercial_kwh_per_day: float = 40.0
    consumption_sigma: float = 0.6
    peak_shift_hours: float = 0.75
    seasonal_amplitude: float = 0.2
    winter_peak_day: int = 15
    day_sigma: float = 0.25
    interval_sigma: float = 0.35
    appliance_share: float = 0.5
    appliance_kw: tuple[float, float] = (1.0, 3.0)
    appliance_minutes: float = 20.0
    appliance_minutes_sigma: float = 0.8
    vacant_fraction: float = 0.03
    standby_kw: float = 0.005
    pv_fraction: float = 0.05
    pv_peak_kw: float = 4.0
    pv_peak_sigma: float = 0.3
    pv_export: bool = False
    theft_fraction: float = 0.005
    theft_share: tuple[float, float] = (0.3, 0.8)
    theft_day_probability: float = 0.5
    wrong_area_fraction: float = 0.005
    n_lots: int = 12
    lot_years: tuple[int, int] = (2015, 2023)
    batch_mean_percent: float = 0.0
    batch_sd_percent: float = 0.2
    meter_sd_percent: float = 0.2
    drift_fraction: float = 0.05
    drift_reach_percent: tuple[float, float] = (2.0, 6.0)
    drift_days: tuple[float, float] = (30.0, 365.0)
    step_fraction: float = 0.01
    step_percent: tuple[float, float] = (1.0, 5.0)
    master_error_mean_percent: float = 0.0
    master_error_sd_percent: float = 0.2
    fixed_loss_percent: float = 1.0
    variable_loss_percent: float = 3.0
    loss_regressor: str = "squared-total"
    residual_scale: str = "interval"
    missing_rate: float = 0.01
    burst_rate: float = 0.05
    burst_hours: tuple[float, float] = (2.0, 72.0)
    replacement_fraction: float = 0.01
    output: str = "energy"
    register_digits: int = 6
    master_register_digits: int = 8
    register_decimals: int = 3
    rollover_fraction: float = 0.02
    duplicate_fraction: float = 0.002
    out_of_order_fraction: float = 0.002
    quality: bool = True

    def __post_init__(self) -> None:
        try:
            np.datetime64(self.start, "ns")
        except (TypeError, ValueError):
            raise InputError(
                f"must be an ISO 8601 date-time, got {self.start!r}", where="FleetConfig.start"
            ) from None
        for name in (
            "commercial_fraction",
            "vacant_fraction",
            "pv_fraction",
            "theft_fraction",
            "theft_day_probability",
            "wrong_area_fraction",
            "drift_fraction",
            "step_fraction",
            "missing_rate",
            "replacement_fraction",
            "rollover_fraction",
            "duplicate_fraction",
            "out_of_order_fraction",
        ):
            _fraction(name, getattr(self, name))
        total = sum(getattr(self, _KNOB[k]) for k in _SPECIAL)
        if total > 1.0 + 1e-12:
            raise InputError(
                f"the kind fractions (drift, step, theft, wrong_area, vacant, pv) must sum "
                f"to <= 1, got {total:g}",
                where="FleetConfig",
            )
        for name in (
            "area_size_sigma",
            "consumption_sigma",
            "peak_shift_hours",
            "seasonal_amplitude",
            "day_sigma",
            "interval_sigma",
            "appliance_minutes_sigma",
            "standby_kw",
            "pv_peak_sigma",
            "batch_sd_percent",
            "meter_sd_percent",
            "master_error_sd_percent",
            "fixed_loss_percent",
            "variable_loss_percent",
            "burst_rate",
        ):
            _non_negative(name, getattr(self, name))
        _fraction("appliance_share", self.appliance_share)
        if _pair("appliance_kw", self.appliance_kw)[1] <= 0:
            raise InputError(
                f"must have high > 0, got {self.appliance_kw!r}", where="FleetConfig.appliance_kw"
            )
        for name in (
            "area_size_median",
            "household_kwh_per_day",
            "commercial_kwh_per_day",
            "appliance_minutes",
        ):
            if _non_negative(name, getattr(self, name)) <= 0:
                raise InputError(
                    f"must be > 0, got {getattr(self, name)!r}", where=f"FleetConfig.{name}"
                )
        _non_negative("pv_peak_kw", self.pv_peak_kw)
        for name in ("batch_mean_percent", "master_error_mean_percent"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise InputError(
                    f"must be a finite number, got {value!r}", where=f"FleetConfig.{name}"
                )
        lo, hi = _pair("area_size_range", self.area_size_range, minimum=1)
        if lo != int(lo) or hi != int(hi):
            raise InputError(
                f"must be integers, got {self.area_size_range!r}",
                where="FleetConfig.area_size_range",
            )
        _pair("theft_share", self.theft_share)
        if self.theft_share[1] > 1:
            raise InputError(
                f"must lie in [0, 1], got {self.theft_share!r}", where="FleetConfig.theft_share"
            )
        _pair("drift_reach_percent", self.drift_reach_percent)
        if _pair("drift_days", self.drift_days)[0] <= 0:
            raise InputError(
                f"durations must be > 0, got {self.drift_days!r}", where="FleetConfig.drift_days"
            )
        _pair("step_percent", self.step_percent)
        _pair("burst_hours", self.burst_hours)
        _pair("lot_years", self.lot_years, minimum=1900)
        for name, minimum in (
            ("n_lots", 1),
            ("winter_peak_day", 0),
            ("register_digits", 1),
            ("master_register_digits", 1),
            ("register_decimals", 0),
        ):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int | np.integer)
                or value < minimum
            ):
                raise InputError(
                    f"must be an integer >= {minimum}, got {value!r}", where=f"FleetConfig.{name}"
                )
        for name, allowed in (
            ("loss_regressor", ("squared-total", "sum-squares")),
            ("residual_scale", ("interval", "mean")),
            ("output", ("energy", "register")),
        ):
            if getattr(self, name) not in allowed:
                raise InputError(
                    f"must be one of {', '.join(map(repr, allowed))}, got {getattr(self, name)!r}",
                    where=f"FleetConfig.{name}",
                )
        for name in ("pv_export", "quality"):
            if not isinstance(getattr(self, name), bool):
                raise InputError(
                    f"must be True or False, got {getattr(self, name)!r}",
                    where=f"FleetConfig.{name}",
                )

    @classmethod
    def clean(cls, **changes: Any) -> FleetConfig:
        """A configuration with every messy part off, then ``changes`` applied.

        All customers healthy (no drift, step, theft, wrong-area, vacant or PV
        meters), no lost readings, no replacements, no duplicates, no out-of-order
        rows, no register roll-over. With ``residual_percent=0`` the balance of the
        module docstring then holds exactly. Profiles, seasonality, lots, master
        error and losses stay as configured.
        """
        off: dict[str, Any] = {_KNOB[k]: 0.0 for k in _SPECIAL}
        off.update(
            missing_rate=0.0,
            burst_rate=0.0,
            replacement_fraction=0.0,
            rollover_fraction=0.0,
            duplicate_fraction=0.0,
            out_of_order_fraction=0.0,
        )
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise InputError(f"unknown knob(s) {', '.join(unknown)}", where="FleetConfig.clean")
        off.update(changes)
        return cls(**off)


@dataclass(frozen=True, slots=True, eq=False)
class SimulatedArea:
    """One simulated area: the series an estimator sees and the truth behind it.

    Columns (M of them) are the customer meter ids of ``series.meters``; a meter
    replaced during the period is two columns (old id, then the new id).

    Attributes
    ----------
    series : AreaSeries
        What an estimator sees: master y_t and customer x_jt, NaN where lost or
        where a meter was not installed.
    error : ndarray (M,)
        Each meter's relative error eps_j (fraction, not percent) at the end of its
        service in the period.
    error_path : ndarray (T, M)
        eps_j(t) in every interval; NaN where the meter is not installed.
    master_error : float
        eps_0 of the master meter.
    fixed_loss_kwh : float
        a, the true fixed loss per interval (before the master's error).
    loss_coefficient : float
        b, the true variable-loss coefficient: loss b q_t (kWh per interval).
    kinds : tuple of str (M,)
        One of :data:`KINDS` per meter.
    theta_0 : float
        (1 + eps_0) a, the fixed loss as the master registers it (the intercept).
    theta_L : float
        (1 + eps_0) b, the coefficient of q_t in the balance.
    loss_regressor : ndarray (T,)
        q_t, from the registered x of installed meters before readings were lost.
    registered : ndarray (T, M)
        x_jt before readings were lost (NaN where not installed).
    master_registered : ndarray (T,)
        y_t before readings were lost.
    consumption : ndarray (T, M)
        True energy delivered to each customer (through the meter or, for theft,
        partly around it); NaN where the column's meter is not installed.
    residual : ndarray (T,)
        xi_t, the noise in y_t.
    details : dict of str to ndarray
        The columns of :attr:`truth` as arrays (master first).

    Properties
    ----------
    truth : pandas.DataFrame
        One row for the master and one per customer column (the columns of
        ``Fleet.truth``).
    theta : ndarray (M,)
        (1 + eps_0) / (1 + eps_j) at the end of each meter's service.
    """

    series: AreaSeries
    error: np.ndarray
    error_path: np.ndarray
    master_error: float
    fixed_loss_kwh: float
    loss_coefficient: float
    kinds: tuple[str, ...]
    theta_0: float
    theta_L: float  # noqa: N815 (the symbol of the issue)
    loss_regressor: np.ndarray
    registered: np.ndarray
    master_registered: np.ndarray
    consumption: np.ndarray
    residual: np.ndarray
    details: dict[str, np.ndarray] = field(repr=False)

    @property
    def truth(self) -> pd.DataFrame:
        """The truth table: master first, then one row per customer column."""
        return _truth_frame(self.details)

    @property
    def theta(self) -> np.ndarray:
        """(1 + eps_0) / (1 + eps_j) at the end: the balance coefficients to recover."""
        return (1.0 + self.master_error) / (1.0 + self.error)


@dataclass(frozen=True, slots=True, eq=False)
class Fleet:
    """A simulated fleet in the shape of a real feed, with its truth.

    Attributes
    ----------
    readings : pandas.DataFrame
        The feed: ``area``, ``meter``, ``role`` (categoricals), ``timestamp``
        (datetime64[ns, UTC], end of interval), ``energy_kwh`` or ``register_kwh``
        (float64), and ``quality`` (categorical) when configured. Lost readings
        are absent rows; duplicates and out-of-order rows are as configured.
    truth : pandas.DataFrame
        One row per meter id: area (where the feed lists it), meter, role, kind,
        profile, lot, supplied_area (the area whose master carries its energy;
        missing if outside the fleet), error_percent (at the end of its service),
        mean_error_percent (weighted by the true energy through the meter:
        100 (sum x / sum e - 1)), healthy_error_percent (lot + meter part),
        drift_start, drift_reach_percent (signed), drift_days, step_time,
        step_percent, theft_share, installed_from, removed_at, replaced_by,
        true_energy_kwh (delivered to the customer), metered_energy_kwh (through
        the meter), registered_energy_kwh (sum of x, before readings were lost).
    meters : pandas.DataFrame
        Customer meters: meter, mpe_percent, accuracy_class, lot, manufacturer,
        model, year, installed (date).
    areas : pandas.DataFrame
        One row per area: area, n_meters, master_meter, master_error_percent,
        fixed_loss_kwh, loss_coefficient, theta_0, theta_L.
    """

    readings: pd.DataFrame
    truth: pd.DataFrame
    meters: pd.DataFrame
    areas: pd.DataFrame


# ----------------------------------------------------------------------------- inputs


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise InputError(f"must be an integer >= {minimum}, got {value!r}", where=name)
    return int(value)


def _check_interval(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | np.integer)
        or not 1 <= value <= 1440
        or 1440 % int(value)
    ):
        raise InputError(
            f"must be a whole number of minutes dividing a day (1 <= m <= 1440), got {value!r}",
            where="interval_minutes",
        )
    return int(value)


def _check_residual(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise InputError(f"must be a number >= 0, got {value!r}", where="residual_percent")
    if not (math.isfinite(float(value)) and float(value) >= 0):
        raise InputError(f"must be a finite number >= 0, got {value!r}", where="residual_percent")
    return float(value)


def _check_config(config: Any) -> FleetConfig:
    if config is None:
        return FleetConfig()
    if not isinstance(config, FleetConfig):
        raise InputError(
            f"must be a FleetConfig or None, got {type(config).__name__}", where="config"
        )
    return config


def _generator(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise InputError(f"must be a numpy Generator, an int seed or None, got {rng!r}", where="rng")


# ----------------------------------------------------------------------------- pieces


def draw_area_sizes(
    n_areas: int,
    *,
    rng: np.random.Generator | int | None = None,
    config: FleetConfig | None = None,
) -> np.ndarray:
    """Numbers of customer meters per area: a lognormal truncated to a range.

    ln(size) ~ N(ln(area_size_median), area_size_sigma^2) truncated to
    [ln(low), ln(high)] (drawn by the inverse distribution function), then rounded
    to an integer in [low, high] (``config.area_size_range``).

    Returns
    -------
    ndarray of int64, shape (n_areas,)
    """
    n_areas = _check_int("n_areas", n_areas, 0)
    config = _check_config(config)
    gen = _generator(rng)
    lo, hi = config.area_size_range
    u = gen.random(n_areas)
    mu, sigma = math.log(config.area_size_median), config.area_size_sigma
    if sigma == 0.0:
        sizes = np.full(n_areas, math.exp(mu))
    else:
        a = special.ndtr((math.log(lo) - mu) / sigma)
        b = special.ndtr((math.log(hi) - mu) / sigma)
        if b <= a:  # the whole mass lies outside the range: put it at the near bound
            sizes = np.full(n_areas, float(lo if mu < math.log(lo) else hi))
        else:
            sizes = np.exp(mu + sigma * special.ndtri(a + (b - a) * u))
    return np.clip(np.rint(sizes), lo, hi).astype(np.int64)


def _draw_lots(gen: np.random.Generator, config: FleetConfig) -> pd.DataFrame:
    """Lots (manufacturer, model, year) with their batch mean error (fraction)."""
    k = config.n_lots
    y0, y1 = (int(v) for v in config.lot_years)
    idx = np.arange(k)
    year = gen.integers(y0, y1 + 1, size=k)
    mean = (config.batch_mean_percent + config.batch_sd_percent * gen.standard_normal(k)) / 100
    # The default limit: class 1 / B, MPE +/-1 % (issue 6, "File contract").
    return pd.DataFrame(
        {
            "lot": [f"L{i + 1:03d}" for i in idx],
            "manufacturer": [_MANUFACTURERS[i % len(_MANUFACTURERS)] for i in idx],
            "model": [f"EM-{100 + 10 * (i // len(_MANUFACTURERS))}" for i in idx],
            "year": year.astype(np.int64),
            "accuracy_class": ["B" if i % 2 else "1" for i in idx],
            "mpe_percent": np.full(k, 1.0),
            "batch_error": mean,
        }
    )


def _counts(gen: np.random.Generator, n: int, config: FleetConfig) -> dict[str, int]:
    u = gen.random(len(_SPECIAL))
    left, out = n, {}
    for kind, ui in zip(_SPECIAL, u, strict=True):
        c = min(left, math.floor(getattr(config, _KNOB[kind]) * n + ui + 1e-9))
        out[kind] = c
        left -= c
    return out


def _bump(hours: np.ndarray, centre: float, width: float) -> np.ndarray:
    d = np.mod(hours - centre + 12.0, 24.0) - 12.0
    return np.exp(-0.5 * (d / width) ** 2)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _calendar(start: np.datetime64, n: int, interval: int) -> dict[str, np.ndarray]:
    k = np.arange(n, dtype=np.int64)
    step = np.int64(interval) * _NS_PER_MINUTE
    ends = start + (k + 1) * step
    mid = start + k * step + step // 2
    day = mid.astype("datetime64[D]")
    hour = (mid - day).astype(np.int64) / 3.6e12
    day_number = day.astype(np.int64)
    doy = (day - day.astype("datetime64[Y]")).astype(np.int64).astype(float)
    return {
        "ends": ends.astype("datetime64[ns]"),
        "hour": hour,
        "weekend": ((day_number + 3) % 7) >= 5,  # 1970-01-01 was a Thursday; Monday = 0
        "doy": doy,
        "day": day_number - day_number[0],
        "elapsed_days": (k + 1) * (interval / 1440.0),
    }


def _loads(
    gen: np.random.Generator,
    cal: dict[str, np.ndarray],
    commercial: np.ndarray,
    interval: int,
    config: FleetConfig,
) -> np.ndarray:
    """True demand (kWh per interval), shape (T, N).

    base_jt = E_j (interval / 1 day) shape_j(hour, day type) / mean_t(shape_j)
    x season(day) x day_jd x noise_jt, with lognormal E_j, day_jd and noise_jt
    (the last two of mean one). A commercial load is its base; a household's is
    (1 - appliance_share) base_jt plus its appliance uses (:func:`_appliances`),
    whose expected energy is the rest of the day's.
    """
    n = commercial.shape[0]
    t = cal["hour"].shape[0]
    n_days = int(cal["day"][-1]) + 1
    shift = config.peak_shift_hours * gen.standard_normal(n)
    log_mean = np.where(
        commercial, math.log(config.commercial_kwh_per_day), math.log(config.household_kwh_per_day)
    )
    daily = np.exp(log_mean + config.consumption_sigma * gen.standard_normal(n))
    s = config.day_sigma
    day_factor = gen.lognormal(-0.5 * s * s, s, size=(n_days, n))
    s = config.interval_sigma
    load = gen.lognormal(-0.5 * s * s, s, size=(t, n))

    # The daily shape depends only on the clock hour, the day type and the customer:
    # evaluate it once per (hour, weekday/weekend) and gather it for every interval.
    hours, slot = np.unique(cal["hour"], return_inverse=True)
    hh = hours[:, None] - shift[None, :]  # (H, N)
    table = np.empty((2, hours.shape[0], n))  # [weekday, weekend]
    h = ~commercial
    if h.any():
        x = hh[:, h]
        evening = 1.0 * _bump(x, 19.5, 2.0)
        table[0][:, h] = 0.3 + 0.5 * _bump(x, 7.5, 1.0) + evening
        table[1][:, h] = 0.3 + 0.5 * _bump(x, 9.5, 1.5) + 0.4 * _bump(x, 13.0, 2.5) + evening
    if commercial.any():
        x = hh[:, commercial]
        open_ = _sigmoid((x - 8.0) / 0.4) * _sigmoid((18.0 - x) / 0.4)
        table[0][:, commercial] = 0.2 + open_
        table[1][:, commercial] = 0.2 + 0.1 * open_
    table = table.reshape(-1, n)
    which = cal["weekend"] * hours.shape[0] + slot
    mean_shape = np.bincount(which, minlength=table.shape[0]) @ table / t
    table *= (daily * (interval / 1440.0) / mean_shape)[None, :]
    # The seasonal factor is constant within a day: fold it into the day factors.
    first_of_day = np.searchsorted(cal["day"], np.arange(n_days))
    season = 1.0 + config.seasonal_amplitude * np.cos(
        2 * np.pi * (cal["doy"][first_of_day] - config.winter_peak_day) / 365.25
    )
    day_factor *= season[:, None]
    households = np.flatnonzero(~commercial)
    share = config.appliance_share
    if share > 0 and households.size:
        events = _appliances(
            gen,
            (daily[None, :] * day_factor)[:, households] * share,
            table.reshape(2, hours.shape[0], n)[:, :, households],
            cal["weekend"][first_of_day],
            t,
            interval,
            config,
        )
        table[:, households] *= 1.0 - share
    load *= table[which]
    load *= day_factor[cal["day"]]
    if share > 0 and households.size:
        load[:, households] += events
    return load


def _clipped_lognormal_mean(median: float, sigma: float, low: float, high: float) -> float:
    """E[min(max(D, low), high)] for ln D ~ N(ln median, sigma^2)."""
    if sigma == 0:
        return min(max(median, low), high)
    mu = math.log(median)
    a, b = (math.log(low) - mu) / sigma, (math.log(high) - mu) / sigma
    inside = special.ndtr(b - sigma) - special.ndtr(a - sigma)
    middle = math.exp(mu + 0.5 * sigma * sigma) * inside
    return float(low * special.ndtr(a) + middle + high * special.ndtr(-b))


def _appliances(
    gen: np.random.Generator,
    energy: np.ndarray,
    shape: np.ndarray,
    weekend: np.ndarray,
    t: int,
    interval: int,
    config: FleetConfig,
) -> np.ndarray:
    """Energy (kWh per interval, shape (T, M)) of M households' appliance uses.

    ``energy`` (days, M) is each day's expected appliance energy, ``shape`` (2, H, M)
    the households' daily shapes on weekdays and weekend days over the H intervals
    of a day (start times are drawn in proportion to it). A use of power P over
    [s, s + D) adds P |[s, s + D) ∩ interval k| to interval k; summed over uses
    through the cumulative energy at the interval boundaries, t_k A_k - B_k with
    A_k, B_k the sums of P and P s over the uses started by t_k (and the same with
    -P at s + D).
    """
    low_kw, high_kw = config.appliance_kw
    mean_minutes = _clipped_lognormal_mean(
        config.appliance_minutes, config.appliance_minutes_sigma, 1.0, 240.0
    )
    per_use = 0.5 * (low_kw + high_kw) * mean_minutes / 60.0  # kWh
    counts = gen.poisson(energy / per_use)  # (days, M)
    day, who = np.nonzero(counts)
    reps = counts[day, who]
    day, who = np.repeat(day, reps), np.repeat(who, reps)
    k = day.size
    n_slots, m = shape.shape[1], shape.shape[2]
    cdf = np.cumsum(np.moveaxis(shape, 2, 1), axis=2)  # (2, M, H)
    cdf /= cdf[:, :, -1:]
    row = weekend[day].astype(np.int64) * m + who
    flat = (cdf.reshape(-1, n_slots) + np.arange(2 * m)[:, None]).ravel()
    slot = np.searchsorted(flat, row + gen.random(k), side="right") - row * n_slots
    slot = np.clip(slot, 0, n_slots - 1)
    start = (day * n_slots + slot + gen.random(k)) * float(interval)  # minutes
    minutes = np.clip(
        config.appliance_minutes * np.exp(config.appliance_minutes_sigma * gen.standard_normal(k)),
        1.0,
        240.0,
    )
    power = gen.uniform(low_kw, high_kw, size=k) / 60.0  # kWh per minute
    bounds = np.arange(t + 1, dtype=float) * interval
    a = np.zeros((t + 1) * m)
    b = np.zeros((t + 1) * m)
    for at, sign in ((start, 1.0), (start + minutes, -1.0)):
        first = np.ceil(at / interval).astype(np.int64)
        keep = first <= t
        index = first[keep] * m + who[keep]
        w = sign * power[keep]
        a += np.bincount(index, weights=w, minlength=a.size)
        b += np.bincount(index, weights=w * at[keep], minlength=b.size)
    a = np.cumsum(a.reshape(t + 1, m), axis=0)
    b = np.cumsum(b.reshape(t + 1, m), axis=0)
    return np.maximum(np.diff(bounds[:, None] * a - b, axis=0), 0.0)


def _pv(
    gen: np.random.Generator,
    cal: dict[str, np.ndarray],
    n_pv: int,
    interval: int,
    config: FleetConfig,
) -> np.ndarray:
    """PV generation (kWh per interval) of n_pv prosumers, shape (T, n_pv)."""
    n_days = int(cal["day"][-1]) + 1
    cloud = gen.uniform(0.2, 1.0, size=n_days)  # area-wide daily cloud factor
    peak = config.pv_peak_kw * np.exp(config.pv_peak_sigma * gen.standard_normal(n_pv))
    summer = np.cos(2 * np.pi * (cal["doy"] - 172.0) / 365.25)
    day_length = 12.0 + 4.0 * summer
    phase = (cal["hour"] - (12.5 - 0.5 * day_length)) / day_length
    sun = np.where((phase > 0) & (phase < 1), np.sin(np.pi * np.clip(phase, 0, 1)), 0.0)
    shape = sun * (0.6 + 0.4 * summer) * cloud[cal["day"]]
    return shape[:, None] * (peak * (interval / 60.0))[None, :]


def _bursts(
    gen: np.random.Generator, t: int, m: int, days: int, interval: int, config: FleetConfig
) -> tuple[np.ndarray, np.ndarray]:
    """Readings lost in bursts: (columns hit, boolean (T, k) mask of those columns)."""
    counts = gen.poisson(config.burst_rate * days / 30.0, size=m)
    hit = np.flatnonzero(counts)
    total = int(counts.sum())
    col = np.repeat(np.arange(hit.shape[0]), counts[hit])
    first = gen.integers(0, t, size=total)
    hours = gen.uniform(*config.burst_hours, size=total)
    length = np.maximum(1, np.rint(hours * 60.0 / interval).astype(np.int64))
    diff = np.zeros((t + 1, hit.shape[0]), dtype=np.int32)
    np.add.at(diff, (first, col), 1)
    np.add.at(diff, (np.minimum(first + length, t), col), -1)
    return hit, np.cumsum(diff[:-1], axis=0) > 0


# ----------------------------------------------------------------------------- one area


def simulate_area(
    n_meters: int,
    days: int,
    *,
    interval_minutes: int = 15,
    residual_percent: float = 0.5,
    rng: np.random.Generator | int | None = None,
    config: FleetConfig | None = None,
    area: str = "A00001",
) -> SimulatedArea:
    """Simulate one transformer area with its ground truth.

    Parameters
    ----------
    n_meters : int
        Number of customers (>= 1). Replaced meters add columns.
    days : int
        Length of the period in days (>= 1).
    interval_minutes : int
        Interval length; must divide a day (15 -> 96 intervals a day; 1440 daily).
    residual_percent : float
        Residual noise xi_t as a percent of y (see ``FleetConfig.residual_scale``).
    rng : numpy Generator, int or None
        Source of randomness; the same seed gives the same area.
    config : FleetConfig, optional
        Knobs (default :class:`FleetConfig`). ``FleetConfig.clean()`` with
        ``residual_percent=0`` gives data on which the balance holds exactly:
        ``y_t = sum_j theta_j x_jt + theta_0 + theta_L q_t`` with
        ``theta_j = (1 + master_error) / (1 + error_j)``.
    area : str
        The area's id (meter ids are ``f"{area}-{j:04d}"``, the master
        ``f"{area}-M"``, a replacement meter ``f"{area}-{j:04d}r"``).

    Returns
    -------
    SimulatedArea

    Examples
    --------
    >>> import numpy as np
    >>> sim = simulate_area(20, 7, residual_percent=0.0, rng=1, config=FleetConfig.clean())
    >>> s = sim.series
    >>> fit = s.customers @ sim.theta + sim.theta_0 + sim.theta_L * sim.loss_regressor
    >>> bool(np.allclose(fit, s.master, rtol=1e-12, atol=0))
    True
    """
    n_meters = _check_int("n_meters", n_meters, 1)
    days = _check_int("days", days, 1)
    interval = _check_interval(interval_minutes)
    residual = _check_residual(residual_percent)
    config = _check_config(config)
    gen = _generator(rng)
    lots = _draw_lots(gen, config)
    return _simulate(
        n_meters, days, interval, residual, gen, config, lots, str(area), supplied_here=False
    )


def _simulate(
    n: int,
    days: int,
    interval: int,
    residual_percent: float,
    gen: np.random.Generator,
    config: FleetConfig,
    lots: pd.DataFrame,
    area: str,
    *,
    supplied_here: bool,
) -> SimulatedArea:
    start = np.datetime64(config.start, "ns")
    t = days * 1440 // interval
    cal = _calendar(start, t, interval)
    elapsed = cal["elapsed_days"]
    n_days = int(cal["day"][-1]) + 1

    # --- kinds and profiles
    counts = _counts(gen, n, config)
    order = gen.permutation(n)
    kinds = np.full(n, "healthy", dtype=object)
    pos = 0
    for kind in _SPECIAL:
        kinds[order[pos : pos + counts[kind]]] = kind
        pos += counts[kind]
    commercial = gen.random(n) < config.commercial_fraction

    # --- true demand, PV, vacancy
    load = _loads(gen, cal, commercial, interval, config)
    vacant = np.flatnonzero(kinds == "vacant")
    if vacant.size:
        noise = np.exp(0.1 * gen.standard_normal((t, vacant.size)))
        load[:, vacant] = config.standby_kw * (interval / 60.0) * noise
    pv = kinds == "pv"
    export = np.zeros(t)
    if pv.any():
        gen_pv = _pv(gen, cal, int(pv.sum()), interval, config)
        surplus = np.maximum(gen_pv - load[:, pv], 0.0)
        load[:, pv] = np.maximum(load[:, pv] - gen_pv, 0.0)
        if config.pv_export:
            export = surplus.sum(axis=1)
    delivered = load  # energy delivered to each customer from the grid, (T, N)

    # --- theft: part of the energy bypasses the meter
    theft = kinds == "theft"
    theft_share = np.full(n, np.nan)
    through = delivered  # energy through each customer's meter
    if theft.any():
        through = delivered.copy()
        k = int(theft.sum())
        share = gen.uniform(*config.theft_share, size=k)
        first_day = gen.integers(0, n_days, size=k)
        on = gen.random((n_days, k)) < config.theft_day_probability
        on &= np.arange(n_days)[:, None] >= first_day[None, :]
        through[:, theft] = delivered[:, theft] * (1.0 - share[None, :] * on[cal["day"]])
        theft_share[theft] = share

    # --- replacements: column c of the series is customer cust[c]
    n_repl = min(n, math.floor(config.replacement_fraction * n + gen.random() + 1e-9))
    if t < 2:
        n_repl = 0
    replaced = np.sort(gen.choice(n, size=n_repl, replace=False)) if n_repl else np.zeros(0, int)
    swap = gen.integers(1, t, size=n_repl) if n_repl else np.zeros(0, dtype=np.int64)
    cust = np.concatenate([np.arange(n), replaced])
    m = n + n_repl
    first = np.zeros(m, dtype=np.int64)  # first installed interval
    last = np.full(m, t - 1, dtype=np.int64)  # last installed interval
    last[replaced] = swap - 1
    first[n:] = swap

    # --- meter errors (fractions)
    latest = lots.index[lots["year"] == lots["year"].max()].to_numpy()
    lot_of = gen.integers(0, len(lots), size=m)
    if n_repl:
        lot_of[n:] = latest[gen.integers(0, len(latest), size=n_repl)]
    base = lots["batch_error"].to_numpy()[lot_of] + config.meter_sd_percent / 100 * (
        gen.standard_normal(m)
    )
    col_kinds = kinds[cust].copy()
    new_cols = np.arange(n, m)
    col_kinds[new_cols[np.isin(col_kinds[new_cols], ("drifting", "step"))]] = "healthy"
    eps = np.empty((t, m))
    eps[:] = base
    drift_start = np.full(m, np.nan)
    drift_reach = np.full(m, np.nan)
    drift_days = np.full(m, np.nan)
    drifting = np.flatnonzero(col_kinds == "drifting")
    if drifting.size:
        k = drifting.size
        sign = np.where(gen.random(k) < 0.5, -1.0, 1.0)
        reach = sign * gen.uniform(*config.drift_reach_percent, size=k) / 100
        duration = gen.uniform(*config.drift_days, size=k)
        t0 = gen.uniform(-duration, float(days))
        ramp = np.clip((elapsed[:, None] - t0[None, :]) / duration[None, :], 0.0, 1.0)
        eps[:, drifting] += reach[None, :] * ramp
        drift_start[drifting], drift_reach[drifting], drift_days[drifting] = t0, reach, duration
    step_day = np.full(m, np.nan)
    step_size = np.full(m, np.nan)
    stepping = np.flatnonzero(col_kinds == "step")
    if stepping.size:
        k = stepping.size
        sign = np.where(gen.random(k) < 0.5, -1.0, 1.0)
        size = sign * gen.uniform(*config.step_percent, size=k) / 100
        when = gen.uniform(0.0, float(days), size=k)
        eps[:, stepping] += size[None, :] * (elapsed[:, None] > when[None, :])
        step_day[stepping], step_size[stepping] = when, size
    error_end = eps[last, np.arange(m)]

    # --- registered energies (NaN where a column's meter is not installed)
    error_path, through_cols, delivered_cols = eps, through, delivered
    if n_repl:
        through_cols = np.concatenate([through, through[:, replaced]], axis=1)
        delivered_cols = np.concatenate([delivered, delivered[:, replaced]], axis=1)
        for array in (error_path, through_cols, delivered_cols):
            for old, new, k in zip(replaced, range(n, m), swap, strict=True):
                array[k:, old] = np.nan
                array[:k, new] = np.nan
    registered = error_path + 1.0
    registered *= through_cols
    x0 = np.nan_to_num(registered) if n_repl else registered
    q = x0.sum(axis=1) ** 2 if config.loss_regressor == "squared-total" else (x0 * x0).sum(axis=1)

    # --- master: supplied energy, losses, master error, residual
    eps0 = (
        config.master_error_mean_percent + config.master_error_sd_percent * gen.standard_normal()
    ) / 100
    supplied_cols = ~np.isin(kinds, ("wrong_area",)) if not supplied_here else np.ones(n, bool)
    supplied = delivered[:, supplied_cols].sum(axis=1) - export
    mean_supplied = float(supplied.mean())
    a = config.fixed_loss_percent / 100 * mean_supplied
    mean_q = float(q.mean())
    b = config.variable_loss_percent / 100 * mean_supplied / mean_q if mean_q > 0 else 0.0
    y_clean = (1.0 + eps0) * (supplied + a + b * q)
    z = gen.standard_normal(t)
    scale = y_clean if config.residual_scale == "interval" else np.full(t, float(y_clean.mean()))
    xi = residual_percent / 100 * np.abs(scale) * z
    y = y_clean + xi

    # --- lost readings: column 0 is the master, then the M customer columns
    lost = None
    if config.missing_rate > 0:
        lost = gen.random((t, m + 1)) < config.missing_rate
    if config.burst_rate > 0:
        hit, burst = _bursts(gen, t, m + 1, days, interval, config)
        if hit.size:
            if lost is None:
                lost = np.zeros((t, m + 1), dtype=bool)
            lost[:, hit] |= burst
    if lost is None:
        master_obs, customers_obs = y, registered
    else:
        master_obs = np.where(lost[:, 0], np.nan, y)
        customers_obs = np.where(lost[:, 1:], np.nan, registered)

    meters = tuple(f"{area}-{j:04d}" for j in range(n)) + tuple(
        f"{area}-{j:04d}r" for j in replaced
    )
    series = AreaSeries(
        area=area,
        timestamps=cal["ends"],
        master=master_obs,
        customers=customers_obs,
        meters=meters,
        interval_minutes=interval,
    )

    # --- truth: master first, then the M customer columns
    with np.errstate(invalid="ignore", divide="ignore"):
        x_sum = x0.sum(axis=0)
        e_sum = np.nansum(through_cols, axis=0) if n_repl else through_cols.sum(axis=0)
        c_sum = np.nansum(delivered_cols, axis=0) if n_repl else delivered_cols.sum(axis=0)
        mean_error = np.where(e_sum > 0, 100 * (x_sum / e_sum - 1.0), np.nan)
    master_energy = float(supplied.sum() + a * t + b * q.sum())
    removed = np.full(m, np.nan)
    replaced_by = np.full(m, None, dtype=object)
    removed[replaced] = swap * (interval / 1440.0)
    replaced_by[replaced] = meters[n:]
    supplied_area = np.full(m, area, dtype=object)
    if not supplied_here:
        supplied_area[col_kinds == "wrong_area"] = None
    lot_names = lots["lot"].to_numpy()
    step_ns = np.int64(interval) * _NS_PER_MINUTE

    def col(master: Any, customers: np.ndarray, dtype: Any = None) -> np.ndarray:
        return np.concatenate([np.array([master], dtype=dtype), np.asarray(customers, dtype)])

    def at(offset_days: np.ndarray) -> np.ndarray:
        out = start + np.rint(np.nan_to_num(offset_days) * (1440 * _NS_PER_MINUTE)).astype(np.int64)
        out[np.isnan(offset_days)] = np.datetime64("NaT")
        return col(np.datetime64("NaT"), out, "datetime64[ns]")

    details = {
        "area": np.full(m + 1, area, dtype=object),
        "meter": col(f"{area}-M", meters, object),
        "role": col("master", np.full(m, "customer"), object),
        "kind": col("master", col_kinds, object),
        "profile": col(None, np.where(commercial[cust], "commercial", "household"), object),
        "lot": col(None, lot_names[lot_of], object),
        "supplied_area": col(area, supplied_area, object),
        "error_percent": col(100 * eps0, 100 * error_end, float),
        "mean_error_percent": col(100 * eps0, mean_error, float),
        "healthy_error_percent": col(100 * eps0, 100 * base, float),
        "drift_start": at(drift_start),
        "drift_reach_percent": col(np.nan, 100 * drift_reach, float),
        "drift_days": col(np.nan, drift_days, float),
        "step_time": at(step_day),
        "step_percent": col(np.nan, 100 * step_size, float),
        "theft_share": col(np.nan, theft_share[cust], float),
        "installed_from": col(start, start + first * step_ns, "datetime64[ns]"),
        "removed_at": at(removed),
        "replaced_by": col(None, replaced_by, object),
        "true_energy_kwh": col(master_energy, c_sum, float),
        "metered_energy_kwh": col(master_energy, e_sum, float),
        "registered_energy_kwh": col(float(y.sum()), x_sum, float),
    }

    for array in (error_end, error_path, q, registered, y, delivered_cols, xi, *_arrays(series)):
        array.flags.writeable = False
    return SimulatedArea(
        series=series,
        error=error_end,
        error_path=error_path,
        master_error=float(eps0),
        fixed_loss_kwh=float(a),
        loss_coefficient=float(b),
        kinds=tuple(col_kinds.astype(str)),
        theta_0=float((1.0 + eps0) * a),
        theta_L=float((1.0 + eps0) * b),
        loss_regressor=q,
        registered=registered,
        master_registered=y,
        consumption=delivered_cols,
        residual=xi,
        details=details,
    )


# ----------------------------------------------------------------------------- fleet


def simulate_fleet(
    n_areas: int,
    days: int,
    *,
    interval_minutes: int = 15,
    residual_percent: float = 0.5,
    rng: np.random.Generator | int | None = None,
    config: FleetConfig | None = None,
) -> Fleet:
    """Simulate a fleet of areas as a meter-data feed, with its truth.

    Area sizes come from :func:`draw_area_sizes`; lots are shared by the fleet;
    each area is drawn by the same code as :func:`simulate_area` from its own
    child generator (``Generator.spawn``), so areas are independent and the fleet
    is reproducible from one seed. Wrong-area meters (with two or more areas) are
    supplied by their own area and listed in another, chosen at random. The feed
    then gets its messy parts: lost readings are absent rows, identical duplicate
    rows, out-of-order rows, and in register mode cumulative registers that roll
    over at 10^k kWh (a replacement meter's register starts at zero).

    Parameters
    ----------
    n_areas : int
        Number of areas (>= 1); ids ``A00001``, ``A00002``, ...
    days, interval_minutes, residual_percent, rng, config
        As for :func:`simulate_area`.

    Returns
    -------
    Fleet
    """
    n_areas = _check_int("n_areas", n_areas, 1)
    days = _check_int("days", days, 1)
    interval = _check_interval(interval_minutes)
    residual = _check_residual(residual_percent)
    config = _check_config(config)
    gen = _generator(rng)
    lots = _draw_lots(gen, config)
    sizes = draw_area_sizes(n_areas, rng=gen, config=config)
    children = gen.spawn(n_areas)
    ids = [f"A{i + 1:05d}" for i in range(n_areas)]
    register = config.output == "register"
    start = np.datetime64(config.start, "ns")
    t = days * 1440 // interval
    timestamps = start + (np.arange(t, dtype=np.int64) + 1) * (np.int64(interval) * _NS_PER_MINUTE)

    meter_names: list[str] = []
    row_area: list[np.ndarray] = []
    row_meter: list[np.ndarray] = []
    row_time: list[np.ndarray] = []
    row_value: list[np.ndarray] = []
    details: list[dict[str, np.ndarray]] = []
    area_rows: list[dict[str, Any]] = []
    for i, (area, child) in enumerate(zip(ids, children, strict=True)):
        sim = _simulate(
            int(sizes[i]), days, interval, residual, child, config, lots, area,
            supplied_here=n_areas > 1,
        )  # fmt: skip
        s = sim.series
        # Meter-major (M + 1, T), master first: rows come out ordered by meter, then time.
        values = np.vstack([s.master[None, :], s.customers.T])
        observed = ~np.isnan(values)
        if register:
            values = _registers(child, np.vstack([sim.master_registered, sim.registered.T]), config)
        col, tt = np.nonzero(observed)
        offset = len(meter_names)
        meter_names.extend((f"{area}-M", *s.meters))
        row_area.append(np.full(col.shape[0], i, dtype=np.int32))
        row_meter.append((col + offset).astype(np.int32))
        row_time.append(tt.astype(np.int32))
        row_value.append(values[observed])
        details.append(sim.details)
        area_rows.append(
            {
                "area": area,
                "n_meters": int(sizes[i]),
                "master_meter": f"{area}-M",
                "master_error_percent": 100 * sim.master_error,
                "fixed_loss_kwh": sim.fixed_loss_kwh,
                "loss_coefficient": sim.loss_coefficient,
                "theta_0": sim.theta_0,
                "theta_L": sim.theta_L,
            }
        )

    # Truth rows and meter codes share one order: master, then customers, area by area.
    columns = {k: np.concatenate([d[k] for d in details]) for k in details[0]}
    area_code = np.concatenate(row_area)
    meter_code = np.concatenate(row_meter)
    time_code = np.concatenate(row_time)
    value = np.concatenate(row_value)

    # --- wrong-area meters: listed in another area than the one supplying them
    wrong = np.flatnonzero(columns["kind"] == "wrong_area")
    if n_areas > 1 and wrong.size:
        own = np.searchsorted(ids, columns["area"][wrong])
        # One target area per customer: a replacement meter ("...r") follows the old one.
        customer = [name.removesuffix("r") for name in columns["meter"][wrong]]
        unique, which = np.unique(customer, return_inverse=True)
        shift = gen.integers(1, n_areas, size=unique.shape[0])[which]
        other = (own + shift) % n_areas
        area_of_meter = np.full(len(meter_names), -1, dtype=np.int32)
        area_of_meter[wrong] = other
        moved = area_of_meter[meter_code]
        area_code = np.where(moved >= 0, moved, area_code).astype(np.int32)
        columns["area"][wrong] = [ids[k] for k in other]
    truth = _truth_frame(columns)

    # --- messy feed: identical duplicates next to the original, then out-of-order rows
    n_rows = value.shape[0]
    n_dup = round(config.duplicate_fraction * n_rows)
    copies = np.ones(n_rows, dtype=np.int64)
    if n_dup:
        copies[gen.choice(n_rows, size=n_dup, replace=False)] = 2
    order = np.repeat(np.arange(n_rows), copies)
    n_moved = round(config.out_of_order_fraction * order.shape[0])
    if n_moved >= 2:
        where = np.sort(gen.choice(order.shape[0], size=n_moved, replace=False))
        order[where] = order[where[_derangement(gen, n_moved)]]

    area_cat = pd.Categorical.from_codes(area_code[order], categories=ids)
    readings = pd.DataFrame(
        {
            "area": area_cat,
            "meter": pd.Categorical.from_codes(meter_code[order], categories=meter_names),
            "role": pd.Categorical.from_codes(
                _master_flags(meter_names)[meter_code[order]], categories=["customer", "master"]
            ),
            "timestamp": pd.to_datetime(timestamps[time_code[order]], utc=True),
            ("register_kwh" if register else "energy_kwh"): value[order],
        }
    )
    if config.quality:
        readings["quality"] = pd.Categorical.from_codes(
            np.zeros(order.shape[0], dtype=np.int8), categories=["ok"]
        )

    meters = _meters_table(truth, lots, start)
    return Fleet(readings=readings, truth=truth, meters=meters, areas=pd.DataFrame(area_rows))


_TIME_COLUMNS = ("drift_start", "step_time", "installed_from", "removed_at")


def _truth_frame(details: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame(details)
    for name in _TIME_COLUMNS:
        frame[name] = frame[name].dt.tz_localize("UTC")
    return frame


def _arrays(series: AreaSeries) -> tuple[np.ndarray, ...]:
    return (series.timestamps, series.master, series.customers)


def _master_flags(names: list[str]) -> np.ndarray:
    return np.fromiter((name.endswith("-M") for name in names), dtype=np.int8, count=len(names))


def _derangement(gen: np.random.Generator, k: int) -> np.ndarray:
    """A permutation of range(k) that moves every element (a random cyclic shift of a shuffle)."""
    perm = gen.permutation(k)
    # Send perm[i] to perm[i + 1]: one cycle through all k elements, no fixed point.
    out = np.empty(k, dtype=np.int64)
    out[perm] = np.roll(perm, -1)
    return out


def _registers(gen: np.random.Generator, energy: np.ndarray, config: FleetConfig) -> np.ndarray:
    """Cumulative registers (M + 1, T) from interval energies (NaN = not installed).

    Row 0 is the master (register size 10^master_register_digits), the others
    customers (10^register_digits). A meter not installed in the first interval (a
    replacement meter) starts from zero; the others start at U(0, size) or, for
    ``rollover_fraction`` of them, just below the size so that they wrap within
    the period.
    """
    m = energy.shape[0]
    size = np.full(m, 10.0**config.register_digits)
    size[0] = 10.0**config.master_register_digits
    e = np.nan_to_num(energy, nan=0.0)
    total = e.sum(axis=1)
    u = gen.random(m)
    wrap = gen.random(m) < config.rollover_fraction
    frac = gen.uniform(0.1, 0.9, size=m)
    init = np.where(wrap, np.mod(size - frac * total, size), u * size)
    init[np.isnan(energy[:, 0])] = 0.0
    reg = np.cumsum(e, axis=1)
    reg += init[:, None]
    np.mod(reg, size[:, None], out=reg)
    np.round(reg, config.register_decimals, out=reg)
    np.mod(reg, size[:, None], out=reg)  # a value rounded up to the size reads 0
    return reg


def _meters_table(truth: pd.DataFrame, lots: pd.DataFrame, start: np.datetime64) -> pd.DataFrame:
    cust = truth[truth["role"] == "customer"]
    info = lots.set_index("lot").loc[cust["lot"].to_numpy()]
    start_day = start.astype("datetime64[D]")
    year = info["year"].to_numpy()
    # Installed: mid-year of the lot's year (not after the day before the period);
    # replacement meters on the day of their replacement.
    mid_year = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]") + np.timedelta64(
        182, "D"
    )
    installed = np.minimum(mid_year, start_day - np.timedelta64(1, "D"))
    replacement = cust["meter"].str.endswith("r").to_numpy()
    from_day = cust["installed_from"].dt.tz_convert(None).to_numpy().astype("datetime64[D]")
    installed = np.where(replacement, from_day, installed)
    return pd.DataFrame(
        {
            "meter": cust["meter"].to_numpy(),
            "mpe_percent": info["mpe_percent"].to_numpy(),
            "accuracy_class": info["accuracy_class"].to_numpy(),
            "lot": cust["lot"].to_numpy(),
            "manufacturer": info["manufacturer"].to_numpy(),
            "model": info["model"].to_numpy(),
            "year": year,
            "installed": [_dt.date.fromisoformat(str(d)) for d in installed],
        }
    )
