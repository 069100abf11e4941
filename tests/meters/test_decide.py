"""Unit tests of sitrace.meters.decide: meter flags, persistence, balance anomalies."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import scipy.stats

from sitrace.errors import InputError
from sitrace.meters.decide import (
    balance_anomaly,
    flag_meters,
    persistent_flags,
    residual_dispersion,
)
from sitrace.meters.estimate import AreaEstimate, MeterEstimate

Z99 = 2.326  # Φ⁻¹(0.99) to the digits the guard band uses


def area(*meters: tuple[str, float, float], **fields) -> AreaEstimate:
    values = dict(
        area="A1",
        method="ols",
        loss="squared-total",
        meters=tuple(MeterEstimate(m, e, u, e, "ok", 100) for m, e, u in meters),
        columns=(),
        theta=np.empty(0),
        covariance=np.empty((0, 0)),
        fixed_loss_kwh=0.01,
        u_fixed_loss_kwh=0.001,
        loss_coefficient=0.0,
        u_loss_coefficient=0.0,
        residual_sd=0.01,
        intervals_total=100,
        intervals_used=100,
        intervals_missing=0,
        master_error_percent=0.0,
        fixed_loss_share=0.01,
        mean_master_kwh=1.0,
    )
    values.update(fields)
    return AreaEstimate(**values)


def test_z_of_the_guard_band():
    assert scipy.stats.norm.ppf(0.99) == pytest.approx(Z99, abs=0.0005)


def test_flag_rule_is_error_minus_guard_band_against_mpe():
    u = 0.4
    edge = 1.0 + scipy.stats.norm.ppf(0.99) * u
    est = area(("in", 0.5, u), ("edge_in", edge - 1e-6, u), ("edge_out", -(edge + 1e-6), u))
    flagged = flag_meters(est).statuses
    assert flagged == {"in": "ok", "edge_in": "ok", "edge_out": "flagged"}
    # per-meter MPE (class 2: 2 %) and the default for meters not in the mapping
    out = flag_meters(est, mpe_percent={"edge_out": 2.0}).statuses
    assert out["edge_out"] == "ok"
    # a lower confidence narrows the guard band
    assert flag_meters(est, confidence=0.9).statuses["edge_in"] == "flagged"


def test_uncertainty_above_the_mpe_is_not_estimable_never_flagged():
    est = area(("vague", 8.0, 1.5), ("gone", np.nan, np.nan))
    est = replace(est, meters=(est.meters[0], replace(est.meters[1], status="not_estimable")))
    out = flag_meters(est)
    assert out.statuses == {"vague": "not_estimable", "gone": "not_estimable"}
    assert "cannot be judged" in out.meter("vague").reason


def test_persistence_needs_consecutive_flags():
    windows = [
        flag_meters(area(("a", 3.0, 0.3), ("b", 3.0, 0.3))),
        flag_meters(area(("a", 3.0, 0.3), ("b", 0.1, 0.3))),
        flag_meters(area(("a", 3.0, 0.3), ("b", 3.0, 0.3))),
    ]
    table = persistent_flags(windows, consecutive=2)
    a = table[table["meter"] == "a"]["persistent"].tolist()
    b = table[table["meter"] == "b"]["persistent"].tolist()
    assert a == [False, True, True]
    assert b == [False, False, False]
    assert persistent_flags(windows, consecutive=1)["persistent"].sum() == 5


def test_residual_dispersion_is_about_the_day_count_for_independent_noise():
    rng = np.random.default_rng(1)
    days = 200
    ts = np.datetime64("2024-01-01T00:15", "ns") + np.arange(days * 96) * np.timedelta64(15, "m")
    noise = area(residuals=rng.standard_normal(days * 96), residual_timestamps=ts)
    stat, d = residual_dispersion(noise)
    assert d == days  # the interval ending at midnight is the last of its day
    assert stat == pytest.approx(d, rel=0.25)
    assert not balance_anomaly(noise)[0]
    # a load-shaped residual on some days (an unmetered load)
    load = np.where(np.arange(days * 96) // 96 % 3 == 0, 0.5, 0.0)
    shaped = replace(noise, residuals=noise.residuals + load)
    flag, why = balance_anomaly(shaped)
    assert flag and "day-level residual dispersion" in why


def test_balance_anomaly_from_meters_and_fixed_loss():
    est = area(("m", 0.0, 0.1))
    assert balance_anomaly(est) == (False, "")
    wrong = replace(est, meters=(replace(est.meters[0], anomaly="implausible"),))
    flag, why = balance_anomaly(wrong)
    assert flag and "wrong area or bypass" in why and "m" in why
    theft = replace(est, meters=(replace(est.meters[0], anomaly="switching"),))
    assert "theft" in balance_anomaly(theft)[1]
    big_loss = replace(est, fixed_loss_share=0.2, fixed_loss_kwh=0.2)
    flag, why = balance_anomaly(big_loss)
    assert flag and "unmetered load" in why
    negative = replace(est, fixed_loss_share=-0.2, fixed_loss_kwh=-0.2)
    assert "negative" in balance_anomaly(negative)[1]


def test_bad_inputs_are_refused_in_words():
    est = area(("m", 0.0, 0.1))
    with pytest.raises(InputError, match=r"confidence must be in \[0.5, 1\), got 1.2"):
        flag_meters(est, confidence=1.2)
    with pytest.raises(InputError, match="MPE must be > 0 percent, got -1"):
        flag_meters(est, mpe_percent={"m": -1})
    with pytest.raises(InputError, match="consecutive must be a positive integer"):
        persistent_flags([est], consecutive=0)
    with pytest.raises(InputError, match="estimate must be an AreaEstimate"):
        flag_meters("nope")


def test_an_interval_ending_at_midnight_belongs_to_the_day_before():
    from sitrace.meters.model import interval_days

    ends = np.array(["2024-01-01T23:45", "2024-01-02T00:00", "2024-01-02T00:15"], "datetime64[ns]")
    assert interval_days(ends).tolist() == [
        np.datetime64("2024-01-01"),
        np.datetime64("2024-01-01"),
        np.datetime64("2024-01-02"),
    ]
    daily = np.array(["2024-01-02T00:00"], "datetime64[ns]")  # the whole of 1 January
    assert interval_days(daily).tolist() == [np.datetime64("2024-01-01")]
