"""Acceptance tests of issue 6 (sitrace.meters estimation), with the issue's numbers.

Every area is simulated by :func:`sitrace.meters.simulate.simulate_area` from a fixed
seed. ``FleetConfig.clean()`` (all meters healthy, no lost readings) is the base; each
test adds what the issue's sentence names. Where an honest method does not meet the
issue's number the test is ``xfail(strict=True)`` with the measured value in its reason.
"""

from __future__ import annotations

import numpy as np
import pytest

from sitrace.meters.decide import flag_meters, persistent_flags
from sitrace.meters.estimate import area_design, estimate_area, rls_init, rls_update
from sitrace.meters.model import AreaSeries
from sitrace.meters.simulate import FleetConfig, simulate_area

CLEAN = FleetConfig.clean()
PER_DAY = 96  # 15-minute intervals


def estimate(sim, **options):
    return estimate_area(sim.series, master_error_percent=100 * sim.master_error, **options)


def deviations(sim, est, keep=None):
    """ε̂ − ε (pp) and u (pp) of the meters with a finite estimate (``keep``: a mask)."""
    e = np.array([m.error_percent for m in est.meters])
    u = np.array([m.u_percent for m in est.meters])
    d = e - 100 * sim.error
    ok = np.isfinite(d) if keep is None else np.isfinite(d) & keep
    return d[ok], u[ok]


def sigma_healthy(n_meters, days, n_areas, seed):
    devs = []
    for k in range(n_areas):
        sim = simulate_area(n_meters, days, residual_percent=0.5, rng=seed + k, config=CLEAN)
        devs.append(deviations(sim, estimate(sim))[0])
    return float(np.concatenate(devs).std())


def with_drift(sim, j, path):
    """The simulated area with meter j's error following ``path`` (fractions, per interval).

    The master keeps the true energy; the variable loss follows the registered energies
    as in the simulator (q = (Σx)²), so the balance stays exact up to the noise.
    """
    s = sim.series
    x = s.customers.copy()
    x[:, j] = sim.registered[:, j] * (1 + path) / (1 + sim.error[j])
    q = x.sum(axis=1) ** 2
    y = s.master + (1 + sim.master_error) * sim.loss_coefficient * (q - sim.loss_regressor)
    return x, y


# --------------------------------------------------------------------- noise-free


def test_noise_free_every_error_recovered_by_ols_ridge_rls():
    sim = simulate_area(30, 30, residual_percent=0.0, rng=11, config=CLEAN)
    results = {
        "ols": estimate(sim, method="ols"),
        "ridge": estimate(sim, method="ridge", ridge_lambda=1e-12),
        "rls": estimate(sim, method="rls", forgetting=1.0, prior_weight=1e-12),
    }
    truth = 100 * sim.error
    errs = {}
    for name, est in results.items():
        errs[name] = np.array([m.error_percent for m in est.meters])
        assert np.max(np.abs(errs[name] - truth)) < 0.01, name  # pp
    # they agree
    assert np.max(np.abs(errs["ols"] - errs["ridge"])) < 0.01
    assert np.max(np.abs(errs["ols"] - errs["rls"])) < 0.01


# --------------------------------------------------------------------- coverage


@pytest.fixture(scope="module")
def two_hundred_areas():
    """200 seeded areas, N = 30, 15-min data, 30 days, residual 0.5 %: (ε̂ − ε, u)."""
    devs, us = [], []
    for k in range(200):
        sim = simulate_area(30, 30, residual_percent=0.5, rng=10_000 + k, config=CLEAN)
        d, u = deviations(sim, estimate(sim))
        devs.append(d)
        us.append(u)
    return np.concatenate(devs), np.concatenate(us)


def test_honest_uncertainty_two_u_covers_93_to_97_percent(two_hundred_areas):
    d, u = two_hundred_areas
    coverage = float(np.mean(np.abs(d) <= 2 * u))
    assert 0.93 <= coverage <= 0.97, coverage


# --------------------------------------------------------------------- accuracy envelope


def test_envelope_n30_30_days(two_hundred_areas):
    d, _ = two_hundred_areas
    assert d.std() <= 0.8


def test_envelope_n30_90_days():
    assert sigma_healthy(30, 90, 10, seed=20_000) <= 0.5


def test_envelope_n100_90_days():
    assert sigma_healthy(100, 90, 3, seed=30_000) <= 1.6


def test_envelope_sigma_halves_when_days_quadruple(two_hundred_areas):
    d30, _ = two_hundred_areas
    s120 = sigma_healthy(30, 120, 8, seed=40_000)
    ratio = d30.std() / s120
    assert 2 * 0.75 <= ratio <= 2 * 1.25, ratio


# --------------------------------------------------------------------- detection


#: Monitoring cadence: a 30-day window every 5 days; a flag counts when it persists
#: over 2 consecutive windows.
WINDOW_DAYS, EVERY_DAYS, CONSECUTIVE = 30, 5, 2


@pytest.fixture(scope="module")
def drift_windows():
    """N = 50 areas; meter 0 drifts linearly to +3 % over days 0..30 and stays there.

    Monitored as in service: 30-day windows ending every 5 days from day 35 to day
    60, that is within 30 days of the meter reaching +3 %. Per area, the meters with a
    persistent flag (2 consecutive windows) in any of them: meter 0 should be among
    them (detection), a healthy meter should not (false alarm in a 30-day period).
    """
    n, outcomes = 50, []
    for k in range(20):
        sim = simulate_area(n, 60, residual_percent=0.5, rng=50_000 + k, config=CLEAN)
        s = sim.series
        days = np.arange(1, s.n_intervals + 1) / PER_DAY
        eps_h = sim.error[0]
        x, y = with_drift(sim, 0, eps_h + (0.03 - eps_h) * np.clip(days / 30, 0, 1))
        windows = []
        for end in range(30 + EVERY_DAYS, 61, EVERY_DAYS):
            lo, hi = (end - WINDOW_DAYS) * PER_DAY, end * PER_DAY
            ser = AreaSeries(s.area, s.timestamps[lo:hi], y[lo:hi], x[lo:hi], s.meters, 15)
            est = estimate_area(ser, master_error_percent=100 * sim.master_error)
            windows.append(flag_meters(est))
        table = persistent_flags(windows, consecutive=CONSECUTIVE)
        outcomes.append(table.groupby("meter", sort=False)["persistent"].any())
    return outcomes


def test_detection_power_at_least_90_percent(drift_windows):
    power = np.mean([bool(o.iloc[0]) for o in drift_windows])
    assert power >= 0.9, power


def test_detection_false_alarms_at_most_1_percent_per_meter_window(drift_windows):
    healthy = np.concatenate([o.iloc[1:].to_numpy(bool) for o in drift_windows])
    assert healthy.mean() <= 0.01, healthy.mean()


# --------------------------------------------------------------------- daily-only data


@pytest.mark.parametrize(("n_meters", "days"), [(100, 365), (150, 90)])
def test_daily_only_data_large_area_not_estimable_not_flagged(n_meters, days):
    sim = simulate_area(
        n_meters, days, interval_minutes=1440, residual_percent=0.5, rng=60_000, config=CLEAN
    )
    decided = flag_meters(estimate(sim))
    assert {m.status for m in decided.meters} == {"not_estimable"}


# --------------------------------------------------------------------- robustness


def _robust_run(config, missing, n_areas=20, seed=70_000):
    """σ of healthy meters, and per area: (anomaly, theft/wrong-area meter flagged,
    theft or wrong-area active in the window)."""
    devs, areas = [], []
    for k in range(n_areas):
        sim = simulate_area(30, 30, residual_percent=0.5, rng=seed + k, config=config)
        s = sim.series
        master, customers = s.master.copy(), s.customers.copy()
        day = np.arange(s.n_intervals) // PER_DAY
        lost = np.random.default_rng(seed + k)
        if missing == "area":  # 5 % of the days lost for the whole area (a concentrator)
            master[(lost.random(day[-1] + 1) < 0.05)[day]] = np.nan
        elif missing == "meter":  # 5 % of the days lost per meter, independently
            customers[(lost.random((day[-1] + 1, customers.shape[1])) < 0.05)[day]] = np.nan
        ser = AreaSeries(s.area, s.timestamps, master, customers, s.meters, 15)
        est = flag_meters(estimate_area(ser, master_error_percent=100 * sim.master_error))
        kinds = np.array(sim.kinds)
        replaced = {m[:-1] for m in s.meters if m.endswith("r")}
        healthy = (kinds == "healthy") & np.array(
            [not m.endswith("r") and m not in replaced for m in s.meters]
        )
        devs.append(deviations(sim, est, healthy)[0])
        bad = np.isin(kinds, ("theft", "wrong_area"))
        bypassed = np.nansum(sim.consumption[:, bad] * (1 + sim.error_path[:, bad]))
        active = bool(bad.any()) and bypassed > np.nansum(sim.registered[:, bad]) * 1.001
        active |= bool((kinds == "wrong_area").any())
        flagged = any(m.status == "flagged" for m, b in zip(est.meters, bad, strict=True) if b)
        areas.append((est.balance_anomaly, flagged, active))
    return float(np.concatenate(devs).std()), areas


PERTURBED = FleetConfig.clean(
    replacement_fraction=1 / 30, wrong_area_fraction=1 / 30, theft_fraction=1 / 30
)


@pytest.fixture(scope="module")
def baseline_sigma():
    return _robust_run(CLEAN, None)[0]


@pytest.fixture(scope="module")
def perturbed_run():
    return _robust_run(PERTURBED, "area")


def test_robustness_sigma_at_most_30_percent_worse(baseline_sigma, perturbed_run):
    sigma, _ = perturbed_run
    assert sigma <= 1.3 * baseline_sigma, (sigma, baseline_sigma)


def test_robustness_balance_anomaly_not_meter_flag(perturbed_run):
    _, areas = perturbed_run
    # the theft / wrong-area customer is never a meter flag ...
    assert not any(flagged for _, flagged, _ in areas)
    # ... and raises the balance anomaly (rate chosen here: 90 %, as the detection power)
    raised = [anomaly for anomaly, _, active in areas if active]
    assert np.mean(raised) >= 0.9, np.mean(raised)


@pytest.mark.xfail(
    strict=True,
    reason="measured σ 1.208 pp against 0.335 pp (ratio 3.61) when the 5 % missing days are "
    "lost per meter independently: in an area of 30 one lost household reading's spread is "
    "about 6 % of the interval's energy, 12 times the balance residual, so an interval with "
    "one is worth under 1 % of a complete one and is dropped (max_imputed_share 1 %); 0.95^30 "
    "= 21 % of the days are complete. Kept and weighted by their variance "
    "(max_imputed_share=1): 1.337 pp (ratio 3.99)",
)
def test_robustness_sigma_with_missing_days_per_meter(baseline_sigma):
    sigma, _ = _robust_run(PERTURBED, "meter")
    assert sigma <= 1.3 * baseline_sigma, (sigma, baseline_sigma)


# --------------------------------------------------------------------- tracking


def test_rls_daily_updates_track_a_3pp_drift_over_180_days_with_lag_at_most_30_days():
    forgetting = 0.96  # per day: memory 1/(1 − λ) = 25 days, lag λ/(1 − λ) = 24 days
    lags = []
    for k in range(4):
        sim = simulate_area(30, 240, residual_percent=0.5, rng=80_000 + k, config=CLEAN)
        s = sim.series
        j = int(np.argmax(np.nansum(s.customers, axis=0)))  # the largest customer
        days = np.arange(1, s.n_intervals + 1) / PER_DAY
        eps_h = sim.error[j]
        path = eps_h + 0.03 * np.clip((days - 30) / 180, 0, 1)
        x, y = with_drift(sim, j, path)
        ser = AreaSeries(s.area, s.timestamps, y, x, s.meters, 15)
        design = area_design(ser)
        state = rls_init(design.n_params, forgetting=forgetting, prior_theta=design.prior_theta)
        col = design.columns.index(s.meters[j])
        daily = []
        for d in range(240):
            rows = slice(d * PER_DAY, (d + 1) * PER_DAY)
            state = rls_update(state, design.x[rows], design.y[rows])
            daily.append((1 + sim.master_error) / state.theta[col] - 1)
        daily = 100 * np.array(daily)
        truth = 100 * path[PER_DAY - 1 :: PER_DAY]  # at the end of each day
        t = np.arange(60, 210)
        cost = [np.mean((daily[t] - truth[t - d]) ** 2) for d in range(61)]
        lags.append(int(np.argmin(cost)))
    assert np.mean(lags) <= 30, lags
