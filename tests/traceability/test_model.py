"""Items, calibrations, scope lines and the registry: validation and lookups."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import pickle
import re

import pytest

from sitrace.errors import InputError
from sitrace.traceability import LEVELS, Accreditation, Calibration, Item, Registry, natural_key

from .builders import KG, D, cal, item


def test_levels_top_to_bottom():
    assert LEVELS == ("si_realization", "national_primary", "reference", "working", "instrument")


# --------------------------------------------------------------------------- Item


def test_an_item_is_a_frozen_value():
    w = item("W-1", "working", tolerance=1)
    assert w.tolerance == 1.0 and isinstance(w.tolerance, float)
    assert not w.is_instrument and item("B", "instrument").is_instrument
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.level = "reference"


def test_an_item_level_must_be_known():
    with pytest.raises(InputError, match=re.escape("item 'X': level must be one of si_realiz")):
        item("X", "secondary")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tolerance": 0.0}, "item 'W': tolerance must be > 0, got tolerance=0.0"),
        ({"tolerance": -1e-6}, "tolerance must be > 0"),
        ({"tolerance": float("nan")}, "tolerance must be finite, got tolerance=nan"),
        ({"tolerance": "1e-6"}, "tolerance must be a real number, got str"),
        ({"tolerance": True}, "tolerance must be a real number, got bool"),
        ({"out_of_tolerance_since": "2024-01-01"}, "out_of_tolerance_since must be a date"),
        ({"withdrawn_since": dt.datetime(2024, 1, 1)}, "withdrawn_since must be a date"),
        ({"name": ""}, "item 'W': name must be a non-empty string"),
    ],
)
def test_item_fields_are_checked(changes, message):
    with pytest.raises(InputError, match=re.escape(message)):
        Item(**{"id": "W", "name": "W", "level": "working", "quantity": "mass", "unit": KG,
                "owner": "LAB", **changes})  # fmt: skip


def test_item_id_must_be_a_string():
    with pytest.raises(InputError, match="item: id must be a non-empty string, got 7"):
        Item(7, "W", "working", "mass", KG, "LAB")


# --------------------------------------------------------------------------- Calibration


def test_a_calibration_normalises_standards_and_numbers():
    c = Calibration("C", "W", "LAB", D(2024, 1, 1), D(2024, 1, 1), ["R", "K"], 1, None,
                    decimal.Decimal("0.5"), 2)  # fmt: skip
    assert c.standards == ("R", "K")
    assert (c.expanded_uncertainty, c.low, c.high) == (1.0, 0.5, 2.0)
    assert c.conforming is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"valid_until": D(2023, 12, 31)},
            "calibration 'C': valid_until must be on or after performed, "
            "got valid_until=2023-12-31, performed=2024-01-01",
        ),
        ({"expanded_uncertainty": -1e-9}, "expanded_uncertainty must be >= 0"),
        ({"expanded_uncertainty": float("inf")}, "expanded_uncertainty must be finite"),
        ({"relative_uncertainty": -0.1}, "relative_uncertainty must be >= 0"),
        ({"relative_uncertainty": float("nan")}, "relative_uncertainty must be finite"),
        ({"low": 2.0, "high": 1.0}, "low must be <= high, got low=2.0, high=1.0"),
        ({"standards": "R-1"}, "standards must be a sequence of item ids, got 'R-1'"),
        ({"standards": ("R-1", "R-1")}, "standards must not repeat, got 'R-1' twice"),
        ({"standards": ("R-1", "")}, "each of standards must be a non-empty string"),
        ({"conforming": "yes"}, "conforming must be True, False or None, got 'yes'"),
        ({"performed": dt.datetime(2024, 1, 1)}, "performed must be a date"),
    ],
)
def test_calibration_fields_are_checked(changes, message):
    fields = {
        "id": "C", "item": "W", "laboratory": "LAB", "performed": D(2024, 1, 1),
        "valid_until": D(2025, 1, 1), "standards": ("R-1",), "expanded_uncertainty": 1e-6,
        "relative_uncertainty": 1e-6, "low": 1.0, "high": 1.0,
    }  # fmt: skip
    with pytest.raises(InputError, match=re.escape(message)):
        Calibration(**{**fields, **changes})


# --------------------------------------------------------------------------- Accreditation


def test_a_scope_line_validity_and_coverage():
    line = Accreditation("LAB", "mass", KG, 0.001, 10.0, 1e-7, D(2020, 1, 1), D(2024, 12, 31))
    assert line.valid_on(D(2020, 1, 1)) and line.valid_on(D(2024, 12, 31))
    assert not line.valid_on(D(2019, 12, 31)) and not line.valid_on(D(2025, 1, 1))
    assert line.covers(0.001, 10.0) and not line.covers(0.0, 1.0)
    assert Accreditation("LAB", "mass", KG, 0, 1, 0, D(2020, 1, 1)).valid_on(D(9999, 1, 1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cmc": -1.0}, "accreditation of 'LAB' for 'mass': cmc must be >= 0"),
        ({"low": 5.0}, "low must be <= high, got low=5.0, high=1.0"),
        (
            {"valid_until": D(2019, 1, 1)},
            "valid_until must be on or after valid_from, got valid_until=2019-01-01",
        ),
        ({"valid_from": None}, "valid_from must be a date"),
    ],
)
def test_scope_line_fields_are_checked(changes, message):
    fields = {"laboratory": "LAB", "quantity": "mass", "unit": KG, "low": 0.0, "high": 1.0,
              "cmc": 1e-7, "valid_from": D(2020, 1, 1)}  # fmt: skip
    with pytest.raises(InputError, match=re.escape(message)):
        Accreditation(**{**fields, **changes})


# --------------------------------------------------------------------------- Registry


def test_duplicate_item_ids_are_named():
    with pytest.raises(InputError, match=re.escape("items[1]: duplicate item id 'W'")):
        Registry([item("W", "working"), item("W", "reference")])


def test_duplicate_calibration_ids_are_named():
    w = item("W", "working")
    with pytest.raises(
        InputError, match=re.escape("calibrations[1]: duplicate calibration id 'C'")
    ):
        Registry([w], [cal("C", "W", D(2024, 1, 1)), cal("C", "W", D(2024, 2, 1))])


def test_a_calibration_of_an_unknown_item_is_refused():
    with pytest.raises(InputError, match="calibration 'C' calibrates unknown item 'X'"):
        Registry([item("W", "working")], [cal("C", "X", D(2024, 1, 1))])


def test_registry_arguments_have_the_right_types():
    with pytest.raises(InputError, match=re.escape("items[0]: must be an Item, got dict")):
        Registry([{}])
    with pytest.raises(InputError, match=re.escape("accreditations[0]: must be an Accreditation")):
        Registry([], [], ["LAB"])


def test_calibrations_of_an_item_are_sorted_by_date_then_id(world):
    world.add(cal("C-B0", "B-1", D(2024, 3, 1), ("W-1",)), cal("C-A", "B-1", D(2023, 1, 1)))
    registry = world.registry()
    assert [c.id for c in registry.calibrations_of("B-1")] == ["C-A", "C-B", "C-B0"]
    assert registry.calibrations_of("SI-kg")[0].id == "E-SI"
    assert world.add(item("B-2", "instrument")).registry().calibrations_of("B-2") == ()


def test_calibration_at_takes_the_latest_on_or_before(registry):
    assert registry.calibration_at("W-1", D(2024, 1, 14)) is None
    assert registry.calibration_at("W-1", D(2024, 1, 15)).id == "C-W"
    assert registry.calibration_at("W-1", D(2030, 1, 1)).id == "C-W"


def test_same_day_calibrations_the_larger_id_is_the_later(world):
    world.add(cal("C-W2", "W-1", D(2024, 1, 15), ("K-1",)))
    registry = world.registry()
    assert registry.calibration_at("W-1", D(2024, 1, 15)).id == "C-W2"
    assert registry.next_calibration("C-W").id == "C-W2"
    assert registry.next_calibration("C-W2") is None


def test_used_by_and_windows(world):
    world.add(cal("C-B2", "B-1", D(2024, 9, 1), ("W-1",)))
    registry = world.registry()
    assert [c.id for c in registry.used_by("W-1")] == ["C-B", "C-B2"]
    assert [c.id for c in registry.used_by("W-1", start=D(2024, 3, 1), end=D(2024, 9, 1))] == [
        "C-B",
        "C-B2",
    ]
    assert [c.id for c in registry.used_by("W-1", start=D(2024, 3, 2))] == ["C-B2"]
    assert registry.used_by("W-1", end=D(2024, 2, 29)) == ()
    assert registry.used_by("ghost") == ()
    assert [c.id for c in registry.calibrations_between("B-1", D(2024, 3, 1), D(2024, 9, 1))] == [
        "C-B",
        "C-B2",
    ]


def test_scopes(registry):
    assert [a.laboratory for a in registry.scope_of("LAB-A")] == ["LAB-A"]
    assert registry.scope_of("nobody") == ()
    assert registry.scope_at("LAB-A", "mass", D(2027, 1, 1)) == ()
    assert registry.scope_at("LAB-A", "length", D(2024, 1, 1)) == ()
    assert len(registry.scope_at("LAB-A", "mass", D(2024, 1, 1))) == 1


def test_unknown_ids_are_named(registry):
    with pytest.raises(InputError, match="unknown item 'nope'"):
        registry.item("nope")
    with pytest.raises(InputError, match="unknown item 'nope'"):
        registry.calibrations_of("nope")
    with pytest.raises(InputError, match="unknown calibration 'nope'"):
        registry.calibration("nope")


def test_the_registry_is_read_only_and_pickles(registry):
    with pytest.raises(TypeError):
        registry.items["X"] = item("X", "working")
    with pytest.raises(AttributeError):
        registry.items._data = {}
    with pytest.raises(AttributeError):
        registry.colour = "blue"
    again = pickle.loads(pickle.dumps(registry))
    assert again.items == registry.items
    assert again.calibration("C-W") == registry.calibration("C-W")
    assert "B-1" in again and "nope" not in again
    assert repr(registry) == "Registry(5 items, 5 calibrations, 3 scope lines)"


def test_same_day_ties_follow_integer_keys_in_natural_order():
    w = item("7", "working")
    registry = Registry([w], [cal("10", "7", D(2024, 1, 1)), cal("9", "7", D(2024, 1, 1))])
    assert [c.id for c in registry.calibrations_of("7")] == ["9", "10"]
    assert registry.calibration_at("7", D(2024, 1, 1)).id == "10"
    assert sorted(["C-10", "C-9", "B", "C-9a", "007"], key=natural_key) == [
        "007",
        "B",
        "C-9",
        "C-9a",
        "C-10",
    ]
