"""Properties on random calibration graphs, checked against slow literal implementations.

The graphs are random: levels, dates, standards (loops and standards the registry does
not hold included), conformity, tolerances, findings and scopes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitrace.traceability import (
    LEVELS,
    PROBLEM_CODES,
    RESTORED_BY_CALIBRATION,
    Accreditation,
    Calibration,
    Item,
    Registry,
    natural_key,
    recall,
    resolve_chain,
    restores_validity,
)

from .builders import KG

IDS = ("A", "B", "C", "D", "E", "F")
START = dt.date(2022, 1, 1)
days = st.integers(0, 500).map(lambda n: START + dt.timedelta(days=n))
maybe_day = st.none() | days


@st.composite
def registries(draw) -> Registry:
    ids = IDS[: draw(st.integers(1, len(IDS)))]
    items = [
        Item(
            i,
            f"item {i}",
            draw(st.sampled_from(LEVELS)),
            "mass",
            KG,
            "OWNER",
            tolerance=draw(st.none() | st.floats(1e-6, 1e-3)),
            out_of_tolerance_since=draw(st.none() | st.none() | days),
            withdrawn_since=draw(st.none() | st.none() | days),
        )
        for i in ids
    ]
    calibrations = []
    for k in range(draw(st.integers(0, 14))):
        performed = draw(days)
        low = draw(st.floats(0.0, 2.0))
        calibrations.append(
            Calibration(
                f"C{k:02d}",
                draw(st.sampled_from(ids)),
                draw(st.sampled_from(("L1", "L2"))),
                performed,
                performed + dt.timedelta(days=draw(st.integers(0, 400))),
                tuple(draw(st.lists(st.sampled_from((*ids, "ghost")), max_size=2, unique=True))),
                draw(st.floats(0.0, 1e-3)),
                draw(st.none() | st.floats(0.0, 1e-2)),
                low,
                low + draw(st.floats(0.0, 2.0)),
                draw(st.sampled_from((True, False, None))),
            )
        )
    scopes = [
        Accreditation(
            draw(st.sampled_from(("L1", "L2"))),
            draw(st.sampled_from(("mass", "length"))),
            KG,
            0.0,
            draw(st.floats(0.5, 5.0)),
            draw(st.floats(0.0, 1e-3)),
            draw(days),
            draw(maybe_day.filter(lambda d: d is None or d >= START + dt.timedelta(days=500))),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return Registry(items, calibrations, scopes)


@st.composite
def hierarchies(draw) -> Registry:
    """Deeper graphs: one or two items per level, each calibrated against the level above
    (now and then against any item, which may loop), on random days."""
    levels = [[f"{level[:3]}{n}" for n in range(draw(st.integers(1, 2)))] for level in LEVELS]
    items, calibrations = [], []
    for depth, ids in enumerate(levels):
        level = LEVELS[depth]
        for i in ids:
            items.append(
                Item(
                    i,
                    i,
                    level,
                    "mass",
                    KG,
                    "OWNER",
                    tolerance=draw(st.none() | st.floats(1e-6, 1e-3)),
                    out_of_tolerance_since=draw(st.none() | st.none() | st.none() | days),
                )
            )
            for _ in range(draw(st.integers(0 if depth == 0 else 1, 3))):
                performed = draw(days)
                above = levels[depth - 1] if depth else []
                everything = [x for ids_ in levels for x in ids_]
                pool = everything if not above or draw(st.integers(0, 9)) == 0 else above
                standards = draw(
                    st.lists(st.sampled_from(pool), min_size=1, max_size=2, unique=True)
                )
                calibrations.append(
                    Calibration(
                        f"C{len(calibrations):02d}",
                        i,
                        "L1",
                        performed,
                        performed + dt.timedelta(days=draw(st.integers(30, 600))),
                        tuple(standards) if depth else (),
                        1e-6 * (depth + 1),
                        draw(st.floats(1e-7, 1e-5)),
                        1.0,
                        1.0,
                        draw(st.sampled_from((True, True, False, None))),
                    )
                )
    scopes = [Accreditation("L1", "mass", KG, 0.0, 2.0, 1e-6, START)]
    return Registry(items, calibrations, scopes)


def naive_calibration_at(registry: Registry, item_id: str, day: dt.date) -> Calibration | None:
    """The latest (date, id) calibration of ``item_id`` on or before ``day``, by a full scan."""
    candidates = [
        c for c in registry.calibrations.values() if c.item == item_id and c.performed <= day
    ]
    return max(candidates, key=lambda c: (c.performed, natural_key(c.id)), default=None)


def naive_recall(registry: Registry, standard: str, since: dt.date, found: dt.date) -> set[str]:
    """Fixpoint: a calibration is recalled if it used the standard in the window, or used an
    item at a date when that item's current calibration was recalled."""
    recalled = {
        c.id
        for c in registry.calibrations.values()
        if standard in c.standards and since <= c.performed <= found
    }
    while True:
        more = {
            c.id
            for c in registry.calibrations.values()
            if c.id not in recalled
            and any(
                (current := naive_calibration_at(registry, s, c.performed)) is not None
                and current.id in recalled
                for s in c.standards
                if s in registry
            )
        }
        if not more:
            return recalled
        recalled |= more


def full_tree(
    registry: Registry,
    item_id: str,
    used_at: dt.date,
    max_depth: int,
    ancestors: tuple[str, ...] = (),
) -> tuple[int, set[tuple[str, str | None]], bool]:
    """The literal tree, every branch followed: (steps, {(item, calibration)}, truncated)."""
    item = registry.items.get(item_id)
    if item is None:
        return 0, {(item_id, None)}, False
    if item_id in ancestors:
        return 0, {(item_id, None)}, True
    c = naive_calibration_at(registry, item_id, used_at)
    pairs = {(item_id, None if c is None else c.id)}
    if c is None or item.level == "si_realization":
        return 0, pairs, False
    if not c.standards:
        return 1, pairs, False
    if len(ancestors) >= max_depth:
        return 1, pairs, True
    steps, truncated = 0, False
    for standard in c.standards:
        s, p, t = full_tree(registry, standard, c.performed, max_depth, (*ancestors, item_id))
        steps, truncated = max(steps, s), truncated or t
        pairs |= p
    return 1 + steps, pairs, truncated


def parents(links) -> list[int | None]:
    """Index of each link's parent link, from depth-first order."""
    result: list[int | None] = []
    path: list[int] = []
    for i, link in enumerate(links):
        del path[link.depth :]
        result.append(path[-1] if path else None)
        path.append(i)
    return result


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(registries() | hierarchies(), days, st.integers(1, 8), st.floats(0.5, 10.0))
def test_resolve_chain_never_raises_and_its_result_is_consistent(
    registry, at, max_depth, tur_warning
):
    non_si = sum(1 for i in registry.items.values() if i.level != "si_realization")
    for item_id in registry.items:
        chain = resolve_chain(registry, item_id, at, max_depth=max_depth, tur_warning=tur_warning)
        assert chain.ok == (not any(p.severity == "error" for p in chain.problems))
        assert chain.problems == tuple(p for link in chain.links for p in link.problems)
        assert all(PROBLEM_CODES[p.code] == p.severity for p in chain.problems)
        assert chain.steps <= min(max_depth + 1, non_si)
        root = chain.links[0]
        assert (root.item, root.depth, root.parent, root.used_at) == (item_id, 0, None, at)
        up = parents(chain.links)
        for i, link in enumerate(chain.links):
            assert link.depth <= max_depth
            if link.repeated:
                assert up[i + 1 :] == [] or up[i + 1] != i  # no children
                assert any(x.calibration == link.calibration for x in chain.links[:i])
            if up[i] is not None:
                parent = chain.links[up[i]]
                assert link.parent == parent.calibration
                used_by = registry.calibration(link.parent)
                assert link.item in used_by.standards
                assert link.used_at == used_by.performed
            if link.level is not None and "cycle" not in {p.code for p in link.problems}:
                expected = naive_calibration_at(registry, link.item, link.used_at)
                assert link.calibration == (None if expected is None else expected.id)
        steps, pairs, truncated = full_tree(registry, item_id, at, max_depth)
        if not truncated:  # no loop, not too deep: the followed tree is the literal one
            assert chain.steps == steps
            assert {(x.item, x.calibration) for x in chain.links} == pairs
            assert not chain.codes() & {"cycle", "too_deep"}
        assert json.loads(json.dumps(chain.to_dict())) == chain.to_dict()
        own = {p.code for p in root.problems} & RESTORED_BY_CALIBRATION
        assert restores_validity(registry, item_id, at) == bool(own)


@SETTINGS
@given(registries() | hierarchies(), days, st.data())
def test_recall_agrees_with_a_literal_fixpoint_and_its_paths_reach_the_standard(
    registry, found, data
):
    standard = data.draw(st.sampled_from(sorted(registry.items)))
    r = recall(registry, standard, found)
    assert r.since <= found
    assert set(r.calibrations) == naive_recall(registry, standard, r.since, found)
    cals = [registry.calibration(c) for c in r.calibrations]
    assert cals == sorted(cals, key=lambda c: (c.performed, natural_key(c.id)))
    assert set(r.items) == {c.item for c in cals}
    assert list(r.items) == sorted(r.items, key=lambda i: (r.depths[i], natural_key(i)))
    for item_id in r.items:
        path = [registry.calibration(c) for c in r.paths[item_id]]
        assert len(path) == r.depths[item_id] >= 1
        assert standard in path[0].standards
        assert r.since <= path[0].performed <= found
        for before, after in itertools.pairwise(path):
            assert before.item in after.standards
            assert naive_calibration_at(registry, before.item, after.performed) == before
        assert path[-1].item == item_id
        assert set(r.paths[item_id]) <= set(r.calibrations)
        assert (r.levels[item_id] == "instrument") == (item_id in r.instruments)


@SETTINGS
@given(registries() | hierarchies(), days, st.data())
def test_every_recalled_item_has_a_suspect_or_out_of_tolerance_chain(registry, found, data):
    """With the finding recorded on the standard, the chain of each recalled item, at the date
    of the last calibration of its recall path, reaches the standard and reports it."""
    standard = data.draw(st.sampled_from(sorted(registry.items)))
    items = [
        dataclasses.replace(i, out_of_tolerance_since=found) if i.id == standard else i
        for i in registry.items.values()
    ]
    registry = Registry(items, registry.calibrations.values(), registry.accreditations)
    r = recall(registry, standard, found)
    for item_id in r.items:
        path = [registry.calibration(c) for c in r.paths[item_id]]
        on_path = [c.item for c in path]
        if standard in on_path or len(set(on_path)) < len(on_path):
            continue  # a loop: the chain stops at the repeated item
        if any(registry.items[i].level == "si_realization" for i in on_path):
            continue  # an SI realization ends a branch
        last = path[-1]
        if registry.calibration_at(item_id, last.performed) != last:
            continue  # a same-day calibration with a larger id is the current one
        chain = resolve_chain(registry, item_id, last.performed, max_depth=len(path))
        reported = {
            (link.depth, p.code) for link in chain.links for p in link.problems
            if link.item == standard
        }  # fmt: skip
        assert {(len(path), "suspect"), (len(path), "out_of_tolerance")} & reported
