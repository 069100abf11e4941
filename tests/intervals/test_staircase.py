"""ILAC-G24 / OIML D 10 Method 1: the staircase rule as the issue states it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.errors import InputError
from sitrace.intervals import StaircaseCalibration, staircase

RULE = {"extend_below": 0.5, "extend_factor": 1.25, "shorten_factor": 0.5}


def test_extend_keep_and_shorten_by_the_ratio_to_the_mpe():
    r = staircase([(0.5, 1), (-0.8, 1), (1.0, 1), (1.01, 1)], 100, **RULE)
    assert [s.action for s in r.steps] == ["extend", "keep", "keep", "shorten"]
    assert r.intervals == (100.0, 125.0, 125.0, 125.0, 63.0)
    assert r.interval == 63.0


def test_rounding_is_half_up_on_the_decimal_product():
    # 15 x 1.1 = 16.5 and 45 x 1.1 = 49.5 exactly in decimal (binary gives 16.500000000000004).
    assert (
        staircase([(0, 1)], 15, extend_below=0.5, extend_factor=1.1, shorten_factor=0.5).interval
        == 17.0
    )
    assert (
        staircase([(0, 1)], 45, extend_below=0.5, extend_factor=1.1, shorten_factor=0.5).interval
        == 50.0
    )
    assert staircase([(2, 1)], 5, **RULE).interval == 3.0  # 2.5 -> 3
    weeks = staircase([(0, 1)], 100, **RULE, round_to=7)
    assert weeks.interval == 126.0  # 125 / 7 = 17.86 -> 18 weeks
    exact = staircase([(0, 1)], 100, **RULE, round_to=None)
    assert exact.interval == 125.0


def test_limits_clamp_and_each_step_says_so():
    r = staircase([(0, 1), (0, 1), (3, 1)], 300, **RULE, min_interval=200, max_interval=400)
    assert r.intervals == (300.0, 375.0, 400.0, 200.0)
    assert [s.clamped for s in r.steps] == [False, True, False]  # 400 x 0.5 = 200 exactly
    assert r.steps[1].unclamped == 469.0


@settings(max_examples=200, deadline=None)
@given(
    ratios=st.lists(st.floats(0, 5), max_size=30),
    initial=st.floats(30, 365),
    extend=st.floats(1.0, 3.0),
    shorten=st.floats(0.05, 1.0),
    low=st.floats(1, 30),
    span=st.floats(365, 2000),
)
def test_staircase_never_leaves_min_max(ratios, initial, extend, shorten, low, span):
    r = staircase(
        [(x, 1.0) for x in ratios],
        initial,
        extend_below=0.5,
        extend_factor=extend,
        shorten_factor=shorten,
        min_interval=low,
        max_interval=span,
    )
    assert all(low <= i <= span for i in r.intervals)
    assert len(r.intervals) == len(ratios) + 1


def test_records_keep_their_dates():
    d = dt.date(2024, 5, 1)
    r = staircase([StaircaseCalibration(d, 0.1, 1.0)], 100, **RULE)
    assert r.steps[0].calibration.date == d
    assert r.to_dict() == {"intervals": [100.0, 125.0]}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"initial": 0}, "initial must be > 0, got 0"),
        ({"initial": 500, "max_interval": 400}, r"initial must lie in \[min_interval, max_int"),
        ({"extend_factor": 0.9}, "extend_factor must be >= 1, got 0.9"),
        ({"shorten_factor": 1.5}, r"shorten_factor must lie in \(0, 1\], got 1.5"),
        ({"extend_below": 2.0}, r"extend_below must be <= shorten_above \(1\), got 2"),
        ({"min_interval": 10, "max_interval": 5}, r"max_interval must be >= min_interval"),
        ({"extend_below": float("nan")}, "extend_below must be a finite number, got NaN"),
    ],
)
def test_bad_rules_are_input_errors(kwargs, match):
    args = {"initial": 100, **RULE, **kwargs}
    with pytest.raises(InputError, match=match):
        staircase([(0.1, 1)], args.pop("initial"), **args)


def test_bad_calibrations_name_their_index():
    with pytest.raises(InputError, match=r"calibrations\[1\]: mpe must be > 0, got 0"):
        staircase([(0.1, 1), (0.1, 0)], 100, **RULE)
    with pytest.raises(InputError, match=r"calibrations\[0\]: error must be a finite number"):
        staircase([(float("inf"), 1)], 100, **RULE)
