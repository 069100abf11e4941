"""The calibration graph as values: items, calibrations, accreditation scopes, a registry.

Contents
--------
LEVELS
    The levels of the calibration hierarchy, top to bottom (JCGM 200:2012, 2.40;
    5.1-5.7): an SI realization, national primary standards, reference standards,
    working standards, and instruments in service.
Item
    A measurement standard or an instrument in service (JCGM 200:2012, 5.1; 3.1).
Calibration
    One calibration of an item against standards (JCGM 200:2012, 2.39), reduced to
    what traceability needs: dates, standards used, uncertainty, range, conformity.
Accreditation
    One line of a laboratory's scope: an ISO/IEC 17025 accreditation or a CIPM MRA
    calibration and measurement capability (CMC).
Registry
    An immutable index over all three, built once, with the dictionary and
    ``bisect`` lookups that :func:`~sitrace.traceability.resolve_chain` and
    :func:`~sitrace.traceability.recall` need.

Dates are :class:`datetime.date` values (never ``datetime``): a calibration
performed on a day is current from that day, and ``valid_until`` is the last day
it is valid. Nothing here reads the clock.

References
----------
JCGM 200:2012 (VIM 3), 2.39 (calibration), 2.40 (calibration hierarchy), 2.41-2.42
(metrological traceability, traceability chain), 4.26 (maximum permissible
measurement error), 5.1-5.7 (measurement standards). ISO/IEC 17025:2017, 6.4.7
(calibration programme), 6.5 (metrological traceability). ILAC-P10:07/2020 (ILAC
policy on metrological traceability). ILAC-P14:09/2020 (CMC).
"""

from __future__ import annotations

import bisect
import datetime as dt
import decimal
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sitrace.errors import InputError

from ._frozen import FrozenMap

__all__ = ["LEVELS", "Accreditation", "Calibration", "Item", "Registry", "natural_key"]

LEVELS = ("si_realization", "national_primary", "reference", "working", "instrument")
"""Levels of the calibration hierarchy, from the top (the SI) to the bottom."""


# --------------------------------------------------------------------------- checks


def _text(value: Any, *, name: str, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(f"{name} must be a non-empty string, got {value!r}", where=where)
    return value


def _date(value: Any, *, name: str, where: str, optional: bool = False) -> dt.date | None:
    if value is None and optional:
        return None
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        kind = "a date or None" if optional else "a date"
        raise InputError(
            f"{name} must be {kind} (datetime.date, not datetime), "
            f"got {type(value).__name__} {value!r}",
            where=where,
        )
    return value


def _number(
    value: Any, *, name: str, where: str, minimum: float | None = None, strict: bool = False
) -> float:
    if type(value) is not float and (  # the common case first: no ABC checks
        isinstance(value, bool) or not isinstance(value, numbers.Real | decimal.Decimal)
    ):
        raise InputError(
            f"{name} must be a real number, got {type(value).__name__} {value!r}", where=where
        )
    number = float(value)
    if not math.isfinite(number):
        raise InputError(f"{name} must be finite, got {name}={number!r}", where=where)
    if minimum is not None and (number <= minimum if strict else number < minimum):
        bound = ">" if strict else ">="
        raise InputError(f"{name} must be {bound} {minimum:g}, got {name}={number!r}", where=where)
    return number


def _set(obj: object, name: str, value: Any) -> None:
    object.__setattr__(obj, name, value)


def _on_or_after(later: dt.date, earlier: dt.date, *, names: tuple[str, str], where: str) -> None:
    if later < earlier:
        raise InputError(
            f"{names[0]} must be on or after {names[1]}, got {names[0]}={later.isoformat()}, "
            f"{names[1]}={earlier.isoformat()}",
            where=where,
        )


def _range(obj: object, where: str) -> None:
    low = _number(obj.low, name="low", where=where)  # type: ignore[attr-defined]
    high = _number(obj.high, name="high", where=where)  # type: ignore[attr-defined]
    if low > high:
        raise InputError(f"low must be <= high, got low={low!r}, high={high!r}", where=where)
    _set(obj, "low", low)
    _set(obj, "high", high)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class Item:
    """A measurement standard or an instrument in service.

    Attributes
    ----------
    id : str
        Unique id of the item.
    name : str
        Name for people, e.g. ``"Mass set E2"``.
    level : str
        One of :data:`LEVELS`; ``"instrument"`` for instruments in service.
    quantity : str
        The kind of quantity it measures or realizes, e.g. ``"mass"``.
    unit : str
        D-SI unit of its values, e.g. ``r"\\kilogram"``.
    owner : str
        Organisation id of its owner.
    tolerance : float or None
        Maximum permissible error (MPE, JCGM 200:2012, 4.26) as an absolute half-width
        in ``unit``, > 0; ``None`` if none is specified.
    out_of_tolerance_since : datetime.date or None
        The date the item was *found* out of tolerance; ``None`` if it never was or
        has been restored.
    withdrawn_since : datetime.date or None
        The date the item was withdrawn from service.
    """

    id: str
    name: str
    level: str
    quantity: str
    unit: str
    owner: str
    tolerance: float | None = None
    out_of_tolerance_since: dt.date | None = None
    withdrawn_since: dt.date | None = None

    def __post_init__(self) -> None:
        where = f"item {self.id!r}"
        _text(self.id, name="id", where="item")
        for name in ("name", "quantity", "unit", "owner"):
            _text(getattr(self, name), name=name, where=where)
        if self.level not in LEVELS:
            raise InputError(
                f"level must be one of {', '.join(LEVELS)}, got {self.level!r}", where=where
            )
        if self.tolerance is not None:
            _set(
                self,
                "tolerance",
                _number(self.tolerance, name="tolerance", where=where, minimum=0.0, strict=True),
            )
        _date(
            self.out_of_tolerance_since, name="out_of_tolerance_since", where=where, optional=True
        )
        _date(self.withdrawn_since, name="withdrawn_since", where=where, optional=True)

    @property
    def is_instrument(self) -> bool:
        """True for an instrument in service, False for a measurement standard."""
        return self.level == "instrument"


@dataclass(frozen=True, slots=True)
class Calibration:
    """One calibration of an item (JCGM 200:2012, 2.39).

    Attributes
    ----------
    id : str
        Unique id of the calibration (e.g. its certificate number).
    item : str
        :attr:`Item.id` of the item calibrated.
    laboratory : str
        Organisation id of the laboratory that performed it.
    performed : datetime.date
        The day it was performed; it is the item's current calibration from that day.
    valid_until : datetime.date
        The last day it is valid (on or after ``performed``).
    standards : tuple of str
        Item ids of the standards used. Empty only for an SI realization's own
        evaluation; a list is accepted and stored as a tuple.
    expanded_uncertainty : float
        The largest expanded uncertainty U (k ≈ 2, about 95 %) of its measured points,
        absolute, in the item's unit; finite and >= 0.
    relative_uncertainty : float or None
        The largest U/|value| over its points; ``None`` if every value is 0.
    low, high : float
        The smallest and largest measured value (the calibrated range), item's unit.
    conforming : bool or None
        Its statement of conformity (ISO/IEC 17025:2017, 7.8.6): True pass, False
        fail, None no statement.
    """

    id: str
    item: str
    laboratory: str
    performed: dt.date
    valid_until: dt.date
    standards: tuple[str, ...]
    expanded_uncertainty: float
    relative_uncertainty: float | None
    low: float
    high: float
    conforming: bool | None = None

    def __post_init__(self) -> None:
        where = f"calibration {self.id!r}"
        _text(self.id, name="id", where="calibration")
        _text(self.item, name="item", where=where)
        _text(self.laboratory, name="laboratory", where=where)
        performed = _date(self.performed, name="performed", where=where)
        valid_until = _date(self.valid_until, name="valid_until", where=where)
        _on_or_after(valid_until, performed, names=("valid_until", "performed"), where=where)
        standards = self.standards
        if isinstance(standards, str) or not isinstance(standards, Iterable):
            raise InputError(
                f"standards must be a sequence of item ids, got {standards!r}", where=where
            )
        standards = tuple(standards)
        for standard in standards:
            _text(standard, name="each of standards", where=where)
        if len(set(standards)) != len(standards):
            twice = sorted({s for s in standards if standards.count(s) > 1})
            raise InputError(f"standards must not repeat, got {twice[0]!r} twice", where=where)
        _set(self, "standards", standards)
        _set(
            self,
            "expanded_uncertainty",
            _number(
                self.expanded_uncertainty, name="expanded_uncertainty", where=where, minimum=0.0
            ),
        )
        if self.relative_uncertainty is not None:
            _set(
                self,
                "relative_uncertainty",
                _number(
                    self.relative_uncertainty, name="relative_uncertainty", where=where, minimum=0.0
                ),
            )
        _range(self, where)
        if self.conforming is not None and not isinstance(self.conforming, bool):
            raise InputError(
                f"conforming must be True, False or None, got {self.conforming!r}", where=where
            )


@dataclass(frozen=True, slots=True)
class Accreditation:
    """One line of a laboratory's scope: an ISO/IEC 17025 accreditation or a CMC.

    Attributes
    ----------
    laboratory : str
        Organisation id of the laboratory.
    quantity : str
        Kind of quantity, e.g. ``"mass"``; compared with :attr:`Item.quantity`.
    unit : str
        D-SI unit of ``low``, ``high`` and ``cmc``. Best the unit of the items it is
        compared with; otherwise :func:`~sitrace.traceability.resolve_chain` converts
        it with :mod:`sitrace.units` (a unit that does not convert covers nothing).
    low, high : float
        The range covered.
    cmc : float
        Calibration and measurement capability: the smallest expanded uncertainty the
        laboratory may claim in this range, absolute, in ``unit`` (ILAC-P14:09/2020).
    valid_from : datetime.date
        First day of validity.
    valid_until : datetime.date or None
        Last day of validity; ``None`` if open-ended.
    """

    laboratory: str
    quantity: str
    unit: str
    low: float
    high: float
    cmc: float
    valid_from: dt.date
    valid_until: dt.date | None = None

    def __post_init__(self) -> None:
        where = f"accreditation of {self.laboratory!r} for {self.quantity!r}"
        _text(self.laboratory, name="laboratory", where="accreditation")
        _text(self.quantity, name="quantity", where=where)
        _text(self.unit, name="unit", where=where)
        _range(self, where)
        _set(self, "cmc", _number(self.cmc, name="cmc", where=where, minimum=0.0))
        start = _date(self.valid_from, name="valid_from", where=where)
        end = _date(self.valid_until, name="valid_until", where=where, optional=True)
        if end is not None:
            _on_or_after(end, start, names=("valid_until", "valid_from"), where=where)

    def valid_on(self, day: dt.date) -> bool:
        """True if this line is valid on ``day`` (both ends inclusive)."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def covers(self, low: float, high: float) -> bool:
        """True if ``[low, high]`` lies inside this line's range (ends inclusive)."""
        return self.low <= low and high <= self.high


# --------------------------------------------------------------------------- registry


_DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple[tuple[str | int, ...], str]:
    """Sort key of an id in natural order: runs of digits compare as numbers.

    ``"9" < "10"`` and ``"C-9" < "C-10"``, as integer database keys do.
    """
    parts = _DIGITS.split(text)  # text at even positions, digits at odd positions
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), text


def _order(calibration: Calibration) -> tuple[dt.date, tuple[tuple[str | int, ...], str]]:
    """Calibrations of one item are ordered by date performed, then by id (natural order)."""
    return calibration.performed, natural_key(calibration.id)


class Registry:
    """An immutable index of items, calibrations and accreditation scopes.

    Built once; every lookup afterwards is a dictionary access or a binary search
    (``bisect``), so that chains can be resolved in a registry of 10^5 calibrations.
    Calibrations of an item on the same day are ordered by id, in natural order
    (:func:`natural_key`: ``"9"`` before ``"10"``): the one with the larger id
    counts as the later.

    Parameters
    ----------
    items : iterable of Item
        Every item (standards and instruments); ids must be unique.
    calibrations : iterable of Calibration, optional
        Ids must be unique and each must calibrate a known item. A standard a
        calibration names but the registry does not hold is allowed (a partial
        view of a data centre): :func:`~sitrace.traceability.resolve_chain`
        reports the branch as ``not_traceable``.
    accreditations : iterable of Accreditation, optional
        Scope lines of the laboratories.

    Raises
    ------
    InputError
        A value of the wrong type, a duplicate id (named), or a calibration of an
        unknown item.

    Examples
    --------
    >>> import datetime as dt
    >>> kg = Item("K", "National kilogram", "national_primary", "mass", r"\\kilogram", "NMI")
    >>> cal = Calibration("C-1", "K", "BIPM", dt.date(2024, 1, 10), dt.date(2026, 1, 9),
    ...                   (), 5e-9, 5e-9, 1.0, 1.0)
    >>> registry = Registry([kg], [cal])
    >>> registry.calibration_at("K", dt.date(2025, 6, 1)).id
    'C-1'
    >>> registry.calibration_at("K", dt.date(2023, 6, 1)) is None
    True
    """

    __slots__ = (
        "_accreditations",
        "_by_item",
        "_calibrations",
        "_dates",
        "_items",
        "_position",
        "_scope",
        "_use_dates",
        "_users",
    )

    def __init__(
        self,
        items: Iterable[Item],
        calibrations: Iterable[Calibration] = (),
        accreditations: Iterable[Accreditation] = (),
    ) -> None:
        index: dict[str, Item] = {}
        for n, item in enumerate(items):
            if not isinstance(item, Item):
                raise InputError(f"must be an Item, got {type(item).__name__}", where=f"items[{n}]")
            if item.id in index:
                raise InputError(f"duplicate item id {item.id!r}", where=f"items[{n}]")
            index[item.id] = item
        by_id: dict[str, Calibration] = {}
        for n, cal in enumerate(calibrations):
            if not isinstance(cal, Calibration):
                raise InputError(
                    f"must be a Calibration, got {type(cal).__name__}", where=f"calibrations[{n}]"
                )
            if cal.id in by_id:
                raise InputError(f"duplicate calibration id {cal.id!r}", where=f"calibrations[{n}]")
            if cal.item not in index:
                raise InputError(
                    f"calibration {cal.id!r} calibrates unknown item {cal.item!r}",
                    where=f"calibrations[{n}]",
                )
            by_id[cal.id] = cal
        lines: list[Accreditation] = []
        for n, line in enumerate(accreditations):
            if not isinstance(line, Accreditation):
                raise InputError(
                    f"must be an Accreditation, got {type(line).__name__}",
                    where=f"accreditations[{n}]",
                )
            lines.append(line)

        ordered = sorted(by_id.values(), key=_order)
        grouped: dict[str, list[Calibration]] = {}
        users: dict[str, list[Calibration]] = {}
        for cal in ordered:
            grouped.setdefault(cal.item, []).append(cal)
            for standard in cal.standards:
                users.setdefault(standard, []).append(cal)
        position: dict[str, int] = {}
        for cals in grouped.values():
            for i, cal in enumerate(cals):
                position[cal.id] = i
        scope: dict[str, list[Accreditation]] = {}
        for line in lines:
            scope.setdefault(line.laboratory, []).append(line)

        self._items: Mapping[str, Item] = FrozenMap(index)
        self._calibrations: Mapping[str, Calibration] = FrozenMap(by_id)
        self._accreditations = tuple(lines)
        self._by_item = {k: tuple(v) for k, v in grouped.items()}
        self._dates = {k: tuple(c.performed for c in v) for k, v in grouped.items()}
        self._position = position
        self._users = {k: tuple(v) for k, v in users.items()}
        self._use_dates = {k: tuple(c.performed for c in v) for k, v in users.items()}
        self._scope = {k: tuple(v) for k, v in scope.items()}

    # -- contents -----------------------------------------------------------
    @property
    def items(self) -> Mapping[str, Item]:
        """Every item by id (read-only)."""
        return self._items

    @property
    def calibrations(self) -> Mapping[str, Calibration]:
        """Every calibration by id (read-only)."""
        return self._calibrations

    @property
    def accreditations(self) -> tuple[Accreditation, ...]:
        """Every scope line, in the order given."""
        return self._accreditations

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def __repr__(self) -> str:
        return (
            f"Registry({len(self._items)} items, {len(self._calibrations)} calibrations, "
            f"{len(self._accreditations)} scope lines)"
        )

    # -- lookups ------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        """The item ``item_id``; :class:`InputError` if unknown."""
        try:
            return self._items[item_id]
        except (KeyError, TypeError):
            raise InputError(f"unknown item {item_id!r}") from None

    def calibration(self, calibration_id: str) -> Calibration:
        """The calibration ``calibration_id``; :class:`InputError` if unknown."""
        try:
            return self._calibrations[calibration_id]
        except (KeyError, TypeError):
            raise InputError(f"unknown calibration {calibration_id!r}") from None

    def calibrations_of(self, item_id: str) -> tuple[Calibration, ...]:
        """Calibrations of ``item_id`` by date performed, then id; ``()`` if none."""
        self.item(item_id)
        return self._by_item.get(item_id, ())

    def calibration_at(self, item_id: str, day: dt.date) -> Calibration | None:
        """The latest calibration of ``item_id`` performed on or before ``day``, or None.

        This is the calibration a user of the item relies on on ``day``, whether or
        not it is still valid then.
        """
        self.item(item_id)
        dates = self._dates.get(item_id)
        if not dates:
            return None
        i = bisect.bisect_right(dates, day)
        return self._by_item[item_id][i - 1] if i else None

    def calibrations_between(
        self, item_id: str, start: dt.date, end: dt.date
    ) -> tuple[Calibration, ...]:
        """Calibrations of ``item_id`` performed in ``[start, end]`` (ends inclusive)."""
        self.item(item_id)
        dates = self._dates.get(item_id, ())
        lo = bisect.bisect_left(dates, start)
        hi = bisect.bisect_right(dates, end)
        return self._by_item[item_id][lo:hi] if hi > lo else ()

    def next_calibration(self, calibration_id: str) -> Calibration | None:
        """The calibration of the same item that follows ``calibration_id``, or None."""
        cal = self.calibration(calibration_id)
        cals = self._by_item[cal.item]
        i = self._position[cal.id] + 1
        return cals[i] if i < len(cals) else None

    def used_by(
        self,
        standard_id: str,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> tuple[Calibration, ...]:
        """Calibrations that used ``standard_id``, by date performed (then id).

        ``start`` and ``end`` restrict the date performed to ``[start, end]`` (ends
        inclusive). Any id is accepted: a standard the registry does not hold may
        still be named by calibrations.
        """
        cals = self._users.get(standard_id, ())
        if not cals or (start is None and end is None):
            return cals
        dates = self._use_dates[standard_id]
        lo = 0 if start is None else bisect.bisect_left(dates, start)
        hi = len(dates) if end is None else bisect.bisect_right(dates, end)
        return cals[lo:hi] if hi > lo else ()

    def scope_of(self, laboratory: str) -> tuple[Accreditation, ...]:
        """Every scope line of ``laboratory`` (any validity date); ``()`` if none."""
        return self._scope.get(laboratory, ())

    def scope_at(self, laboratory: str, quantity: str, day: dt.date) -> tuple[Accreditation, ...]:
        """Scope lines of ``laboratory`` for ``quantity`` valid on ``day``."""
        return tuple(
            line
            for line in self._scope.get(laboratory, ())
            if line.quantity == quantity and line.valid_on(day)
        )
