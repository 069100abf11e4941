"""Traceability chains: from an item at a date of use up to SI realizations.

Contents
--------
resolve_chain
    The tree of calibrations an item relies on at a date of use, each link checked
    -> :class:`Chain`.
Chain, Link, Problem
    The result: links in depth-first order (root first), each with its problems.
PROBLEM_CODES
    Every problem code and its severity.

A measurement result is metrologically traceable when it relates to a reference
(here an SI realization) "through a documented unbroken chain of calibrations,
each contributing to the measurement uncertainty" (JCGM 200:2012, 2.41). Each
calibration may use several standards, so the chain of one item is a tree: the
root is the item, its children are the standards its calibration used, and so
on, until every branch ends at an item of level ``"si_realization"`` (which needs
no calibration) or breaks.

Dates of use
------------
A link is judged at the date its item was used: the root at ``at``, a standard at
the date performed of the calibration that used it. The calibration a link relies
on is the item's latest calibration performed on or before that date, valid or
not. Expiry, withdrawal and the absence of a calibration are judged at that date.
Out-of-tolerance findings are judged with everything the registry knows,
including findings after ``at``: a standard used after its last good calibration
and later found out of tolerance makes the result *suspect* (ISO/IEC 17025:2017,
6.4.9 and 7.10).

Problem codes
-------------
========================  ========  ==========================================================
code                      severity  meaning
========================  ========  ==========================================================
no_calibration            error     no calibration performed on or before the date of use
expired                   error     the calibration's ``valid_until`` is before the date of use
out_of_tolerance          error     found out of tolerance on or before the date of use and
                                    not restored by a calibration performed after the
                                    finding (and by then) that does not fail
suspect                   error     used between its last good calibration and a later
                                    out-of-tolerance finding
withdrawn                 error     used on or after the day it was withdrawn
not_accredited            error     the laboratory had no scope line for the quantity valid
                                    on the calibration date (ILAC-P10:07/2020)
outside_scope             error     the calibrated range is not inside one valid scope line
                                    (converted to the item's unit when needed)
below_cmc                 warning   claimed U smaller than the CMC (ILAC-P14:09/2020)
uncertainty_decreases     warning   relative U smaller than that of a standard's calibration
                                    (JCGM 200:2012, 2.40 note 1)
low_tur                   warning   TUR below ``tur_warning`` (ANSI/NCSL Z540.3-2006, 5.3 b)
not_traceable             error     a branch ends without reaching an SI realization: a
                                    calibration that used no standard, or a standard the
                                    registry does not hold
cycle                     error     an item appears again in its own chain
too_deep                  error     the chain goes on below ``max_depth``
========================  ========  ==========================================================

An SI realization ends its branch: it needs no calibration, so only
``withdrawn``, ``out_of_tolerance`` and ``suspect`` apply to it; its own
evaluation, if recorded as a calibration without standards, gives the
uncertainty its users are compared with. The scope, TUR, ``not_traceable`` and
``too_deep`` checks are about a calibration and are made once per calibration
(see :attr:`Link.repeated`).

References
----------
JCGM 200:2012 (VIM 3), 2.40 (calibration hierarchy; note 1: measurement uncertainty
necessarily increases along the sequence of calibrations), 2.41-2.42 (metrological
traceability and traceability chain), 4.26 (MPE). ISO/IEC 17025:2017, 6.4.7-6.4.9
(calibration programme, status, equipment found defective), 6.5 and annex A
(traceability), 7.10 (nonconforming work). ILAC-P10:07/2020 (traceability through
accredited laboratories and CIPM MRA CMCs). ILAC-P14:09/2020 (CMC). ANSI/NCSL
Z540.3-2006, 3 (TUR: tolerance span over twice the 95 % expanded uncertainty) and
5.3 b (TUR >= 4 where the probability of false accept is not computed).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from dataclasses import asdict, dataclass, field
from typing import Any

from sitrace.errors import InputError, UnitError
from sitrace.units import conversion_factor, convert

from ._rules import doubt_start, restoring_calibration
from .model import Calibration, Item, Registry

__all__ = ["PROBLEM_CODES", "SEVERITIES", "Chain", "Link", "Problem", "resolve_chain"]

SEVERITIES = ("error", "warning")

PROBLEM_CODES: dict[str, str] = {
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
"""Every problem code :func:`resolve_chain` reports, with its severity."""


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a link of a chain.

    Attributes
    ----------
    code : str
        One of :data:`PROBLEM_CODES`.
    severity : str
        ``"error"`` (the chain is broken) or ``"warning"``.
    item : str
        The item of the link.
    calibration : str or None
        The calibration the problem is about, if any.
    message : str
        The link and the reason in words, with dates.
    """

    code: str
    severity: str
    item: str
    calibration: str | None
    message: str

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise InputError(
                f"severity must be 'error' or 'warning', got {self.severity!r}",
                where=f"problem {self.code!r}",
            )
        for name in ("code", "item", "message"):
            if not isinstance(getattr(self, name), str):
                raise InputError(f"{name} must be a string", where="problem")

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Link:
    """One node of a chain: an item, the calibration it relied on, its problems.

    Attributes
    ----------
    item : str
        Item id.
    calibration : str or None
        Id of the calibration the item relied on at ``used_at`` (its latest performed
        on or before that date); for an SI realization, its own evaluation if it has
        one. None if there is none, or for a link that is not followed (cycle, unknown
        standard).
    depth : int
        0 for the root (the item asked about), 1 for the standards of its calibration...
    parent : str or None
        Id of the calibration that used this item; None for the root.
    used_at : datetime.date
        The date the item was (or is) used: ``at`` for the root, the date performed of
        the parent calibration otherwise.
    uncertainty : float or None
        Relative expanded uncertainty of ``calibration`` (None if unknown).
    tur : float or None
        Test uncertainty ratio ``tolerance / U`` (``inf`` when U = 0); None when the
        item has no tolerance or no calibration.
    problems : tuple of Problem
        What is wrong with this link.
    level : str or None
        The item's level (None for a standard the registry does not hold).
    laboratory : str or None
        Laboratory of ``calibration``.
    performed, valid_until : datetime.date or None
        Dates of ``calibration``.
    repeated : bool
        True when ``calibration`` was already followed at an earlier link of the
        chain: this link has no children (its standards are under the earlier
        link), and only the problems of this use (expiry at ``used_at``,
        withdrawal, tolerance) are reported here, those of the calibration itself
        (scope, CMC, TUR, uncertainty growth) at the earlier link.
    """

    item: str
    calibration: str | None
    depth: int
    parent: str | None
    used_at: dt.date
    uncertainty: float | None
    tur: float | None
    problems: tuple[Problem, ...] = ()
    level: str | None = None
    laboratory: str | None = None
    performed: dt.date | None = None
    valid_until: dt.date | None = None
    repeated: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "problems", tuple(self.problems))
        if isinstance(self.depth, bool) or not isinstance(self.depth, int) or self.depth < 0:
            raise InputError(
                f"depth must be an integer >= 0, got {self.depth!r}", where=f"link {self.item!r}"
            )

    @property
    def ok(self) -> bool:
        """True if no problem of this link is an error."""
        return not any(p.is_error for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        tur = self.tur
        return {
            "item": self.item,
            "level": self.level,
            "calibration": self.calibration,
            "laboratory": self.laboratory,
            "performed": _iso(self.performed),
            "valid_until": _iso(self.valid_until),
            "depth": self.depth,
            "parent": self.parent,
            "used_at": self.used_at.isoformat(),
            "uncertainty": self.uncertainty,
            "tur": None if tur is None or not math.isfinite(tur) else tur,
            "ok": self.ok,
            "repeated": self.repeated,
            "problems": [p.to_dict() for p in self.problems],
        }


@dataclass(frozen=True, slots=True)
class Chain:
    """The traceability chain of an item at a date of use (a tree, flattened).

    Attributes
    ----------
    item : str
        The item asked about (the root).
    at : datetime.date
        Its date of use.
    links : tuple of Link
        Depth-first, root first; the children of a link follow it in the order of
        its calibration's ``standards``. A standard appears once per use, but a
        calibration relied on at several places is followed once: its later links
        are marked :attr:`Link.repeated` and have no children.
    problems : tuple of Problem
        Every problem of every link, in link order.
    ok : bool
        True when no problem is an error.
    steps : int
        Calibrations from the SI to the item along the longest branch (an SI
        realization's own evaluation does not count): the "flattening" metric,
        fewer is better.
    """

    item: str
    at: dt.date
    links: tuple[Link, ...]
    problems: tuple[Problem, ...]
    ok: bool
    steps: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "links", tuple(self.links))
        object.__setattr__(self, "problems", tuple(self.problems))
        if self.ok != (not any(p.is_error for p in self.problems)):
            raise InputError(
                f"ok must be True exactly when no problem is an error, got ok={self.ok!r}",
                where=f"chain of {self.item!r}",
            )

    @property
    def root(self) -> Link:
        """The link of the item itself."""
        return self.links[0]

    @property
    def broken_links(self) -> tuple[Link, ...]:
        """Links with at least one error, in link order."""
        return tuple(link for link in self.links if not link.ok)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if not p.is_error)

    def codes(self) -> frozenset[str]:
        """The set of problem codes in the chain."""
        return frozenset(p.code for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (dates ISO 8601, an infinite TUR as null)."""
        return {
            "item": self.item,
            "at": self.at.isoformat(),
            "ok": self.ok,
            "steps": self.steps,
            "links": [link.to_dict() for link in self.links],
            "problems": [p.to_dict() for p in self.problems],
        }


# --------------------------------------------------------------------------- rules


def _subject(item_id: str, item: Item | None, used_at: dt.date, parent: str | None) -> str:
    name = f" ({item.name})" if item is not None else ""
    if parent is None:
        return f"item {item_id!r}{name} used on {used_at.isoformat()}"
    return f"standard {item_id!r}{name} used on {used_at.isoformat()} by calibration {parent!r}"


def _problem(
    code: str, item_id: str, calibration: str | None, subject: str, reason: str
) -> Problem:
    return Problem(code, PROBLEM_CODES[code], item_id, calibration, f"{subject}: {reason}")


def _state_problems(
    registry: Registry,
    item: Item,
    used_at: dt.date,
    cal: Calibration | None,
    subject: str,
) -> list[Problem]:
    """Problems of the item itself at its date of use: withdrawal, calibration
    status (none, expired) and tolerance (out of tolerance, suspect)."""
    problems: list[Problem] = []
    cal_id = None if cal is None else cal.id
    si = item.level == "si_realization"
    if item.withdrawn_since is not None and item.withdrawn_since <= used_at:
        problems.append(
            _problem(
                "withdrawn",
                item.id,
                cal_id,
                subject,
                f"it was withdrawn on {item.withdrawn_since.isoformat()}",
            )
        )
    if cal is None and not si:
        cals = registry.calibrations_of(item.id)
        later = (
            (
                f"; its first calibration {cals[0].id!r} was performed on "
                f"{cals[0].performed.isoformat()}"
            )
            if cals
            else ""
        )
        problems.append(
            _problem(
                "no_calibration",
                item.id,
                None,
                subject,
                f"it has no calibration performed on or before {used_at.isoformat()}{later}",
            )
        )
    if cal is not None and not si and cal.valid_until < used_at:
        problems.append(
            _problem(
                "expired",
                item.id,
                cal.id,
                subject,
                f"its calibration {cal.id!r} expired on {cal.valid_until.isoformat()}",
            )
        )
    found = item.out_of_tolerance_since
    if found is not None:
        if found <= used_at:
            if restoring_calibration(registry, item.id, found, used_at) is None:
                problems.append(
                    _problem(
                        "out_of_tolerance",
                        item.id,
                        cal_id,
                        subject,
                        f"it was found out of tolerance on {found.isoformat()} and has no "
                        f"calibration after that date that does not fail",
                    )
                )
        else:
            since, start, good = doubt_start(registry, item.id, found)
            if since <= used_at:
                if start is None:
                    when = "it was used with no calibration before it was"
                elif good:
                    when = (
                        f"it was used after its last good calibration {start.id!r} of "
                        f"{since.isoformat()} and"
                    )
                else:
                    when = (
                        f"it was used after its first calibration {start.id!r} of "
                        f"{since.isoformat()}, with no passing calibration since, and"
                    )
                problems.append(
                    _problem(
                        "suspect",
                        item.id,
                        cal_id,
                        subject,
                        f"{when} found out of tolerance on {found.isoformat()}; the result "
                        f"relied on a standard later found out of tolerance",
                    )
                )
    return problems


Converter = tuple[float, float] | None  # (factor, offset) from a scope unit to an item unit


def _converter(from_unit: str, to_unit: str, cache: dict[tuple[str, str], Converter]) -> Converter:
    """``(factor, offset)`` with value_in_to = factor * value_in_from + offset, or None
    if the units do not convert into each other (or are not D-SI strings)."""
    key = (from_unit, to_unit)
    if key not in cache:
        if from_unit == to_unit:
            cache[key] = (1.0, 0.0)
        else:
            try:
                factor = conversion_factor(from_unit, to_unit, difference=True)
                cache[key] = (factor, float(convert(0.0, from_unit, to_unit)))
            except UnitError:
                cache[key] = None
    return cache[key]


def _scope_problems(
    registry: Registry,
    item: Item,
    cal: Calibration,
    subject: str,
    converters: dict[tuple[str, str], Converter],
) -> list[Problem]:
    """Accreditation of the laboratory for the calibration (ILAC-P10, ILAC-P14).

    Scope lines in another unit than the item's are converted (ranges as absolute
    values, the CMC as a difference); a line whose unit does not convert to the
    item's does not cover it.
    """
    lab, day = cal.laboratory, cal.performed
    lines = registry.scope_at(lab, item.quantity, day)
    where = f"its calibration {cal.id!r} by laboratory {lab!r} on {day.isoformat()}"
    if not lines:
        return [
            _problem(
                "not_accredited",
                item.id,
                cal.id,
                subject,
                f"{where}: the laboratory had no accreditation or CMC for {item.quantity} "
                f"valid on that date",
            )
        ]
    cmcs: list[float] = []
    for line in lines:
        converter = _converter(line.unit, item.unit, converters)
        if converter is None:
            continue
        factor, offset = converter
        low, high = sorted((factor * line.low + offset, factor * line.high + offset))
        if low <= cal.low and cal.high <= high:
            cmcs.append(abs(factor) * line.cmc)
    if not cmcs:
        ranges = "; ".join(f"[{line.low:g}, {line.high:g}] {line.unit}" for line in lines)
        return [
            _problem(
                "outside_scope",
                item.id,
                cal.id,
                subject,
                f"{where}: the calibrated range [{cal.low:g}, {cal.high:g}] {item.unit} is not "
                f"inside any scope line for {item.quantity} valid on that date ({ranges})",
            )
        ]
    cmc = min(cmcs)
    if cal.expanded_uncertainty < cmc:
        return [
            _problem(
                "below_cmc",
                item.id,
                cal.id,
                subject,
                f"{where}: it claims U = {cal.expanded_uncertainty:g} {item.unit}, smaller than "
                f"the laboratory's CMC {cmc:g} {item.unit}",
            )
        ]
    return []


def _tur(item: Item | None, cal: Calibration | None) -> float | None:
    if item is None or cal is None or item.tolerance is None:
        return None
    if cal.expanded_uncertainty == 0.0:
        return math.inf
    return item.tolerance / cal.expanded_uncertainty


# --------------------------------------------------------------------------- resolution


@dataclass(slots=True)
class _Node:
    item_id: str
    item: Item | None
    used_at: dt.date
    depth: int
    parent: str | None
    calibration: Calibration | None = None
    tur: float | None = None
    problems: list[Problem] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    first: int | None = None  # for a repeated calibration: the node that followed it


def _check_arguments(
    registry: Any, item_id: Any, at: Any, tur_warning: Any, max_depth: Any
) -> None:
    where = "resolve_chain"
    if not isinstance(registry, Registry):
        raise InputError(f"registry must be a Registry, got {type(registry).__name__}", where=where)
    if not isinstance(item_id, str) or item_id not in registry:
        raise InputError(f"unknown item {item_id!r}", where=where)
    if isinstance(at, dt.datetime) or not isinstance(at, dt.date):
        raise InputError(f"at must be a date (not datetime), got {at!r}", where=where)
    if (
        isinstance(tur_warning, bool)
        or not isinstance(tur_warning, numbers.Real)
        or not math.isfinite(tur_warning)
        or tur_warning <= 0
    ):
        raise InputError(
            f"tur_warning must be a finite number > 0, got {tur_warning!r}", where=where
        )
    if isinstance(max_depth, bool) or not isinstance(max_depth, int) or max_depth < 1:
        raise InputError(f"max_depth must be an integer >= 1, got {max_depth!r}", where=where)


def resolve_chain(
    registry: Registry,
    item_id: str,
    at: dt.date,
    *,
    tur_warning: float = 4.0,
    max_depth: int = 20,
) -> Chain:
    """The chain of calibrations ``item_id`` relies on when used on ``at``.

    Starting from the item, each link takes the item's latest calibration performed
    on or before its date of use and follows the standards that calibration used,
    each at the calibration's date performed, until an SI realization ends the
    branch. Every link is checked (see the module's table of problem codes); the
    chain is ``ok`` when no check gives an error. Nothing is raised for a broken
    chain: breaks are data.

    Parameters
    ----------
    registry : Registry
        Items, calibrations and accreditation scopes.
    item_id : str
        The item whose chain is wanted (an instrument or a standard).
    at : datetime.date
        Its date of use.
    tur_warning : float, keyword-only
        Test uncertainty ratios ``tolerance / U`` below this give ``low_tur``
        warnings; 4 is the 4:1 of ANSI/NCSL Z540.3-2006, 5.3 b.
    max_depth : int, keyword-only
        The deepest link followed (the root is at depth 0); an item at this depth
        whose calibration used standards gives ``too_deep``.

    Returns
    -------
    Chain

    Raises
    ------
    InputError
        Unknown ``item_id``, ``at`` not a date, ``tur_warning`` <= 0 or not finite,
        ``max_depth`` < 1.

    Notes
    -----
    Cost: one binary search per link (indexes of :class:`Registry`), so the size of
    the registry does not matter. Each calibration's standards are followed once
    per chain (later uses are :attr:`Link.repeated`), so the number of links is at
    most the number of (calibration, standard) pairs reachable plus one, even when
    standards were calibrated against each other, as in weighing designs.

    A cycle is an item that appears again among its own ancestors on a branch,
    whatever the dates: the item's traceability would pass through itself.

    References
    ----------
    JCGM 200:2012, 2.40-2.42; ISO/IEC 17025:2017, 6.4.7-6.4.9, 6.5; ILAC-P10:07/2020;
    ILAC-P14:09/2020; ANSI/NCSL Z540.3-2006, 5.3 b. See the module docstring.

    Examples
    --------
    >>> import datetime as dt
    >>> from sitrace.traceability import Accreditation, Calibration, Item, Registry
    >>> si = Item("SI-kg", "Kibble balance", "si_realization", "mass", r"\\kilogram", "NMI")
    >>> w = Item("W-1", "Weight 1 kg F1", "working", "mass", r"\\kilogram", "LAB",
    ...          tolerance=5e-6)
    >>> c = Calibration("C-1", "W-1", "NMI", dt.date(2024, 3, 1), dt.date(2026, 2, 28),
    ...                 ("SI-kg",), 1e-6, 1e-6, 1.0, 1.0, conforming=True)
    >>> scope = Accreditation("NMI", "mass", r"\\kilogram", 0.001, 50.0, 5e-7,
    ...                       dt.date(2020, 1, 1))
    >>> registry = Registry([si, w], [c], [scope])
    >>> chain = resolve_chain(registry, "W-1", dt.date(2025, 5, 1))
    >>> chain.ok, chain.steps, round(chain.root.tur, 9)
    (True, 1, 5.0)
    >>> late = resolve_chain(registry, "W-1", dt.date(2026, 5, 1))
    >>> print(late.problems[0].message)
    item 'W-1' (Weight 1 kg F1) used on 2026-05-01: its calibration 'C-1' expired on 2026-02-28
    """
    _check_arguments(registry, item_id, at, tur_warning, max_depth)
    nodes: list[_Node] = []
    followed: dict[str, int] = {}  # calibration id -> the node that followed its standards
    converters: dict[tuple[str, str], Converter] = {}
    # (item id, date of use, parent calibration, parent node, depth, ancestors' item ids)
    stack: list[tuple[str, dt.date, str | None, int | None, int, tuple[str, ...]]] = [
        (item_id, at, None, None, 0, ())
    ]
    while stack:
        node_id, used_at, parent, parent_index, depth, ancestors = stack.pop()
        index = len(nodes)
        item = registry.items.get(node_id)
        node = _Node(node_id, item, used_at, depth, parent)
        nodes.append(node)
        if parent_index is not None:
            nodes[parent_index].children.append(index)
        subject = _subject(node_id, item, used_at, parent)
        if item is None:
            node.problems.append(
                _problem(
                    "not_traceable",
                    node_id,
                    None,
                    subject,
                    "it is not in the registry, so the branch cannot be followed to an SI "
                    "realization",
                )
            )
            continue
        if node_id in ancestors:
            loop = (*ancestors[ancestors.index(node_id) :], node_id)
            node.problems.append(
                _problem(
                    "cycle",
                    node_id,
                    None,
                    subject,
                    "it appears again in its own chain ("
                    + " -> ".join(repr(i) for i in loop)
                    + "); the calibration graph loops",
                )
            )
            continue
        cal = registry.calibration_at(node_id, used_at)
        node.calibration = cal
        node.tur = _tur(item, cal)
        node.problems.extend(_state_problems(registry, item, used_at, cal, subject))
        if cal is None or item.level == "si_realization":
            continue
        if cal.id in followed:
            node.first = followed[cal.id]
            continue
        followed[cal.id] = index
        node.problems.extend(_scope_problems(registry, item, cal, subject, converters))
        if node.tur is not None and node.tur < tur_warning:
            node.problems.append(
                _problem(
                    "low_tur",
                    node_id,
                    cal.id,
                    subject,
                    f"its calibration {cal.id!r} has TUR = tolerance {item.tolerance:g} "
                    f"{item.unit} / U {cal.expanded_uncertainty:g} {item.unit} = {node.tur:.3g}, "
                    f"below {tur_warning:g}",
                )
            )
        if not cal.standards:
            node.problems.append(
                _problem(
                    "not_traceable",
                    node_id,
                    cal.id,
                    subject,
                    f"its calibration {cal.id!r} used no standard, so the branch ends without "
                    f"reaching an SI realization",
                )
            )
            continue
        if depth >= max_depth:
            node.problems.append(
                _problem(
                    "too_deep",
                    node_id,
                    cal.id,
                    subject,
                    f"the chain goes on below depth {depth}, deeper than max_depth={max_depth}",
                )
            )
            continue
        below = (*ancestors, node_id)
        for standard in reversed(cal.standards):
            stack.append((standard, cal.performed, cal.id, index, depth + 1, below))

    for node in nodes:
        _uncertainty_problems(node, nodes)
    links = tuple(_link(node) for node in nodes)
    problems = tuple(p for link in links for p in link.problems)
    return Chain(
        item=item_id,
        at=at,
        links=links,
        problems=problems,
        ok=not any(p.is_error for p in problems),
        steps=_steps(nodes),
    )


def _uncertainty_problems(node: _Node, nodes: list[_Node]) -> None:
    """``uncertainty_decreases``: compare a calibration with those of its standards."""
    cal = node.calibration
    if cal is None or cal.relative_uncertainty is None:
        return
    subject = _subject(node.item_id, node.item, node.used_at, node.parent)
    for child_index in node.children:
        child = nodes[child_index]
        above = child.calibration
        if above is None or above.relative_uncertainty is None:
            continue
        if cal.relative_uncertainty < above.relative_uncertainty:
            node.problems.append(
                _problem(
                    "uncertainty_decreases",
                    node.item_id,
                    cal.id,
                    subject,
                    f"its calibration {cal.id!r} claims relative expanded uncertainty "
                    f"{cal.relative_uncertainty:.3g}, smaller than "
                    f"{above.relative_uncertainty:.3g} of calibration {above.id!r} of its "
                    f"standard {child.item_id!r}; uncertainty cannot decrease down a chain",
                )
            )


def _steps(nodes: list[_Node]) -> int:
    """Calibrations (not SI evaluations) on the longest branch below the root.

    A repeated link counts as its first link. Its first link is never below it (that
    would be a cycle), so the dependencies form a DAG; an explicit stack avoids
    recursion limits.
    """
    heights: list[int | None] = [None] * len(nodes)
    stack = [0]
    while stack:
        index = stack[-1]
        if heights[index] is not None:
            stack.pop()
            continue
        node = nodes[index]
        below = [node.first] if node.first is not None else node.children
        missing = [b for b in below if heights[b] is None]
        if missing:
            stack.extend(missing)
            continue
        stack.pop()
        if node.first is not None:
            heights[index] = heights[node.first]
            continue
        counts = (
            node.calibration is not None
            and node.item is not None
            and node.item.level != "si_realization"
        )
        heights[index] = int(counts) + max((heights[b] or 0 for b in below), default=0)
    return heights[0] or 0


def _link(node: _Node) -> Link:
    cal = node.calibration
    return Link(
        item=node.item_id,
        calibration=None if cal is None else cal.id,
        depth=node.depth,
        parent=node.parent,
        used_at=node.used_at,
        uncertainty=None if cal is None else cal.relative_uncertainty,
        tur=node.tur,
        problems=tuple(node.problems),
        level=None if node.item is None else node.item.level,
        laboratory=None if cal is None else cal.laboratory,
        performed=None if cal is None else cal.performed,
        valid_until=None if cal is None else cal.valid_until,
        repeated=node.first is not None,
    )
