"""Recall: what a standard found out of tolerance has affected.

Contents
--------
recall
    Every calibration that relied on a standard between its last good calibration
    and the day it was found out of tolerance, directly or through other items,
    and the items those calibrations calibrated -> :class:`Recall`.
Recall
    The result, with the path of calibrations by which each item depends on the
    standard.

When equipment "has been shown to be defective or outside specified
requirements", the laboratory "shall examine the effect of the defect or
deviation" on previous results (ISO/IEC 17025:2017, 6.4.9) and manage them as
nonconforming work (7.10); a calibration laboratory notifies the customers whose
calibrations are affected. This module computes that set from the calibration
graph.

The window
----------
The standard is in doubt from ``since`` to ``found``, both days included.
``since`` is, unless given, the date performed of its latest calibration before
``found`` whose conformity is not a fail (``conforming`` True or None): that
calibration showed it good. If every calibration before ``found`` failed, it is
the date of its first calibration; if it had no calibration at all, every use up
to ``found`` is recalled (``since`` is :data:`datetime.date.min`). Uses after
``found`` are not recalled: from that day the standard is out of tolerance and
:func:`~sitrace.traceability.resolve_chain` reports every such use as an error.

Propagation
-----------
A recalled calibration R of an item Y makes doubtful everything Y calibrated
while R was Y's current calibration: the calibrations that used Y performed on or
after R's date and before Y's next calibration (the one
:meth:`Registry.calibration_at` would pick instead), with no end if Y has not been
recalibrated. This is applied transitively. Y's next calibration ends the doubt
(it is judged on its own: it is recalled only if it too used a recalled standard
in its window).

References
----------
ISO/IEC 17025:2017, 6.4.9 (equipment found defective: examine the effect on
previous results), 7.10 (nonconforming work). ISO 10012:2003, 8.3.3
(nonconforming measuring equipment).
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sitrace.errors import InputError

from ._frozen import FrozenMap
from ._rules import suspect_since
from .model import Calibration, Registry, natural_key

__all__ = ["Recall", "recall"]


@dataclass(frozen=True, slots=True)
class Recall:
    """The impact of a standard found out of tolerance.

    Attributes
    ----------
    standard : str
        The standard found out of tolerance.
    found : datetime.date
        The day it was found out of tolerance.
    since : datetime.date
        First day of the window of doubt (:data:`datetime.date.min` if unbounded).
    calibrations : tuple of str
        Every recalled calibration, by date performed, then id (natural order).
    items : tuple of str
        Every item calibrated by a recalled calibration, by depth, then id (natural
        order).
    paths : Mapping of str to tuple of str
        For each item, the calibration ids through which it depends on the
        standard, from the one that used the standard to the one of the item (the
        shortest such path; first found on ties).
    depths : Mapping of str to int
        For each item, the length of its path (1: calibrated with the standard).
    levels : Mapping of str to str
        For each item, its level: ``"instrument"`` for instruments in service.
    """

    standard: str
    found: dt.date
    since: dt.date
    calibrations: tuple[str, ...]
    items: tuple[str, ...]
    paths: Mapping[str, tuple[str, ...]]
    depths: Mapping[str, int] = field(default_factory=FrozenMap)
    levels: Mapping[str, str] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        where = f"recall of {self.standard!r}"
        if self.since > self.found:
            raise InputError(
                f"since must be on or before found, got since={self.since.isoformat()}, "
                f"found={self.found.isoformat()}",
                where=where,
            )
        object.__setattr__(self, "calibrations", tuple(self.calibrations))
        object.__setattr__(self, "items", tuple(self.items))
        paths = FrozenMap({k: tuple(v) for k, v in self.paths.items()})
        object.__setattr__(self, "paths", paths)
        depths = dict(self.depths) or {k: len(v) for k, v in paths.items()}
        object.__setattr__(self, "depths", FrozenMap(depths))
        object.__setattr__(self, "levels", FrozenMap(self.levels))
        if set(paths) != set(self.items) or set(depths) != set(self.items):
            raise InputError("paths and depths must have one entry per item", where=where)

    @property
    def instruments(self) -> tuple[str, ...]:
        """Recalled items that are instruments in service (their owners to notify)."""
        return tuple(i for i in self.items if self.levels.get(i) == "instrument")

    @property
    def standards(self) -> tuple[str, ...]:
        """Recalled items that are measurement standards (their own users to recall)."""
        return tuple(i for i in self.items if self.levels.get(i) != "instrument")

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (dates ISO 8601; an unbounded ``since`` as null)."""
        return {
            "standard": self.standard,
            "found": self.found.isoformat(),
            "since": None if self.since == dt.date.min else self.since.isoformat(),
            "calibrations": list(self.calibrations),
            "items": [
                {
                    "item": item,
                    "level": self.levels.get(item),
                    "depth": self.depths[item],
                    "path": list(self.paths[item]),
                }
                for item in self.items
            ],
        }


def _check_date(value: Any, name: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise InputError(f"{name} must be a date (not datetime), got {value!r}", where="recall")


def recall(
    registry: Registry,
    standard_id: str,
    found: dt.date,
    *,
    last_good: dt.date | None = None,
) -> Recall:
    """Calibrations and items affected by ``standard_id`` found out of tolerance.

    Parameters
    ----------
    registry : Registry
    standard_id : str
        The standard (or any item used as a standard) found out of tolerance.
    found : datetime.date
        The day it was found out of tolerance; the last day of the window.
    last_good : datetime.date, optional, keyword-only
        First day of the window. By default the date performed of its latest
        calibration before ``found`` that does not fail; see the module docstring
        for the case where there is none.

    Returns
    -------
    Recall

    Raises
    ------
    InputError
        Unknown ``standard_id``; ``found`` or ``last_good`` not a date;
        ``last_good`` after ``found``.

    References
    ----------
    ISO/IEC 17025:2017, 6.4.9 and 7.10.

    Examples
    --------
    >>> import datetime as dt
    >>> from sitrace.traceability import Calibration, Item, Registry
    >>> def item(i, level):
    ...     return Item(i, i, level, "mass", r"\\kilogram", "LAB")
    >>> def cal(i, of, day, standards):
    ...     return Calibration(i, of, "LAB", day, day.replace(year=day.year + 1),
    ...                        standards, 1e-5, 1e-5, 1.0, 1.0, conforming=True)
    >>> registry = Registry(
    ...     [item("R", "reference"), item("W", "working"), item("B", "instrument")],
    ...     [cal("C-R", "R", dt.date(2024, 1, 5), ()),
    ...      cal("C-W", "W", dt.date(2024, 3, 1), ("R",)),
    ...      cal("C-B", "B", dt.date(2024, 6, 1), ("W",))])
    >>> r = recall(registry, "R", dt.date(2024, 12, 1))
    >>> r.since, r.calibrations, r.items
    (datetime.date(2024, 1, 5), ('C-W', 'C-B'), ('W', 'B'))
    >>> r.paths["B"], r.instruments
    (('C-W', 'C-B'), ('B',))
    """
    if not isinstance(registry, Registry):
        raise InputError(
            f"registry must be a Registry, got {type(registry).__name__}", where="recall"
        )
    if not isinstance(standard_id, str) or standard_id not in registry:
        raise InputError(f"unknown item {standard_id!r}", where="recall")
    _check_date(found, "found")
    _check_date(last_good, "last_good", optional=True)
    if last_good is not None and last_good > found:
        raise InputError(
            f"last_good must be on or before found, got last_good={last_good.isoformat()}, "
            f"found={found.isoformat()}",
            where="recall",
        )
    since = suspect_since(registry, standard_id, found) if last_good is None else last_good

    paths: dict[str, tuple[str, ...]] = {}
    recalled: dict[str, Calibration] = {}
    queue: deque[Calibration] = deque()
    for cal in registry.used_by(standard_id, start=since, end=found):
        recalled[cal.id] = cal
        paths[cal.id] = (cal.id,)
        queue.append(cal)
    while queue:
        current = queue.popleft()
        following = registry.next_calibration(current.id)
        for cal in registry.used_by(current.item, start=current.performed):
            if following is not None and cal.performed >= following.performed:
                break
            if cal.id in recalled:
                continue
            recalled[cal.id] = cal
            paths[cal.id] = (*paths[current.id], cal.id)
            queue.append(cal)

    item_paths: dict[str, tuple[str, ...]] = {}
    for cal_id, path in paths.items():  # breadth-first order: shortest path first
        item = recalled[cal_id].item
        if item not in item_paths or len(path) < len(item_paths[item]):
            item_paths[item] = path
    items = tuple(sorted(item_paths, key=lambda i: (len(item_paths[i]), natural_key(i))))
    ordered = sorted(recalled.values(), key=lambda c: (c.performed, natural_key(c.id)))
    return Recall(
        standard=standard_id,
        found=found,
        since=since,
        calibrations=tuple(c.id for c in ordered),
        items=items,
        paths=item_paths,
        depths={i: len(item_paths[i]) for i in items},
        levels={i: registry.items[i].level for i in items},
    )
