"""Calibrations that restore validity.

Contents
--------
restores_validity
    True when a new calibration of an item is the action that restores its
    validity at a date: it is without calibration, its calibration has expired,
    or it is out of tolerance.
validity_problems
    The item's own problems at that date, with messages for an audit note.

Validity rules must never block the calibration that restores validity. An
expired or out-of-tolerance item is exactly the item that must be calibrated;
an instrument that has never been calibrated gets its first calibration. The
service that records a calibration therefore calls :func:`restores_validity` for
the item being calibrated: when it is True, the calibration is *allowed*, and
the messages of :func:`validity_problems` are recorded as an audit note ("item
'W-1' used on 2026-03-01: its calibration 'C-1' expired on 2026-02-28"), rather
than refused as a use of an invalid item. The rules apply to the *standards*
used by that calibration, not to the item calibrated.

The status is that of the item as the root of
:func:`~sitrace.traceability.resolve_chain` at ``at``, restricted to the item
itself: ``no_calibration``, ``expired`` and ``out_of_tolerance`` are restored by
a calibration; ``withdrawn`` is not (withdrawal is an administrative decision,
returned by :func:`validity_problems` but not counted by
:func:`restores_validity`); an SI realization needs no calibration, so only its
``out_of_tolerance`` counts.

References
----------
ISO/IEC 17025:2017, 6.4.7 (calibration programme), 6.4.9 (equipment found
defective: taken out of service until shown to perform correctly), 6.4.13
(records of calibrations).
"""

from __future__ import annotations

import datetime as dt

from sitrace.errors import InputError

from .chain import Problem, _state_problems, _subject
from .model import Registry

__all__ = ["RESTORED_BY_CALIBRATION", "restores_validity", "validity_problems"]

RESTORED_BY_CALIBRATION = frozenset({"no_calibration", "expired", "out_of_tolerance"})
"""Problem codes that a new calibration of the item removes."""


def validity_problems(registry: Registry, item_id: str, at: dt.date) -> tuple[Problem, ...]:
    """The item's own problems at ``at``: withdrawn, no calibration, expired, out of tolerance.

    Parameters
    ----------
    registry : Registry
    item_id : str
    at : datetime.date
        The date of the intended use (or calibration).

    Returns
    -------
    tuple of Problem
        Empty when the item is valid at ``at``. ``suspect`` (a doubt about past
        uses) is not included.

    Raises
    ------
    InputError
        Unknown ``item_id`` or ``at`` not a date.
    """
    if not isinstance(registry, Registry):
        raise InputError(
            f"registry must be a Registry, got {type(registry).__name__}", where="validity_problems"
        )
    if not isinstance(item_id, str) or item_id not in registry:
        raise InputError(f"unknown item {item_id!r}", where="validity_problems")
    if isinstance(at, dt.datetime) or not isinstance(at, dt.date):
        raise InputError(f"at must be a date (not datetime), got {at!r}", where="validity_problems")
    item = registry.items[item_id]
    cal = registry.calibration_at(item_id, at)
    problems = _state_problems(registry, item, at, cal, _subject(item_id, item, at, None))
    return tuple(p for p in problems if p.code != "suspect")


def restores_validity(registry: Registry, item_id: str, at: dt.date) -> bool:
    """True when a calibration of ``item_id`` on ``at`` would restore its validity.

    That is, at ``at`` the item has no calibration, its latest calibration has
    expired, or it is out of tolerance and not yet restored. The service layer uses
    this to allow such a calibration (and note why in the audit trail) instead of
    refusing it; see the module docstring.

    Raises
    ------
    InputError
        Unknown ``item_id`` or ``at`` not a date.

    Examples
    --------
    >>> import datetime as dt
    >>> from sitrace.traceability import Calibration, Item, Registry
    >>> w = Item("W-1", "Weight 1 kg F1", "working", "mass", r"\\kilogram", "LAB")
    >>> c = Calibration("C-1", "W-1", "NMI", dt.date(2024, 3, 1), dt.date(2026, 2, 28),
    ...                 ("K",), 1e-6, 1e-6, 1.0, 1.0)
    >>> registry = Registry([w], [c])
    >>> restores_validity(registry, "W-1", dt.date(2025, 1, 1))
    False
    >>> restores_validity(registry, "W-1", dt.date(2026, 3, 1))
    True
    """
    codes = {p.code for p in validity_problems(registry, item_id, at)}
    return bool(codes & RESTORED_BY_CALIBRATION)
