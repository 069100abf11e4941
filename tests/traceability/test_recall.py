"""recall: what a standard found out of tolerance has affected, directly and downstream."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import random
import re

import pytest

from sitrace.errors import InputError
from sitrace.traceability import Recall, Registry, recall, resolve_chain

from .builders import D, cal, item

FOUND = D(2024, 12, 1)  # the reference weight R-1 is found out of tolerance


def test_direct_and_transitive_recall(registry):
    r = recall(registry, "R-1", FOUND)
    assert r.since == D(2023, 6, 1)  # its last good calibration, C-R
    assert r.calibrations == ("C-W", "C-B")
    assert r.items == ("W-1", "B-1")
    assert dict(r.paths) == {"W-1": ("C-W",), "B-1": ("C-W", "C-B")}
    assert dict(r.depths) == {"W-1": 1, "B-1": 2}
    assert r.instruments == ("B-1",)
    assert r.standards == ("W-1",)
    assert dict(r.levels) == {"W-1": "working", "B-1": "instrument"}


def test_the_window_is_inclusive_at_both_ends(world):
    for n, day in enumerate([D(2023, 5, 31), D(2023, 6, 1), FOUND, D(2024, 12, 2)], start=2):
        world.add(item(f"B-{n}", "instrument"), cal(f"C-B{n}", f"B-{n}", day, ("R-1",)))
    r = recall(world.registry(), "R-1", FOUND)
    assert r.since == D(2023, 6, 1)
    assert r.calibrations == ("C-B3", "C-W", "C-B", "C-B4")
    assert "B-2" not in r.items and "B-5" not in r.items  # the day before and the day after


def test_items_after_the_next_good_recalibration_are_not_recalled(world):
    world.add(
        cal("C-W2", "W-1", D(2024, 6, 1), ("K-1",), u=3e-7, lab="LAB-A"),  # against K-1
        item("B-6", "instrument"),
        item("B-7", "instrument"),
        cal("C-B6", "B-6", D(2024, 5, 31), ("W-1",)),  # still relying on C-W
        cal("C-B7", "B-7", D(2024, 6, 1), ("W-1",)),  # relying on C-W2
    )
    r = recall(world.registry(), "R-1", FOUND)
    assert r.calibrations == ("C-W", "C-B", "C-B6")
    assert r.items == ("W-1", "B-1", "B-6")
    assert "C-W2" not in r.calibrations and "B-7" not in r.items


def test_doubt_follows_an_item_until_its_next_calibration_even_after_the_finding(world):
    world.add(item("B-8", "instrument"), cal("C-B8", "B-8", D(2025, 1, 10), ("W-1",)))
    r = recall(world.registry(), "R-1", FOUND)
    assert r.paths["B-8"] == ("C-W", "C-B8")


def test_recall_goes_down_any_number_of_levels(world):
    world.add(
        item("W-3", "working"),
        item("B-9", "instrument"),
        cal("C-W3", "W-3", D(2024, 2, 1), ("W-1",)),
        cal("C-B9", "B-9", D(2024, 4, 1), ("W-3", "W-1")),
    )
    r = recall(world.registry(), "R-1", FOUND)
    assert r.items == ("W-1", "B-1", "B-9", "W-3")
    assert r.paths["B-9"] == ("C-W", "C-B9")  # the shortest of its two paths
    assert r.paths["W-3"] == ("C-W", "C-W3")
    assert r.calibrations == ("C-W", "C-W3", "C-B", "C-B9")


def test_last_good_can_be_given(registry):
    r = recall(registry, "R-1", FOUND, last_good=D(2024, 2, 1))
    assert (r.since, r.calibrations, r.items) == (D(2024, 2, 1), (), ())


def test_a_calibration_on_the_finding_day_is_not_the_last_good(world):
    world.add(cal("C-R2", "R-1", FOUND, ("K-1",), u=1e-7))
    assert recall(world.registry(), "R-1", FOUND).since == D(2023, 6, 1)


def test_failed_calibrations_do_not_end_the_doubt(world):
    world.add(cal("C-R0", "R-1", D(2022, 6, 1), ("K-1",), u=1e-7, conforming=False))
    world.change("C-R", conforming=False)
    # no good calibration before the finding: from its first calibration
    assert recall(world.registry(), "R-1", FOUND).since == D(2022, 6, 1)
    world.change("C-R0", conforming=None)  # no statement is not a fail
    assert recall(world.registry(), "R-1", FOUND).since == D(2022, 6, 1)
    world.change("C-R0", conforming=False, performed=D(2021, 1, 1), valid_until=D(2022, 1, 1))
    world.change("C-R", conforming=None)
    assert recall(world.registry(), "R-1", FOUND).since == D(2023, 6, 1)


def test_a_standard_without_calibration_is_in_doubt_since_the_beginning(world):
    world.calibrations.pop("E-SI")
    r = recall(world.registry(), "SI-kg", D(2024, 1, 1))
    assert r.since == dt.date.min
    assert r.paths["B-1"] == ("C-K", "C-R", "C-W", "C-B")
    assert r.depths["B-1"] == 4
    assert r.to_dict()["since"] is None


def test_recall_agrees_with_the_suspect_links_of_chains(world):
    world.change("R-1", out_of_tolerance_since=FOUND)
    registry = world.registry()
    r = recall(registry, "R-1", FOUND)
    for recalled in r.items:
        last = registry.calibration(r.paths[recalled][-1])
        chain = resolve_chain(registry, recalled, last.performed)
        assert [p.item for p in chain.problems if p.code == "suspect"] == ["R-1"]


def test_the_order_does_not_depend_on_the_input_order(world):
    world.add(
        item("W-3", "working"),
        item("B-9", "instrument"),
        cal("C-W3", "W-3", D(2024, 2, 1), ("W-1",)),
        cal("C-B9", "B-9", D(2024, 4, 1), ("W-3", "W-1")),
    )
    expected = recall(world.registry(), "R-1", FOUND)
    rng = random.Random(7)
    for _ in range(5):
        items = list(world.items.values())
        cals = list(world.calibrations.values())
        rng.shuffle(items)
        rng.shuffle(cals)
        assert recall(Registry(items, cals), "R-1", FOUND) == expected


def test_to_dict_is_json_safe(registry):
    d = recall(registry, "R-1", FOUND).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d == {
        "standard": "R-1",
        "found": "2024-12-01",
        "since": "2023-06-01",
        "calibrations": ["C-W", "C-B"],
        "items": [
            {"item": "W-1", "level": "working", "depth": 1, "path": ["C-W"]},
            {"item": "B-1", "level": "instrument", "depth": 2, "path": ["C-W", "C-B"]},
        ],
    }


def test_a_recall_pickles_and_hashes(registry):
    r = recall(registry, "R-1", FOUND)
    assert pickle.loads(pickle.dumps(r)) == r
    assert hash(r) == hash(pickle.loads(pickle.dumps(r)))


def test_arguments_are_checked(registry):
    with pytest.raises(InputError, match=re.escape("recall: unknown item 'R-9'")):
        recall(registry, "R-9", FOUND)
    with pytest.raises(InputError, match="last_good must be on or before found, got last_good="):
        recall(registry, "R-1", FOUND, last_good=D(2025, 1, 1))
    with pytest.raises(InputError, match="found must be a date"):
        recall(registry, "R-1", "2024-12-01")
    with pytest.raises(InputError, match="last_good must be a date"):
        recall(registry, "R-1", FOUND, last_good=dt.datetime(2024, 1, 1))


def test_a_recall_value_is_consistent():
    with pytest.raises(InputError, match="since must be on or before found"):
        Recall("R", D(2024, 1, 1), D(2024, 2, 1), (), (), {})
    with pytest.raises(InputError, match="paths and depths must have one entry per item"):
        Recall("R", D(2024, 1, 1), D(2023, 1, 1), ("C",), ("W",), {})
