"""Import and export of instruments and calibrations as CSV and JSON, all or nothing.

Contents
--------
- :func:`read_records`: parse a CSV or JSON file into checked records, collecting
  *every* error (file, line, field, what was allowed, what was got) before
  raising one :class:`~sitrace.errors.InputError` that lists them.
- :func:`import_records`: write the records and log them in the ledger in ONE
  transaction (one signed checkpoint); any error rolls everything back.
- :func:`export_records`: the records an actor may see, in the layout the
  importer reads (export, then import into another data centre, reproduces them).
- :class:`Record`, :class:`ImportReport`.

File layouts
------------
Instruments (``kind="instruments"``, standards included): one CSV row, or one
JSON object, per item, with the fields of :class:`~sitrace.services.schemas.ItemCreate`.
``kind`` defaults to ``instrument`` (``standard`` when a ``level`` other than
``instrument`` is given) and ``level`` to ``instrument``. ``owner`` is the
owner's organisation code (in JSON also an organisation id).

Calibrations (``kind="calibrations"``): in CSV, one row per measured point;
rows with the same ``certificate`` are one calibration, must be adjacent and
agree on the calibration's fields (a cell left empty takes the value of the
other rows). Columns: ``certificate``, ``item`` (id) or ``item_serial`` and
``item_owner`` (organisation code), ``kind``, ``laboratory`` (code),
``performed``, ``valid_until`` (ISO dates), ``standards`` (item ids or
``OWNER:SERIAL``, separated by ``;``), ``materials`` (ids, ``;``),
``operator``, ``conformity``, ``conformity_statement``, ``environment`` (a
JSON object), then per point ``quantity``, ``nominal``, ``value``, ``unit``,
``uncertainty`` (standard uncertainty), ``coverage_factor``, ``dof``. In JSON,
one object per calibration in the shape of
:class:`~sitrace.services.schemas.CalibrationCreate` with the same references
(``points`` may also give a measurement ``model``, evaluated by the GUM).

JSON files hold a list, or ``{"instruments": [...]}`` / ``{"calibrations": [...]}``.
A ``status`` column (written by the exporter) is accepted when it says the
record is in service; other states are history, recorded by logged actions.

Numbers are read as metrologists write them: ``1e-6``, ``-0.3``, ``0.000 1``
(digits in groups of three separated by a space, thin space or no-break space,
SI Brochure, 9th ed., 5.4.4); a decimal comma (``1,5``) is refused with the
number to write instead, and NaN and infinities are refused by name. An empty
cell is an absent value; an unknown column is an error, never ignored.

References
----------
RFC 4180 (CSV); RFC 8259 (JSON); SI Brochure, 9th ed. (2019), 5.4.4 (digit groups).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import difflib
import io
import json
import math
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from .. import ledger as core
from ..errors import ConflictError, InputError, NotFoundError, SitraceError, UnitError
from ..store import models as m
from ..units import parse_unit
from . import ledger, records
from .access import Actor, require, visible_calibrations, visible_items
from .calibrations import _record_calibration
from .datacentre import DataCentre
from .registry import _create_item
from .schemas import CalibrationCreate, ItemCreate

__all__ = [
    "FORMATS",
    "KINDS",
    "ImportReport",
    "Record",
    "export_records",
    "import_records",
    "parse_number",
    "read_records",
]

KINDS = ("instruments", "calibrations")
FORMATS = ("csv", "json")
MAX_MESSAGES = 50
"""At most this many messages are listed in one error; the rest are counted."""

ITEM_COLUMNS = (
    "kind", "level", "name", "serial", "owner", "tier", "type", "manufacturer", "model",
    "quantity", "unit", "range_low", "range_high", "best_uncertainty", "mpe",
    "accuracy_class", "location", "legal_control", "status",
)  # fmt: skip
ITEM_NUMBERS = frozenset({"range_low", "range_high", "best_uncertainty", "mpe"})
ITEM_REQUIRED = ("name", "serial", "quantity", "unit")

CALIBRATION_COLUMNS = (
    "certificate", "item", "item_serial", "item_owner", "kind", "laboratory", "performed",
    "valid_until", "standards", "materials", "operator", "conformity",
    "conformity_statement", "environment", "status",
)  # fmt: skip
POINT_COLUMNS = ("quantity", "nominal", "value", "unit", "uncertainty", "coverage_factor", "dof")
POINT_NUMBERS = frozenset({"nominal", "value", "uncertainty", "coverage_factor", "dof", "p"})
POINT_KEYS = (*POINT_COLUMNS, "model", "p")
CALIBRATION_REQUIRED = ("certificate", "performed", "valid_until", "unit", "value", "uncertainty")

Reference = tuple[str, str]
"""An item named by its owner's organisation code and its serial number."""


# --- where: file, line, field ----------------------------------------------------------

_POINT_FIELD = re.compile(r"^points\[(\d+)\](?:\.(.+))?$")
_FIELD = re.compile(r"^[A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*$")
_QUOTED_FIELD = re.compile(r"^field '(.+)'$")


def _locate(source: str, lines: Sequence[int], index: int | None, field: str | None) -> str:
    """``calibrations.csv line 5, field 'unit'`` or ``x.json line 9, field '[2].points[0].u'``."""
    if field is not None and (quoted := _QUOTED_FIELD.match(field)):
        field = quoted[1]
    line = lines[0] if lines else None
    if index is None and field is not None and (point := _POINT_FIELD.match(field)):
        position = int(point[1])
        if position < len(lines):
            line, field = lines[position], point[2]
    base = source if line is None else f"{source} line {line}"
    is_field = field is not None and _FIELD.match(field) is not None
    if index is not None:
        if field is None:
            return f"{base}, record [{index}]"
        if is_field:
            return f"{base}, field '[{index}].{field}'"
        return f"{base}, record [{index}], {field}"
    if field is None:
        return base
    return f"{base}, field '{field}'" if is_field else f"{base}, {field}"


def _relocated(error: SitraceError, where: str) -> SitraceError:
    clone = copy.copy(error)
    SitraceError.__init__(clone, error.message, where=where)
    return clone


def _raise_all(errors: list[SitraceError], what: str) -> NoReturn:
    """Raise the one error, or one error listing them all (capped at MAX_MESSAGES)."""
    if len(errors) == 1:
        raise errors[0]
    families = {type(e) for e in errors}
    family = families.pop() if len(families) == 1 else InputError
    shown = [str(e) for e in errors[:MAX_MESSAGES]]
    if len(errors) > MAX_MESSAGES:
        shown.append(f"and {len(errors) - MAX_MESSAGES} more")
    raise family(f"{len(errors)} errors {what}:\n" + "\n".join(shown))


@dataclass(frozen=True, slots=True)
class Record:
    """One record read from a file: its checked data, where it was read, and references.

    References by organisation code and serial number are resolved by
    :func:`import_records` in the data centre the records go to, so a file
    exported from one data centre imports into another.

    Attributes
    ----------
    data : ItemCreate or CalibrationCreate
        The checked content. Where a reference below is given, the id it
        replaces (``owner``, ``laboratory``, ``item``, ``standards``) is filled
        in at import.
    source : str
        The file name (or ``"records"``).
    lines : tuple of int
        CSV: the line of the row (a calibration: the line of each point's row).
        JSON: the line where the object starts, when known.
    index : int or None
        JSON: the position of the object in the file's list.
    owner, laboratory : str or None
        Organisation codes to resolve.
    item : (code, serial) or None
        The calibrated item named by its owner's code and serial number.
    standards : tuple or None
        The standards, each an id or a (code, serial) pair, when any is named.
    """

    data: ItemCreate | CalibrationCreate
    source: str = "records"
    lines: tuple[int, ...] = ()
    index: int | None = None
    owner: str | None = None
    laboratory: str | None = None
    item: Reference | None = None
    standards: tuple[int | Reference, ...] | None = None

    @property
    def where(self) -> str:
        """Where the record was read: ``instruments.csv line 4``, ``x.json line 2, record [0]``."""
        return _locate(self.source, self.lines, self.index, None)

    def locate(self, field: str | None) -> str:
        """Where a field of this record was read (``points[1].unit`` is the line of point 1)."""
        return _locate(self.source, self.lines, self.index, field)

    def relocate(self, error: SitraceError) -> SitraceError:
        """The error of a service, placed at this record's file, line and field."""
        return _relocated(error, self.locate(error.where))


# --- numbers ---------------------------------------------------------------------------

_SPACES = re.compile("[\u00a0\u2009\u202f ]")
_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(
    r"[+-]?(?:\d{1,3}(?: \d{3})+|\d+)(?:\.(?:(?:\d{3} )+\d{1,3}|\d*))?(?:[eE][+-]?\d+)?"
)
_THOUSANDS = re.compile(r"[+-]?[1-9]\d{0,2}(?:,\d{3})+")


def parse_number(text: str) -> float:
    """Read a number as a metrologist writes it; refuse what a spreadsheet might mangle.

    Accepts the plain decimal and scientific forms (``-0.3``, ``1e-6``,
    ``2.5E+3``), the minus sign U+2212, and digits in groups of three
    separated by a space, thin space or no-break space (``0.000 1``,
    ``1 013.25``). Refuses decimal commas (naming the number to write),
    NaN and infinities.

    Raises
    ------
    ValueError
        With a message that names what was got and what to write.

    References
    ----------
    SI Brochure, 9th ed. (2019), 5.4.4: digits grouped by three, "neither dots nor
    commas are ever inserted in the spaces between groups".

    Examples
    --------
    >>> parse_number("1e-6"), parse_number("0.000 1"), parse_number("\u22121 013.25")
    (1e-06, 0.0001, -1013.25)
    >>> parse_number("1,5")
    Traceback (most recent call last):
    ...
    ValueError: must use a decimal point, not a comma: write '1.5', got '1,5'
    """
    got = text.strip()
    t = _SPACES.sub(" ", got.replace("\u2212", "-"))
    if _PLAIN.fullmatch(t):
        return float(t)
    if " " in t and _GROUPED.fullmatch(t):
        return float(t.replace(" ", ""))
    if t.lstrip("+-").lower() in ("nan", "inf", "infinity"):
        raise ValueError(f"must be a finite number, got {got!r}")
    if "," in t:
        comma = t.replace(" ", "").replace(",", ".")
        if _PLAIN.fullmatch(comma):
            hint = f"write {comma!r}"
            if _THOUSANDS.fullmatch(t):
                hint += f" (or {t.replace(',', ' ')!r} if the comma groups digits)"
            raise ValueError(f"must use a decimal point, not a comma: {hint}, got {got!r}")
        raise ValueError(
            f"must be a number with a decimal point (group digits with spaces), got {got!r}"
        )
    if " " in t and _PLAIN.fullmatch(t.replace(" ", "")):
        raise ValueError(
            "digits must be grouped by three from the decimal point "
            f"(SI Brochure, 9th ed., 5.4.4), got {got!r}"
        )
    raise ValueError(f"must be a number, got {got!r}")


def _number(value: Any) -> Any:
    """A number from a cell or a JSON value; other JSON types are left to the schema."""
    if isinstance(value, str):
        return parse_number(value)
    if isinstance(value, float) and not math.isfinite(value):
        name = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        raise ValueError(f"must be a finite number, got {name}")
    return value


def _finite_json(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite_json(v) for v in value.values())
    if isinstance(value, list):
        return all(_finite_json(v) for v in value)
    return True


# --- building checked records ------------------------------------------------------------


def _path(loc: Sequence[Any]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_messages(error: ValidationError, bad: set[str]) -> Iterator[tuple[str | None, str]]:
    """(field path, message) per pydantic error, skipping fields already reported in ``bad``."""
    for item in error.errors():
        path = _path(item["loc"])
        if path and any(b == path or b.startswith((path + ".", path + "[")) for b in bad):
            continue
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "a value is required"
        elif path and "got" not in message and not isinstance(item["input"], dict | list):
            message = f"{message}, got {item['input']!r}"
        yield (path or None), message


def _unknown(noun: str, key: str, allowed: Sequence[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {noun} {key!r}{hint}; allowed: {', '.join(allowed)}"


def _reference(text: str) -> int | Reference:
    """A standard named by id (``12``) or by owner code and serial (``NIM:PB-N1``)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    code, colon, serial = text.partition(":")
    if colon and code.strip() and serial.strip():
        return (code.strip(), serial.strip())
    raise ValueError(f"must be an item id or OWNER:SERIAL, got {text!r}")


def _id(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"must be an id (a whole number), got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise ValueError(f"must be an id (a whole number), got {value!r}")


def _list(value: Any, separator: str = ";") -> list[Any]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(separator) if part.strip()]
    if isinstance(value, list):
        return value
    raise ValueError(f"must be a list, got {value!r}")


class _Builder:
    """Collects the errors of one record while its fields are read."""

    def __init__(self, locate: Callable[[str | None], str]) -> None:
        self.locate = locate
        self.errors: list[SitraceError] = []
        self.bad: set[str] = set()

    def fail(self, field: str | None, message: str) -> None:
        self.errors.append(InputError(message, where=self.locate(field)))
        if field:
            self.bad.add(field)

    def number(self, target: dict[str, Any], key: str, value: Any, field: str) -> None:
        try:
            target[key] = _number(value)
        except ValueError as error:
            self.fail(field, str(error))

    def validate(self, schema, data: dict[str, Any]):
        try:
            return schema.model_validate(data)
        except ValidationError as error:
            for field, message in _schema_messages(error, self.bad):
                self.fail(field, message)
            return None

    def unit(self, text: str, field: str) -> None:
        try:
            parse_unit(text.strip())
        except UnitError as error:
            self.errors.append(_relocated(error, self.locate(field)))
            self.bad.add(field)


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _build_item(values: dict[str, Any], b: _Builder) -> tuple[ItemCreate, str | None] | None:
    data: dict[str, Any] = {}
    owner_code = None
    for key, value in values.items():
        if not _present(value):
            continue
        if key in ITEM_NUMBERS:
            b.number(data, key, value, key)
        elif key == "owner" and isinstance(value, str):
            owner_code = value.strip()
        elif key == "status":
            if value != "in_service":
                b.fail(
                    key,
                    "only items in service are imported (status 'in_service'), "
                    f"got {value!r}: import it, then record its state so the change is logged",
                )
        else:
            data[key] = value
    if "kind" not in data:
        level = data.get("level")
        data["kind"] = "instrument" if level in (None, "instrument") else "standard"
    if "level" not in data and data["kind"] == "instrument":
        data["level"] = "instrument"
    if isinstance(data.get("unit"), str):
        b.unit(data["unit"], "unit")
    model = b.validate(ItemCreate, data)
    if b.errors or model is None:
        return None
    return model, owner_code


@dataclass(slots=True)
class _CalibrationRefs:
    laboratory: str | None = None
    item: Reference | None = None
    standards: tuple[int | Reference, ...] | None = None


def _build_calibration(
    values: dict[str, Any], points: Sequence[dict[str, Any]], b: _Builder
) -> tuple[CalibrationCreate, _CalibrationRefs] | None:
    data: dict[str, Any] = {}
    refs = _CalibrationRefs()
    serial = owner = None
    for key, value in values.items():
        if not _present(value):
            continue
        try:
            if key == "item":
                data["item"] = _id(value)
            elif key == "item_serial":
                serial = str(value).strip()
            elif key == "item_owner":
                owner = str(value).strip()
            elif key == "laboratory":
                if isinstance(value, str):
                    refs.laboratory = value.strip()
                else:
                    data["laboratory"] = _id(value)
            elif key == "standards":
                named = []
                for part in _list(value):
                    named.append(_reference(part) if isinstance(part, str) else _id(part))
                if any(isinstance(s, tuple) for s in named):
                    refs.standards = tuple(named)
                else:
                    data["standards"] = named
            elif key == "materials":
                data["materials"] = [_id(x) for x in _list(value)]
            elif key == "environment":
                if isinstance(value, str):
                    try:
                        value = json.loads(value)
                    except json.JSONDecodeError:
                        value = None
                    if not isinstance(value, dict):
                        raise ValueError(
                            'must be a JSON object such as {"temperature": 20.1}, '
                            f"got {values[key]!r}"
                        )
                if not isinstance(value, dict) or not _finite_json(value):
                    raise ValueError(f"must be an object of finite values, got {value!r}")
                data["environment"] = value
            elif key == "status":
                if value != "valid":
                    raise ValueError(
                        "only valid calibrations are imported (status 'valid'), "
                        f"got {value!r}: import it, then withdraw it so the change is logged"
                    )
            else:
                data[key] = value
        except ValueError as error:
            b.fail(key, str(error))
    if serial is not None or owner is not None:
        if "item" in data:
            b.fail("item", "give the item by id, or by item_serial and item_owner, not both")
        elif serial is None or owner is None:
            missing = "item_owner" if serial is not None else "item_serial"
            b.fail(missing, "item_serial and item_owner name the item together: give both")
        else:
            refs.item = (owner, serial)
            data["item"] = 0  # resolved at import
    elif "item" not in data and "item" not in b.bad:
        b.fail("item", "the item must be given: its id, or item_serial and item_owner")
    data["points"] = []
    for position, point in enumerate(points):
        checked: dict[str, Any] = {}
        for key, value in point.items():
            if not _present(value):
                continue
            if key in POINT_NUMBERS:
                b.number(checked, key, value, f"points[{position}].{key}")
            else:
                checked[key] = value
        data["points"].append(checked)
    for position, point in enumerate(data["points"]):
        if isinstance(point.get("unit"), str):
            b.unit(point["unit"], f"points[{position}].unit")
    model = b.validate(CalibrationCreate, data)
    if b.errors or model is None:
        return None
    return model, refs


# --- reading CSV -------------------------------------------------------------------------


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    if "," not in header:
        for candidate in (";", "\t"):
            if candidate in header:
                return candidate
    return ","


def _csv_rows(
    text: str, source: str, allowed: Sequence[str], required: Sequence[str]
) -> tuple[list[tuple[int, dict[str, str]]], list[SitraceError]]:
    """Rows as (line, {column: cell}), after checking the header; errors collected."""
    errors: list[SitraceError] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InputError(f"not a CSV header: {error}", where=f"{source} line 1") from None
    if header is None or not any(h.strip() for h in header):
        raise InputError(
            f"the file is empty: expected a header line naming the columns ({', '.join(allowed)})",
            where=f"{source} line 1",
        )
    columns = [h.strip().lower() for h in header]
    seen: set[str] = set()
    for position, name in enumerate(columns, start=1):
        if not name:
            continue
        if name not in allowed:
            errors.append(
                InputError(
                    _unknown("column", name, allowed), where=f"{source} line 1, column {position}"
                )
            )
        elif name in seen:
            errors.append(
                InputError(f"column {name!r} appears twice in the header", where=f"{source} line 1")
            )
        seen.add(name)
    missing = [repr(c) for c in required if c not in seen]
    names_item = "item" in seen or {"item_serial", "item_owner"} <= seen
    if "certificate" in allowed and not names_item:
        missing.append("'item' (or 'item_serial' and 'item_owner')")
    if missing:
        plural = "s" if len(missing) > 1 else ""
        errors.append(
            InputError(f"missing column{plural} {', '.join(missing)}", where=f"{source} line 1")
        )
    if errors:
        return [], errors
    rows: list[tuple[int, dict[str, str]]] = []
    previous = reader.line_num
    try:
        for row in reader:
            line, previous = previous + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            cells: dict[str, str] = {}
            for position, cell in enumerate(row):
                name = columns[position] if position < len(columns) else ""
                if name:
                    cells[name] = cell.strip()
                elif cell.strip():
                    errors.append(
                        InputError(
                            f"a value in column {position + 1}, which the header does not name, "
                            f"got {cell.strip()!r}",
                            where=f"{source} line {line}",
                        )
                    )
            rows.append((line, cells))
    except csv.Error as error:
        errors.append(
            InputError(
                f"malformed CSV ({error}): is a quote left open?",
                where=f"{source} line {reader.line_num}",
            )
        )
    return rows, errors


def _read_csv(text: str, source: str, kind: str) -> tuple[list[Record], list[SitraceError]]:
    if kind == "instruments":
        rows, errors = _csv_rows(text, source, ITEM_COLUMNS, ITEM_REQUIRED)
        out = []
        seen = _Seen(kind)
        for line, cells in rows:
            b = _Builder(lambda field, line=line: _locate(source, (line,), None, field))
            if cells.get("serial"):
                key = (cells.get("owner") or None, cells["serial"])
                duplicate = seen.check(key, f"line {line}", b.locate("serial"))
                if duplicate is not None:
                    errors.append(duplicate)
            built = _build_item(cells, b)
            errors.extend(b.errors)
            if built is not None:
                out.append(Record(built[0], source, (line,), owner=built[1]))
        return out, errors
    columns = CALIBRATION_COLUMNS + tuple(c for c in POINT_COLUMNS if c not in CALIBRATION_COLUMNS)
    rows, errors = _csv_rows(text, source, columns, CALIBRATION_REQUIRED)
    groups: list[list[tuple[int, dict[str, str]]]] = []
    first_lines: dict[str, list[int]] = {}
    for line, cells in rows:
        certificate = cells.get("certificate", "")
        if not certificate:
            where = f"{source} line {line}, field 'certificate'"
            errors.append(InputError("a value is required", where=where))
            continue
        if groups and groups[-1][0][1]["certificate"] == certificate:
            groups[-1].append((line, cells))
            first_lines[certificate].append(line)
            continue
        if certificate in first_lines:
            lines = first_lines[certificate]
            errors.append(
                InputError(
                    f"certificate {certificate!r} is already on {_lines(lines)}: the rows of one "
                    "calibration must be adjacent, and a certificate number is recorded once",
                    where=f"{source} line {line}, field 'certificate'",
                )
            )
            continue
        first_lines[certificate] = [line]
        groups.append([(line, cells)])
    out = []
    for group in groups:
        lines = tuple(line for line, _cells in group)
        b = _Builder(lambda field, lines=lines: _locate(source, lines, None, field))
        values: dict[str, str] = {}
        for line, cells in group:
            for key in CALIBRATION_COLUMNS:
                cell = cells.get(key, "")
                if not cell:
                    continue
                if key not in values:
                    values[key] = cell
                elif values[key] != cell:
                    first = next(n for n, c in group if c.get(key))
                    errors.append(
                        InputError(
                            f"{cell!r} differs from {values[key]!r} on line {first}: the rows of "
                            f"certificate {values['certificate']!r} are one calibration",
                            where=f"{source} line {line}, field '{key}'",
                        )
                    )
        points = [{k: cells.get(k, "") for k in POINT_COLUMNS} for _line, cells in group]
        built = _build_calibration(values, points, b)
        errors.extend(b.errors)
        if built is not None:
            data, refs = built
            out.append(
                Record(
                    data,
                    source,
                    lines,
                    laboratory=refs.laboratory,
                    item=refs.item,
                    standards=refs.standards,
                )
            )
    return out, errors


def _lines(lines: Sequence[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return f"lines {lines[0]}–{lines[-1]}"


# --- reading JSON ------------------------------------------------------------------------

_WHITESPACE = re.compile(r"[ \t\n\r]*")


def _element_lines(text: str, key: str | None) -> list[int] | None:
    """The line where each element of the file's list starts (None if it cannot be told)."""
    decoder = json.JSONDecoder()

    def skip(pos: int) -> int:
        return _WHITESPACE.match(text, pos).end()

    try:
        pos = skip(0)
        if key is not None:
            if text[pos] != "{":
                return None
            pos = skip(pos + 1)
            while True:
                name, pos = decoder.raw_decode(text, pos)
                pos = skip(pos)
                if text[pos] != ":":
                    return None
                pos = skip(pos + 1)
                if name == key:
                    break
                _value, pos = decoder.raw_decode(text, pos)
                pos = skip(pos)
                if text[pos] != ",":
                    return None
                pos = skip(pos + 1)
        if text[pos] != "[":
            return None
        pos = skip(pos + 1)
        lines: list[int] = []
        counted, line = 0, 1
        if text[pos] == "]":
            return lines
        while True:
            line += text.count("\n", counted, pos)
            counted = pos
            lines.append(line)
            _value, pos = decoder.raw_decode(text, pos)
            pos = skip(pos)
            if text[pos] == "]":
                return lines
            if text[pos] != ",":
                return None
            pos = skip(pos + 1)
    except (ValueError, IndexError):
        return None


def _read_json(text: str, source: str, kind: str) -> tuple[list[Record], list[SitraceError]]:
    try:
        content = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not valid JSON: {error.msg}",
            where=f"{source} line {error.lineno}, column {error.colno}",
        ) from None
    key = None
    if isinstance(content, dict):
        if list(content) != [kind]:
            raise InputError(
                f'expected a list of {kind}, or an object {{"{kind}": [...]}}, '
                f"got an object with keys {', '.join(map(repr, content)) or 'none'}",
                where=source,
            )
        key, content = kind, content[kind]
    if not isinstance(content, list):
        raise InputError(f"expected a list of {kind}, got {type(content).__name__}", where=source)
    starts = _element_lines(text, key) or []
    if len(starts) != len(content):
        starts = []
    out: list[Record] = []
    errors: list[SitraceError] = []
    seen = _Seen(kind)
    for index, element in enumerate(content):
        lines = (starts[index],) if starts else ()
        b = _Builder(lambda field, lines=lines, index=index: _locate(source, lines, index, field))
        if not isinstance(element, dict):
            b.fail(None, f"must be an object, got {type(element).__name__}")
            errors.extend(b.errors)
            continue
        field = "serial" if kind == "instruments" else "certificate"
        if isinstance(element.get(field), str) and element[field].strip():
            value = element[field].strip()
            owner = element.get("owner")
            owner = owner if isinstance(owner, str | int) else None
            key = (owner, value) if kind == "instruments" else value
            place = b.locate(None).removeprefix(f"{source} ")
            duplicate = seen.check(key, place, b.locate(field))
            if duplicate is not None:
                errors.append(duplicate)
        if kind == "instruments":
            for name in element:
                if name not in ITEM_COLUMNS:
                    b.fail(name, _unknown("field", name, ITEM_COLUMNS))
            fields = {k: v for k, v in element.items() if k in ITEM_COLUMNS}
            built = _build_item(fields, b) if not b.errors else None
            errors.extend(b.errors)
            if built is not None:
                out.append(Record(built[0], source, lines, index, owner=built[1]))
            continue
        allowed = (*CALIBRATION_COLUMNS, "points")
        for name in element:
            if name not in allowed:
                b.fail(name, _unknown("field", name, allowed))
        points = element.get("points")
        if not isinstance(points, list) or not points:
            b.fail("points", f"must be a list of at least one point, got {points!r}")
            points = []
        for position, point in enumerate(points):
            if not isinstance(point, dict):
                b.fail(f"points[{position}]", f"must be an object, got {point!r}")
                continue
            for name in point:
                if name not in POINT_KEYS:
                    b.fail(
                        f"points[{position}].{name}",
                        _unknown("field", name, POINT_KEYS),
                    )
        if b.errors:
            errors.extend(b.errors)
            continue
        values = {k: v for k, v in element.items() if k != "points"}
        built = _build_calibration(values, points, b)
        errors.extend(b.errors)
        if built is not None:
            data, refs = built
            out.append(
                Record(
                    data,
                    source,
                    lines,
                    index,
                    laboratory=refs.laboratory,
                    item=refs.item,
                    standards=refs.standards,
                )
            )
    return out, errors


# --- read_records ------------------------------------------------------------------------


def _check_choice(value: str | None, allowed: Sequence[str], name: str) -> None:
    if value not in allowed:
        raise InputError(f"must be one of {', '.join(allowed)}, got {value!r}", where=name)


class _Seen:
    """First place of each serial number or certificate, to name both lines of a duplicate."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.first: dict[Any, str] = {}

    def check(self, key: Any, place: str, where: str) -> SitraceError | None:
        if key not in self.first:
            self.first[key] = place
            return None
        if self.kind == "instruments":
            owner, serial = key
            what = f"serial {serial!r}" + (f" of {owner}" if owner is not None else "")
            rule = "a serial number is registered once per owner"
        else:
            what, rule = f"certificate {key!r}", "a certificate is recorded once"
        return InputError(f"{what} is already on {self.first[key]}: {rule}", where=where)


def read_records(
    path_or_text: str | os.PathLike[str],
    *,
    kind: str,
    format: str | None = None,
    source: str | None = None,
) -> list[Record]:
    """Read and check every record of a CSV or JSON file; report all errors at once.

    Parameters
    ----------
    path_or_text : path or str
        A file (a ``Path``, or a ``str`` naming an existing file), or the file's
        text itself (a ``str`` holding a newline, or starting with ``[`` or ``{``).
    kind : {"instruments", "calibrations"}
        What the file holds (standards count as instruments).
    format : {"csv", "json"}, optional
        Default: from the file's suffix, or for text, JSON if it starts with
        ``[`` or ``{``.
    source : str, optional
        The name used in messages; default the file's name, or ``"input"``.

    Returns
    -------
    list of Record
        In file order, each with the checked data (``data``) and where it was read.

    Raises
    ------
    InputError
        Listing every error found (at most 50 shown), each as
        ``"file line N, field 'x': what was wrong, got what"``. Nothing is written.
    """
    _check_choice(kind, KINDS, "kind")
    text, name, suffix = _text_of(path_or_text)
    source = source or name
    if format is None:
        if suffix in FORMATS:
            format = suffix
        elif suffix:
            raise InputError(
                f"cannot tell the format from the suffix '.{suffix}': give format csv or json",
                where=source,
            )
        else:
            format = "json" if text.lstrip().startswith(("[", "{")) else "csv"
    _check_choice(format, FORMATS, "format")
    reader = _read_csv if format == "csv" else _read_json
    out, errors = reader(text, source, kind)
    if errors:
        errors.sort(key=_error_order)
        _raise_all(errors, f"in {source}")
    if not out:
        raise InputError(f"the file holds no {kind}", where=source)
    return out


_LINE = re.compile(r" line (\d+)")


def _error_order(error: SitraceError) -> int:
    found = _LINE.search(error.where or "")
    return int(found[1]) if found else 0


def _text_of(path_or_text: str | os.PathLike[str]) -> tuple[str, str, str]:
    """(text, name for messages, suffix) of a path or of the text itself."""
    if isinstance(path_or_text, str) and (
        "\n" in path_or_text or path_or_text.lstrip().startswith(("[", "{"))
    ):
        return path_or_text.removeprefix("\ufeff"), "input", ""
    path = Path(path_or_text)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file: {error.strerror}", where=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x}): save the file as UTF-8 "
            "(in a spreadsheet: CSV UTF-8)",
            where=f"{path.name} line {line}",
        ) from None
    return text, path.name, path.suffix.lower().lstrip(".")


# --- import ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import wrote: records created and the ledger entries that log them.

    ``ledger_from <= index < ledger_to`` are the new ledger entries (one per
    record, and one per item a calibration restored to service); ``ledger_to``
    is the tree size of the one checkpoint signed for the import.
    """

    kind: str
    created: int
    records: tuple[dict[str, Any], ...]
    receipts: tuple[core.Receipt, ...]
    ledger_from: int
    ledger_to: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "created": self.created,
            "ids": [r["id"] for r in self.records],
            "ledger_from": self.ledger_from,
            "ledger_to": self.ledger_to,
        }


def _chunks(values: Iterable[Any], size: int = 500) -> Iterator[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _organisation_ids(session: Session, codes: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(codes)):
        rows = session.execute(
            select(m.Organisation.code, m.Organisation.id).where(m.Organisation.code.in_(chunk))
        )
        found.update({code: id_ for code, id_ in rows})
    return found


def _item_ids(session: Session, refs: set[Reference], condition=None) -> dict[Reference, int]:
    found: dict[Reference, int] = {}
    for chunk in _chunks(sorted(refs)):
        query = (
            select(m.Organisation.code, m.Item.serial, m.Item.id)
            .join(m.Organisation, m.Item.owner_id == m.Organisation.id)
            .where(
                m.Organisation.code.in_({c for c, _s in chunk}),
                m.Item.serial.in_({s for _c, s in chunk}),
            )
        )
        if condition is not None:
            query = query.where(condition)
        found.update({(code, serial): id_ for code, serial, id_ in session.execute(query)})
    return found


def _resolve(
    session: Session, actor: Actor, batch: list[Record]
) -> tuple[list[ItemCreate | CalibrationCreate | None], list[SitraceError]]:
    """Replace organisation codes and serial numbers by the ids of this data centre."""
    codes = {r.owner for r in batch if r.owner} | {r.laboratory for r in batch if r.laboratory}
    items = {r.item for r in batch if r.item}
    standards = {s for r in batch for s in (r.standards or ()) if isinstance(s, tuple)}
    codes |= {code for code, _serial in items | standards}
    organisations = _organisation_ids(session, codes)
    item_ids = _item_ids(session, items, visible_items(actor)) if items else {}
    standard_ids = _item_ids(session, standards) if standards else {}
    out: list[ItemCreate | CalibrationCreate | None] = []
    errors: list[SitraceError] = []
    for record in batch:
        update: dict[str, Any] = {}
        failed = len(errors)
        for field in ("owner", "laboratory"):
            code = getattr(record, field)
            if code is None:
                continue
            if code in organisations:
                update[field] = organisations[code]
            else:
                hint = " (this names organisations by code, not by id)" if code.isdigit() else ""
                errors.append(
                    NotFoundError(
                        f"no organisation with code {code!r}{hint}", where=record.locate(field)
                    )
                )
        if record.item is not None:
            code, serial = record.item
            if record.item in item_ids:
                update["item"] = item_ids[record.item]
            else:
                hint = ""
                if actor.role == "lab":
                    hint = " (an owner's item must first be shared with the laboratory)"
                errors.append(
                    NotFoundError(
                        f"no item with serial {serial!r} owned by {code!r}{hint}",
                        where=record.locate("item_serial"),
                    )
                )
        if record.standards is not None:
            ids = []
            for position, named in enumerate(record.standards):
                if isinstance(named, int):
                    ids.append(named)
                elif named in standard_ids:
                    ids.append(standard_ids[named])
                else:
                    errors.append(
                        NotFoundError(
                            f"no standard with serial {named[1]!r} owned by {named[0]!r}",
                            where=record.locate(f"standards[{position}]"),
                        )
                    )
            if len(set(ids)) != len(ids):
                errors.append(
                    InputError("a standard is listed twice", where=record.locate("standards"))
                )
            update["standards"] = ids
        if len(errors) > failed:
            out.append(None)
        else:
            out.append(record.data.model_copy(update=update) if update else record.data)
    return out, errors


def _warm(session: Session, actor: Actor, resolved: list[Any]) -> list[Any]:
    """Load the organisations and standards the records refer to, once."""
    organisations = {actor.organisation_id} - {None}
    standards: set[int] = set()
    for data in resolved:
        if isinstance(data, ItemCreate) and data.owner is not None:
            organisations.add(data.owner)
        elif isinstance(data, CalibrationCreate):
            if data.laboratory is not None:
                organisations.add(data.laboratory)
            standards.update(data.standards)
    rows: list[Any] = []
    for table, ids in ((m.Organisation, organisations), (m.Item, standards)):
        for chunk in _chunks(sorted(ids)):
            rows.extend(session.execute(select(table).where(table.id.in_(chunk))).scalars())
    return rows


def import_records(
    dc: DataCentre,
    actor: Actor,
    batch: Iterable[Record | ItemCreate | CalibrationCreate],
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Write every record and log it in the ledger in one transaction, or write nothing.

    Each record goes through the checks of :func:`~sitrace.services.registry.create_item`
    or :func:`~sitrace.services.calibrations.record_calibration` (rights, units of
    the item's dimension, duplicates in the data centre, ...). Every error of
    every record is collected; if there is any, the transaction is rolled back and
    one error lists them, each at its file, line and field. Otherwise one
    ledger call logs all records and signs one checkpoint.

    Parameters
    ----------
    dc, actor
        The data centre and who imports.
    batch : iterable of Record (from :func:`read_records`), ItemCreate or CalibrationCreate
        All of one kind.
    progress : callable(done, total), optional
        Called after each record is checked and added (for a progress bar).

    Raises
    ------
    PermissionDeniedError
        The actor's role may not write this kind of record (checked first).
    InputError, ConflictError, NotFoundError, UnitError
        One record or more is refused; nothing was written.
    """
    batch = [r if isinstance(r, Record) else Record(r, index=i) for i, r in enumerate(batch)]
    if not batch:
        raise InputError("there is nothing to import", where="records")
    types = {type(r.data) for r in batch}
    if len(types) > 1 or not types <= {ItemCreate, CalibrationCreate}:
        raise InputError(
            "an import holds either items or calibrations, one kind at a time", where="records"
        )
    calibrating = CalibrationCreate in types
    kind = "calibrations" if calibrating else "instruments"
    if calibrating:
        require(actor, {"admin", "lab"}, "record calibrations")
    else:
        require(actor, {"admin", "lab", "owner"}, "register instruments")
    source = batch[0].source
    with dc.transaction() as session:
        resolved, errors = _resolve(session, actor, batch)
        # Keep the rows every record looks up in the session's identity map (it holds
        # them weakly), so that each lookup is not a query again.
        held = _warm(session, actor, resolved)
        rows: list[Any] = []
        pending: list[ledger.Pending] = []
        for done, (record, data) in enumerate(zip(batch, resolved, strict=True), start=1):
            if data is not None:
                try:
                    if calibrating:
                        row, writes, note = _record_calibration(session, actor, data)
                    else:
                        row = _create_item(session, actor, data)
                        writes, note = [("create", row)], None
                        session.flush()
                except SitraceError as error:
                    errors.append(record.relocate(error))
                except IntegrityError:
                    errors.append(
                        ConflictError(
                            "the record conflicts with one stored meanwhile "
                            "(a duplicate serial or certificate): import again",
                            where=record.where,
                        )
                    )
                    _raise_all(errors, f"in {source}")
                else:
                    rows.append(row)
                    pending.extend(ledger.as_pending(w, actor, note) for w in writes)
            if progress is not None:
                progress(done, len(batch))
        del held
        if errors:
            errors.sort(key=_error_order)
            _raise_all(errors, f"in {source}")
        logged = dc.log(session, pending, actor=actor)
        first = {}
        for entry in logged:
            first.setdefault((entry.record_type, entry.record_id), entry.index)
        indexes = [first[(records.record_type(row), row.id)] for row in rows]
        receipts = ledger.receipts(session, indexes, logged[-1].index + 1)
        return ImportReport(
            kind=kind,
            created=len(rows),
            records=tuple(records.record_dict(row) for row in rows),
            receipts=receipts,
            ledger_from=logged[0].index,
            ledger_to=logged[-1].index + 1,
        )


# --- export ------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, allow_nan=False, sort_keys=True)
    if isinstance(value, list | tuple):
        return ";".join(_cell(v) for v in value)
    return str(value)


def _json_object(row: dict[str, Any]) -> dict[str, Any]:
    """A row as a JSON object: absent values and empty lists left out, dates in ISO 8601."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if value is None or value == []:
            continue
        if key == "points":
            value = [_json_object(point) for point in value]
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def _export_items(session: Session, actor: Actor) -> list[dict[str, Any]]:
    rows = session.execute(
        select(m.Item, m.Organisation.code)
        .join(m.Organisation, m.Item.owner_id == m.Organisation.id)
        .where(visible_items(actor))
        .order_by(m.Item.id)
    )
    out = []
    for item, code in rows:
        data = {name: getattr(item, name) for name in ITEM_COLUMNS if name != "owner"}
        data["owner"] = code
        out.append({name: data[name] for name in ITEM_COLUMNS})
    return out


def _export_calibrations(session: Session, actor: Actor) -> list[dict[str, Any]]:
    calibrations = (
        session.execute(
            select(m.Calibration)
            .where(visible_calibrations(actor))
            .options(selectinload(m.Calibration.points), selectinload(m.Calibration.standards))
            .order_by(m.Calibration.id)
        )
        .scalars()
        .all()
    )
    item_ids = {c.item_id for c in calibrations}
    item_ids |= {s.item_id for c in calibrations for s in c.standards}
    names: dict[int, Reference] = {}
    for chunk in _chunks(sorted(item_ids)):
        query = (
            select(m.Item.id, m.Organisation.code, m.Item.serial)
            .join(m.Organisation, m.Item.owner_id == m.Organisation.id)
            .where(m.Item.id.in_(chunk))
        )
        names.update({id_: (code, serial) for id_, code, serial in session.execute(query)})
    codes: dict[int, str] = {}
    for chunk in _chunks(sorted({c.laboratory_id for c in calibrations})):
        query = select(m.Organisation.id, m.Organisation.code).where(m.Organisation.id.in_(chunk))
        codes.update({id_: code for id_, code in session.execute(query)})
    out = []
    for c in calibrations:
        owner, serial = names[c.item_id]
        out.append(
            {
                "certificate": c.certificate,
                "item_serial": serial,
                "item_owner": owner,
                "kind": c.kind,
                "laboratory": codes[c.laboratory_id],
                "performed": c.performed,
                "valid_until": c.valid_until,
                "standards": [":".join(names[s.item_id]) for s in c.standards],
                "materials": sorted(x.material_id for x in c.materials),
                "operator": c.operator,
                "conformity": c.conformity,
                "conformity_statement": c.conformity_statement,
                "environment": c.environment,
                "status": c.status,
                "points": [{name: getattr(p, name) for name in POINT_COLUMNS} for p in c.points],
            }
        )
    return out


def export_records(session: Session, actor: Actor, *, kind: str, format: str = "csv") -> str:
    """The items or calibrations the actor may see, in the layout :func:`read_records` reads.

    Items name their owner by organisation code; calibrations name their item
    by ``item_serial`` and ``item_owner``, their laboratory by code and their
    standards as ``OWNER:SERIAL``, so that the file imports into another data
    centre holding the same organisations and items. A point is exported with
    its result (value, standard uncertainty, k, dof); its measurement model and
    budget stay in this data centre (and its ledger). ``status`` is written so
    that withdrawn or out-of-tolerance records are not imported as valid ones.

    Parameters
    ----------
    session : Session
        A reading session (see :meth:`DataCentre.reading`).
    actor : Actor
        Only what the actor may see is exported.
    kind : {"instruments", "calibrations"}
    format : {"csv", "json"}

    Returns
    -------
    str
        The file's text.
    """
    _check_choice(kind, KINDS, "kind")
    _check_choice(format, FORMATS, "format")
    if kind == "instruments":
        rows = _export_items(session, actor)
    else:
        rows = _export_calibrations(session, actor)
    if format == "json":
        content = [_json_object(row) for row in rows]
        return json.dumps({kind: content}, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if kind == "instruments":
        writer.writerow(ITEM_COLUMNS)
        writer.writerows([_cell(row[c]) for c in ITEM_COLUMNS] for row in rows)
    else:
        columns = [c for c in CALIBRATION_COLUMNS if c != "item"]
        writer.writerow([*columns, *POINT_COLUMNS])
        for row in rows:
            head = [_cell(row[c]) for c in columns]
            for point in row["points"]:
                writer.writerow([*head, *(_cell(point[c]) for c in POINT_COLUMNS)])
    return buffer.getvalue()
