"""ILAC-G24 / OIML D 10 Method 3: due by accumulated use or by the calendar, first wins."""

from __future__ import annotations

import datetime as dt

import pytest

from sitrace.errors import InputError
from sitrace.intervals import in_use_due

D0 = dt.date(2024, 1, 1)


def day(n: int) -> dt.date:
    return D0 + dt.timedelta(days=n)


def test_due_on_the_day_the_usage_limit_is_reached():
    r = in_use_due(
        D0, [(day(10), 40), (day(20), 40), (day(30), 40)], usage_limit=100, calendar_limit_days=365
    )
    assert r.due_date == day(30) and r.reason == "usage limit reached"
    assert r.used == 120 and r.remaining == 0


def test_calendar_limit_wins_when_it_comes_first():
    r = in_use_due(D0, [(day(10), 10), (day(400), 500)], usage_limit=100, calendar_limit_days=365)
    assert r.due_date == day(365) and r.reason == "calendar limit"
    assert r.usage_reached_on == day(400)


def test_projection_at_the_mean_daily_use():
    r = in_use_due(
        D0, [(day(10), 20), (day(20), 20)], usage_limit=100, calendar_limit_days=365, project=True
    )
    # 40 in 20 days = 2 per day; 60 remaining -> 30 more days after day 20.
    assert r.due_date == day(50) and r.reason == "usage limit projected"
    unprojected = in_use_due(D0, [(day(10), 20)], usage_limit=100, calendar_limit_days=365)
    assert unprojected.due_date == day(365)


def test_no_usage_means_the_calendar_limit():
    r = in_use_due(D0, [], usage_limit=100, calendar_limit_days=30, project=True)
    assert r.due_date == day(30) and r.used == 0


@pytest.mark.parametrize(
    ("usage", "kwargs", "match"),
    [
        ([(day(-1), 5)], {}, r"usage\[0\]: date 2023-12-31 is before the calibration date"),
        ([(day(5), 5), (day(2), 5)], {}, r"usage\[1\]: date 2024-01-03 is before the record"),
        ([(day(5), -1)], {}, r"usage\[0\]: usage must be >= 0, got -1"),
        ([], {"usage_limit": 0}, "usage_limit must be > 0, got 0"),
        ([], {"calendar_limit_days": 0}, "calendar_limit_days must be >= 1, got 0"),
        ([], {"calendar_limit_days": 1.5}, "calendar_limit_days must be a whole number"),
    ],
)
def test_bad_input_is_named(usage, kwargs, match):
    args = {"usage_limit": 100, "calendar_limit_days": 365, **kwargs}
    with pytest.raises(InputError, match=match):
        in_use_due(D0, usage, **args)
