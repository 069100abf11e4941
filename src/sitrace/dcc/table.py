"""The measurement results of a DCC as a table: one row per value.

:func:`flatten` walks ``dcc:measurementResults`` and gives one
:class:`TableRow` per number: a ``si:real`` or ``si:constant`` is one row, an
``si:realListXMLList`` of N values is N rows, and every alternative of an
``si:hybrid`` (the same quantity in kelvin and in degree Celsius) gets its own
rows, tagged with its index in ``alternative``. :func:`to_dataframe` gives the
same as a pandas DataFrame (one column per language for the names) and
:func:`write_csv` as CSV.

D-SI lists state units and uncertainties "1 or N" times (D-SI 2.2.1,
``realListXMLListType``): a single unit, uncertainty, coverage factor or
probability applies to every value and is repeated on each row; any other
count is a :class:`DccValidationError` naming the quantity's path.

What is left out, on purpose:

* quantities of influence conditions are the conditions of the measurement,
  not its results: they are left out unless ``conditions=True``, and then
  flagged ``role == "influenceCondition"``;
* quantities in statements and in ``dcc:measurementMetaData`` (conformity
  limits, quality indicators) are never rows: they describe results, they are
  not results;
* ``si:complex`` values (two numbers each), ``dcc:noQuantity`` texts, and D-SI
  elements the model keeps as written (``si:list``, ``si:realList``, values that
  could not be read) give no rows.

Units are the D-SI strings as written in the certificate.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any, Literal

from lxml import etree

from ..errors import DccValidationError
from .model import (
    ATTRIBUTES,
    Certificate,
    Extra,
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

__all__ = ["TableRow", "flatten", "to_dataframe", "write_csv"]

Role = Literal["result", "influenceCondition"]


@dataclass(frozen=True, slots=True)
class TableRow:
    """One number of a DCC's measurement results, with its unit and uncertainty.

    Attributes
    ----------
    measurement_result, measurement_result_name : int, str
        Index (from 0) and name of the ``dcc:measurementResult``.
    result, result_name : int, str
        Index (from 0) and name of the ``dcc:result`` in it (of the
        ``dcc:influenceCondition`` for condition rows).
    quantity_name : dict of str to str
        The quantity's name by language (``""`` for a name without language).
    ref_type : str or None
        The quantity's ``@refType`` (``basic_measuredValue``).
    index : int or None
        Position (from 0) in an N-value list; None for a single value.
    alternative : int or None
        Index (from 0) of the ``si:hybrid`` alternative; None outside a hybrid.
    value : float
        The value, in ``unit``.
    unit : str
        The D-SI unit string, as written.
    expanded_uncertainty, coverage_factor, coverage_probability : float or None
        U, k and p of the expanded forms (``expandedUnc``, ``expandedMU``); p also
        of the coverage-interval forms.
    uncertainty_kind : str or None
        The D-SI form (``expandedUnc``, ``expandedMU``, ``standardMU``,
        ``coverageInterval``, ``coverageIntervalMU``; ``constant`` for the stated
        uncertainty of an ``si:constant``); None without uncertainty.
    standard_uncertainty, interval_min, interval_max : float or None
        u of the standard and interval forms (and of a constant); the bounds of
        a coverage interval.
    label : str or None
        ``si:label`` (or the entry of ``si:labelXMLList``).
    list_name : dict of str to str
        Name of the innermost named ``dcc:list`` holding the quantity, by language
        (tables often name their columns there, not on the quantity).
    role : str
        ``"result"`` or ``"influenceCondition"``.
    path : str
        XPath of the D-SI element in the written certificate.
    """

    measurement_result: int
    measurement_result_name: str
    result: int
    result_name: str
    quantity_name: dict[str, str]
    ref_type: str | None
    index: int | None
    alternative: int | None
    value: float
    unit: str
    expanded_uncertainty: float | None = None
    coverage_factor: float | None = None
    coverage_probability: float | None = None
    uncertainty_kind: str | None = None
    standard_uncertainty: float | None = None
    interval_min: float | None = None
    interval_max: float | None = None
    label: str | None = None
    list_name: dict[str, str] = field(default_factory=dict)
    role: Role = "result"
    path: str = ""


def flatten(
    cert: Certificate, *, conditions: bool = False, lang: str | None = None
) -> list[TableRow]:
    """One :class:`TableRow` per value of the certificate's measurement results.

    Parameters
    ----------
    cert : Certificate
        The certificate.
    conditions : bool, keyword-only
        Also give the quantities of influence conditions (``role ==
        "influenceCondition"``); they are not results.
    lang : str, optional, keyword-only
        Language of ``measurement_result_name`` and ``result_name``; default the
        certificate's first mandatory language.

    Raises
    ------
    DccValidationError
        A list whose units or uncertainties are neither 1 nor N entries (N values),
        naming the path.

    References
    ----------
    PTB D-SI 2.2.1, ``realListXMLListType`` (units and uncertainties "1 or N").
    """
    if lang is None and cert.core_data is not None:
        languages = cert.core_data.mandatory_languages or cert.core_data.used_languages
        lang = languages[0] if languages else None
    rows: list[TableRow] = []
    root = "/dcc:digitalCalibrationCertificate/dcc:measurementResults"
    results = cert.measurement_results
    steps = _steps(["dcc:measurementResult"] * len(results), cert.extra, "dcc:measurementResults")
    for m, measurement in enumerate(results):
        m_path = f"{root}/{steps[m]}"
        owner = {
            "measurement_result": m,
            "measurement_result_name": _pick(measurement.name, lang),
        }
        if conditions:
            items = measurement.influence_conditions
            tags = ["dcc:influenceCondition"] * len(items)
            for c, step in enumerate(_steps(tags, measurement.extra, "dcc:influenceConditions")):
                condition = items[c]
                path = f"{m_path}/dcc:influenceConditions/{step}/dcc:data"
                context = {**owner, "result": c, "result_name": _pick(condition.name, lang)}
                rows += _data(condition.data, condition.extra, path, context, "influenceCondition")
        items = measurement.results
        for r, step in enumerate(
            _steps(["dcc:result"] * len(items), measurement.extra, "dcc:results")
        ):
            result = items[r]
            context = {**owner, "result": r, "result_name": _pick(result.name, lang)}
            path = f"{m_path}/dcc:results/{step}/dcc:data"
            rows += _data(result.data, result.extra, path, context, "result")
    return rows


def to_dataframe(cert: Certificate, *, conditions: bool = False, lang: str | None = None):
    """:func:`flatten` as a pandas DataFrame.

    The names by language become one column per language:
    ``quantity_name_de``, ``quantity_name_en`` (``quantity_name`` for a name
    without language), and likewise ``list_name_*``. Indices are nullable
    integers (``Int64``), missing numbers NaN.
    """
    import pandas as pd

    rows = flatten(cert, conditions=conditions, lang=lang)
    quantity_langs = _languages(row.quantity_name for row in rows)
    list_langs = _languages(row.list_name for row in rows)
    columns: list[str] = []
    records: list[dict[str, Any]] = []
    for row in rows:
        record: dict[str, Any] = {}
        for item in fields(TableRow):
            value = getattr(row, item.name)
            if item.name == "quantity_name":
                for language in quantity_langs:
                    record[_column("quantity_name", language)] = value.get(language)
            elif item.name == "list_name":
                for language in list_langs:
                    record[_column("list_name", language)] = value.get(language)
            else:
                record[item.name] = value
        records.append(record)
    for item in fields(TableRow):
        if item.name == "quantity_name":
            columns += [_column("quantity_name", language) for language in quantity_langs]
        elif item.name == "list_name":
            columns += [_column("list_name", language) for language in list_langs]
        else:
            columns.append(item.name)
    frame = pd.DataFrame.from_records(records, columns=columns)
    for name in ("measurement_result", "result", "index", "alternative"):
        frame[name] = frame[name].astype("Int64")
    numbers = (
        "value",
        "expanded_uncertainty",
        "coverage_factor",
        "coverage_probability",
        "standard_uncertainty",
        "interval_min",
        "interval_max",
    )
    for name in numbers:
        frame[name] = frame[name].astype("float64")
    return frame


def write_csv(
    cert: Certificate,
    file: str | os.PathLike | IO[str],
    *,
    conditions: bool = False,
    lang: str | None = None,
) -> None:
    """Write :func:`to_dataframe` as CSV (UTF-8, comma-separated, a header row).

    ``file`` is a path or a text stream. Numbers are written in their shortest
    round-trip form; missing values are empty fields.
    """
    frame = to_dataframe(cert, conditions=conditions, lang=lang)
    if isinstance(file, str | os.PathLike):
        Path(file).write_text(frame.to_csv(index=False), encoding="utf-8")
    else:
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        file.write(buffer.getvalue())


# --- walking ---------------------------------------------------------------------------------


def _data(items, extras, path: str, context: dict[str, Any], role: Role) -> list[TableRow]:
    return list(_members(items, extras, "dcc:data", path, context, role, {}))


def _members(
    items: Sequence[Quantity | QuantityList],
    extras: Sequence[Extra],
    within: str,
    path: str,
    context: dict[str, Any],
    role: Role,
    list_name: dict[str, str],
) -> Iterator[TableRow]:
    tags = ["dcc:list" if isinstance(item, QuantityList) else "dcc:quantity" for item in items]
    for item, step in zip(items, _steps(tags, extras, within), strict=True):
        if isinstance(item, QuantityList):
            name = _by_language(item.name) or list_name
            yield from _members(item.items, item.extra, "", f"{path}/{step}", context, role, name)
        elif isinstance(item, Quantity):
            yield from _quantity(item, f"{path}/{step}", context, role, list_name)


def _quantity(quantity, path, context, role, list_name) -> Iterator[TableRow]:
    value = quantity.value
    if value is None:
        return
    base = {
        **context,
        "quantity_name": _by_language(quantity.name),
        "ref_type": quantity.ref_type,
        "list_name": dict(list_name),
        "role": role,
    }
    if isinstance(value, SiHybrid):
        tags = [_tag_of(alternative) for alternative in value.alternatives]
        steps = _steps(tags, value.extra, "")
        for a, alternative in enumerate(value.alternatives):
            yield from _values(
                alternative, f"{path}/si:hybrid/{steps[a]}", {**base, "alternative": a}
            )
    else:
        yield from _values(value, f"{path}/{_tag_of(value)}", {**base, "alternative": None})


def _values(value, path: str, base: dict[str, Any]) -> Iterator[TableRow]:
    if isinstance(value, SiReal):
        unc = _uncertainty_columns(value.uncertainty, 1, path)
        yield TableRow(
            **base,
            index=None,
            value=value.value,
            unit=value.unit,
            label=value.label,
            path=path,
            **unc[0],
        )
    elif isinstance(value, SiConstant):
        standard = value.standard_uncertainty
        if standard is None:
            standard = value.uncertainty
        yield TableRow(
            **base,
            index=None,
            value=value.value,
            unit=value.unit,
            label=value.label,
            path=path,
            standard_uncertainty=standard,
            uncertainty_kind=None if standard is None else "constant",
        )
    elif isinstance(value, SiList):
        n = len(value.values)
        units = _broadcast(value.units, n, "si:unitXMLList", path)
        labels = _broadcast(value.labels, n, "si:labelXMLList", path) if value.labels else None
        unc = _uncertainty_columns(value.uncertainty, n, path)
        for i, number in enumerate(value.values):
            yield TableRow(
                **base,
                index=i,
                value=number,
                unit=units[i],
                label=None if labels is None else labels[i],
                path=path,
                **unc[i],
            )
    # si:complex: two numbers per value, not a row of this table.


def _uncertainty_columns(unc: Uncertainty | None, n: int, path: str) -> list[dict[str, Any]]:
    if unc is None:
        return [{} for _ in range(n)]
    where = f"si:{unc.kind}"
    value = _broadcast(unc.value, n, f"{where} value", path)
    k = _optional(unc.coverage_factor, n, f"{where} coverageFactor", path)
    p = _optional(unc.coverage_probability, n, f"{where} coverageProbability", path)
    low = _optional(unc.interval_min, n, f"{where} intervalMin", path)
    high = _optional(unc.interval_max, n, f"{where} intervalMax", path)
    expanded = unc.kind in ("expandedUnc", "expandedMU")
    return [
        {
            "uncertainty_kind": unc.kind,
            "expanded_uncertainty": value[i] if expanded else None,
            "standard_uncertainty": None if expanded else value[i],
            "coverage_factor": k[i],
            "coverage_probability": p[i],
            "interval_min": low[i],
            "interval_max": high[i],
        }
        for i in range(n)
    ]


def _broadcast(entries: Sequence[Any], n: int, what: str, path: str) -> list[Any]:
    """D-SI "1 or N": one entry applies to all N values."""
    if len(entries) == n:
        return list(entries)
    if len(entries) == 1:
        return list(entries) * n
    raise DccValidationError(
        f"{what} has {len(entries)} entries for {n} values (D-SI allows 1 or {n})",
        where=path,
    )


def _optional(entries: Sequence[Any], n: int, what: str, path: str) -> list[Any]:
    return [None] * n if not entries else _broadcast(entries, n, what, path)


# --- names and paths -------------------------------------------------------------------------


_PREFIX = {
    "https://ptb.de/dcc": "dcc",
    "https://ptb.de/si": "si",
    "http://www.w3.org/2000/09/xmldsig#": "ds",
}


def _steps(tags: Sequence[str], extras: Sequence[Extra], within: str) -> list[str]:
    """XPath steps (``dcc:quantity[3]``) of modelled children, counting the extras
    written among them (merged as the writer merges them)."""
    merged: list[tuple[str, bool]] = [(tag, True) for tag in tags]
    kept = sorted(
        (e for e in extras if e.within == within and e.position != ATTRIBUTES),
        key=lambda e: e.position,
    )
    for extra in kept:
        merged.insert(max(0, min(extra.position, len(merged))), (_extra_tag(extra), False))
    totals: dict[str, int] = {}
    for tag, _ in merged:
        totals[tag] = totals.get(tag, 0) + 1
    seen: dict[str, int] = {}
    steps = []
    for tag, modelled in merged:
        seen[tag] = seen.get(tag, 0) + 1
        if modelled:
            steps.append(f"{tag}[{seen[tag]}]" if totals[tag] > 1 else tag)
    return steps


def _extra_tag(extra: Extra) -> str:
    if not extra.xml.lstrip().startswith(b"<") or extra.xml.lstrip()[1:2] in (b"!", b"?"):
        return "#node"
    try:
        qname = etree.QName(etree.fromstring(extra.xml))
    except etree.XMLSyntaxError:
        return "#node"
    return f"{_PREFIX.get(qname.namespace or '', qname.namespace)}:{qname.localname}"


def _tag_of(value) -> str:
    return {
        SiReal: "si:real",
        SiList: "si:realListXMLList",
        SiConstant: "si:constant",
        SiComplex: "si:complex",
        SiHybrid: "si:hybrid",
    }[type(value)]


def _by_language(text: Text) -> dict[str, str]:
    """Language -> text; several entries in one language are joined by a newline."""
    names: dict[str, str] = {}
    for language, content in text.entries:
        key = language or ""
        names[key] = f"{names[key]}\n{content}" if key in names else content
    return names


def _pick(text: Text, lang: str | None) -> str:
    if lang is not None:
        chosen = text.get(lang)
        if chosen is not None:
            return chosen
    return text.entries[0][1] if text.entries else ""


def _languages(names) -> list[str]:
    seen: list[str] = []
    for name in names:
        for language in name:
            if language not in seen:
                seen.append(language)
    return sorted(seen, key=lambda language: (language != "", seen.index(language)))


def _column(prefix: str, language: str) -> str:
    return f"{prefix}_{language}" if language else prefix
