"""Unit tests of sitrace.meters.estimate on small hand-made areas."""

from __future__ import annotations

import numpy as np
import pytest

from sitrace.errors import InputError
from sitrace.meters.estimate import (
    ESTIMATE_COLUMNS,
    AreaEstimate,
    area_design,
    estimate_area,
    rls_init,
    rls_update,
)
from sitrace.meters.model import AreaSeries

EPS = np.array([0.01, -0.02, 0.005, 0.0, 0.03, -0.01])  # true meter errors (fractions)
EPS0 = 0.002  # master meter error
A, B = 0.05, 2e-4  # fixed loss per interval (kWh), variable-loss coefficient


def make_area(
    *, days: int = 10, eps=EPS, noise: float = 0.0, seed: int = 0, loss: bool = True
) -> tuple[AreaSeries, np.ndarray]:
    """Hand-made area: independent random profiles, exact balance plus optional noise."""
    rng = np.random.default_rng(seed)
    t = days * 96
    n = len(eps)
    hours = (np.arange(t) % 96) / 4
    shape = 1 + 0.5 * np.sin(2 * np.pi * (hours[:, None] - rng.uniform(0, 24, n)) / 24)
    true = shape * rng.lognormal(0, 0.4, (t, n)) * rng.uniform(0.1, 0.4, n)
    x = (1 + np.asarray(eps)) * true
    q = x.sum(axis=1) ** 2
    y = (1 + EPS0) * (true.sum(axis=1) + (A + B * q if loss else 0.0))
    y = y * (1 + noise * rng.standard_normal(t))
    ts = np.datetime64("2024-01-01T00:15", "ns") + np.arange(t) * np.timedelta64(15, "m")
    series = AreaSeries("A1", ts, y, x, tuple(f"m{j}" for j in range(n)), 15)
    return series, x


def rebalance(series: AreaSeries, customers: np.ndarray, eps=EPS) -> AreaSeries:
    """The same area with new customer readings and a master that balances them exactly
    (no line loss: estimate with loss="none")."""
    master = (1 + EPS0) * (customers / (1 + np.asarray(eps))).sum(axis=1)
    return AreaSeries("A1", series.timestamps, master, customers, series.meters, 15)


def errors(est: AreaEstimate) -> np.ndarray:
    return np.array([m.error_percent for m in est.meters])


# --------------------------------------------------------------------- exact recovery


@pytest.mark.parametrize(
    ("method", "options"),
    [
        ("ols", {}),
        ("ridge", {"ridge_lambda": 1e-12}),
        ("rls", {"forgetting": 1.0, "prior_weight": 1e-12}),
        ("robust", {}),
    ],
)
def test_noise_free_recovery_every_method(method, options):
    series, _ = make_area()
    est = estimate_area(series, method=method, master_error_percent=100 * EPS0, **options)
    assert np.max(np.abs(errors(est) - 100 * EPS)) < 1e-4  # pp
    assert est.fixed_loss_kwh == pytest.approx((1 + EPS0) * A, rel=1e-6)
    assert est.loss_coefficient == pytest.approx((1 + EPS0) * B, rel=1e-6)
    assert all(m.status == "ok" for m in est.meters)
    assert est.intervals_used == series.n_intervals


def test_relative_error_does_not_depend_on_the_master_error():
    series, _ = make_area()
    a = estimate_area(series, master_error_percent=0.0)
    b = estimate_area(series, master_error_percent=0.5)
    rel_a = [m.relative_error_percent for m in a.meters]
    rel_b = [m.relative_error_percent for m in b.meters]
    np.testing.assert_allclose(rel_a, rel_b, rtol=0, atol=1e-10)
    # absolute errors shift by the master error: (1 + ε0)/θ − 1
    theta = (1 + EPS0) / (1 + EPS)
    np.testing.assert_allclose(errors(b), 100 * (1.005 / theta - 1), atol=1e-6)
    med = np.median(1 + EPS)
    np.testing.assert_allclose(rel_a, 100 * ((1 + EPS) / med - 1), atol=1e-6)


def test_ridge_tends_to_ols_and_shrinks_toward_one():
    series, _ = make_area(noise=0.01, seed=3)
    ols = estimate_area(series, method="ols")
    small = estimate_area(series, method="ridge", ridge_lambda=1e-10)
    big = estimate_area(series, method="ridge", ridge_lambda=10.0)
    np.testing.assert_allclose(small.theta, ols.theta, rtol=0, atol=1e-8)
    np.testing.assert_allclose(small.covariance, ols.covariance, rtol=1e-6, atol=0)
    n = series.n_meters
    assert np.all(np.abs(big.theta[:n] - 1) < np.abs(ols.theta[:n] - 1))


def test_rls_with_forgetting_one_equals_ols_and_does_not_depend_on_blocks():
    series, _ = make_area(noise=0.01, seed=4)
    ols = estimate_area(series, method="ols", covariance="classical")
    rls = estimate_area(series, method="rls", covariance="classical", prior_weight=1e-9)
    np.testing.assert_allclose(rls.theta, ols.theta, rtol=0, atol=1e-8)
    np.testing.assert_allclose(rls.covariance, ols.covariance, rtol=1e-5, atol=0)
    design = area_design(series)
    prior = design.prior_theta
    whole = rls_update(rls_init(design.n_params, prior_theta=prior), design.x, design.y)
    state = rls_init(design.n_params, prior_theta=prior)
    for lo in range(0, design.x.shape[0], 96):
        state = rls_update(state, design.x[lo : lo + 96], design.y[lo : lo + 96])
    np.testing.assert_allclose(state.theta, whole.theta, rtol=0, atol=1e-10)
    assert state.blocks == 10 and state.intervals == design.x.shape[0]


def test_rls_forgetting_follows_a_change():
    # meter 0 changes its error from +1 % to +5 % after day 20 of 40
    series, _ = make_area(days=40, noise=0.0, loss=False)
    late = np.arange(series.n_intervals) >= 20 * 96
    customers = series.customers.copy()
    customers[late, 0] *= 1.05 / 1.01
    # the master sees the true energy: unchanged
    changed = AreaSeries("A1", series.timestamps, series.master, customers, series.meters, 15)
    opts = {"method": "rls", "loss": "none", "master_error_percent": 100 * EPS0}
    keep = estimate_area(changed, forgetting=1.0, **opts)
    forget = estimate_area(changed, forgetting=0.5, **opts)
    assert keep.meters[0].error_percent == pytest.approx(3, abs=1.5)  # an average
    assert forget.meters[0].error_percent == pytest.approx(5, abs=0.1)


# --------------------------------------------------------------------- covariance


def test_ols_covariance_matches_normal_equations():
    series, _ = make_area(noise=0.01, seed=5)
    est = estimate_area(series, method="ols", covariance="classical", weights="none")
    n = series.n_meters
    x = np.hstack(
        [series.customers, np.ones((series.n_intervals, 1)), series.customers.sum(1)[:, None] ** 2]
    )
    y = series.master
    xtx = x.T @ x
    theta = np.linalg.solve(xtx, x.T @ y)
    r = y - x @ theta
    s2 = r @ r / (x.shape[0] - x.shape[1])
    cov = s2 * np.linalg.inv(xtx)
    np.testing.assert_allclose(est.theta, theta, rtol=1e-9)
    np.testing.assert_allclose(est.covariance, cov, rtol=1e-6)
    # delta method: u(ε) = (1 + ε0) u(θ)/θ²  (ε0 = 0 here)
    u = np.sqrt(np.diag(cov))[:n] / theta[:n] ** 2
    np.testing.assert_allclose([m.u_percent for m in est.meters], 100 * u, rtol=1e-6)
    # HC1: (XᵀX)⁻¹ Xᵀ diag(r²) X (XᵀX)⁻¹ · T/(T − p)
    hc = estimate_area(series, method="ols", covariance="hc1", weights="none")
    inv = np.linalg.inv(xtx)
    t, p = x.shape
    hc1 = inv @ (x * r[:, None] ** 2).T @ x @ inv * t / (t - p)
    np.testing.assert_allclose(hc.covariance, hc1, rtol=1e-6)


def test_load_weighted_fit_is_weighted_least_squares_with_weights_one_over_y_squared():
    series, _ = make_area(noise=0.01, seed=5)
    est = estimate_area(series, method="ols", covariance="hc1")  # weights="load" by default
    x = np.hstack(
        [series.customers, np.ones((series.n_intervals, 1)), series.customers.sum(1)[:, None] ** 2]
    )
    y = series.master
    w = 1 / y**2
    xtwx = (x * w[:, None]).T @ x
    theta = np.linalg.solve(xtwx, (x * w[:, None]).T @ y)
    np.testing.assert_allclose(est.theta, theta, rtol=1e-9)
    # HC1 of weighted least squares: A⁻¹ Σ w² r² x xᵀ A⁻¹ · T/(T − p), A = XᵀWX
    r = y - x @ theta
    inv = np.linalg.inv(xtwx)
    t, p = x.shape
    meat = (x * (w * r)[:, None] ** 2).T @ x
    np.testing.assert_allclose(est.covariance, inv @ meat @ inv * t / (t - p), rtol=1e-6)
    np.testing.assert_allclose(est.residuals, r, rtol=1e-6, atol=1e-12)


def test_robust_downweights_outlier_intervals():
    series, _ = make_area(noise=0.002, seed=6)
    master = series.master.copy()
    rng = np.random.default_rng(0)
    bad = rng.choice(series.n_intervals, 40, replace=False)
    master[bad] *= 1.5  # spikes in 4 % of the intervals
    spiky = AreaSeries("A1", series.timestamps, master, series.customers, series.meters, 15)
    ols = estimate_area(spiky, method="ols", min_share=0, weights="none")
    rob = estimate_area(spiky, method="robust", min_share=0, weights="none")
    err_ols = np.abs(errors(ols) - 100 * EPS).max()
    err_rob = np.abs(errors(rob) - 100 * EPS).max()
    # the robust fit stays within its noise (u ≈ 0.3 pp here); least squares does not
    assert err_rob < 1.0
    assert err_ols > 5.0


# --------------------------------------------------------------------- identifiability


def test_collinear_profiles_are_not_estimable():
    series, _ = make_area(loss=False)
    customers = series.customers.copy()
    customers[:, 1] = 0.5 * customers[:, 0]  # an exact multiple
    twin = rebalance(series, customers)
    est = estimate_area(twin, loss="none", master_error_percent=100 * EPS0)
    assert est.meters[0].status == "not_estimable"
    assert est.meters[1].status == "not_estimable"
    assert "collinear" in est.meters[0].reason
    assert np.isnan(est.meters[0].error_percent)
    # the others are still resolved
    assert all(m.status == "ok" for m in est.meters[2:])
    np.testing.assert_allclose(errors(est)[2:], 100 * EPS[2:], atol=1e-6)


def test_zero_consumption_is_not_estimable():
    series, _ = make_area(loss=False)
    customers = series.customers.copy()
    customers[:, 2] = 0.0  # vacant
    vacant = rebalance(series, customers)
    est = estimate_area(vacant, loss="none", master_error_percent=100 * EPS0)
    assert est.meters[2].status == "not_estimable"
    assert "near-zero consumption" in est.meters[2].reason
    others = [m for m in est.meters if m.meter != "m2"]
    assert all(m.status == "ok" for m in others)


def test_too_few_intervals_for_the_area_size():
    series, _ = make_area(days=1)
    short = AreaSeries(
        "A1", series.timestamps[:30], series.master[:30], series.customers[:30], series.meters, 15
    )
    est = estimate_area(short)  # 30 intervals < 5 × (6 + 2)
    assert all(m.status == "not_estimable" for m in est.meters)
    assert "too few intervals" in est.meters[0].reason
    assert np.isnan(est.residual_sd)


def test_large_uncertainty_is_not_estimable():
    series, _ = make_area(noise=0.05, seed=7, days=2)
    est = estimate_area(series, max_u_percent=1.0)
    large = [m for m in est.meters if m.u_percent > 1.0]
    assert large and all(m.status == "not_estimable" for m in large)
    assert "cannot be judged" in large[0].reason


def test_missing_readings_drop_intervals_and_replacements_are_two_columns():
    series, _ = make_area(days=6)
    t = series.n_intervals
    customers = series.customers.copy()
    master = series.master.copy()
    master[10:20] = np.nan  # ten missing master readings
    customers[100, 3] = np.nan  # one missing customer reading
    # meter m5 replaced at interval 300: old id until 299, new id from 300
    new = np.full(t, np.nan)
    new[300:] = customers[300:, 5]
    customers[300:, 5] = np.nan
    cols = np.hstack([customers, new[:, None]])
    meters = (*series.meters, "m5r")
    replaced = AreaSeries("A1", series.timestamps, master, cols, meters, 15)
    est = estimate_area(replaced, master_error_percent=100 * EPS0)
    assert est.intervals_missing == 11
    assert est.intervals_used == t - 11
    assert est.meter("m5").intervals_used == 300 - 11
    assert est.meter("m5r").intervals_used == t - 300
    assert est.meter("m5r").error_percent == pytest.approx(100 * EPS[5], abs=1e-4)


def test_to_frame_follows_the_file_contract():
    series, _ = make_area()
    frame = estimate_area(series).to_frame()
    assert tuple(frame.columns) == ESTIMATE_COLUMNS
    assert len(frame) == series.n_meters
    assert set(frame["status"]) <= {"ok", "flagged", "not_estimable"}
    assert frame["intervals_used"].dtype == np.int64
    assert "reason" in estimate_area(series).to_frame(details=True)


def test_results_are_read_only():
    series, _ = make_area()
    est = estimate_area(series)
    with pytest.raises(ValueError):
        est.theta[0] = 2.0


# --------------------------------------------------------------------- bad options


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"method": "lasso"}, "method must be one of 'ols', 'ridge', 'rls', 'robust', got 'lasso'"),
        ({"loss": "cubic"}, "loss must be one of"),
        ({"forgetting": 1.5}, r"forgetting must be in \(0, 1\], got 1.5"),
        ({"forgetting": 0.0}, r"forgetting must be in \(0, 1\]"),
        ({"ridge_lambda": -1.0}, "ridge_lambda must be >= 0, got -1.0"),
        ({"master_error_percent": float("nan")}, "master_error_percent must be finite"),
        ({"covariance": "hc9"}, "covariance must be one of 'hc1', 'classical'"),
        ({"confidence": 1.0}, r"confidence must be in \[0.5, 1\)"),
        ({"max_iterations": 0}, "max_iterations must be a positive integer"),
    ],
)
def test_bad_options_are_refused_in_words(options, message):
    series, _ = make_area(days=2)
    with pytest.raises(InputError, match=message):
        estimate_area(series, **options)


def test_bad_rls_blocks_are_refused_in_words():
    state = rls_init(3)
    with pytest.raises(InputError, match=r"x_block must have shape \(m, 3\), got \(4, 2\)"):
        rls_update(state, np.ones((4, 2)), np.ones(4))
    with pytest.raises(InputError, match="must be finite"):
        rls_update(state, np.full((2, 3), np.nan), np.ones(2))
    with pytest.raises(InputError, match="n_params must be a positive integer"):
        rls_init(0)
    with pytest.raises(InputError, match="series must be an AreaSeries"):
        estimate_area("not a series")


def test_lost_readings_in_a_large_area_are_imputed_not_the_interval_dropped():
    # 200 meters, each reading lost with probability 1 %: only 0.99^200 ≈ 13 % of the
    # intervals are complete; the lost readings of the others are imputed
    eps = np.random.default_rng(5).normal(0, 0.005, 200)
    series, x = make_area(days=20, eps=eps, noise=0.005, seed=5)
    lost = np.random.default_rng(6).random(x.shape) < 0.01
    holed = AreaSeries("A1", series.timestamps, series.master, np.where(lost, np.nan, x),
                       series.meters, 15)  # fmt: skip
    complete = int((~lost.any(axis=1)).sum())
    listwise = area_design(holed, max_imputed_share=0.0)
    assert listwise.n_params == 202 and listwise.x.shape[0] == complete
    imputed = area_design(holed)
    assert imputed.x.shape[0] > 0.9 * series.n_intervals
    assert imputed.imputed.sum() > 0
    est = estimate_area(holed, master_error_percent=100 * EPS0)
    # a meter's intervals_used counts its own readings, not the imputed ones
    used_rows = imputed.rows
    assert est.meter("m0").intervals_used == int((~lost[used_rows, 0]).sum())
    err = errors(est) - 100 * eps
    u = np.array([m.u_percent for m in est.meters])
    assert np.mean(np.abs(err) <= 2 * u) >= 0.9


# --------------------------------------------------------------------- imputed readings


def test_an_imputed_reading_carries_its_meters_prediction_variance():
    # s² (1 + 1/n): s² the meter's variance about its (interval of the day, day type)
    # means on n − k degrees of freedom, n the readings behind the mean used
    series, x = make_area(days=14, seed=3)
    holed = x.copy()
    holed[500, 2] = np.nan  # 2024-01-06 05:00, a Saturday
    master = (1 + EPS0) * (x / (1 + EPS)).sum(axis=1)
    holed_series = AreaSeries("A1", series.timestamps, master, holed, series.meters, 15)
    design = area_design(holed_series, loss="none", max_imputed_share=1.0)
    start = (series.timestamps - np.timedelta64(1, "m")).astype("datetime64[m]").astype(np.int64)
    slot = (start % 1440) // 15
    weekend = np.isin((start // 1440) % 7, (2, 3))
    key = slot * 2 + weekend
    seen = np.isfinite(holed[:, 2])
    means = {k: holed[seen & (key == k), 2].mean() for k in np.unique(key)}
    spread = np.array([holed[t, 2] - means[key[t]] for t in np.flatnonzero(seen)])
    s2 = (spread**2).sum() / (seen.sum() - len(means))
    n = int((seen & (key == key[500])).sum())
    row = int(np.flatnonzero(design.rows == 500)[0])
    assert design.imputed_variance[row] == pytest.approx(s2 * (1 + 1 / n), rel=1e-12)
    assert design.x[row, 2] == pytest.approx(means[key[500]], rel=1e-12)
    assert np.count_nonzero(design.imputed_variance) == 1
    share = np.sqrt(design.imputed_variance[row]) / design.x[row, :6].sum()
    assert design.imputed_share[row] == pytest.approx(share, rel=1e-12)


def test_the_balance_residual_share_is_recovered_beside_known_imputed_variances():
    # Var_t = s² y_t² + V_t: s is estimated, V_t known (the weights of feasible GLS)
    from sitrace.meters.estimate import _row_model

    rng = np.random.default_rng(1)
    t, n = 4000, 8
    x = rng.uniform(0.2, 1.0, (t, n))
    mean = x.sum(axis=1)
    v = np.where(rng.random(t) < 0.6, (rng.uniform(0.01, 0.1, t) * mean) ** 2, 0.0)
    y = mean + np.sqrt(0.005**2 * mean**2 + v) * rng.standard_normal(t)
    rows = _row_model(x, y, v, "load")
    assert rows.share == pytest.approx(0.005, rel=0.1)
    # a complete interval is all balance residual; an imputed one the rest
    assert np.all(rows.balance[v == 0] == 1.0)
    assert np.all(rows.balance[v > 0] < 0.5)


def test_an_interval_with_imputed_readings_weighs_one_over_its_variance():
    # feasible GLS: weights 1/(s² y_t² + V_t), s the balance residual share
    from sitrace.meters.estimate import _row_model

    eps = np.random.default_rng(2).normal(0, 0.005, 40)
    series, x = make_area(days=10, eps=eps, noise=0.005, seed=2)
    lost = np.random.default_rng(3).random(x.shape) < 0.01
    holed = AreaSeries("A1", series.timestamps, series.master, np.where(lost, np.nan, x),
                       series.meters, 15)  # fmt: skip
    design = area_design(holed, max_imputed_share=1.0)
    assert design.x.shape[0] == series.n_intervals and design.imputed.any()
    est = estimate_area(holed, max_imputed_share=1.0, max_day_variation_percent=1e9)
    s = _row_model(design.x, design.y, design.imputed_variance, "load").share
    assert 0.003 < s < 0.008  # the simulated residual is 0.5 % of the energy
    w = 1 / (s**2 * design.y**2 + design.imputed_variance)
    xtwx = (design.x * w[:, None]).T @ design.x
    theta = np.linalg.solve(xtwx, (design.x * w[:, None]).T @ design.y)
    np.testing.assert_allclose(est.theta, theta, rtol=1e-8)


def test_intervals_between_a_replaced_meter_and_its_successor_are_not_imputed_twice():
    # m5 read until interval 299, its successor m5r from 340: between them either may
    # have registered the customer's energy, and imputing both would count it twice
    series, x = make_area(days=6, loss=False)
    t = series.n_intervals
    old, new = x[:, 5].copy(), np.full(t, np.nan)
    new[340:], old[300:] = x[340:, 5], np.nan
    customers = np.hstack([x[:, :5], old[:, None], new[:, None]])
    master = (1 + EPS0) * (x / (1 + EPS)).sum(axis=1)
    replaced = AreaSeries("A1", series.timestamps, master, customers, (*series.meters, "m5r"), 15)
    design = area_design(replaced, loss="none", max_imputed_share=1.0)
    assert not np.isin(np.arange(300, 340), design.rows).any()
    assert design.intervals_missing == 40 and not design.imputed.any()
    est = estimate_area(
        replaced, loss="none", master_error_percent=100 * EPS0, max_imputed_share=1.0
    )
    np.testing.assert_allclose(errors(est)[:6], 100 * EPS, atol=1e-6)
    assert est.meter("m5r").error_percent == pytest.approx(100 * EPS[5], abs=1e-6)


def _lost_days(series, x, eps, meter, days, factor):
    """The area with ``meter``'s readings lost on ``days``, on which its customer used
    ``factor`` times the energy (the master sees it, the imputed mean does not)."""
    on = np.isin(np.arange(series.n_intervals) // 96, days)
    extra = np.where(on, (factor - 1) * x[:, meter] / (1 + eps[meter]), 0.0)
    customers = x.copy()
    customers[on, meter] = np.nan
    master = series.master + (1 + EPS0) * extra
    return AreaSeries("A1", series.timestamps, master, customers, series.meters, 15)


def test_a_meter_is_not_found_switching_from_days_it_has_no_readings_on():
    # 200 meters: a lost reading is well within the 1 % share, so m0's 3 lost days enter
    # the day tests. Its customer was away on them: the imputed means are its usual
    # profile, the master saw nothing. Read with m0's imputed readings, m0's coefficient
    # would seem to drop to 0 on those days (theft); they say nothing about m0
    eps = np.random.default_rng(5).normal(0, 0.005, 200)
    series, x = make_area(days=20, eps=eps, noise=0.005, seed=5)
    holed = _lost_days(series, x, eps, 0, [4, 9, 14], 0.0)
    est = estimate_area(holed, master_error_percent=100 * EPS0)
    assert est.meter("m0").anomaly == ""
    # the balance still does not close on those days: an area-level signal
    assert est.balance_anomaly


def test_the_day_tests_read_only_intervals_within_their_imputed_share():
    # 6 meters: one lost reading is far more than 1 % of an interval's energy. Fitted
    # with every interval (max_imputed_share=1), the lost day's level (its customer
    # used twice the usual) is a day pattern of the imputation, not of the balance
    series, x = make_area(days=20, noise=0.005, seed=8)
    holed = _lost_days(series, x, EPS, 1, [6], 2.0)
    est = estimate_area(holed, master_error_percent=100 * EPS0, max_imputed_share=1.0)
    assert est.intervals_used == series.n_intervals
    assert est.residuals.size == series.n_intervals - 96
    assert not est.balance_anomaly, est.anomaly_reason
    read_all = estimate_area(
        holed,
        master_error_percent=100 * EPS0,
        max_imputed_share=1.0,
        max_imputed_share_day_tests=1.0,
    )
    assert read_all.residuals.size == series.n_intervals
    assert read_all.balance_anomaly
