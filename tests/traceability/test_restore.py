"""restores_validity: the calibration that restores validity is never blocked."""

from __future__ import annotations

import re

import pytest

from sitrace.errors import InputError
from sitrace.traceability import restores_validity, validity_problems

from .builders import USE, D, cal, item


def test_a_valid_item_is_not_restored_by_a_calibration(registry):
    assert restores_validity(registry, "B-1", USE) is False
    assert validity_problems(registry, "B-1", USE) == ()


def test_an_expired_item(registry):
    assert restores_validity(registry, "B-1", D(2025, 3, 1)) is True
    (problem,) = validity_problems(registry, "B-1", D(2025, 3, 1))
    assert problem.message == (
        "item 'B-1' (Balance 1 kg) used on 2025-03-01: its calibration 'C-B' expired on 2025-02-28"
    )


def test_an_item_never_calibrated(world):
    world.add(item("B-2", "instrument"))
    assert restores_validity(world.registry(), "B-2", USE) is True


def test_an_item_out_of_tolerance_until_recalibrated(world):
    world.change("B-1", out_of_tolerance_since=D(2024, 5, 1))
    assert restores_validity(world.registry(), "B-1", USE) is True
    world.add(cal("C-B2", "B-1", D(2024, 5, 20), ("W-1",), u=2e-5, lab="LAB-B"))
    assert restores_validity(world.registry(), "B-1", USE) is False


def test_withdrawal_is_reported_but_not_restored_by_calibration(world):
    world.change("B-1", withdrawn_since=D(2024, 5, 1))
    assert restores_validity(world.registry(), "B-1", USE) is False
    assert [p.code for p in validity_problems(world.registry(), "B-1", USE)] == ["withdrawn"]


def test_suspect_past_uses_are_not_the_items_validity(world):
    world.change("W-1", out_of_tolerance_since=D(2024, 9, 1))
    assert validity_problems(world.registry(), "W-1", D(2024, 3, 1)) == ()


def test_an_si_realization_needs_no_calibration(world):
    world.calibrations.pop("E-SI")
    assert restores_validity(world.registry(), "SI-kg", USE) is False
    world.change("SI-kg", out_of_tolerance_since=D(2024, 1, 1))
    assert restores_validity(world.registry(), "SI-kg", USE) is True


def test_only_the_item_itself_counts_not_its_standards(world):
    world.change("W-1", withdrawn_since=D(2024, 2, 1))  # breaks the chain of B-1...
    assert restores_validity(world.registry(), "B-1", USE) is False  # ...not B-1 itself


def test_arguments_are_checked(registry):
    with pytest.raises(InputError, match=re.escape("validity_problems: unknown item 'X'")):
        restores_validity(registry, "X", USE)
    with pytest.raises(InputError, match="at must be a date"):
        restores_validity(registry, "B-1", "2024-06-01")
