r"""Human-readable renderings of a DCC: a standalone HTML page and a PDF, per language.

A rendering shows a person what the certificate's XML says; it is never the certificate.
Every rendering says so, and shows a QR code that names the certificate and the digest
of its XML, so a reader can find and check the authoritative file.

Contents
--------
- :func:`render_html`: one standalone HTML document (CSS inline, images as inline SVG,
  no script, nothing fetched), in one language.
- :func:`render_pdf`: the same content as a PDF (reportlab), with a Unicode font.
- :func:`render_all`: every used language in every format, written to a folder.
- :func:`languages`: the languages a certificate is rendered in.
- :func:`qr_payload`: the text carried by the QR code.
- :func:`embedded_document` and :data:`EMBEDDED_WARNING`: a ``dcc:document`` file.

How the content is laid out
---------------------------
The administrative data (identifier, laboratory, customer, items with their
identifications, dates and place, responsible persons with the main signer,
statements with conformity and recalibration date, software), then every measurement
result with its methods, influence conditions and measuring equipment, and each
``dcc:result`` as tables: one column per quantity (per unit for ``si:hybrid``), one
row per list entry. Quantities of different lengths go to different tables. A
``dcc:list`` of unnamed ``si:real`` quantities (PTB's way of writing a table column) is
one column named by the list; any other ``dcc:list`` gives tables of its own, captioned
with its name. A value with an expanded uncertainty reads "0.072 ± 0.061" under a
header "± U, k = 2"; a standard uncertainty reads "(u = 0.03)". Units, uncertainties
and coverage factors stated once apply to every entry of a list (D-SI "1 or N"). A
table of three or more rows is plotted: each quantity against the first one (or
against the row number), with error bars of U. Numbers are shown as the shortest
decimal that reads back as the stored value (trailing zeros of the XML are not kept
by the model). A value the reader could not read, or a D-SI form the model does not
cover, is marked "not shown here (see the XML)", and the reader's issues are listed.

Texts are taken in the chosen language, else the language-neutral content, else any
content, which is then marked with its language. Every text of the certificate is
escaped: a certificate cannot inject markup into a rendering.

The QR payload
--------------
``DCC:<uniqueIdentifier>;SHA256:<digest as 64 lowercase hex digits>`` (the ``SHA256``
part only when a digest is given). In the identifier, ``%``, ``;`` and control
characters are percent-encoded (RFC 3986, 2.1), so the text splits unambiguously at
``;``. The digest is the one computed by :mod:`sitrace.dcc.signature` over the
canonical XML; this module takes it as bytes and does not compute it.

References
----------
PTB, "Digital Calibration Certificate", XML schema 3.3.0 (2024), ``dcc.xsd``.
JCGM 100:2008 (GUM), 7.2.2 (standard uncertainty), 7.2.3 (expanded uncertainty U, k).
ISO/IEC 18004:2015 (QR code).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

from ..errors import InputError
from ._xmlvalues import written_text
from .model import (
    Address,
    Certificate,
    Contact,
    Hash,
    Identification,
    Quantity,
    QuantityList,
    SiComplex,
    SiConstant,
    SiHybrid,
    SiList,
    SiReal,
    Text,
    Uncertainty,
)
from .unicode_units import unit_text

__all__ = [
    "AUTHORITATIVE_NOTE",
    "EMBEDDED_WARNING",
    "embedded_document",
    "languages",
    "qr_payload",
    "render_all",
    "render_html",
    "render_pdf",
]

EMBEDDED_WARNING = (
    "the embedded document is not verified against the XML; the XML is the certificate"
)
"""Shown with every rendering of a certificate that embeds a ``dcc:document``."""

AUTHORITATIVE_NOTE = (
    "This is a human-readable rendering. The authoritative certificate is the DCC's XML file."
)
"""Shown on every rendering (translated where a translation is known)."""

#: Smallest number of rows of a table that gets a plot.
PLOT_MIN_ROWS = 3
#: Most quantities plotted for one table (one panel each).
PLOT_MAX_PANELS = 6
#: Resolution of the plots and of the QR code in a PDF.
PDF_DPI = 150

_TEMPLATES = Path(__file__).parent / "templates"

# ------------------------------------------------------------------------------ words

_LABELS_EN = {
    "title": "Calibration certificate",
    "authoritative": AUTHORITATIVE_NOTE,
    "embedded_warning": EMBEDDED_WARNING,
    "administrative": "Administrative data",
    "identifier": "Certificate identifier",
    "schema": "DCC schema version",
    "country": "Country",
    "languages": "Languages",
    "mandatory": "mandatory",
    "performance_date": "Date of calibration",
    "performance_location": "Place of calibration",
    "receipt_date": "Date of receipt",
    "previous_report": "Previous report",
    "issue_date": "Date of issue",
    "issues": "Values that could not be read (kept in the XML as written, not shown here)",
    "laboratory": "Calibration laboratory",
    "customer": "Customer",
    "items": "Calibration items",
    "item": "Item",
    "manufacturer": "Manufacturer",
    "model": "Model",
    "description": "Description",
    "identification": "Identification",
    "address": "Address",
    "email": "E-mail",
    "phone": "Phone",
    "fax": "Fax",
    "persons": "Responsible persons",
    "role": "Role",
    "main_signer": "main signer",
    "statements": "Statements",
    "statement": "Statement",
    "declaration": "Declaration",
    "norm": "Norm",
    "reference": "Reference",
    "conformity": "Conformity",
    "date": "Date",
    "recalibration": "Recalibration",
    "recalibration_date": "Recalibration date",
    "validity_range": "Validity range",
    "period": "Period",
    "valid": "Valid",
    "software": "Software",
    "release": "Release",
    "type": "Type",
    "document": "Embedded document",
    "name": "Name",
    "size": "Size",
    "bytes": "bytes",
    "results": "Measurement results",
    "methods": "Methods used",
    "equipment": "Measuring equipment",
    "conditions": "Influence conditions",
    "status": "Status",
    "certificate": "Certificate",
    "in": "in",
    "row": "No.",
    "not_shown": "not shown here (see the XML)",
    "unc_legend": (
        "U: expanded uncertainty; k: coverage factor; p: coverage probability; "
        "u: standard uncertainty (JCGM 100:2008)."
    ),
    "standard_u": "(u): standard uncertainty",
    "interval": "[ ]: coverage interval",
    "qr": "Identification of the XML",
    "qr_help": "DCC: unique identifier; SHA256: digest of the canonical XML",
    "verification": "Signature verification",
    "validation": "Validation",
    "yes": "yes",
    "no": "no",
    "page": "page",
    # values of dcc:performanceLocation, dcc:issuer, dcc:conformity
    "place.laboratory": "calibration laboratory",
    "place.customer": "customer",
    "place.laboratoryBranch": "branch of the calibration laboratory",
    "place.customerBranch": "branch of the customer",
    "place.other": "other",
    "issuer.manufacturer": "manufacturer",
    "issuer.calibrationLaboratory": "calibration laboratory",
    "issuer.customer": "customer",
    "issuer.owner": "owner",
    "issuer.other": "other",
    "conformity.pass": "pass",
    "conformity.fail": "fail",
    "conformity.conditionalPass": "conditional pass",
    "conformity.conditionalFail": "conditional fail",
    "conformity.noPass": "no pass (noPass)",
    "conformity.noFail": "no fail (noFail)",
    "fallback": "not available in the chosen language; shown in",
}

_LABELS_DE = {
    "title": "Kalibrierschein",
    "authoritative": (
        "Dies ist eine menschenlesbare Darstellung. Maßgeblich ist die XML-Datei des DCC."
    ),
    "embedded_warning": (
        "das eingebettete Dokument ist nicht gegen das XML geprüft; das XML ist der Kalibrierschein"
    ),
    "administrative": "Administrative Daten",
    "identifier": "Kennung des Kalibrierscheins",
    "schema": "Version des DCC-Schemas",
    "country": "Land",
    "languages": "Sprachen",
    "mandatory": "verbindlich",
    "performance_date": "Datum der Kalibrierung",
    "performance_location": "Ort der Kalibrierung",
    "receipt_date": "Eingangsdatum",
    "previous_report": "Vorheriger Bericht",
    "issue_date": "Ausstellungsdatum",
    "issues": "Nicht lesbare Werte (im XML unverändert erhalten, hier nicht gezeigt)",
    "laboratory": "Kalibrierlaboratorium",
    "customer": "Auftraggeber",
    "items": "Kalibriergegenstände",
    "item": "Gegenstand",
    "manufacturer": "Hersteller",
    "model": "Typ",
    "description": "Beschreibung",
    "identification": "Kennzeichnung",
    "address": "Anschrift",
    "email": "E-Mail",
    "phone": "Telefon",
    "fax": "Fax",
    "persons": "Verantwortliche Personen",
    "role": "Funktion",
    "main_signer": "Hauptunterzeichner",
    "statements": "Erklärungen",
    "statement": "Erklärung",
    "declaration": "Erklärung",
    "norm": "Norm",
    "reference": "Referenz",
    "conformity": "Konformität",
    "date": "Datum",
    "recalibration": "Rekalibrierung",
    "recalibration_date": "Datum der Rekalibrierung",
    "validity_range": "Gültigkeitsbereich",
    "period": "Zeitraum",
    "valid": "Gültig",
    "software": "Software",
    "release": "Version",
    "type": "Art",
    "document": "Eingebettetes Dokument",
    "name": "Name",
    "size": "Größe",
    "bytes": "Bytes",
    "results": "Messergebnisse",
    "methods": "Verwendete Verfahren",
    "equipment": "Messmittel",
    "conditions": "Einflussgrößen",
    "status": "Status",
    "certificate": "Kalibrierschein",
    "in": "in",
    "row": "Nr.",
    "not_shown": "hier nicht dargestellt (siehe XML)",
    "unc_legend": (
        "U: erweiterte Messunsicherheit; k: Erweiterungsfaktor; p: Überdeckungs"
        "wahrscheinlichkeit; u: Standardmessunsicherheit (JCGM 100:2008)."
    ),
    "standard_u": "(u): Standardmessunsicherheit",
    "interval": "[ ]: Überdeckungsintervall",
    "qr": "Kennzeichnung des XML",
    "qr_help": "DCC: eindeutige Kennung; SHA256: Hashwert des kanonischen XML",
    "verification": "Prüfung der Signatur",
    "validation": "Validierung",
    "yes": "ja",
    "no": "nein",
    "page": "Seite",
    "place.laboratory": "Kalibrierlaboratorium",
    "place.customer": "Auftraggeber",
    "place.laboratoryBranch": "Zweigstelle des Kalibrierlaboratoriums",
    "place.customerBranch": "Zweigstelle des Auftraggebers",
    "place.other": "anderer Ort",
    "issuer.manufacturer": "Hersteller",
    "issuer.calibrationLaboratory": "Kalibrierlaboratorium",
    "issuer.customer": "Auftraggeber",
    "issuer.owner": "Eigentümer",
    "issuer.other": "andere",
    "conformity.pass": "bestanden",
    "conformity.fail": "nicht bestanden",
    "conformity.conditionalPass": "bedingt bestanden",
    "conformity.conditionalFail": "bedingt nicht bestanden",
    "conformity.noPass": "kein Bestehen (noPass)",
    "conformity.noFail": "kein Nichtbestehen (noFail)",
    "fallback": "in der gewählten Sprache nicht vorhanden; gezeigt in",
}

_LABELS = {"en": _LABELS_EN, "de": {**_LABELS_EN, **_LABELS_DE}}


def _labels(lang: str | None) -> Mapping[str, str]:
    """The words of a rendering in ``lang``; English where no translation is known."""
    return _LABELS.get((lang or "en").split("-")[0].lower(), _LABELS_EN)


# ------------------------------------------------------------------------- view model


@dataclass(frozen=True, slots=True)
class _Text:
    """A text to show; ``lang`` is set when it is not in the chosen language (marked)."""

    text: str
    lang: str | None = None

    @property
    def fallback(self) -> bool:
        return self.lang is not None

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class _Field:
    label: str
    value: _Text


@dataclass(frozen=True, slots=True)
class _Cell:
    value: str
    uncertainty: str = ""  # " ± 0.061", " (u = 0.03)", " [0.1, 0.3]"
    unit: str = ""  # only when the column's entries have different units

    @property
    def text(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.value}{self.uncertainty}{unit}"


@dataclass(frozen=True, slots=True)
class _Column:
    name: _Text
    unit: str  # the unit of every entry, "" for none or when entries differ
    note: str  # how the uncertainty is given: "± U, k = 2, p = 95 %"
    cells: tuple[_Cell, ...]
    numbers: tuple[float, ...] | None = None  # the values, for a plot
    errors: tuple[float | None, ...] | None = None  # U per entry, for a plot
    quantity: int = 0  # index of the quantity among the table's source quantities
    alternative: int = 0  # index of the unit alternative of an si:hybrid


@dataclass(frozen=True, slots=True)
class _Table:
    columns: tuple[_Column, ...]
    rows: int
    caption: _Text | None = None  # the name of a dcc:list
    plot: str | bytes | None = None  # inline SVG (HTML) or PNG (PDF)

    @property
    def body(self) -> list[tuple[_Cell, ...]]:
        return [tuple(c.cells[i] for c in self.columns) for i in range(self.rows)]


@dataclass(frozen=True, slots=True)
class _Entry:
    """A titled block: an item, a person, a statement, a method, ..."""

    title: _Text
    fields: tuple[_Field, ...] = ()
    tables: tuple[_Table, ...] = ()
    badge: str = ""


@dataclass(frozen=True, slots=True)
class _Status:
    title: str
    ok: bool | None
    fields: tuple[_Field, ...]


@dataclass(frozen=True, slots=True)
class _Result:
    title: _Text
    description: _Text | None
    tables: tuple[_Table, ...]


@dataclass(frozen=True, slots=True)
class _MeasurementResult:
    title: _Text
    description: _Text | None
    methods: tuple[_Entry, ...]
    conditions: tuple[_Entry, ...]
    equipment: tuple[_Entry, ...]
    results: tuple[_Result, ...]


@dataclass(frozen=True, slots=True)
class _View:
    lang: str | None
    words: Mapping[str, str]
    identifier: str
    title: str
    admin: tuple[_Field, ...]
    laboratory: _Entry
    customer: _Entry
    items: tuple[_Entry, ...]
    persons: tuple[_Entry, ...]
    statements: tuple[_Entry, ...]
    software: tuple[_Field, ...]
    document: tuple[_Field, ...]  # empty when no document is embedded
    statuses: tuple[_Status, ...]
    qr_payload: str
    qr_image: str | bytes
    measurement_results: tuple[_MeasurementResult, ...]
    issues: tuple[str, ...] = ()
    has_uncertainty: bool = False


# ------------------------------------------------------------------------------ texts


def _text(text: Text | None, lang: str | None) -> _Text | None:
    """The text in ``lang``, else the language-neutral one, else the first (marked)."""
    if text is None:
        return None
    entries = [(entry_lang, t.strip()) for entry_lang, t in text.entries if t.strip()]
    for wanted in (lang, None):
        for entry_lang, chosen in entries:
            if entry_lang == wanted:
                return _Text(chosen)
    if not entries:
        return None
    first_lang, first = entries[0]
    return _Text(first, first_lang)


def _word(words: Mapping[str, str], kind: str, value: str | None) -> str | None:
    """A schema enumeration value (``pass``, ``manufacturer``) in words, else as written."""
    if value is None:
        return None
    return words.get(f"{kind}.{value}", value)


def _date(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# ----------------------------------------------------------------------------- numbers

_SUPERSCRIPTS = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")


def _number(x: float) -> str:
    """The number as the certificate wrote it ("0.020": its digits state its precision),
    else the shortest text that reads back as ``x`` ("0.072", "293", "1.5·10⁻⁵")."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    written = written_text(x)
    text = (written or repr(float(x))).lower().lstrip("+")
    mantissa, _, exponent = text.partition("e")
    if written is None and mantissa.endswith(".0"):
        mantissa = mantissa[:-2]
    if not exponent:
        return mantissa
    return f"{mantissa}·10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


def _percent(p: float) -> str:
    return f"{_number(round(p * 100, 10))} %"


def _pick(values: Sequence[Any], i: int, n: int) -> Any:
    """Entry ``i`` of a D-SI "1 or N" list of ``n`` values; None when absent or mismatched."""
    if len(values) == n:
        return values[i]
    if len(values) == 1:
        return values[0]
    return None


def _uniform(values: Sequence[Any], n: int) -> tuple[bool, Any]:
    """Whether the broadcast list has one value for all ``n`` entries, and that value."""
    picked = {_pick(values, i, n) for i in range(n)}
    return (len(picked) == 1, next(iter(picked))) if picked else (True, None)


def _uncertainty(
    unc: Uncertainty | None, n: int, words: Mapping[str, str]
) -> tuple[str, list[str], list[float | None]]:
    """Header note, per-entry texts and per-entry U (for error bars) of an uncertainty."""
    if unc is None:
        return "", [""] * n, [None] * n
    expanded = unc.kind in ("expandedUnc", "expandedMU")
    k_same, k = _uniform(unc.coverage_factor, n)
    p_same, p = _uniform(unc.coverage_probability, n)
    note_parts: list[str] = []
    if expanded:
        note_parts.append("± U")
        if k is not None and k_same:
            note_parts.append(f"k = {_number(k)}")
        if p is not None and p_same:
            note_parts.append(f"p = {_percent(p)}")
    else:
        note_parts.append(words["standard_u"])
        if unc.interval_min or unc.interval_max:
            note_parts.append(words["interval"])
            if p is not None and p_same:
                note_parts.append(f"p = {_percent(p)}")
    texts: list[str] = []
    errors: list[float | None] = []
    for i in range(n):
        u = _pick(unc.value, i, n)
        shown = "?" if u is None else _number(u)
        if expanded:
            text = f" ± {shown}"
            per_entry = []
            if not k_same and _pick(unc.coverage_factor, i, n) is not None:
                per_entry.append(f"k = {_number(_pick(unc.coverage_factor, i, n))}")
            if not p_same and _pick(unc.coverage_probability, i, n) is not None:
                per_entry.append(f"p = {_percent(_pick(unc.coverage_probability, i, n))}")
            if per_entry:
                text += f" ({', '.join(per_entry)})"
            errors.append(u)
        else:
            text = f" (u = {shown})" if unc.value else ""
            low, high = _pick(unc.interval_min, i, n), _pick(unc.interval_max, i, n)
            if low is not None or high is not None:
                low_text = "?" if low is None else _number(low)
                high_text = "?" if high is None else _number(high)
                text += f" [{low_text}, {high_text}]"
                if not p_same and _pick(unc.coverage_probability, i, n) is not None:
                    text += f" (p = {_percent(_pick(unc.coverage_probability, i, n))})"
            errors.append(None)
        texts.append(text)
    return ", ".join(note_parts), texts, errors


def _numeric_column(
    name: _Text,
    values: Sequence[float],
    units: Sequence[str],
    unc: Uncertainty | None,
    words: Mapping[str, str],
    *,
    quantity: int,
    alternative: int,
) -> _Column:
    n = len(values)
    unit_same, unit = _uniform(units, n)
    note, unc_texts, errors = _uncertainty(unc, n, words)
    cells = tuple(
        _Cell(
            _number(values[i]),
            unc_texts[i],
            "" if unit_same else unit_text(_pick(units, i, n)),
        )
        for i in range(n)
    )
    return _Column(
        name,
        unit_text(unit) if unit_same else "",
        note,
        cells,
        tuple(float(v) for v in values),
        tuple(errors),
        quantity,
        alternative,
    )


def _complex_text(value: SiComplex) -> str:
    unit = unit_text(value.unit)
    unit = f" {unit}" if unit else ""
    if value.magnitude is not None or value.phase is not None:
        magnitude = "?" if value.magnitude is None else _number(value.magnitude)
        phase = "?" if value.phase is None else _number(value.phase)
        phase_unit = unit_text(value.unit_phase) if value.unit_phase else ""
        return f"{magnitude}{unit} ∠ {phase}{' ' + phase_unit if phase_unit else ''}"
    real = 0.0 if value.real is None else value.real
    imag = 0.0 if value.imag is None else value.imag
    sign = "-" if imag < 0 or (imag == 0 and math.copysign(1, imag) < 0) else "+"
    return f"({_number(real)} {sign} {_number(abs(imag))}j){unit}"


def _columns(
    value: object, name: _Text, words: Mapping[str, str], quantity: int, alternative: int = 0
) -> list[_Column]:
    """The columns of one D-SI value (several for an si:hybrid)."""
    if isinstance(value, SiHybrid) and value.alternatives:
        columns: list[_Column] = []
        for index, alt in enumerate(value.alternatives):
            columns.extend(_columns(alt, name, words, quantity, index))
        return columns
    if isinstance(value, SiReal):
        return [
            _numeric_column(
                name,
                (value.value,),
                (value.unit,),
                value.uncertainty,
                words,
                quantity=quantity,
                alternative=alternative,
            )
        ]
    if isinstance(value, SiList):
        return [
            _numeric_column(
                name,
                value.values,
                value.units,
                value.uncertainty,
                words,
                quantity=quantity,
                alternative=alternative,
            )
        ]
    if isinstance(value, SiConstant):
        u = (
            value.standard_uncertainty
            if value.standard_uncertainty is not None
            else value.uncertainty
        )
        unc = "" if u is None else f" (u = {_number(u)})"
        note = words["standard_u"] if u is not None else ""
        cell = _Cell(_number(value.value), unc)
        return [
            _Column(
                name,
                unit_text(value.unit),
                note,
                (cell,),
                (value.value,),
                (None,),
                quantity,
                alternative,
            )
        ]
    if isinstance(value, SiComplex):
        return [_Column(name, "", "", (_Cell(_complex_text(value)),), None, None, quantity)]
    # an si:hybrid whose alternatives could not be read (kept in the XML as written)
    return [_Column(name, "", "", (_Cell(words["not_shown"]),), None, None, quantity)]


def _list_as_column(items: Sequence[Quantity | QuantityList]) -> SiList | None:
    """A ``dcc:list`` of unnamed ``si:real`` quantities as one list (PTB's column style).

    PTB's certificates write a table column as a named ``dcc:list`` of unnamed
    quantities, one ``si:real`` per row. Such a list is shown as one column. None when
    the list is not of that form or its uncertainties cannot be put together.
    """
    if not items or not all(
        isinstance(q, Quantity) and isinstance(q.value, SiReal) and not _text(q.name, None)
        for q in items
    ):
        return None
    reals = [q.value for q in items]  # type: ignore[union-attr]
    uncs = [r.uncertainty for r in reals]
    uncertainty = None
    if any(u is not None for u in uncs):
        if any(u is None for u in uncs) or len({u.kind for u in uncs}) != 1:
            return None
        merged = {}
        for name in ("value", "coverage_factor", "coverage_probability"):
            parts = [getattr(u, name) for u in uncs]
            if all(len(part) == 1 for part in parts):
                merged[name] = tuple(part[0] for part in parts)
            elif all(not part for part in parts):
                merged[name] = ()
            else:
                return None
        if any(u.interval_min or u.interval_max for u in uncs):
            return None
        uncertainty = Uncertainty(uncs[0].kind, **merged)
    return SiList(
        tuple(r.value for r in reals), tuple(r.unit for r in reals), uncertainty=uncertainty
    )


def _quantity_tables(
    items: Iterable[Quantity | QuantityList],
    lang: str | None,
    words: Mapping[str, str],
    caption: _Text | None = None,
) -> tuple[_Table, ...]:
    """The tables of a set of quantities: one column per quantity and unit, grouped by length.

    A ``dcc:list`` among them gives tables of its own, captioned with its name, after
    the tables of the quantities beside it.
    """
    groups: dict[int, list[_Column]] = {}
    nested: list[_Table] = []
    for index, item in enumerate(items):
        if isinstance(item, QuantityList):
            column = _list_as_column(item.items)
            if column is None:
                nested.extend(_quantity_tables(item.items, lang, words, _text(item.name, lang)))
                continue
            item = Quantity(name=item.name, value=column, ref_type=item.ref_type)
        name = (
            _text(item.name, lang)
            or (_Text(item.ref_type) if item.ref_type else None)
            or _Text("")  # unnamed: the unit alone heads the column
        )
        if item.value is None:  # dcc:noQuantity, or a D-SI element the model does not cover
            note = _text(item.no_quantity, lang) or _Text(
                "" if item.no_quantity else words["not_shown"]
            )
            columns = [_Column(name, "", "", (_Cell(note.text),), None, None, index)]
        else:
            columns = _columns(item.value, name, words, index)
        for column in columns:
            groups.setdefault(len(column.cells), []).append(column)
    own = [_Table(tuple(cols), rows, caption) for rows, cols in groups.items() if rows]
    return (*own, *nested)


# ------------------------------------------------------------------------------ plots


def _plot_spec(table: _Table) -> tuple[_Column | None, list[_Column]] | None:
    """What to plot for a table: (x column or None for the row number, y columns)."""
    if table.rows < PLOT_MIN_ROWS:
        return None
    numeric = [c for c in table.columns if c.numbers is not None and c.alternative == 0]
    if not numeric:
        return None
    if len(numeric) == 1:
        return None, numeric
    return numeric[0], numeric[1 : 1 + PLOT_MAX_PANELS]


def _mpl_text(text: str) -> str:
    """A label for matplotlib, with ``$`` escaped so no mathtext is read from a certificate."""
    return text.replace("$", r"\$")


def _label(column: _Column, words: Mapping[str, str]) -> str:
    return _mpl_text(_heading(column, words))


def _heading(column: _Column, words: Mapping[str, str]) -> str:
    """Name and unit of a column in one line: "Measurement error in K"."""
    if not column.unit:
        return column.name.text
    if not column.name.text:
        return column.unit
    return f"{column.name.text} {words['in']} {column.unit}"


_SVG_PROLOG = re.compile(r"\A.*?(?=<svg\b)", re.DOTALL)
_SVG_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _plot(table: _Table, words: Mapping[str, str], image_format: str) -> str | bytes | None:
    """The plot of a table as inline SVG text or PNG bytes, or None when there is none."""
    spec = _plot_spec(table)
    if spec is None:
        return None
    import matplotlib
    from matplotlib.figure import Figure

    x_column, y_columns = spec
    x = x_column.numbers if x_column else tuple(range(1, table.rows + 1))
    steps = [b - a for a, b in itertools.pairwise(x)]
    monotonic = all(d > 0 for d in steps) or all(d < 0 for d in steps)
    style = "o-" if monotonic else "o"  # no zigzag lines through an up-and-down series
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "sitrace-dcc",
            "svg.fonttype": "path",
            "font.family": "DejaVu Sans",
            "font.size": 8,
            "axes.titlesize": 8,
        }
    ):
        panels = len(y_columns)
        fig = Figure(figsize=(6.4, 0.6 + 1.9 * panels), layout="constrained")
        axes = fig.subplots(panels, 1, sharex=True, squeeze=False)[:, 0]
        for ax, column in zip(axes, y_columns, strict=True):
            errors = column.errors or ()
            yerr = None
            if errors and any(e is not None for e in errors):
                yerr = [math.nan if e is None else e for e in errors]
            ax.errorbar(x, column.numbers, yerr=yerr, fmt=style, ms=3, lw=1, capsize=3)
            ax.set_title(_label(column, words), loc="left")
            ax.grid(True, lw=0.3)
            if column.unit:
                ax.set_ylabel(_mpl_text(column.unit))
        axes[-1].set_xlabel(_label(x_column, words) if x_column else words["row"])
        buffer = io.BytesIO()
        if image_format == "svg":
            fig.savefig(buffer, format="svg", metadata={"Date": None})
            svg = buffer.getvalue().decode("utf-8")
            return _SVG_COMMENT.sub("", _SVG_PROLOG.sub("", svg, count=1))
        fig.savefig(buffer, format="png", dpi=PDF_DPI, metadata={"Software": None})
        return buffer.getvalue()


# --------------------------------------------------------------------------- QR code

_QR_ESCAPE = re.compile(r"[%;\x00-\x1f\x7f]")


def qr_payload(unique_identifier: str, digest: bytes | None = None) -> str:
    """The text of a rendering's QR code: ``DCC:<id>;SHA256:<hex>``.

    Parameters
    ----------
    unique_identifier : str
        ``dcc:uniqueIdentifier`` of the certificate. ``%``, ``;`` and control characters
        in it are percent-encoded.
    digest : bytes, optional
        The 32-byte SHA-256 digest of the certificate's canonical XML
        (``sitrace.dcc.signature.canonical_digest``); left out when None.

    Returns
    -------
    str

    Raises
    ------
    InputError
        ``digest`` is not 32 bytes.

    Examples
    --------
    >>> qr_payload("PTB-2024;17")
    'DCC:PTB-2024%3B17'
    >>> qr_payload("PTB-2024;17", bytes(32))[:32]
    'DCC:PTB-2024%3B17;SHA256:0000000'
    """
    ident = _QR_ESCAPE.sub(lambda m: f"%{ord(m.group()):02X}", unique_identifier)
    if digest is None:
        return f"DCC:{ident}"
    if not isinstance(digest, bytes | bytearray | memoryview) or len(bytes(digest)) != 32:
        got = (
            f"{len(bytes(digest))} bytes"
            if isinstance(digest, bytes | bytearray)
            else type(digest).__name__
        )
        raise InputError(f"must be the 32-byte SHA-256 digest, got {got}", where="digest")
    return f"DCC:{ident};SHA256:{bytes(digest).hex()}"


def _qr_image(payload: str, image_format: str) -> str | bytes:
    import segno

    code = segno.make(payload, error="m", micro=False)
    if image_format == "svg":
        return code.svg_inline(scale=3, border=4, omitsize=True)  # a viewBox: scales by CSS
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()


# ------------------------------------------------------------------- the certificate


def languages(cert: Certificate) -> tuple[str, ...]:
    """The languages a certificate is rendered in: its used languages, then any mandatory
    language not listed as used, in the certificate's order.

    Parameters
    ----------
    cert : Certificate

    Returns
    -------
    tuple of str
        ISO 639-1 codes; empty only for a certificate that names no language.
    """
    core = cert.core_data
    if core is None:
        return ()
    return tuple(dict.fromkeys((*core.used_languages, *core.mandatory_languages)))


def _default_language(cert: Certificate) -> str | None:
    core = cert.core_data
    if core is not None and core.mandatory_languages:
        return core.mandatory_languages[0]
    used = languages(cert)
    return used[0] if used else None


def embedded_document(cert: Certificate) -> tuple[str, bytes] | None:
    """The file embedded as ``dcc:document``: (file name, bytes), or None.

    The name is the certificate's ``dcc:fileName`` reduced to a plain file name (no
    folders), or ``document`` with an extension from the MIME type. The file is not
    verified against the XML (:data:`EMBEDDED_WARNING`); the XML is the certificate.

    Parameters
    ----------
    cert : Certificate

    Returns
    -------
    (str, bytes) or None
    """
    if cert.document is None:
        return None
    name = PurePath((cert.document_name or "").replace("\\", "/")).name
    name = _safe_name(name, "")
    if not name:
        subtype = (cert.document_type or "").partition("/")[2].partition(";")[0].strip()
        name = "document" + (f".{_safe_name(subtype, '')}" if subtype else "")
    return name, bytes(cert.document)


def _safe_name(text: str, default: str) -> str:
    """A string usable as a file name on any system: letters, digits, ``._-``."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")[:120]
    return safe or default


def _address(address: Address | None, lang: str | None) -> _Text | None:
    if address is None:
        return None
    lines = [
        " ".join(filter(None, (address.street, address.street_no))),
        address.post_office_box or "",
        " ".join(filter(None, (address.post_code, address.city))),
        address.state or "",
        address.country_code or "",
    ]
    further = _text(address.further, lang)
    text = "\n".join(line for line in lines if line)
    if further is not None:
        return _Text("\n".join(filter(None, (text, further.text))), further.lang)
    return _Text(text) if text else None


def _fields(*pairs: tuple[str, _Text | str | None]) -> tuple[_Field, ...]:
    """Fields with a value; strings become texts."""
    out = []
    for label, value in pairs:
        if value is None or value == "":
            continue
        out.append(_Field(label, value if isinstance(value, _Text) else _Text(str(value))))
    return tuple(out)


def _identifications(
    identifications: Iterable[Identification], lang: str | None, words: Mapping[str, str]
) -> list[tuple[str, _Text | str | None]]:
    out: list[tuple[str, _Text | str | None]] = []
    for ident in identifications:
        name = _text(ident.name, lang)
        issuer = _word(words, "issuer", ident.issuer)
        label = f"{name.text if name else words['identification']} ({issuer})"
        out.append((label, ident.value))
    return out


def _hash_text(report: Hash | None, lang: str | None) -> _Text | None:
    """A ``dcc:hashType`` reference: "<referral> (<id>), <procedure>: <value>"."""
    if report is None:
        return None
    referral = _text(report.referral, lang) or _Text("")
    text = f"{referral.text} ({report.referral_id}), {report.procedure}: {report.value}"
    return _Text(text.strip(), referral.lang)


def _contact(contact: Contact | None, lang: str | None, words: Mapping[str, str]) -> _Entry:
    if contact is None:  # missing or unreadable in the XML
        return _Entry(_Text("—"))
    return _Entry(
        _text(contact.name, lang) or _Text(""),
        _fields(
            (words["address"], _address(contact.location, lang)),
            (words["email"], contact.email),
            (words["phone"], contact.phone),
            (words["fax"], contact.fax),
        ),
    )


_STATEMENT_TITLES = (
    ("conformity", "conformity"),
    ("recalibration", "recalibration"),
    ("validityrange", "validity_range"),
)


def _statement_entries(cert: Certificate, lang: str | None, words) -> tuple[_Entry, ...]:
    entries = []
    for index, st in enumerate(cert.statements):
        ref = (st.ref_type or "").lower()
        title = next((words[key] for part, key in _STATEMENT_TITLES if part in ref), None)
        title = title or f"{words['statement']} {index + 1}"
        date_label = words["recalibration_date"] if "recalibration" in ref else words["date"]
        valid = None if st.valid is None else words["yes" if st.valid else "no"]
        entries.append(
            _Entry(
                _Text(title),
                _fields(
                    (words["declaration"], _text(st.declaration, lang)),
                    *((words["norm"], norm) for norm in st.norms),
                    *((words["reference"], reference) for reference in st.references),
                    (words["conformity"], _word(words, "conformity", st.conformity)),
                    (date_label, _date(st.date)),
                    (words["period"], st.period),
                    (words["valid"], valid),
                ),
                _quantity_tables(st.data, lang, words),
                badge=_word(words, "conformity", st.conformity) or "",
            )
        )
    return tuple(entries)


_STATUS_KEYS = (
    "valid",
    "ok",
    "verified",
    "passed",
    "intact",
    "integrity",
    "certificate_valid_at_signing",
)


def _status_value(value: object, words: Mapping[str, str]) -> str:
    if isinstance(value, bool):
        return words["yes" if value else "no"]
    if value is None or value == "" or value == [] or value == ():
        return "—"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return "\n".join(_status_value(v, words) for v in value)
    if isinstance(value, Mapping):  # e.g. one problem of a validation report
        return " · ".join(_status_value(v, words) for v in value.values() if v not in (None, ""))
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _status(title: str, summary: object, words: Mapping[str, str]) -> _Status:
    """A verification or validation summary (anything with ``to_dict()``, or a mapping).

    The box is green when every pass/fail flag it has (``valid``, ``integrity``, ...) is
    true and, where a ``trust`` is given, the signer chains to a trusted root; red when
    a flag is false; grey otherwise.
    """
    to_dict = getattr(summary, "to_dict", None)
    data = to_dict() if callable(to_dict) else summary
    if not isinstance(data, Mapping):
        data = {"result": data}
    flags = [data[key] for key in _STATUS_KEYS if isinstance(data.get(key), bool)]
    ok: bool | None = None
    if flags:
        ok = all(flags)
        if ok and "trust" in data and not str(data["trust"]).startswith("trusted root"):
            ok = None
    fields = []
    for key, value in data.items():
        shown = _status_value(value, words)
        if len(shown) > 2000:
            shown = shown[:2000] + " …"
        fields.append(_Field(str(key), _Text(shown)))
    return _Status(title, ok, tuple(fields))


def _with_plots(
    tables: tuple[_Table, ...], words: Mapping[str, str], image_format: str
) -> tuple[_Table, ...]:
    return tuple(
        dataclasses.replace(table, plot=_plot(table, words, image_format)) for table in tables
    )


def _view(
    cert: Certificate,
    lang: str | None,
    digest: bytes | None,
    verification: object,
    validation: object,
    image_format: str,
) -> _View:
    """Everything a rendering shows, in ``lang``, with images as SVG text or PNG bytes."""
    if lang is None:
        lang = _default_language(cert)
    words = _labels(lang)
    core = cert.core_data

    def t(text: Text | None) -> _Text | None:
        return _text(text, lang)

    if core is not None:
        dates = _date(core.begin_performance_date)
        if core.end_performance_date not in (None, core.begin_performance_date):
            dates = f"{dates or '?'} – {_date(core.end_performance_date)}"
        used = ", ".join(core.used_languages)
        if core.mandatory_languages:
            used += f" ({words['mandatory']}: {', '.join(core.mandatory_languages)})"
        admin = _fields(
            (words["identifier"], core.unique_identifier),
            *_identifications(core.identifications, lang, words),
            (words["performance_date"], dates),
            (words["performance_location"], _word(words, "place", core.performance_location)),
            (words["receipt_date"], _date(core.receipt_date)),
            (words["issue_date"], _date(core.issue_date)),
            (words["previous_report"], _hash_text(core.previous_report, lang)),
            (words["country"], core.country_code),
            (words["languages"], used),
            (words["schema"], cert.schema_version),
        )
    else:
        admin = _fields((words["schema"], cert.schema_version))
    identifier = core.unique_identifier if core is not None else ""
    items = tuple(
        _Entry(
            t(item.name) or _Text(f"{words['item']} {index + 1}"),
            _fields(
                (words["manufacturer"], t(item.manufacturer.name) if item.manufacturer else None),
                (words["model"], item.model),
                *_identifications(item.identifications, lang, words),
                (words["description"], t(item.description)),
            ),
        )
        for index, item in enumerate(cert.items)
    )
    persons = tuple(
        _Entry(
            t(rp.person.name) or _Text(""),
            _fields(
                (words["role"], rp.role),
                (words["email"], rp.person.email),
                (words["phone"], rp.person.phone),
                (words["description"], t(rp.description)),
            ),
            badge=words["main_signer"] if rp.main_signer else "",
        )
        for rp in cert.resp_persons
    )
    software = tuple(
        _Field(
            words["software"],
            _Text(
                " ".join(filter(None, ((t(sw.name) or _Text("")).text, sw.release)))
                + (f" ({sw.type})" if sw.type else ""),
                (t(sw.name) or _Text("")).lang,
            ),
        )
        for sw in cert.software
    )
    document: tuple[_Field, ...] = ()
    embedded = embedded_document(cert)
    if embedded is not None:
        name, data = embedded
        document = _fields(
            (words["name"], name),
            (words["type"], cert.document_type),
            (words["size"], f"{len(data)} {words['bytes']}"),
            ("SHA-256", hashlib.sha256(data).hexdigest()),
        )
    statuses = tuple(
        _status(words[key], summary, words)
        for key, summary in (("verification", verification), ("validation", validation))
        if summary is not None
    )
    payload = qr_payload(identifier, digest)

    def entry_tables(quantities):
        return _with_plots(_quantity_tables(quantities, lang, words), words, image_format)

    results = tuple(
        _MeasurementResult(
            t(mr.name) or _Text(words["results"]),
            t(mr.description),
            tuple(
                _Entry(
                    t(m.name) or _Text(m.ref_type or ""),
                    _fields(
                        (words["description"], t(m.description)),
                        *((words["norm"], norm) for norm in m.norms),
                        *((words["reference"], ref) for ref in m.references),
                    ),
                )
                for m in mr.used_methods
            ),
            tuple(
                _Entry(
                    t(c.name) or _Text(c.ref_type or ""),
                    _fields(
                        (words["description"], t(c.description)),
                        (words["status"], c.status),
                    ),
                    entry_tables(c.data),
                )
                for c in mr.influence_conditions
            ),
            tuple(
                _Entry(
                    t(e.name) or _Text(e.ref_type or ""),
                    _fields(
                        (words["manufacturer"], t(e.manufacturer.name) if e.manufacturer else None),
                        (words["model"], e.model),
                        *_identifications(e.identifications, lang, words),
                        (words["certificate"], _hash_text(e.certificate, lang)),
                        (words["description"], t(e.description)),
                    ),
                )
                for e in mr.measuring_equipments
            ),
            tuple(
                _Result(
                    t(r.name) or _Text(r.ref_type or ""),
                    t(r.description),
                    entry_tables(r.data),
                )
                for r in mr.results
            ),
        )
        for mr in cert.measurement_results
    )
    has_uncertainty = any(
        column.note
        for mr in results
        for r in mr.results
        for table in r.tables
        for column in table.columns
    )
    return _View(
        lang=lang,
        words=words,
        identifier=identifier,
        title=words["title"],
        admin=admin,
        laboratory=_contact(cert.calibration_laboratory, lang, words),
        customer=_contact(cert.customer, lang, words),
        items=items,
        persons=persons,
        statements=_statement_entries(cert, lang, words),
        software=software,
        document=document,
        statuses=statuses,
        qr_payload=payload,
        qr_image=_qr_image(payload, image_format),
        measurement_results=results,
        issues=tuple(str(issue) for issue in cert.issues),
        has_uncertainty=has_uncertainty,
    )


# ------------------------------------------------------------------------------- HTML


@lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        autoescape=True,  # every certificate text is escaped
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def render_html(
    cert: Certificate,
    *,
    lang: str | None = None,
    digest: bytes | None = None,
    verification: object = None,
    validation: object = None,
) -> str:
    """The certificate as one standalone HTML document, in one language.

    The page has its CSS inline, its plots and QR code as inline SVG, no script and no
    reference to any other file or address.

    Parameters
    ----------
    cert : Certificate
    lang : str, optional
        ISO 639-1 code. Default: the first mandatory language of the certificate.
        Texts missing in ``lang`` fall back to the language-neutral content, then to
        any content, shown marked with its language.
    digest : bytes, optional
        The 32-byte SHA-256 digest of the canonical XML, for the QR code.
    verification, validation : object, optional
        Summaries with a ``to_dict()`` method (or mappings), shown as status boxes.

    Returns
    -------
    str

    Raises
    ------
    InputError
        ``digest`` is not 32 bytes.
    """
    view = _view(cert, lang, digest, verification, validation, "svg")
    from markupsafe import Markup

    css = (_TEMPLATES / "certificate.css").read_text(encoding="utf-8")
    return (
        _environment()
        .get_template("certificate.html")
        .render(
            v=view, w=view.words, css=Markup(css), Markup=Markup, EMBEDDED_WARNING=EMBEDDED_WARNING
        )
    )


# -------------------------------------------------------------------------------- PDF

_FONT = "SitraceSans"
_FONT_BOLD = "SitraceSans-Bold"


@lru_cache(maxsize=1)
def _fonts() -> tuple[str, str]:
    """Register DejaVu Sans (bundled with matplotlib) with reportlab: ℃, ⁻¹, µ, Ω."""
    import matplotlib
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(_FONT, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_FONT_BOLD, str(fonts / "DejaVuSans-Bold.ttf")))
    for bold, italic in ((0, 0), (0, 1)):
        addMapping(_FONT, bold, italic, _FONT)
    for bold, italic in ((1, 0), (1, 1)):
        addMapping(_FONT, bold, italic, _FONT_BOLD)
    return _FONT, _FONT_BOLD


def _pdf_escape(text: str) -> str:
    """Text for reportlab's paragraph markup: escaped, line breaks kept."""
    from xml.sax.saxutils import escape

    return escape(text).replace("\n", "<br/>")


def _pdf_text(text: _Text | str, words: Mapping[str, str]) -> str:
    if isinstance(text, str):
        return _pdf_escape(text)
    shown = _pdf_escape(text.text)
    if text.fallback:
        shown += f' <font size="6" color="#777777">[{_pdf_escape(text.lang or "")}]</font>'
    return shown


class _PdfBuilder:
    """Lays out a :class:`_View` with reportlab's platypus."""

    def __init__(self, view: _View) -> None:
        from reportlab.lib import colors
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.styles import ParagraphStyle
        from reportlab.lib.units import mm

        regular, bold = _fonts()
        self.view = view
        self.words = view.words
        self.colors = colors
        self.mm = mm
        self.pagesize = A4
        self.width = A4[0] - 30 * mm
        base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5)
        self.styles = {
            "body": base,
            "small": ParagraphStyle("small", base, fontSize=7.5, leading=9.5),
            "tiny": ParagraphStyle("tiny", base, fontSize=5.5, leading=6.8),
            "cell": ParagraphStyle("cell", base, fontSize=7.5, leading=9.5),
            "head": ParagraphStyle("head", base, fontName=bold, fontSize=7.5, leading=9.5),
            "label": ParagraphStyle("label", base, fontName=bold, fontSize=8.5, leading=11),
            "h1": ParagraphStyle("h1", base, fontName=bold, fontSize=16, leading=20),
            "h2": ParagraphStyle(
                "h2",
                base,
                keepWithNext=1,
                fontName=bold,
                fontSize=12.5,
                leading=16,
                spaceBefore=10,
                spaceAfter=4,
            ),
            "h3": ParagraphStyle(
                "h3",
                base,
                keepWithNext=1,
                fontName=bold,
                fontSize=10.5,
                leading=13,
                spaceBefore=7,
                spaceAfter=3,
            ),
            "h4": ParagraphStyle(
                "h4",
                base,
                keepWithNext=1,
                fontName=bold,
                fontSize=9.5,
                leading=12,
                spaceBefore=5,
                spaceAfter=2,
            ),
            "notice": ParagraphStyle("notice", base, fontName=bold, fontSize=9, leading=11.5),
        }

    def p(self, text: _Text | str, style: str = "body"):
        from reportlab.platypus import Paragraph

        return Paragraph(_pdf_text(text, self.words), self.styles[style])

    def box(self, flowables, background: str, border: str):
        from reportlab.platypus import Table, TableStyle

        table = Table([[flowables]], colWidths=[self.width])
        table.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, -1), self.colors.HexColor(background)),
                    ("BOX", (0, 0), (-1, -1), 0.8, self.colors.HexColor(border)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 6),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return table

    def fields(self, fields: Sequence[_Field]):
        from reportlab.platypus import Spacer, Table, TableStyle

        if not fields:
            return Spacer(0, 0)
        rows = [[self.p(f.label, "label"), self.p(f.value)] for f in fields]
        table = Table(rows, colWidths=[0.32 * self.width, 0.68 * self.width])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, self.colors.HexColor("#dddddd")),
                ]
            )
        )
        return table

    def quantity_table(self, table: _Table) -> list:
        from reportlab.platypus import Image, Spacer, Table, TableStyle

        head = []
        for column in table.columns:
            text = _pdf_text(column.name, self.words)
            if column.unit:
                unit = f"{self.words['in']} {column.unit}" if column.name.text else column.unit
                text += f"<br/>{_pdf_escape(unit)}"
            if column.note:
                text += f'<br/><font size="6.5">{_pdf_escape(column.note)}</font>'
            head.append(self._paragraph(text, "head"))
        body = [[self.p(cell.text, "cell") for cell in row] for row in table.body]
        widths = [self.width / len(table.columns)] * len(table.columns)
        grid = Table([head, *body], colWidths=widths, repeatRows=1)
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, 0), self.colors.HexColor("#e8eef5")),
                    ("GRID", (0, 0), (-1, -1), 0.4, self.colors.HexColor("#9aa8b8")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        out = [grid, Spacer(0, 4)]
        if table.caption is not None:
            out.insert(0, self.p(table.caption, "label"))
        if isinstance(table.plot, bytes):
            from reportlab.lib.utils import ImageReader

            reader = ImageReader(io.BytesIO(table.plot))
            w, h = reader.getSize()
            shown_w = min(self.width, w * 72 / PDF_DPI)
            out += [Image(io.BytesIO(table.plot), shown_w, h * shown_w / w), Spacer(0, 4)]
        return out

    def _paragraph(self, markup: str, style: str):
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.styles[style])

    def entry(self, entry: _Entry, style: str = "h4") -> list:
        title = _pdf_text(entry.title, self.words)
        if entry.badge:
            title += f' <font size="7.5" color="#1f4e79">({_pdf_escape(entry.badge)})</font>'
        out = [self._paragraph(title, style), self.fields(entry.fields)]
        for table in entry.tables:
            out += self.quantity_table(table)
        return out

    def story(self) -> list:
        from reportlab.platypus import Image, Spacer, Table, TableStyle

        v, w = self.view, self.words
        qr_width = 38 * self.mm
        qr = [
            Image(io.BytesIO(v.qr_image), qr_width - 6, qr_width - 6),
            self.p(v.qr_payload, "tiny"),
            self.p(w["qr_help"], "tiny"),
        ]
        title = [self.p(v.title, "h1"), self.p(v.identifier, "h3")]
        head = Table([[title, qr]], colWidths=[self.width - qr_width, qr_width])
        head.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        story: list = [
            head,
            Spacer(0, 4),
            self.box([self.p(w["authoritative"], "notice")], "#fff6d6", "#c9a227"),
        ]
        if v.issues:
            lines = [self.p(w["issues"] + ":", "notice")]
            lines += [self.p(f"• {issue}", "small") for issue in v.issues]
            story += [Spacer(0, 4), self.box(lines, "#fde8e8", "#b33a3a")]
        if v.document:
            story += [
                Spacer(0, 4),
                self.box(
                    [self.p(w["embedded_warning"], "notice")]
                    + (
                        [self.p(EMBEDDED_WARNING)]
                        if w["embedded_warning"] != EMBEDDED_WARNING
                        else []
                    ),
                    "#fde8e8",
                    "#b33a3a",
                ),
            ]
        for status in v.statuses:
            colour = {True: ("#e6f4e6", "#2e7d32"), False: ("#fde8e8", "#b33a3a")}
            background, border = colour.get(status.ok, ("#eef1f5", "#7a8899"))
            story += [
                Spacer(0, 4),
                self.box(
                    [self.p(status.title, "h4"), self.fields(status.fields)], background, border
                ),
            ]
        story += [self.p(w["administrative"], "h2"), self.fields(v.admin)]
        story += [self.p(w["laboratory"], "h3"), *self.entry(v.laboratory)]
        story += [self.p(w["customer"], "h3"), *self.entry(v.customer)]
        if v.items:
            story.append(self.p(w["items"], "h3"))
            for item in v.items:
                story += self.entry(item)
        if v.persons:
            story.append(self.p(w["persons"], "h3"))
            for person in v.persons:
                story += self.entry(person)
        if v.statements:
            story.append(self.p(w["statements"], "h3"))
            for statement in v.statements:
                story += self.entry(statement)
        if v.software:
            story += [self.p(w["software"], "h3"), self.fields(v.software)]
        if v.document:
            story += [self.p(w["document"], "h3"), self.fields(v.document)]
        for mr in v.measurement_results:
            story.append(self.p(mr.title, "h2"))
            if mr.description:
                story.append(self.p(mr.description))
            for key, entries in (
                ("methods", mr.methods),
                ("conditions", mr.conditions),
                ("equipment", mr.equipment),
            ):
                if entries:
                    story.append(self.p(w[key], "h3"))
                    for entry in entries:
                        story += self.entry(entry)
            for result in mr.results:
                story.append(self.p(result.title, "h3"))
                if result.description:
                    story.append(self.p(result.description))
                for table in result.tables:
                    story += self.quantity_table(table)
        if v.has_uncertainty:
            story += [Spacer(0, 4), self.p(w["unc_legend"], "small")]
        return story

    def page(self, canvas, doc) -> None:
        regular, _ = _fonts()
        width, height = self.pagesize
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(self.colors.HexColor("#555555"))
        canvas.drawString(15 * self.mm, height - 10 * self.mm, self.view.identifier[:120])
        canvas.drawRightString(
            width - 15 * self.mm, height - 10 * self.mm, f"{self.words['page']} {doc.page}"
        )
        canvas.drawString(15 * self.mm, 8 * self.mm, self.words["authoritative"][:160])
        canvas.restoreState()


def render_pdf(
    cert: Certificate,
    *,
    lang: str | None = None,
    digest: bytes | None = None,
    verification: object = None,
    validation: object = None,
    compress: bool = True,
) -> bytes:
    """The certificate as a PDF document (A4), in one language.

    Same content as :func:`render_html`; plots are PNG images at 150 dpi, text is set
    in DejaVu Sans (from matplotlib's data), which has ℃, ⁻¹, µ and Ω. The output is
    reproducible: the same certificate gives the same bytes.

    Parameters
    ----------
    cert : Certificate
    lang, digest, verification, validation
        As for :func:`render_html`.
    compress : bool, default True
        Compress the page streams (False leaves them readable, for tests).

    Returns
    -------
    bytes

    Raises
    ------
    InputError
        ``digest`` is not 32 bytes.
    """
    from reportlab.platypus import SimpleDocTemplate

    view = _view(cert, lang, digest, verification, validation, "png")
    builder = _PdfBuilder(view)
    buffer = io.BytesIO()
    mm = builder.mm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=builder.pagesize,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{view.title} {view.identifier}",
        subject=view.qr_payload,
        author="",
        creator="sitrace",
        producer="sitrace",
        lang=view.lang or "",
        invariant=1,
        pageCompression=1 if compress else 0,
    )
    doc.build(builder.story(), onFirstPage=builder.page, onLaterPages=builder.page)
    return buffer.getvalue()


# ------------------------------------------------------------------------ everything


def render_all(
    cert: Certificate,
    folder: str | Path,
    *,
    formats: Sequence[str] = ("html", "pdf"),
    digest: bytes | None = None,
) -> list[Path]:
    """Write the certificate in each of its languages and each format to ``folder``.

    Files are named ``<identifier>.<lang>.<format>``, the identifier reduced to
    letters, digits and ``._-`` (``GP_DCC_temperature_typical_1.2.de.html``).

    Parameters
    ----------
    cert : Certificate
    folder : str or Path
        Created if missing; existing files of the same names are replaced.
    formats : sequence of {"html", "pdf"}
    digest : bytes, optional
        As for :func:`render_html`.

    Returns
    -------
    list of Path
        The files written, by language then format.

    Raises
    ------
    InputError
        A format is not "html" or "pdf", or ``digest`` is not 32 bytes.
    """
    unknown = [f for f in formats if f not in ("html", "pdf")]
    if unknown:
        raise InputError(f"must be 'html' or 'pdf', got {unknown[0]!r}", where="formats")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    identifier = cert.core_data.unique_identifier if cert.core_data is not None else ""
    stem = _safe_name(identifier, "certificate")
    written = []
    for lang in languages(cert) or (None,):
        for fmt in formats:
            path = folder / f"{stem}.{_safe_name(lang or '', 'und')}.{fmt}"
            if fmt == "html":
                path.write_text(render_html(cert, lang=lang, digest=digest), encoding="utf-8")
            else:
                path.write_bytes(render_pdf(cert, lang=lang, digest=digest))
            written.append(path)
    return written
