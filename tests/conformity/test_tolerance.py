"""Tolerance intervals: closed, one or two limits, never inverted."""

from __future__ import annotations

import math

import pytest

from sitrace.conformity import Tolerance, tolerance
from sitrace.errors import InputError


def test_a_two_sided_interval_is_closed_and_has_a_width():
    t = Tolerance(-1.0, 1.0)
    assert t.contains(-1.0) and t.contains(1.0) and not t.contains(1.0000001)
    assert t.width == 2.0 and t.two_sided


def test_a_one_sided_interval_has_an_infinite_side_and_no_width():
    t = Tolerance(upper=2.0)
    assert t.low == -math.inf and t.high == 2.0
    assert t.width is None and not t.two_sided


def test_no_limit_at_all_is_refused():
    with pytest.raises(InputError, match="needs a limit"):
        Tolerance()


@pytest.mark.parametrize("lower, upper", [(1.0, 1.0), (2.0, 1.0)])
def test_lower_must_be_below_upper(lower, upper):
    with pytest.raises(InputError, match="'lower' must be < 'upper'"):
        Tolerance(lower, upper)


def test_nan_limit_is_refused_by_name():
    with pytest.raises(InputError, match="'upper' must be finite"):
        Tolerance(0.0, float("nan"))


def test_a_guard_band_wider_than_half_the_tolerance_is_refused():
    with pytest.raises(InputError, match="leaves no acceptance interval"):
        Tolerance(-1.0, 1.0).shrink(1.0)


def test_a_negative_guard_band_widens_the_interval():
    assert Tolerance(-1.0, 1.0).shrink(-0.5) == Tolerance(-1.5, 1.5)


def test_tolerance_accepts_a_pair_or_keywords_but_not_both():
    assert tolerance((0.0, 1.0)) == tolerance(lower=0.0, upper=1.0)
    with pytest.raises(InputError, match="not both"):
        tolerance((0.0, 1.0), lower=0.0)
