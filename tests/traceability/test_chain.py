"""resolve_chain: chains to the SI, their breaks and warnings, read as specifications."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import re

import pytest

from sitrace.errors import InputError
from sitrace.traceability import (
    PROBLEM_CODES,
    Accreditation,
    Chain,
    Item,
    Problem,
    Registry,
    resolve_chain,
)

from .builders import KG, TOLERANCE, USE, D, cal, item


def only(chain: Chain, code: str) -> Problem:
    """The single problem of ``code`` in ``chain``."""
    found = [p for p in chain.problems if p.code == code]
    assert len(found) == 1, chain.problems
    return found[0]


# --------------------------------------------------------------------------- a clean chain


def test_a_clean_chain_reaches_the_si_in_four_calibrations(registry):
    chain = resolve_chain(registry, "B-1", USE)
    assert chain.ok
    assert chain.problems == ()
    assert chain.broken_links == ()
    assert chain.steps == 4
    assert [(x.item, x.calibration, x.depth, x.parent, x.used_at) for x in chain.links] == [
        ("B-1", "C-B", 0, None, D(2024, 6, 1)),
        ("W-1", "C-W", 1, "C-B", D(2024, 3, 1)),
        ("R-1", "C-R", 2, "C-W", D(2024, 1, 15)),
        ("K-1", "C-K", 3, "C-R", D(2023, 6, 1)),
        ("SI-kg", "E-SI", 4, "C-K", D(2023, 1, 10)),
    ]
    assert [x.level for x in chain.links] == [
        "instrument",
        "working",
        "reference",
        "national_primary",
        "si_realization",
    ]


def test_relative_uncertainty_never_decreases_down_a_clean_chain(registry):
    chain = resolve_chain(registry, "B-1", USE)
    down = [x.uncertainty for x in reversed(chain.links)]  # from the SI to the balance
    assert down == [2e-8, 5e-8, 1e-7, 3e-7, 2e-4]
    assert down == sorted(down)


def test_tur_is_tolerance_over_expanded_uncertainty_exactly(registry):
    chain = resolve_chain(registry, "B-1", USE)
    tur = {x.item: x.tur for x in chain.links}
    assert tur["B-1"] == TOLERANCE["B-1"] / 2e-5
    assert tur["W-1"] == TOLERANCE["W-1"] / 3e-7
    assert tur["R-1"] == TOLERANCE["R-1"] / 1e-7
    assert tur["K-1"] is None  # no tolerance specified
    assert tur["SI-kg"] is None


def test_the_chain_of_a_standard_and_of_an_si_realization(registry):
    assert resolve_chain(registry, "R-1", USE).steps == 2
    si = resolve_chain(registry, "SI-kg", USE)
    assert (si.ok, si.steps, len(si.links)) == (True, 0, 1)
    assert si.root.calibration == "E-SI"


def test_an_si_realization_needs_no_calibration(world):
    world.calibrations.pop("E-SI")
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert chain.ok
    assert chain.steps == 4
    assert chain.links[-1].calibration is None


def test_link_extras_name_laboratory_and_dates(registry):
    link = resolve_chain(registry, "B-1", USE).links[1]
    assert (link.laboratory, link.performed, link.valid_until) == (
        "LAB-A",
        D(2024, 1, 15),
        D(2025, 1, 14),
    )


# --------------------------------------------------------------------------- dates of use


def test_a_chain_valid_in_2024_is_broken_in_2026(registry):
    assert resolve_chain(registry, "B-1", D(2024, 6, 1)).ok
    late = resolve_chain(registry, "B-1", D(2026, 1, 1))
    assert not late.ok
    assert [p.code for p in late.problems] == ["expired"]
    assert late.problems[0].message == (
        "item 'B-1' (Balance 1 kg) used on 2026-01-01: its calibration 'C-B' expired on 2025-02-28"
    )
    assert late.broken_links == (late.root,)


def test_valid_until_is_the_last_valid_day(registry):
    assert resolve_chain(registry, "B-1", D(2025, 2, 28)).ok
    assert not resolve_chain(registry, "B-1", D(2025, 3, 1)).ok


def test_each_standard_is_judged_at_the_date_it_was_used(world):
    # A new calibration of the balance after the working weight's calibration expired.
    world.add(cal("C-B2", "B-1", D(2025, 3, 1), ("W-1",), u=2e-5, rel=2e-4, lab="LAB-B"))
    chain = resolve_chain(world.registry(), "B-1", D(2025, 6, 1))
    problem = only(chain, "expired")
    assert problem.message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2025-03-01 by calibration 'C-B2': "
        "its calibration 'C-W' expired on 2025-01-14"
    )
    assert (problem.item, problem.calibration, problem.severity) == ("W-1", "C-W", "error")
    assert [x.item for x in chain.broken_links] == ["W-1"]
    # ...while the older chain, used before the new calibration, is still good.
    assert resolve_chain(world.registry(), "B-1", D(2025, 2, 1)).ok


def test_the_latest_calibration_on_or_before_the_date_of_use_is_chosen(world):
    world.add(cal("C-B2", "B-1", D(2024, 9, 1), ("W-1",), u=2e-5, rel=2e-4, lab="LAB-B"))
    registry = world.registry()
    assert resolve_chain(registry, "B-1", D(2024, 8, 31)).root.calibration == "C-B"
    assert resolve_chain(registry, "B-1", D(2024, 9, 1)).root.calibration == "C-B2"


# --------------------------------------------------------------------------- breaks


def test_no_calibration_of_the_item(world):
    world.add(item("B-2", "instrument", "Balance 2"))
    chain = resolve_chain(world.registry(), "B-2", USE)
    assert (chain.ok, chain.steps, len(chain.links)) == (False, 0, 1)
    assert only(chain, "no_calibration").message == (
        "item 'B-2' (Balance 2) used on 2024-06-01: "
        "it has no calibration performed on or before 2024-06-01"
    )


def test_no_calibration_yet_on_the_date_of_use(registry):
    chain = resolve_chain(registry, "B-1", D(2024, 2, 1))
    assert only(chain, "no_calibration").message == (
        "item 'B-1' (Balance 1 kg) used on 2024-02-01: it has no calibration performed on or "
        "before 2024-02-01; its first calibration 'C-B' was performed on 2024-03-01"
    )


def test_a_standard_without_calibration_ends_its_branch(world):
    world.add(item("W-2", "working", "Working weight 2"))
    world.change("C-B", standards=("W-2",))
    chain = resolve_chain(world.registry(), "B-1", USE)
    problem = only(chain, "no_calibration")
    assert problem.message.startswith(
        "standard 'W-2' (Working weight 2) used on 2024-03-01 by calibration 'C-B': "
    )
    assert [x.item for x in chain.links] == ["B-1", "W-2"]
    assert chain.steps == 1


def test_withdrawn_standard(world):
    world.change("W-1", withdrawn_since=D(2024, 2, 1))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "withdrawn").message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "it was withdrawn on 2024-02-01"
    )


@pytest.mark.parametrize(("withdrawn", "broken"), [(D(2024, 3, 1), True), (D(2024, 3, 2), False)])
def test_withdrawal_counts_from_its_day(world, withdrawn, broken):
    world.change("W-1", withdrawn_since=withdrawn)
    assert resolve_chain(world.registry(), "B-1", USE).ok is not broken


def test_out_of_tolerance_standard(world):
    world.change("W-1", out_of_tolerance_since=D(2024, 2, 1))
    chain = resolve_chain(world.registry(), "B-1", USE)
    problem = only(chain, "out_of_tolerance")
    assert problem.message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "it was found out of tolerance on 2024-02-01 and has no calibration after that date "
        "that does not fail"
    )
    assert problem.calibration == "C-W"


def test_out_of_tolerance_item_itself(world):
    world.change("B-1", out_of_tolerance_since=D(2024, 5, 1))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "out_of_tolerance").message.startswith(
        "item 'B-1' (Balance 1 kg) used on 2024-06-01: it was found out of tolerance on 2024-05-01"
    )


@pytest.mark.parametrize(
    ("performed", "conforming", "restored"),
    [
        (D(2024, 2, 20), True, True),
        (D(2024, 2, 20), None, True),  # no statement of conformity: not a fail
        (D(2024, 2, 20), False, False),  # recalibrated, and failed again
        (D(2024, 2, 1), True, False),  # on the finding day: not after it
        (D(2024, 3, 2), True, False),  # after the use
    ],
)
def test_a_later_calibration_that_does_not_fail_restores(world, performed, conforming, restored):
    world.change("W-1", out_of_tolerance_since=D(2024, 2, 1))
    world.add(cal("C-W2", "W-1", performed, ("R-1",), u=3e-7, lab="LAB-A", conforming=conforming))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert ("out_of_tolerance" not in chain.codes()) is restored
    assert chain.ok is restored


def test_suspect_a_standard_used_between_its_last_good_calibration_and_a_later_finding(world):
    world.change("W-1", out_of_tolerance_since=D(2024, 9, 1))
    chain = resolve_chain(world.registry(), "B-1", USE)
    problem = only(chain, "suspect")
    assert problem.message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "it was used after its last good calibration 'C-W' of 2024-01-15 and found out of "
        "tolerance on 2024-09-01; the result relied on a standard later found out of tolerance"
    )
    assert problem.severity == "error"
    # What the registry knows now counts, even for a date of use before the finding.
    assert "suspect" in resolve_chain(world.registry(), "B-1", D(2024, 5, 1)).codes()


def test_a_use_before_the_last_good_calibration_is_not_suspect(world):
    world.add(
        cal("C-W0", "W-1", D(2023, 1, 15), ("K-1",), u=3e-7, lab="LAB-A"),
        cal("C-B0", "B-1", D(2023, 6, 1), ("W-1",), u=2e-5, rel=2e-4, lab="LAB-B"),
    )
    world.change("W-1", out_of_tolerance_since=D(2024, 9, 1))
    registry = world.registry()
    early = resolve_chain(registry, "B-1", D(2023, 7, 1))
    assert [x.calibration for x in early.links[:2]] == ["C-B0", "C-W0"]
    assert early.ok, early.problems
    assert "suspect" in resolve_chain(registry, "B-1", USE).codes()


def test_suspect_with_no_good_calibration_before_the_finding(world):
    world.change("C-W", conforming=False)
    world.change("W-1", out_of_tolerance_since=D(2024, 9, 1))
    chain = resolve_chain(world.registry(), "B-1", USE)
    # The first calibration starts the doubt when none was good.
    assert only(chain, "suspect").message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "it was used after its first calibration 'C-W' of 2024-01-15, with no passing "
        "calibration since, and found out of tolerance on 2024-09-01; the result relied on a "
        "standard later found out of tolerance"
    )


def test_suspect_with_no_calibration_before_the_finding(world):
    world.change("W-1", out_of_tolerance_since=D(2024, 1, 1))
    world.add(cal("C-B0", "B-1", D(2023, 12, 1), ("W-1",), u=2e-5, rel=2e-4, lab="LAB-B"))
    chain = resolve_chain(world.registry(), "B-1", D(2023, 12, 2))
    assert "it was used with no calibration before it was found out of tolerance on 2024-01-01" in (
        only(chain, "suspect").message
    )
    assert "no_calibration" in chain.codes()


def test_not_accredited_on_the_calibration_date(world):
    world.scope("LAB-B", valid_from=D(2024, 6, 1))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "not_accredited").message == (
        "item 'B-1' (Balance 1 kg) used on 2024-06-01: its calibration 'C-B' by laboratory "
        "'LAB-B' on 2024-03-01: the laboratory had no accreditation or CMC for mass valid on "
        "that date"
    )


def test_not_accredited_for_the_quantity_or_after_the_scope_ended(world):
    world.scope("LAB-B", quantity="length")
    world.scope("LAB-A", valid_until=D(2023, 12, 31))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert [(p.item, p.calibration) for p in chain.problems if p.code == "not_accredited"] == [
        ("B-1", "C-B"),
        ("W-1", "C-W"),
    ]


def test_outside_scope(world):
    world.scope("LAB-B", high=0.5)
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "outside_scope").message == (
        "item 'B-1' (Balance 1 kg) used on 2024-06-01: its calibration 'C-B' by laboratory "
        "'LAB-B' on 2024-03-01: the calibrated range [0.1, 1] \\kilogram is not inside any "
        "scope line for mass valid on that date ([0, 0.5] \\kilogram)"
    )


def test_a_scope_line_in_another_unit_is_converted(world):
    world.scope("LAB-B", unit=r"\gram", high=5000.0, cmc=0.01)  # 10 mg = 1e-5 kg
    assert resolve_chain(world.registry(), "B-1", USE).ok
    world.scope("LAB-B", cmc=0.03)
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "below_cmc").message.endswith(
        "smaller than the laboratory's CMC 3e-05 \\kilogram"
    )
    world.scope("LAB-B", high=500.0)
    assert "outside_scope" in resolve_chain(world.registry(), "B-1", USE).codes()


@pytest.mark.parametrize("unit", [r"\metre", "not a unit"])
def test_a_scope_line_in_a_unit_that_does_not_convert_covers_nothing(world, unit):
    world.scope("LAB-B", unit=unit)
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "outside_scope").message.endswith(f"([0, 5] {unit})")


def test_a_range_spanning_two_scope_lines_is_outside_scope(world):
    world.scope("LAB-B", high=0.5)
    world.add(Accreditation("LAB-B", "mass", KG, 0.5, 5.0, 1e-5, D(2021, 1, 1)))
    assert "outside_scope" in resolve_chain(world.registry(), "B-1", USE).codes()


def test_below_cmc_is_a_warning(world):
    world.scope("LAB-A", cmc=4e-7)
    chain = resolve_chain(world.registry(), "B-1", USE)
    problem = only(chain, "below_cmc")
    assert problem.severity == "warning"
    assert problem.message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "its calibration 'C-W' by laboratory 'LAB-A' on 2024-01-15: it claims U = 3e-07 "
        "\\kilogram, smaller than the laboratory's CMC 4e-07 \\kilogram"
    )
    assert chain.ok  # warnings do not break a chain


def test_the_smallest_cmc_of_the_covering_lines_applies(world):
    world.scope("LAB-A", cmc=4e-7)
    world.add(Accreditation("LAB-A", "mass", KG, 0.5, 2.0, 1e-7, D(2022, 1, 1)))
    assert "below_cmc" not in resolve_chain(world.registry(), "B-1", USE).codes()


def test_uncertainty_decreasing_down_the_chain_is_a_warning(world):
    world.change("C-W", relative_uncertainty=5e-8)
    chain = resolve_chain(world.registry(), "B-1", USE)
    problem = only(chain, "uncertainty_decreases")
    assert (problem.item, problem.calibration, problem.severity) == ("W-1", "C-W", "warning")
    assert problem.message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "its calibration 'C-W' claims relative expanded uncertainty 5e-08, smaller than 1e-07 "
        "of calibration 'C-R' of its standard 'R-1'; uncertainty cannot decrease down a chain"
    )
    assert chain.ok


def test_uncertainty_below_the_si_realization_is_a_warning(world):
    world.change("C-K", relative_uncertainty=1e-8)
    problem = only(resolve_chain(world.registry(), "B-1", USE), "uncertainty_decreases")
    assert "of calibration 'E-SI' of its standard 'SI-kg'" in problem.message


def test_low_tur(world):
    world.change("B-1", tolerance=5e-5)
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert chain.root.tur == 5e-5 / 2e-5
    assert only(chain, "low_tur").message == (
        "item 'B-1' (Balance 1 kg) used on 2024-06-01: its calibration 'C-B' has TUR = "
        "tolerance 5e-05 \\kilogram / U 2e-05 \\kilogram = 2.5, below 4"
    )
    assert chain.ok


def test_tur_warning_is_a_parameter(registry):
    chain = resolve_chain(registry, "B-1", USE, tur_warning=5.4)
    # B-1: 5, W-1: 5.33, R-1: 5 (within rounding); K-1 has no tolerance
    assert [p.item for p in chain.problems if p.code == "low_tur"] == ["B-1", "W-1", "R-1"]


def test_zero_uncertainty_gives_an_infinite_tur_and_null_in_json(world):
    world.change("C-B", expanded_uncertainty=0.0)
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert chain.root.tur == float("inf")
    assert chain.to_dict()["links"][0]["tur"] is None


def test_a_calibration_that_loops_on_its_own_item(world):
    world.change("C-W", standards=("W-1",))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "cycle").message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-01-15 by calibration 'C-W': "
        "it appears again in its own chain ('W-1' -> 'W-1'); the calibration graph loops"
    )
    assert [x.item for x in chain.links] == ["B-1", "W-1", "W-1"]


def test_a_loop_through_two_standards(world):
    # The reference weight recalibrated, on the same day, against the working weight.
    world.add(cal("C-R2", "R-1", D(2024, 1, 15), ("W-1",), u=1e-7))
    chain = resolve_chain(world.registry(), "B-1", USE)
    problem = only(chain, "cycle")
    assert problem.item == "W-1"
    assert "('W-1' -> 'R-1' -> 'W-1')" in problem.message
    assert not chain.ok


def test_too_deep(registry):
    chain = resolve_chain(registry, "B-1", USE, max_depth=2)
    assert only(chain, "too_deep").message == (
        "standard 'R-1' (Reference weight 1 kg E1) used on 2024-01-15 by calibration 'C-W': "
        "the chain goes on below depth 2, deeper than max_depth=2"
    )
    assert max(x.depth for x in chain.links) == 2
    assert resolve_chain(registry, "B-1", USE, max_depth=4).ok  # the SI link is at depth 4


def test_not_traceable_when_a_calibration_used_no_standard(world):
    world.change("C-W", standards=())
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "not_traceable").message == (
        "standard 'W-1' (Working weight 1 kg E2) used on 2024-03-01 by calibration 'C-B': "
        "its calibration 'C-W' used no standard, so the branch ends without reaching an SI "
        "realization"
    )
    assert chain.steps == 2


def test_not_traceable_through_a_standard_the_registry_does_not_hold(world):
    world.change("C-W", standards=("R-9",))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert only(chain, "not_traceable").message == (
        "standard 'R-9' used on 2024-01-15 by calibration 'C-W': it is not in the registry, "
        "so the branch cannot be followed to an SI realization"
    )
    assert chain.links[-1].level is None


def test_every_code_is_tested_with_its_severity():
    assert PROBLEM_CODES == {
        "no_calibration": "error",
        "expired": "error",
        "out_of_tolerance": "error",
        "suspect": "error",
        "withdrawn": "error",
        "not_accredited": "error",
        "outside_scope": "error",
        "below_cmc": "warning",
        "uncertainty_decreases": "warning",
        "low_tur": "warning",
        "not_traceable": "error",
        "cycle": "error",
        "too_deep": "error",
    }


# --------------------------------------------------------------------------- trees


def test_a_calibration_with_two_standards_makes_a_tree(world):
    world.add(
        item("W-2", "working", "Working weight 500 g E2", tolerance=8e-7),
        cal("C-W2", "W-2", D(2024, 1, 20), ("K-1",), u=1.5e-7, low=0.5, high=0.5, lab="LAB-A"),
    )
    world.change("C-B", standards=("W-1", "W-2"))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert chain.ok, chain.problems
    assert [(x.item, x.depth, x.parent, x.used_at, x.repeated) for x in chain.links] == [
        ("B-1", 0, None, D(2024, 6, 1), False),
        ("W-1", 1, "C-B", D(2024, 3, 1), False),
        ("R-1", 2, "C-W", D(2024, 1, 15), False),
        ("K-1", 3, "C-R", D(2023, 6, 1), False),
        ("SI-kg", 4, "C-K", D(2023, 1, 10), False),
        ("W-2", 1, "C-B", D(2024, 3, 1), False),
        # C-K was followed above: not followed again
        ("K-1", 2, "C-W2", D(2024, 1, 20), True),
    ]
    assert chain.links[-1].calibration == "C-K"
    assert chain.steps == 4  # the longest branch; the W-2 branch has 3


def test_a_repeated_calibration_reports_its_use_but_not_its_own_checks_again(world):
    world.add(
        item("W-2", "working", "Working weight 500 g E2"),
        cal("C-W2", "W-2", D(2027, 3, 1), ("K-1",), u=1.5e-7, lab="LAB-A"),
        cal("C-B2", "B-1", D(2027, 4, 1), ("W-2", "R-1"), u=2e-5, rel=2e-4, lab="LAB-B"),
    )
    world.scope("NMI", cmc=1e-6)  # every NMI calibration now claims less than its CMC
    chain = resolve_chain(world.registry(), "B-1", D(2027, 5, 1))
    k = [x for x in chain.links if x.item == "K-1"]
    assert [(x.used_at, x.repeated) for x in k] == [(D(2027, 3, 1), False), (D(2023, 6, 1), True)]
    # expired at each use, below the CMC once
    assert [(p.item, p.code) for p in chain.problems if p.item == "K-1"] == [
        ("K-1", "expired"),
        ("K-1", "below_cmc"),
    ]
    (first, *_), repeated = [p for p in chain.problems if p.item == "K-1"], k[1]
    assert first.message.startswith("standard 'K-1' (National kilogram No. 1) used on 2027-03-01")
    assert repeated.problems == ()  # used on 2023-06-01, by C-R: C-K still valid


def test_standards_calibrated_against_each_other_stay_linear(world):
    # A weighing design: ten weights calibrated together on one day, each against the
    # reference and the nine others. Followed branch by branch this is 10! paths.
    weights = [f"M-{n}" for n in range(10)]
    day = D(2024, 2, 1)
    for w in weights:
        others = tuple(x for x in weights if x != w)
        world.add(item(w, "working"), cal(f"C-{w}", w, day, ("R-1", *others), lab="LAB-A"))
    world.change("C-B", standards=("M-0",))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert len(chain.links) < 200
    assert "cycle" in chain.codes()


def test_one_broken_branch_breaks_the_tree(world):
    world.add(
        item("W-2", "working", "Working weight 500 g E2"),
        cal("C-W2", "W-2", D(2023, 1, 20), ("K-1",), u=1.5e-7, lab="LAB-A"),
    )
    world.change("C-B", standards=("W-1", "W-2"))
    chain = resolve_chain(world.registry(), "B-1", USE)
    assert [x.item for x in chain.broken_links] == ["W-2"]
    assert only(chain, "expired").message.endswith("its calibration 'C-W2' expired on 2024-01-19")


# --------------------------------------------------------------------------- values


def test_to_dict_is_json_safe_with_iso_dates(registry):
    d = resolve_chain(registry, "B-1", USE).to_dict()
    assert json.loads(json.dumps(d)) == d
    assert (d["item"], d["at"], d["ok"], d["steps"]) == ("B-1", "2024-06-01", True, 4)
    assert d["links"][1]["used_at"] == "2024-03-01"
    assert d["links"][1]["valid_until"] == "2025-01-14"


def test_problems_in_to_dict(world):
    world.change("W-1", withdrawn_since=D(2024, 2, 1))
    d = resolve_chain(world.registry(), "B-1", USE).to_dict()
    assert d["problems"] == d["links"][1]["problems"]
    assert d["problems"][0]["code"] == "withdrawn"
    assert d["ok"] is False


def test_chains_pickle(registry):
    chain = resolve_chain(registry, "B-1", USE)
    assert pickle.loads(pickle.dumps(chain)) == chain


def test_a_chain_cannot_claim_ok_with_an_error():
    error = Problem("expired", "error", "B-1", "C-B", "expired")
    with pytest.raises(InputError, match="ok must be True exactly when no problem is an error"):
        Chain("B-1", USE, (), (error,), True, 0)


def test_a_problem_has_a_known_severity():
    with pytest.raises(InputError, match="severity must be 'error' or 'warning', got 'fatal'"):
        Problem("expired", "fatal", "B-1", None, "message")


# --------------------------------------------------------------------------- arguments


def test_unknown_item_is_named(registry):
    with pytest.raises(InputError, match=re.escape("resolve_chain: unknown item 'NOPE'")):
        resolve_chain(registry, "NOPE", USE)


@pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), True, "4"])
def test_tur_warning_must_be_positive(registry, value):
    with pytest.raises(InputError, match="tur_warning must be a finite number > 0"):
        resolve_chain(registry, "B-1", USE, tur_warning=value)


@pytest.mark.parametrize("value", [0, -3, 2.5, True])
def test_max_depth_must_be_a_positive_integer(registry, value):
    with pytest.raises(InputError, match="max_depth must be an integer >= 1"):
        resolve_chain(registry, "B-1", USE, max_depth=value)


def test_the_date_of_use_must_be_a_date(registry):
    with pytest.raises(InputError, match="at must be a date"):
        resolve_chain(registry, "B-1", dt.datetime(2024, 6, 1, 12, 0))
    with pytest.raises(InputError, match="registry must be a Registry"):
        resolve_chain({}, "B-1", USE)


def test_an_item_without_tolerance_has_no_tur():
    si = Item("S", "S", "si_realization", "mass", KG, "NMI")
    w = Item("W", "W", "working", "mass", KG, "LAB")
    registry = Registry(
        [si, w],
        [cal("C", "W", D(2024, 1, 1), ("S",))],
        [Accreditation("NMI", "mass", KG, 0.0, 2.0, 1e-7, D(2020, 1, 1))],
    )
    chain = resolve_chain(registry, "W", D(2024, 2, 1))
    assert chain.ok
    assert chain.root.tur is None
