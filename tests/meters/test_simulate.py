"""Synthetic areas and fleets: the ground truth must be what the data say it is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sitrace.errors import InputError
from sitrace.meters.simulate import (
    KINDS,
    FleetConfig,
    draw_area_sizes,
    simulate_area,
    simulate_fleet,
)

SMALL = {"area_size_range": (10, 40), "area_size_median": 20.0}


def balance_gap(sim) -> np.ndarray:
    """y_t - (sum_j theta_jt x_jt + theta_0 + theta_L q_t), theta_jt from the true error path."""
    theta = (1.0 + sim.master_error) / (1.0 + sim.error_path)
    fit = np.nansum(theta * sim.registered, axis=1) + sim.theta_0 + sim.theta_L * sim.loss_regressor
    return sim.master_registered - fit


# ------------------------------------------------------------------ determinism


def test_same_seed_same_area_and_another_seed_another_area():
    a = simulate_area(25, 3, rng=7)
    b = simulate_area(25, 3, rng=7)
    c = simulate_area(25, 3, rng=8)
    assert np.array_equal(a.series.customers, b.series.customers, equal_nan=True)
    assert np.array_equal(a.series.master, b.series.master, equal_nan=True)
    assert np.array_equal(a.error_path, b.error_path, equal_nan=True)
    assert a.kinds == b.kinds
    assert a.truth.equals(b.truth)
    assert not np.array_equal(a.series.master, c.series.master, equal_nan=True)


def test_same_seed_same_fleet():
    config = FleetConfig(**SMALL)
    a = simulate_fleet(3, 2, rng=11, config=config)
    b = simulate_fleet(3, 2, rng=11, config=config)
    assert a.readings.equals(b.readings)
    assert a.truth.equals(b.truth)
    assert a.meters.equals(b.meters)
    assert a.areas.equals(b.areas)
    assert not a.readings.equals(simulate_fleet(3, 2, rng=12, config=config).readings)


# ------------------------------------------------------------------ the exact balance


@pytest.mark.parametrize("loss_regressor", ["squared-total", "sum-squares"])
def test_clean_noise_free_balance_holds_exactly_with_true_theta(loss_regressor):
    config = FleetConfig.clean(loss_regressor=loss_regressor)
    sim = simulate_area(30, 7, residual_percent=0.0, rng=3, config=config)
    s = sim.series
    assert not np.isnan(s.customers).any() and not np.isnan(s.master).any()
    assert set(sim.kinds) == {"healthy"}
    # q_t is computed from the registered x, as an estimator would compute it.
    x = s.customers
    q = x.sum(axis=1) ** 2 if loss_regressor == "squared-total" else (x * x).sum(axis=1)
    np.testing.assert_allclose(sim.loss_regressor, q, rtol=1e-14)
    theta = (1.0 + sim.master_error) / (1.0 + sim.error)
    np.testing.assert_allclose(sim.theta, theta, rtol=0)
    fit = x @ theta + sim.theta_0 + sim.theta_L * q
    np.testing.assert_allclose(fit, s.master, rtol=1e-12, atol=0)
    assert sim.theta_0 == pytest.approx((1 + sim.master_error) * sim.fixed_loss_kwh, rel=1e-15)
    assert sim.theta_L == pytest.approx((1 + sim.master_error) * sim.loss_coefficient, rel=1e-15)
    # The losses are there (a real intercept and a real q_t term), as configured:
    supplied = sim.consumption.sum(axis=1).mean()
    assert sim.fixed_loss_kwh == pytest.approx(0.01 * supplied, rel=1e-12)
    assert (sim.loss_coefficient * q).mean() == pytest.approx(0.03 * supplied, rel=1e-12)


def test_balance_is_exact_with_drift_steps_and_replacements_given_the_error_path():
    config = FleetConfig.clean(drift_fraction=0.3, step_fraction=0.2, replacement_fraction=0.2)
    sim = simulate_area(40, 10, residual_percent=0.0, rng=5, config=config)
    assert sim.series.n_meters == 48  # 8 replaced meters add a column each
    np.testing.assert_allclose(balance_gap(sim), 0.0, atol=1e-12 * sim.master_registered.max())
    # ... and fails with the errors frozen at their end values (the drift matters):
    theta_end = (1 + sim.master_error) / (1 + sim.error)
    fit = np.nansum(theta_end * sim.registered, axis=1) + sim.theta_0
    fit += sim.theta_L * sim.loss_regressor
    assert np.abs(sim.master_registered - fit).max() > 1e-4 * sim.master_registered.max()


@pytest.mark.parametrize("scale", ["interval", "mean"])
def test_residual_is_the_configured_percent_of_y(scale):
    config = FleetConfig.clean(residual_scale=scale)
    sim = simulate_area(30, 30, residual_percent=0.5, rng=9, config=config)
    y_clean = sim.master_registered - sim.residual
    np.testing.assert_allclose(balance_gap(sim), sim.residual, atol=1e-9)
    ratio = sim.residual / (y_clean if scale == "interval" else y_clean.mean())
    # 2880 draws: the sample sd of N(0, 0.005^2) is within 0.005 (1 +/- 0.1) with
    # probability 1 - 1e-7.
    assert np.std(ratio) == pytest.approx(0.005, rel=0.1)
    assert abs(np.mean(ratio)) < 4 * 0.005 / np.sqrt(ratio.size)


# ------------------------------------------------------------------ meter errors


def test_drifting_meters_fraction_reach_and_linear_ramp():
    config = FleetConfig.clean(drift_fraction=0.05)
    sim = simulate_area(1000, 30, interval_minutes=60, residual_percent=0.0, rng=21, config=config)
    truth = sim.truth.iloc[1:].reset_index(drop=True)
    drifting = np.flatnonzero(truth["kind"] == "drifting")
    assert drifting.size == 50  # 5 % of 1000, exactly (stochastic rounding of an integer)
    reach = truth["drift_reach_percent"].to_numpy()[drifting]
    days = truth["drift_days"].to_numpy()[drifting]
    assert np.all((np.abs(reach) >= 2.0) & (np.abs(reach) <= 6.0))
    assert np.all((days >= 30.0) & (days <= 365.0))
    assert (reach > 0).any() and (reach < 0).any()
    # error(t) = healthy + reach * clip((t - t0) / D, 0, 1), t at interval ends
    t0 = (truth["drift_start"] - pd.Timestamp(config.start, tz="UTC")) / pd.Timedelta(days=1)
    t0 = t0.to_numpy()[drifting]
    elapsed = np.arange(1, sim.series.n_intervals + 1) / 24.0
    ramp = np.clip((elapsed[:, None] - t0[None, :]) / days[None, :], 0.0, 1.0)
    healthy = truth["healthy_error_percent"].to_numpy()[drifting]
    expected = healthy + reach * ramp
    np.testing.assert_allclose(100 * sim.error_path[:, drifting], expected, atol=1e-12)
    # every drifting meter has started by the end; some reach their full reach
    assert np.all(t0 < 30.0)
    full = 30.0 - t0 >= days
    assert full.any()
    np.testing.assert_allclose(100 * sim.error[drifting][full] - healthy[full], reach[full])
    # the other meters do not move
    still = np.setdiff1d(np.arange(truth.shape[0]), drifting)
    assert np.all(np.ptp(sim.error_path[:, still], axis=0) == 0)


def test_healthy_errors_are_a_few_tenths_of_a_percent_around_lot_means():
    config = FleetConfig.clean(n_lots=4)
    sim = simulate_area(2000, 1, interval_minutes=1440, rng=4, config=config)
    truth = sim.truth.iloc[1:]
    err = truth["error_percent"].to_numpy()
    # lot mean sd 0.2 % and meter sd 0.2 % (defaults): within a lot the spread is 0.2 %
    within = truth.groupby("lot")["error_percent"].std()
    assert within.between(0.17, 0.23).all()
    assert np.abs(err).max() < 2.0  # a few tenths; no healthy meter near a 1 % MPE breach...
    assert np.std(err) < 0.5


def test_step_faults_jump_by_their_size_at_their_time():
    config = FleetConfig.clean(step_fraction=0.1)
    sim = simulate_area(200, 20, interval_minutes=60, rng=31, config=config)
    truth = sim.truth.iloc[1:].reset_index(drop=True)
    steps = np.flatnonzero(truth["kind"] == "step")
    assert steps.size == 20
    size = truth["step_percent"].to_numpy()[steps]
    assert np.all((np.abs(size) >= 1.0) & (np.abs(size) <= 5.0))
    jump = 100 * (sim.error_path[-1, steps] - sim.error_path[0, steps])
    when = (truth["step_time"] - pd.Timestamp(config.start, tz="UTC")) / pd.Timedelta(days=1)
    happened = when.to_numpy()[steps] < 20 - 1 / 24
    np.testing.assert_allclose(jump[happened], size[happened], atol=1e-12)


# ------------------------------------------------------------------ customers


def test_kinds_follow_the_configured_fractions():
    config = FleetConfig(
        drift_fraction=0.1,
        step_fraction=0.05,
        theft_fraction=0.02,
        wrong_area_fraction=0.03,
        vacant_fraction=0.1,
        pv_fraction=0.2,
        replacement_fraction=0.0,
    )
    sim = simulate_area(100, 1, rng=2, config=config)
    counts = pd.Series(sim.kinds).value_counts()
    expected = {"drifting": 10, "step": 5, "theft": 2, "wrong_area": 3, "vacant": 10, "pv": 20}
    assert {k: counts.get(k, 0) for k in expected} == expected
    assert counts["healthy"] == 50
    assert set(sim.kinds) <= set(KINDS)


def test_load_shapes_pv_midday_vacancy_households_and_business_hours():
    config = FleetConfig.clean(
        start="2024-06-03T00:00", pv_fraction=0.2, vacant_fraction=0.1, commercial_fraction=0.3
    )
    sim = simulate_area(200, 28, interval_minutes=60, rng=8, config=config)
    truth = sim.truth.iloc[1:].reset_index(drop=True)
    x = sim.series.customers
    ts = pd.DatetimeIndex(sim.series.timestamps) - pd.Timedelta(minutes=30)  # interval middle
    hour, weekend = ts.hour.to_numpy(), ts.day_of_week.to_numpy() >= 5
    kind, profile = truth["kind"].to_numpy(), truth["profile"].to_numpy()

    def mean(rows, cols):
        return x[np.ix_(rows, cols)].mean()

    midday, evening, night = (hour >= 11) & (hour < 14), (hour >= 18) & (hour < 21), hour < 4
    pv = np.flatnonzero((kind == "pv") & (profile == "household"))
    house = np.flatnonzero((kind == "healthy") & (profile == "household"))
    shop = np.flatnonzero((kind == "healthy") & (profile == "commercial"))
    vacant = np.flatnonzero(kind == "vacant")
    # PV prosumers (households): import-only registers fall towards zero at midday
    ratio = x[np.ix_(midday, pv)].mean(axis=0) / x[np.ix_(evening, pv)].mean(axis=0)
    assert np.median(ratio) < 0.1
    ratio = x[np.ix_(midday, house)].mean(axis=0) / x[np.ix_(evening, house)].mean(axis=0)
    assert np.median(ratio) > 0.25  # households without PV keep their midday load
    # households: evening peak above the night
    assert mean(evening, house) > 2 * mean(night, house)
    # commercial: business hours on weekdays above the weekend
    office = (hour >= 10) & (hour < 16)
    assert mean(office & ~weekend, shop) > 3 * mean(office & weekend, shop)
    # vacant premises: a standby of about 5 W, i.e. about 0.005 kWh per hour
    assert mean(np.arange(x.shape[0]), vacant) == pytest.approx(0.005, rel=0.05)


def test_theft_energy_is_in_the_master_and_not_in_the_meter():
    config = FleetConfig.clean(theft_fraction=0.1)
    sim = simulate_area(20, 14, residual_percent=0.0, rng=12, config=config)
    truth = sim.truth.iloc[1:].reset_index(drop=True)
    theft = np.flatnonzero(truth["kind"] == "theft")
    assert theft.size == 2
    bypass = sim.consumption[:, theft] - sim.registered[:, theft] / (1 + sim.error_path[:, theft])
    assert (bypass > 0).any() and (bypass >= -1e-12).all()
    share = truth["theft_share"].to_numpy()[theft]
    ratio = bypass / sim.consumption[:, theft]
    on = ratio > 1e-9
    np.testing.assert_allclose(ratio[:, 0][on[:, 0]], share[0])
    # the balance misses exactly the bypassed energy, as the master registers it
    np.testing.assert_allclose(
        balance_gap(sim), (1 + sim.master_error) * bypass.sum(axis=1), rtol=1e-9, atol=1e-12
    )
    # metered < true for the thief, consumption-weighted error stays the meter's own
    assert (truth["metered_energy_kwh"] < truth["true_energy_kwh"]).to_numpy()[theft].all()


def test_wrong_area_meter_is_listed_but_not_supplied():
    config = FleetConfig.clean(wrong_area_fraction=0.1)
    sim = simulate_area(20, 7, residual_percent=0.0, rng=13, config=config)
    truth = sim.truth.iloc[1:].reset_index(drop=True)
    wrong = np.flatnonzero(truth["kind"] == "wrong_area")
    assert wrong.size == 2
    assert truth["supplied_area"].isna().to_numpy()[wrong].all()
    gap = balance_gap(sim)
    np.testing.assert_allclose(
        gap, -(1 + sim.master_error) * sim.consumption[:, wrong].sum(axis=1), rtol=1e-9
    )


def test_pv_export_lowers_the_master_and_no_meter_registers_it():
    kept = FleetConfig.clean(start="2024-06-03T00:00", pv_fraction=0.3)
    sim = simulate_area(30, 7, residual_percent=0.0, rng=3, config=kept)
    np.testing.assert_allclose(balance_gap(sim), 0.0, atol=1e-12 * sim.master_registered.max())
    exported = FleetConfig.clean(start="2024-06-03T00:00", pv_fraction=0.3, pv_export=True)
    sim = simulate_area(30, 7, residual_percent=0.0, rng=3, config=exported)
    gap = balance_gap(sim)
    hour = (pd.DatetimeIndex(sim.series.timestamps) - pd.Timedelta(minutes=7.5)).hour
    assert gap[(hour >= 11) & (hour < 14)].max() < -0.1  # exported surplus, kWh per interval
    np.testing.assert_allclose(gap[hour < 4], 0.0, atol=1e-9)  # no sun, no export


# ------------------------------------------------------------------ area sizes


def test_area_sizes_are_a_truncated_lognormal_within_bounds():
    config = FleetConfig()
    sizes = draw_area_sizes(4000, rng=1, config=config)
    assert sizes.dtype == np.int64
    assert sizes.min() >= 10 and sizes.max() <= 600
    assert sizes.min() < 15 and sizes.max() > 400  # the range is used
    mu, sigma = np.log(80.0), 1.0
    a, b = (np.log(10) - mu) / sigma, (np.log(600) - mu) / sigma
    q = [0.1, 0.25, 0.5, 0.75, 0.9]
    expected = stats.truncnorm.ppf(q, a, b, loc=mu, scale=sigma)
    # sampling sd of a quartile of 4000 draws is about 0.03 in ln(size)
    np.testing.assert_allclose(np.quantile(np.log(sizes), q), expected, atol=0.12)
    assert abs(stats.skew(np.log(sizes))) < 0.15  # symmetric in the log, not in the size
    assert stats.skew(sizes) > 1.0


# ------------------------------------------------------------------ the feed


def fleet_config(**changes):
    return FleetConfig(**{**SMALL, **changes})


def test_feed_columns_dtypes_and_messy_parts():
    config = fleet_config(duplicate_fraction=0.01, out_of_order_fraction=0.01)
    fleet = simulate_fleet(4, 3, rng=17, config=config)
    r = fleet.readings
    assert list(r.columns) == ["area", "meter", "role", "timestamp", "energy_kwh", "quality"]
    assert isinstance(r["area"].dtype, pd.CategoricalDtype)
    assert isinstance(r["meter"].dtype, pd.CategoricalDtype)
    assert set(r["role"].cat.categories) == {"master", "customer"}
    assert r["timestamp"].dtype == "datetime64[ns, UTC]"
    assert r["energy_kwh"].dtype == np.float64
    assert set(r["quality"]) == {"ok"}
    assert (r["energy_kwh"] >= 0).all()
    # one master per area
    masters = r[r["role"] == "master"].groupby("area", observed=True)["meter"].nunique()
    assert (masters == 1).all() and len(masters) == 4
    # interval ends on the 15-minute grid
    assert (r["timestamp"].dt.minute % 15 == 0).all()
    # duplicates: identical rows, about 1 %
    n_dup = int(r.duplicated().sum())
    assert n_dup == round(0.01 * (len(r) - n_dup))
    # out-of-order rows: a meter's timestamps go backwards somewhere
    backwards = r.groupby("meter", observed=True)["timestamp"].diff() < pd.Timedelta(0)
    assert backwards.sum() > 0
    # the truth covers every meter in the feed
    assert set(r["meter"].unique()) == set(fleet.truth["meter"])
    assert set(fleet.meters["meter"]) == set(
        fleet.truth.loc[fleet.truth.role == "customer", "meter"]
    )


def test_missing_share_is_near_the_configured_rate():
    config = fleet_config(
        missing_rate=0.05,
        burst_rate=0.0,
        replacement_fraction=0.0,
        duplicate_fraction=0.0,
        out_of_order_fraction=0.0,
    )
    fleet = simulate_fleet(5, 7, rng=19, config=config)
    expected = len(fleet.truth) * 7 * 96
    share = 1 - len(fleet.readings) / expected
    # binomial sd of the share is about 0.0012 for ~32,000 readings
    assert share == pytest.approx(0.05, abs=0.006)


def test_bursts_lose_runs_of_consecutive_readings():
    config = FleetConfig.clean(burst_rate=3.0, burst_hours=(6.0, 6.0))
    sim = simulate_area(30, 30, rng=23, config=config)
    lost = np.isnan(sim.series.customers)
    assert lost.any()
    runs = np.diff(np.concatenate([np.zeros((1, 30)), lost, np.zeros((1, 30))]).astype(int), axis=0)
    begin = np.flatnonzero(runs.T.ravel() == 1)
    lengths = np.flatnonzero(runs.T.ravel() == -1) - begin
    inside = begin % (lost.shape[0] + 1) + lengths < lost.shape[0]  # not cut by the period's end
    assert inside.sum() > 10
    # 6 h bursts are runs of 24 quarter-hours, longer where two bursts overlap
    assert lengths[inside].min() == 24 and np.mean(lengths[inside] == 24) > 0.5


def test_register_mode_is_monotone_except_at_roll_over_and_differences_to_the_energies():
    changes = {
        "rollover_fraction": 0.5,
        "register_digits": 4,
        "missing_rate": 0.0,
        "burst_rate": 0.0,
        "duplicate_fraction": 0.0,
        "out_of_order_fraction": 0.0,
    }
    energy = simulate_fleet(3, 5, rng=29, config=fleet_config(**changes)).readings
    fleet = simulate_fleet(3, 5, rng=29, config=fleet_config(output="register", **changes))
    reg = fleet.readings
    assert "register_kwh" in reg.columns and "energy_kwh" not in reg.columns
    assert (
        energy[["meter", "timestamp"]].to_numpy() == reg[["meter", "timestamp"]].to_numpy()
    ).all()
    size = np.where(reg["role"] == "master", 1e8, 1e4)
    step = reg.groupby("meter", observed=True)["register_kwh"].diff()
    first = step.isna()
    wrapped = step < 0
    assert wrapped.sum() >= 10  # roll-overs happen
    assert ((reg["register_kwh"] >= 0) & (reg["register_kwh"] < size)).all()
    # a drop is a wrap by exactly the register size: difference mod size = the energy
    recovered = np.where(wrapped, step + size, step)
    np.testing.assert_allclose(
        recovered[~first], energy["energy_kwh"].to_numpy()[~first], atol=1.1e-3
    )
    # replacement meters start from an empty register
    new = fleet.truth.loc[fleet.truth["meter"].str.endswith("r"), "meter"]
    for meter in new:
        rows = reg[reg["meter"] == meter]
        e = energy.loc[energy["meter"] == meter, "energy_kwh"].iloc[0]
        assert rows["register_kwh"].iloc[0] == pytest.approx(e, abs=1e-3)


def test_truth_is_consistent_with_the_readings():
    config = fleet_config(
        missing_rate=0.0,
        burst_rate=0.0,
        duplicate_fraction=0.0,
        out_of_order_fraction=0.0,
        replacement_fraction=0.1,
        wrong_area_fraction=0.05,
        theft_fraction=0.05,
    )
    fleet = simulate_fleet(6, 3, rng=37, config=config)
    r, truth = fleet.readings, fleet.truth.set_index("meter")
    totals = r.groupby("meter", observed=True)["energy_kwh"].sum()
    np.testing.assert_allclose(totals, truth.loc[totals.index, "registered_energy_kwh"], rtol=1e-12)
    # every meter is listed in the feed where the truth says it is listed
    listed = r.groupby("meter", observed=True)["area"].agg(lambda a: set(a))
    assert all(listed[m] == {truth.loc[m, "area"]} for m in listed.index)
    # wrong-area meters are listed in another area than the one supplying them
    wrong = truth[truth["kind"] == "wrong_area"]
    assert len(wrong) > 0 and (wrong["area"] != wrong["supplied_area"]).all()
    # a replaced meter's feed ends where its successor's begins
    old = truth[truth["replaced_by"].notna()]
    assert len(old) > 0
    for meter, row in old.iterrows():
        last = r.loc[r["meter"] == meter, "timestamp"].max()
        begin = r.loc[r["meter"] == row["replaced_by"], "timestamp"].min()
        assert begin - last == pd.Timedelta(minutes=15)
        assert row["removed_at"] == last
    # consumption-weighted mean error = sum(x) / sum(e) - 1 through the meter
    cust = truth[truth["role"] == "customer"]
    np.testing.assert_allclose(
        cust["mean_error_percent"],
        100 * (cust["registered_energy_kwh"] / cust["metered_energy_kwh"] - 1),
        rtol=1e-12,
    )
    assert set(fleet.areas["area"]) == set(truth["area"])
    assert (fleet.meters["mpe_percent"] == 1.0).all()


def test_mean_error_is_the_consumption_weighted_error_path():
    config = FleetConfig.clean(drift_fraction=0.5, step_fraction=0.2, replacement_fraction=0.1)
    sim = simulate_area(30, 20, rng=41, config=config)
    truth = sim.truth.iloc[1:].reset_index(drop=True)
    installed = ~np.isnan(sim.error_path)
    weights = np.where(installed, sim.consumption, 0.0)
    path = np.where(installed, sim.error_path, 0.0)
    weighted = 100 * (path * weights).sum(axis=0) / weights.sum(axis=0)
    np.testing.assert_allclose(truth["mean_error_percent"], weighted, rtol=1e-9, atol=1e-12)
    last = installed.shape[0] - 1 - np.argmax(installed[::-1], axis=0)
    end = sim.error_path[last, np.arange(installed.shape[1])]
    np.testing.assert_allclose(truth["error_percent"], 100 * end, rtol=0, atol=0)
    drifting = truth["kind"] == "drifting"
    assert (truth["mean_error_percent"] != truth["error_percent"])[drifting].all()


def test_area_values_are_read_only():
    sim = simulate_area(5, 1, rng=1)
    with pytest.raises(ValueError, match="read-only"):
        sim.error_path[0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        sim.series.customers[0, 0] = 1.0


# ------------------------------------------------------------------ inputs


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: simulate_area(0, 1), "n_meters: must be an integer >= 1, got 0"),
        (lambda: simulate_area(5, 1.5), "days: must be an integer >= 1, got 1.5"),
        (lambda: simulate_area(5, 1, interval_minutes=7), "interval_minutes: .* got 7"),
        (lambda: simulate_area(5, 1, residual_percent=-1), "residual_percent: .* got -1"),
        (lambda: simulate_area(5, 1, rng="x"), "rng: must be a numpy Generator"),
        (lambda: simulate_area(5, 1, config={}), "config: must be a FleetConfig or None, got dict"),
        (lambda: simulate_fleet(0, 1), "n_areas: must be an integer >= 1, got 0"),
        (
            lambda: FleetConfig(drift_fraction=1.5),
            r"FleetConfig.drift_fraction: must be in \[0, 1\]",
        ),
        (lambda: FleetConfig(pv_fraction=0.6, vacant_fraction=0.6), "must sum to <= 1, got 1.2"),
        (lambda: FleetConfig(drift_reach_percent=(6, 2)), "low <= high, got \\(6, 2\\)"),
        (
            lambda: FleetConfig(output="csv"),
            "FleetConfig.output: must be one of 'energy', 'register'",
        ),
        (lambda: FleetConfig(start="yesterday"), "FleetConfig.start: must be an ISO 8601"),
        (lambda: FleetConfig.clean(drift=0.1), "unknown knob\\(s\\) drift"),
    ],
)
def test_bad_inputs_raise_input_errors_that_say_what_and_where(call, match):
    with pytest.raises(InputError, match=match):
        call()
