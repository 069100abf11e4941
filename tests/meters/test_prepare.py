"""Data preparation of a readings feed (issue 6): every rule on a small hand-made feed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sitrace.errors import InputError
from sitrace.meters.model import AreaSeries
from sitrace.meters.prepare import ROW_DROP_REASONS, PreparationReport, prepare

T0 = pd.Timestamp("2024-03-01T00:15:00Z")
STEP = pd.Timedelta(minutes=15)


def _feed(
    master: list[float],
    customers: dict[str, list[float]],
    *,
    area: str = "A",
    column: str = "energy_kwh",
    step: pd.Timedelta = STEP,
    start: pd.Timestamp = T0,
) -> pd.DataFrame:
    """One row per (meter, interval); None in a list means no row for that interval."""
    rows = []
    for meter, role, values in [("M0", "master", master)] + [
        (m, "customer", v) for m, v in customers.items()
    ]:
        for i, value in enumerate(values):
            if value is None:
                continue
            rows.append(
                {
                    "area": area,
                    "meter": meter,
                    "role": role,
                    "timestamp": start + i * step,
                    column: value,
                }
            )
    return pd.DataFrame(rows)


def _column(series: AreaSeries, meter: str) -> np.ndarray:
    return series.customers[:, series.meters.index(meter)]


def _adds_up(report: PreparationReport) -> None:
    assert report.rows_in == report.rows_used + sum(report.rows_dropped.values())
    assert set(report.rows_dropped) == set(ROW_DROP_REASONS)


# --- the clean case ------------------------------------------------------------------------


def test_clean_feed_becomes_one_area_series():
    feed = _feed([2.0, 2.2, 2.1], {"C1": [0.9, 1.0, 1.1], "C2": [1.0, 1.1, 0.9]})
    out = prepare(feed)
    (series,) = out.areas
    assert isinstance(series, AreaSeries)
    assert series.area == "A" and series.meters == ("C1", "C2")
    assert series.interval_minutes == 15
    np.testing.assert_array_equal(series.master, [2.0, 2.2, 2.1])
    np.testing.assert_array_equal(series.customers, [[0.9, 1.0], [1.0, 1.1], [1.1, 0.9]])
    expected = pd.date_range("2024-03-01T00:15", periods=3, freq="15min").to_numpy()
    np.testing.assert_array_equal(series.timestamps, expected)
    assert out.report.rows_in == 9 and out.report.rows_used == 9
    assert out.report.interval_inferred
    _adds_up(out.report)


def test_areas_are_returned_sorted_and_separate():
    feed = pd.concat(
        [_feed([2.0, 2.0], {"C1": [1.9, 1.9]}, area="Z"), _feed([3.0, 3.0], {"C9": [2.9, 2.9]})]
    )
    out = prepare(feed)
    assert [s.area for s in out.areas] == ["A", "Z"]
    assert out.area("Z").meters == ("C1",)
    with pytest.raises(InputError, match="no area 'Q'"):
        out.area("Q")


# --- deduplicate, order ----------------------------------------------------------------------


def test_identical_duplicate_rows_are_dropped_and_counted():
    feed = _feed([2.0, 2.2, 2.1], {"C1": [1.9, 2.1, 2.0]})
    feed = pd.concat([feed, feed.iloc[[1, 4]]], ignore_index=True)
    out = prepare(feed)
    np.testing.assert_array_equal(out.areas[0].customers[:, 0], [1.9, 2.1, 2.0])
    assert out.report.rows_dropped["duplicate"] == 2
    assert out.report.rows_used == 6
    _adds_up(out.report)


def test_conflicting_duplicates_are_all_dropped_reported_and_leave_a_gap():
    feed = _feed([2.0, 2.2, 2.1], {"C1": [1.9, 2.1, 2.0]})
    clash = feed.iloc[[4]].assign(energy_kwh=5.0)  # C1 at 00:30, different value
    out = prepare(pd.concat([feed, clash], ignore_index=True))
    c1 = out.areas[0].customers[:, 0]
    assert np.isnan(c1[1]) and c1[0] == 1.9 and c1[2] == 2.0
    assert out.report.rows_dropped["duplicate_conflict"] == 2
    assert out.report.conflicts == (("A", "C1", "2024-03-01T00:30:00+00:00"),)
    assert out.report.gaps == 1
    _adds_up(out.report)


def test_identical_and_conflicting_values_at_one_key():
    feed = _feed([2.0, 2.2, 2.1], {"C1": [1.9, 2.1, 2.0]})
    extra = pd.concat([feed.iloc[[4]].assign(energy_kwh=5.0), feed.iloc[[4]]])  # 2.1, 5.0, 2.1
    out = prepare(pd.concat([feed, extra], ignore_index=True))
    assert out.report.rows_dropped["duplicate"] == 1  # the second 2.1
    assert out.report.rows_dropped["duplicate_conflict"] == 2  # 2.1 against 5.0
    assert np.isnan(out.areas[0].customers[1, 0])
    _adds_up(out.report)


def test_out_of_order_rows_give_the_same_result_as_ordered_rows():
    feed = _feed([2.0, 2.2, 2.1, 2.3], {"C1": [1.0, 1.1, 1.0, 1.2], "C2": [0.9, 1.0, 1.0, 1.0]})
    shuffled = feed.sample(frac=1.0, random_state=np.random.default_rng(7))
    a, b = prepare(feed).areas[0], prepare(shuffled).areas[0]
    np.testing.assert_array_equal(a.timestamps, b.timestamps)
    np.testing.assert_array_equal(a.master, b.master)
    np.testing.assert_array_equal(a.customers, b.customers)


# --- registers -------------------------------------------------------------------------------


def test_five_digit_register_roll_over_gives_the_wrapped_increment():
    feed = _feed(
        [1000.0, 1002.0, 1004.0, 1006.0, 1008.0],
        {"C1": [99970.0, 99980.0, 99990.0, 10.0, 15.0]},
        column="register_kwh",
    )
    for size in (None, 1e5):  # inferred from the largest reading, or given
        out = prepare(feed, register_size=size, light_load_fraction=0.0)
        series = out.areas[0]
        np.testing.assert_allclose(series.customers[:, 0], [10.0, 10.0, 20.0, 5.0])
        np.testing.assert_allclose(series.master, [2.0, 2.0, 2.0, 2.0])
        assert out.report.rollovers == 1 and out.report.resets == 0
        assert out.report.rows_dropped["register_baseline"] == 2  # first reading of each meter
        _adds_up(out.report)


def test_roll_over_of_a_register_with_decimals_infers_its_size():
    # largest reading 999.9 kWh: a 3-digit register (10**3 kWh), 999.9 -> 0.7 is 0.8 kWh
    feed = _feed([50.0, 51.0, 52.0, 53.0], {"C1": [998.5, 999.9, 0.7, 1.5]}, column="register_kwh")
    out = prepare(feed, light_load_fraction=0.0)
    np.testing.assert_allclose(out.areas[0].customers[:, 0], [1.4, 0.8, 0.8])
    assert out.report.rollovers == 1 and out.report.resets == 0


def test_register_decrease_that_is_not_a_roll_over_splits_the_meter():
    # 54321 -> 5: wrapped increment 45684 is far from a roll-over on a 10**5 register
    feed = _feed(
        [100.0, 102.0, 104.0, 106.0, 108.0, 110.0],
        {"C1": [54311.0, 54316.0, 54321.0, 5.0, 7.0, 9.0], "C2": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]},
        column="register_kwh",
    )
    out = prepare(feed, light_load_fraction=0.0, min_coverage=0.0)
    series = out.areas[0]
    assert series.meters == ("C1", "C1#2", "C2")
    # intervals ending 00:30 .. 01:30 (the first grid row holds only baselines: NaN)
    np.testing.assert_array_equal(_column(series, "C1")[1:], [5.0, 5.0, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(_column(series, "C1#2")[1:], [0.0, 0.0, np.nan, 2.0, 2.0])
    assert out.report.resets == 1 and out.report.rollovers == 0
    assert out.report.rows_dropped["register_baseline"] == 4  # M0, C1, C1#2, C2
    _adds_up(out.report)


def test_missing_register_reading_makes_two_gaps():
    feed = _feed(
        [100.0, 102.0, 104.0, 106.0, 108.0],
        {"C1": [10.0, 11.0, None, 13.0, 14.0]},
        column="register_kwh",
    )
    out = prepare(feed, light_load_fraction=0.0)
    c1 = out.areas[0].customers[:, 0]
    # grid 00:30..01:15: 1.0, missing reading, difference over two intervals, 1.0
    np.testing.assert_array_equal(np.isnan(c1), [False, True, True, False])
    assert c1[0] == 1.0 and c1[3] == 1.0
    assert out.report.rows_dropped["register_gap"] == 1
    _adds_up(out.report)


def test_register_size_must_be_a_power_of_ten():
    feed = _feed([1.0, 2.0], {"C1": [1.0, 2.0]}, column="register_kwh")
    with pytest.raises(InputError, match=r"register_size must be a power of ten.*got 99999"):
        prepare(feed, register_size=99999)


# --- replacement, gaps, grid ---------------------------------------------------------------------


def test_new_meter_id_is_another_column_zero_outside_its_service():
    feed = _feed(
        [2.0, 2.0, 2.0, 2.0],
        {"OLD": [1.0, 1.0, None, None], "NEW": [None, None, 1.0, 1.0], "C2": [0.9] * 4},
    )
    out = prepare(feed)
    series = out.areas[0]
    np.testing.assert_array_equal(_column(series, "OLD"), [1.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(_column(series, "NEW"), [0.0, 0.0, 1.0, 1.0])
    assert out.report.zero_filled == 4 and out.report.gaps == 0


def test_missing_reading_inside_service_is_a_nan_gap():
    feed = _feed([2.0, 2.0, 2.0, 2.0], {"C1": [1.0, None, 1.0, 1.0], "C2": [0.9] * 4})
    out = prepare(feed)
    c1 = _column(out.areas[0], "C1")
    assert np.isnan(c1[1]) and not np.isnan(c1[[0, 2, 3]]).any()
    assert out.report.gaps == 1
    assert out.areas[0].n_intervals == 4  # the gap is marked, not dropped


def test_interval_is_inferred_or_given():
    feed = _feed([2.0, 2.0, 2.0], {"C1": [1.0, 1.0, 1.0]}, step=pd.Timedelta(minutes=30))
    assert prepare(feed).areas[0].interval_minutes == 30
    given = prepare(feed, interval_minutes=30)
    assert given.areas[0].interval_minutes == 30 and not given.report.interval_inferred


def test_interval_inference_survives_missing_readings_and_clock_jitter():
    feed = _feed(
        [2.0] * 8,
        {"C1": [1.0, None, 1.0, 1.0, None, 1.0, 1.0, 1.0], "C2": [0.9, 0.9, None] + [0.9] * 5},
    )
    feed["timestamp"] += pd.to_timedelta(np.arange(len(feed)) % 3 * 10, unit="s")
    out = prepare(feed)
    assert out.report.interval_minutes == 15 and out.areas[0].n_intervals == 8


def test_interval_cannot_be_inferred_from_single_readings():
    with pytest.raises(InputError, match=r"cannot infer the interval.*pass interval_minutes"):
        prepare(_feed([2.0], {"C1": [1.0]}))


def test_daily_grid_keeps_the_phase_of_the_data():
    # daily readings at 16:00 UTC (midnight at UTC+8)
    start = pd.Timestamp("2024-03-01T16:00:00Z")
    feed = _feed([20.0] * 3, {"C1": [19.0] * 3}, step=pd.Timedelta(days=1), start=start)
    series = prepare(feed).areas[0]
    assert series.interval_minutes == 1440
    assert series.timestamps[0] == np.datetime64("2024-03-01T16:00:00")


def test_small_clock_offsets_are_snapped_and_far_ones_dropped():
    feed = _feed([2.0] * 4, {"C1": [1.0] * 4, "C2": [0.9] * 4})
    feed.loc[(feed.meter == "C1") & (feed.timestamp == T0 + STEP), "timestamp"] += pd.Timedelta(
        seconds=20
    )
    feed.loc[(feed.meter == "C2") & (feed.timestamp == T0 + 2 * STEP), "timestamp"] += pd.Timedelta(
        minutes=7
    )
    out = prepare(feed)
    series = out.areas[0]
    assert _column(series, "C1")[1] == 1.0  # 20 s late: moved onto the grid
    assert np.isnan(_column(series, "C2")[2])  # 7 min off a 15-min grid: dropped
    assert out.report.rows_dropped["off_grid"] == 1
    _adds_up(out.report)


# --- light load, no load, coverage --------------------------------------------------------------


def test_light_load_intervals_are_dropped_with_their_rows():
    # median master load 10 kWh; 0.5 kWh is below 0.1 x 10, 1.5 kWh is not
    feed = _feed(
        [10.0, 10.0, 0.5, 10.0, 1.5],
        {"C1": [5.0, 5.0, 0.2, 5.0, 0.7], "C2": [4.8, 4.8, 0.2, 4.8, 0.7]},
    )
    out = prepare(feed, light_load_fraction=0.1)
    series = out.areas[0]
    np.testing.assert_array_equal(series.master, [10.0, 10.0, 10.0, 1.5])
    assert out.report.intervals_dropped["light_load"] == 1
    assert out.report.rows_dropped["light_load"] == 3  # master and two customers
    assert out.report.areas[0].light_load_threshold_kwh == pytest.approx(1.0)
    _adds_up(out.report)
    kept = prepare(feed, light_load_fraction=0.0)
    assert kept.areas[0].n_intervals == 5


def test_no_load_intervals_are_dropped():
    feed = _feed(
        [10.0, 0.0, 10.0, 0.3, 10.0],
        {"C1": [5.0, 0.0, 5.0, 0.0, 5.0], "C2": [4.8, 0.0, 4.8, 0.0, 4.8]},
    )
    out = prepare(feed, light_load_fraction=0.0)
    # master 0, and (master 0.3 kWh of pure loss with) every customer at 0
    assert out.report.intervals_dropped["no_load"] == 2
    assert out.report.rows_dropped["no_load"] == 6
    np.testing.assert_array_equal(out.areas[0].master, [10.0, 10.0, 10.0])
    _adds_up(out.report)


def test_low_coverage_intervals_are_dropped():
    feed = _feed(
        [2.0, None, 2.0],
        {"C1": [0.5, None, 0.5], "C2": [0.5, 0.5, 0.5], "C3": [0.5, None, 0.5]},
    )
    # 1 of 4 meters read in the middle interval (too few readings to infer the interval)
    out = prepare(feed, interval_minutes=15, min_coverage=0.5)
    assert out.areas[0].n_intervals == 2
    assert out.report.intervals_dropped["low_coverage"] == 1
    assert out.report.rows_dropped["low_coverage"] == 1
    assert prepare(feed, interval_minutes=15, min_coverage=0.0).areas[0].n_intervals == 3
    _adds_up(out.report)


# --- the report -----------------------------------------------------------------------------------


def test_report_counts_add_up_on_a_messy_feed():
    feed = _feed(
        [10.0, 10.0, 0.5, 10.0, 10.0, 10.0],
        {"C1": [5.0, 5.0, 0.2, None, 5.0, 5.0], "C2": [4.8, 4.8, 0.2, 4.8, 4.8, 4.8]},
    )
    feed["quality"] = "ok"
    feed = pd.concat(
        [
            feed,
            feed.iloc[[0]],  # identical duplicate
            feed.iloc[[1]].assign(energy_kwh=9.0),  # conflict
            feed.iloc[[7]].assign(quality="estimated"),  # dropped by quality (dup key)
            feed.iloc[[8]].assign(energy_kwh=np.nan, timestamp=T0 + 9 * STEP),  # no value
        ],
        ignore_index=True,
    ).sample(frac=1.0, random_state=np.random.default_rng(3))
    out = prepare(feed, drop_quality={"estimated"})
    r = out.report
    assert r.rows_in == len(feed) == 21
    assert dict(r.rows_dropped) == {
        "quality": 1,
        "missing_value": 1,
        "off_grid": 0,
        "duplicate": 1,
        "duplicate_conflict": 2,
        "register_baseline": 0,
        "register_gap": 0,
        "low_coverage": 0,
        "no_load": 0,
        "light_load": 3,
    }
    assert r.rows_used == 13
    _adds_up(r)
    as_dict = json.loads(json.dumps(r.to_dict()))
    assert as_dict["rows_dropped_total"] == 8
    assert as_dict["areas"][0]["intervals_kept"] == 5
    text = r.summary()
    assert "rows: 21 in, 13 used, 8 dropped" in text
    assert "light_load" in text and "duplicate_conflict" in text


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"interval_minutes": 0}, "interval_minutes must be a positive"),
        ({"interval_minutes": 7.5}, "interval_minutes must be a positive"),
        ({"light_load_fraction": 1.0}, r"light_load_fraction must be in \[0, 1\), got 1.0"),
        ({"min_coverage": -0.1}, r"min_coverage must be in \[0, 1\], got -0.1"),
    ],
)
def test_options_out_of_range_are_refused(options, message):
    with pytest.raises(InputError, match=message):
        prepare(_feed([2.0, 2.0], {"C1": [1.0, 1.0]}), **options)


def test_broken_contract_is_refused_before_any_work():
    feed = _feed([2.0, 2.0], {"C1": [1.0, 1.0]}).assign(role="customer")
    with pytest.raises(InputError, match="exactly one master"):
        prepare(feed)


def test_sequential_masters_are_combined_into_one_series():
    feed = _feed([2.0, 2.0, 2.0, 2.0], {"C1": [1.9] * 4})
    feed.loc[(feed.role == "master") & (feed.timestamp > T0 + STEP), "meter"] = "M1"
    series = prepare(feed).areas[0]
    np.testing.assert_array_equal(series.master, [2.0] * 4)
    assert series.meters == ("C1",)
