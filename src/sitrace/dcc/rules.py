r"""The rules of a DCC that its XML schema cannot express.

Each rule is a small pure function over the parsed tree that yields
:class:`Problem` values; :func:`check` runs them. ``error`` means the
certificate breaks a requirement of PTB's DCC or D-SI documentation;
``warning`` means it is readable but doubtful.

Rules (id, level: what is checked)
----------------------------------
- ``dsi.unit``, error: every ``si:unit``, ``si:unitXMLList`` entry, ``si:unitPhase``,
  ``si:listUnit`` and covariance unit is a D-SI unit (:func:`sitrace.units.parse_unit`,
  with its hint: ``\degreeCelsius`` -> ``\degreecelsius``). Inside a ``si:hybrid`` a
  non-D-SI unit is only a warning when another alternative of the hybrid is all D-SI
  (D-SI 2.2.1, ``si:hybrid``: "the other real quantities can use any SI or non-SI unit").
- ``dsi.list-length``, error: in ``si:realListXMLList`` and ``si:complexListXMLList`` every
  ``*XMLList`` (units, labels, dateTimes, significant digits, uncertainties, k, p,
  interval bounds, distributions) has 1 entry (for every value) or N (one per value), N
  the length of ``si:valueXMLList``; an imaginary-part or phase list has exactly N.
- ``dsi.coverage-factor``, error: k >= 1 (``coverageFactor``, ``coverageFactorXMLList``).
- ``dsi.coverage-probability``, error: 0 < p <= 1 (``coverageProbability``, ``...XMLList``).
- ``dsi.uncertainty``, error: uncertainty values (U, u, standardUnc) are finite and >= 0.
- ``dsi.value-finite``, error: no INF in values. NaN, which the D-SI 2.2 patterns allow,
  is a warning, here and in k, p and uncertainties.
- ``dsi.hybrid-consistent``, error: the alternatives of one ``si:hybrid`` give the same
  values (and uncertainties) after unit conversion, see :func:`check_hybrids`.
- ``unc.relative-absolute``, error: a ``dcc:relativeUncertainty`` agrees with the absolute
  uncertainty of its quantity, see :func:`check_relative_uncertainty`.
- ``ref.id-unique``, error: no ``@id`` is used twice.
- ``ref.refid-resolves``, error: every token of every ``@refId`` is an ``@id`` of the
  document (libxml2's XSD validation does not resolve xs:IDREFS).
- ``lang.mandatory-used``, error: every ``mandatoryLangCodeISO639_1`` is also a
  ``usedLangCodeISO639_1``.
- ``lang.declared``, error: every ``@lang`` is a ``usedLangCodeISO639_1``.
- ``lang.mandatory-present``, error: a text given per language (its ``dcc:content`` all
  with ``@lang``) has a content in every mandatory language; ``lang.complete``, warning:
  and in every other used language (see :func:`check_languages`).
- ``date.order``, error: ``endPerformanceDate`` is not before ``beginPerformanceDate``;
  warnings: ``receiptDate`` after ``beginPerformanceDate``, ``issueDate`` before
  ``endPerformanceDate``.
- ``code.iso3166``, error: ``countryCodeISO3166_1`` and ``countryCode`` are assigned
  ISO 3166-1 alpha-2 codes (``UK`` -> hint ``GB``).
- ``code.iso639``, error: language codes and ``@lang`` are assigned ISO 639-1 codes.

Numbers are compared "within the digits written": a decimal written ``306.25``
stands for any value within half a unit of its last digit, 0.005; two written
values agree when they differ by no more than the sum of their half units
(converted to a common unit). Values that are not numbers (a template's
``§placeholder§``) are left to the XSD, which reports them.

References
----------
PTB, DCC XML schema 3.3.0 (``dcc.xsd``) and its documentation, wiki.dcc.ptb.de:
"Handling of multiple languages" (dcc:textType: "If the latter structure is used (with
language tags), every language listed in dcc:usedLangCodeISO639_1 must be represented"),
"dcc:coreData" (receiptDate, begin/endPerformanceDate).
PTB, D-SI XML schema 2.2.1 (``SI_Format.xsd``): ``si:hybrid``, ``si:realListXMLList``,
``kValueType`` (k >= 1), ``probabilityValueType`` (p in [0, 1]).
JCGM 100:2008 (GUM), 6.2.1 (U = k u, k >= 1 in practice 2 to 3), 6.2.2 (p).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, NamedTuple

from lxml import etree

from ..errors import InputError, UnitError
from ..units import Unit, parse_unit
from . import codes
from .parsing import DCC_NS, SI_NS, path_of

__all__ = ["RULES", "RULE_IDS", "Problem", "Rule", "check"]

Severity = Literal["error", "warning"]

_D = f"{{{DCC_NS}}}"
_S = f"{{{SI_NS}}}"
_NS = {"dcc": DCC_NS, "si": SI_NS}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a DCC: which rule, where, and what.

    Attributes
    ----------
    rule : str
        ``"xsd"`` for a schema error, ``"xml.wellformed"``, or a rule id of this
        module (``"dsi.unit"``, ``"lang.declared"``...).
    message : str
        What is wrong, with what was allowed and what was found.
    line : int or None
        Line of the element in the file.
    path : str or None
        Prefixed XPath of the element (``/dcc:digitalCalibrationCertificate/...``).
    severity : {"error", "warning"}
        Only errors make a certificate invalid.
    """

    rule: str
    message: str
    line: int | None = None
    path: str | None = None
    severity: Severity = "error"

    def __post_init__(self) -> None:
        if self.severity not in ("error", "warning"):
            raise ValueError(f"severity must be 'error' or 'warning', got {self.severity!r}")

    def to_dict(self) -> dict:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "line": self.line,
            "path": self.path,
            "message": self.message,
        }

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line is not None else "?"
        return f"{where}: {self.severity} [{self.rule}] {self.message}"


def _at(rule: str, element, message: str, severity: Severity = "error") -> Problem:
    return Problem(rule, message, element.sourceline, path_of(element), severity)


def _local(element) -> str:
    return etree.QName(element).localname


def _name(element) -> str:
    """``dcc:name``, ``si:unitXMLList``: the element's prefixed name, for messages."""
    qname = etree.QName(element)
    prefix = {DCC_NS: "dcc:", SI_NS: "si:"}.get(qname.namespace or "", "")
    return prefix + qname.localname


# ------------------------------------------------------------------------- numbers

_DECIMAL = re.compile(r"[-+]?(?:\d*\.\d+|\d+\.\d*|\d+\.?)(?:[Ee][-+]?\d+)?")
_INFINITE = {"INF": math.inf, "+INF": math.inf, "-INF": -math.inf}


def _number(token: str) -> float | None:
    """A D-SI decimal (or NaN, INF) as a float; None when not a number at all."""
    if _DECIMAL.fullmatch(token):
        return float(token)
    if token == "NaN":
        return math.nan
    return _INFINITE.get(token)


def _half_unit(token: str) -> float:
    """Half a unit in the last digit written: ``"306.25"`` -> 0.005, ``"1.5e3"`` -> 50."""
    try:
        exponent = Decimal(token).as_tuple().exponent
    except InvalidOperation:  # pragma: no cover - callers pass finite decimals only
        return 0.0
    return 0.5 * 10.0 ** int(exponent)


def _tokens(element) -> list[str]:
    return (element.text or "").split() if element is not None else []


def _pick(values: list, index: int):
    """Entry ``index`` of a D-SI "1 or N" list."""
    return values[0] if len(values) == 1 else values[index]


@lru_cache(maxsize=4096)
def _unit(text: str) -> tuple[Unit | None, str | None]:
    """A parsed D-SI unit, or the message saying why ``text`` is not one (cached: pure)."""
    try:
        return parse_unit(text), None
    except UnitError as error:
        return None, error.message


# --------------------------------------------------------------------------- D-SI

_UNIT_TAGS = tuple(
    _S + name
    for name in (
        "unit",
        "unitXMLList",
        "unitPhase",
        "unitPhaseXMLList",
        "listUnit",
        "listUnitPhase",
    )
)


def _hybrid_of(element):
    """(alternative, si:hybrid) holding ``element``, or (None, None)."""
    child, node = element, element.getparent()
    while node is not None and node.tag != _D + "quantity":
        if node.tag == _S + "hybrid":
            return child, node
        child, node = node, node.getparent()
    return None, None


def _all_dsi(alternative) -> bool:
    units = [t for u in alternative.iter(*_UNIT_TAGS) for t in _tokens(u)]
    return bool(units) and all(_unit(t)[0] is not None for t in units)


def check_units(root) -> Iterator[Problem]:
    r"""``dsi.unit``: every unit is a D-SI unit (strict grammar of :mod:`sitrace.units`)."""
    for element in root.iter(*_UNIT_TAGS):
        tokens = _tokens(element)
        if not tokens:
            yield _at(
                "dsi.unit",
                element,
                f"{_name(element)} is empty; write '\\one' for a quantity of dimension one",
            )
            continue
        for token in dict.fromkeys(tokens):
            unit, reason = _unit(token)
            if unit is not None:
                continue
            severity: Severity = "error"
            note = ""
            alternative, hybrid = _hybrid_of(element)
            if hybrid is not None:
                others = [a for a in hybrid if isinstance(a.tag, str) and a is not alternative]
                if any(_all_dsi(a) for a in others):
                    severity = "warning"
                    note = " (allowed in si:hybrid, where another alternative is in D-SI units)"
            yield _at(
                "dsi.unit", element, f"'{token}' is not a D-SI unit: {reason}{note}", severity
            )


_LIST_TAGS = (_S + "realListXMLList", _S + "complexListXMLList")
_VALUE_LISTS = ("valueXMLList", "valueRealXMLList", "valueMagnitudeXMLList")
_PAIRED_LISTS = ("valueImagXMLList", "valuePhaseXMLList")
_MULTIVARIATE = frozenset(
    _S + name
    for name in (
        "measurementUncertaintyMultivariateXMLList",
        "measurementUncertaintyBivariateXMLList",
        "ellipsoidalRegionXMLList",
        "rectangularRegionXMLList",
        "covarianceMatrixXMLList",
    )
)


def _xml_lists(element) -> Iterator:
    """The ``*XMLList`` elements below ``element``, not entering multivariate regions."""
    for child in element:
        if not isinstance(child.tag, str) or child.tag in _MULTIVARIATE:
            continue
        if child.tag.endswith("XMLList") and len(child) == 0:
            yield child
        else:
            yield from _xml_lists(child)


def check_list_lengths(root) -> Iterator[Problem]:
    """``dsi.list-length``: each XMLList of a list quantity has 1 or N entries."""
    for quantity in root.iter(*_LIST_TAGS):
        values = next((c for c in quantity if _local(c) in _VALUE_LISTS), None)
        if values is None:
            continue
        n = len(_tokens(values))
        if n == 0:
            yield _at("dsi.list-length", values, f"{_name(values)} holds no value")
            continue
        for element in _xml_lists(quantity):
            if element is values:
                continue
            count = len(_tokens(element))
            if _local(element) in _PAIRED_LISTS:
                if count != n:
                    yield _at(
                        "dsi.list-length",
                        element,
                        f"{_name(element)} has {count} entries; it must have {n}, one per "
                        f"value of {_name(values)} (line {values.sourceline})",
                    )
            elif count not in (1, n):
                yield _at(
                    "dsi.list-length",
                    element,
                    f"{_name(element)} has {count} entries; it must have 1 (for every value) "
                    f"or {n} (one per value of {_name(values)}, line {values.sourceline})",
                )


def _numbers(element) -> Iterator[tuple[int, str, float]]:
    for index, token in enumerate(_tokens(element)):
        number = _number(token)
        if number is not None:
            yield index, token, number


def _entry(element, index: int) -> str:
    return f" (entry {index + 1})" if element.tag.endswith("XMLList") else ""


def check_coverage(root) -> Iterator[Problem]:
    """``dsi.coverage-factor`` (k >= 1) and ``dsi.coverage-probability`` (0 < p <= 1)."""
    for element in root.iter(_S + "coverageFactor", _S + "coverageFactorXMLList"):
        for index, token, k in _numbers(element):
            where = _entry(element, index)
            if math.isnan(k):
                yield _at(
                    "dsi.coverage-factor", element, f"coverage factor is NaN{where}", "warning"
                )
            elif not (1 <= k < math.inf):
                yield _at(
                    "dsi.coverage-factor",
                    element,
                    f"coverage factor k must be >= 1 and finite, got {token}{where}",
                )
    for element in root.iter(_S + "coverageProbability", _S + "coverageProbabilityXMLList"):
        for index, token, p in _numbers(element):
            where = _entry(element, index)
            if math.isnan(p):
                yield _at(
                    "dsi.coverage-probability",
                    element,
                    f"coverage probability is NaN{where}",
                    "warning",
                )
            elif not (0 < p <= 1):
                yield _at(
                    "dsi.coverage-probability",
                    element,
                    f"coverage probability p must be in (0, 1], got {token}{where}",
                )


_UNCERTAINTY_NAMES = (
    "uncertainty",
    "valueExpandedMU",
    "valueStandardMU",
    "standardUnc",
)
_UNCERTAINTY_TAGS = tuple(_S + n for n in _UNCERTAINTY_NAMES) + tuple(
    _S + n + "XMLList" for n in _UNCERTAINTY_NAMES
)
_EXPANDED_NAMES = frozenset(("uncertainty", "valueExpandedMU"))


def check_uncertainties(root) -> Iterator[Problem]:
    """``dsi.uncertainty``: uncertainty values are finite and >= 0 (NaN: a warning)."""
    for element in root.iter(*_UNCERTAINTY_TAGS):
        for index, token, u in _numbers(element):
            where = _entry(element, index)
            if math.isnan(u):
                yield _at("dsi.uncertainty", element, f"uncertainty is NaN{where}", "warning")
            elif not (0 <= u < math.inf):
                yield _at(
                    "dsi.uncertainty",
                    element,
                    f"an uncertainty must be finite and >= 0, got {token}{where}",
                )


_VALUE_NAMES = (
    "value",
    "valueReal",
    "valueImag",
    "valueMagnitude",
    "valuePhase",
    "intervalMin",
    "intervalMax",
)
_VALUE_TAGS = tuple(_S + n for n in _VALUE_NAMES) + tuple(_S + n + "XMLList" for n in _VALUE_NAMES)


def check_values(root) -> Iterator[Problem]:
    """``dsi.value-finite``: INF is an error, NaN a warning (D-SI 2.2 allows ``NaN``)."""
    for element in root.iter(*_VALUE_TAGS):
        for index, token, x in _numbers(element):
            where = _entry(element, index)
            if math.isnan(x):
                yield _at(
                    "dsi.value-finite", element, f"value is NaN (not a number){where}", "warning"
                )
            elif math.isinf(x):
                yield _at("dsi.value-finite", element, f"value must be finite, got {token}{where}")


# --------------------------------------------------- hybrids and relative uncertainty


class _Alternative(NamedTuple):
    """One alternative of a si:hybrid (or the absolute form of a quantity), as written."""

    element: object  # the si:real / si:realListXMLList / si:constant
    value_element: object
    values: list[str]
    units: list[Unit]
    unit_texts: list[str]
    uncertainty_element: object | None
    uncertainties: list[str]
    expanded: bool


def _first(element, names: Iterable[str]):
    wanted = {_S + n for n in names}
    for node in element.iter():
        if node.tag in _MULTIVARIATE:
            return None
        if node.tag in wanted:
            return node
    return None


def _alternative(element) -> _Alternative | None:
    """The values, units and uncertainty of a si:real, si:constant or si:realListXMLList.

    None when it is another form, or when a unit is not D-SI or a value not a
    finite number (other rules report those).
    """
    local = _local(element)
    if local in ("real", "constant"):
        value_element = element.find("si:value", _NS)
        unit_elements = [element.find("si:unit", _NS)]
    elif local == "realListXMLList":
        value_element = element.find("si:valueXMLList", _NS)
        unit_elements = [element.find("si:unitXMLList", _NS)]
    else:
        return None
    if value_element is None or unit_elements[0] is None:
        return None
    values = _tokens(value_element)
    unit_texts = _tokens(unit_elements[0])
    units = [_unit(t)[0] for t in unit_texts]
    if not values or not units or any(u is None for u in units):
        return None
    if len(units) not in (1, len(values)):
        return None
    if any(not _DECIMAL.fullmatch(v) for v in values):
        return None
    names = ("uncertainty", "valueExpandedMU", "valueStandardMU", "standardUnc")
    unc = _first(element, [*names, *(n + "XMLList" for n in names)])
    uncertainties = _tokens(unc)
    if unc is not None and (
        len(uncertainties) not in (1, len(values))
        or any(not _DECIMAL.fullmatch(u) for u in uncertainties)
    ):
        unc, uncertainties = None, []
    expanded = unc is not None and _local(unc).removesuffix("XMLList") in _EXPANDED_NAMES
    return _Alternative(
        element, value_element, values, units, unit_texts, unc, uncertainties, expanded
    )


def _same_dimension(a: Unit, b: Unit) -> bool:
    return a.dimensions == b.dimensions and a.other_dimensions == b.other_dimensions


def _disagreement(
    ref: _Alternative, alt: _Alternative, *, field: str, offsets: bool
) -> tuple[int, float, float, float] | None:
    """First entry where ``alt`` and ``ref`` differ by more than their digits allow.

    Returns (index, alt's value in ref's unit, difference, tolerance) in ref's unit,
    or None when every entry agrees.
    """
    ref_tokens = ref.values if field == "value" else ref.uncertainties
    alt_tokens = alt.values if field == "value" else alt.uncertainties
    n = max(len(ref_tokens), len(alt_tokens))
    for i in range(n):
        a_token, b_token = _pick(ref_tokens, i), _pick(alt_tokens, i)
        ua, ub = _pick(ref.units, i), _pick(alt.units, i)
        sa, sb = float(ua.scale), float(ub.scale)
        oa = float(ua.offset) if offsets else 0.0
        ob = float(ub.offset) if offsets else 0.0
        a, b = float(a_token), float(b_token)
        b_in_a = (b * sb + ob - oa) / sa
        tolerance = _half_unit(a_token) + _half_unit(b_token) * sb / sa
        difference = abs(a - b_in_a)
        if difference > tolerance * (1 + 1e-9) + 1e-12 * max(abs(a), abs(b_in_a)):
            return i, b_in_a, difference, tolerance
    return None


def _g(x: float) -> str:
    return f"{x:.6g}"


def check_hybrids(root) -> Iterator[Problem]:
    r"""``dsi.hybrid-consistent``: the alternatives of a si:hybrid state the same thing.

    For the si:real, si:constant and si:realListXMLList alternatives of one
    si:hybrid whose units are D-SI (other forms and units are not compared):

    - they have the same number of values and units of the same dimension;
    - every value agrees with the first alternative's after conversion, within the
      digits written: ``|a - conv(b)| <= h(a) + h(b) * scale_b / scale_a``, h being
      half a unit in the last digit written. Absolute temperatures convert with the
      offset (``\kelvin`` = ``\degreecelsius`` + 273.15); when the alternatives do not
      agree so but do agree without the offset, they are taken as temperature
      differences (a measurement error in K and in °C) and pass;
    - where two alternatives both give an uncertainty of the same kind (expanded or
      standard), the uncertainties agree the same way, converted without offset.

    References
    ----------
    D-SI 2.2.1, ``si:hybrid``: "all real elements provide a quantity value for one and
    the same measured quantity"; lists "must have an identical structure".
    SI Brochure, 9th ed., 2.3.1 (t/°C = T/K - 273.15).
    """
    for hybrid in root.iter(_S + "hybrid"):
        alternatives = [_alternative(c) for c in hybrid if isinstance(c.tag, str)]
        numbered = [(i + 1, a) for i, a in enumerate(alternatives) if a is not None]
        if len(numbered) < 2:
            continue
        (_, ref), rest = numbered[0], numbered[1:]
        for number, alt in rest:
            yield from _compare_alternatives(ref, number, alt)


def _compare_alternatives(ref: _Alternative, number: int, alt: _Alternative) -> Iterator[Problem]:
    rule = "dsi.hybrid-consistent"
    if len(alt.values) != len(ref.values):
        yield _at(
            rule,
            alt.value_element,
            f"alternative {number} of the si:hybrid has {len(alt.values)} values, alternative "
            f"1 (line {ref.value_element.sourceline}) has {len(ref.values)}: the alternatives "
            "give one quantity in different units",
        )
        return
    for ua_text, ua, ub_text, ub in (
        (
            _pick(ref.unit_texts, i),
            _pick(ref.units, i),
            _pick(alt.unit_texts, i),
            _pick(alt.units, i),
        )
        for i in range(len(ref.values))
    ):
        if not _same_dimension(ua, ub):
            yield _at(
                rule,
                alt.element,
                f"alternative {number} of the si:hybrid is in '{ub_text}', alternative 1 in "
                f"'{ua_text}': not the same dimension, so not the same quantity",
            )
            return
    mismatch = _disagreement(ref, alt, field="value", offsets=True)
    has_offset = any(u.offset for u in (*ref.units, *alt.units))
    if (
        mismatch is not None
        and has_offset
        and _disagreement(ref, alt, field="value", offsets=False) is None
    ):
        mismatch = None  # temperature differences in K and °C
    if mismatch is not None:
        yield _hybrid_problem(ref, number, alt, mismatch, "value", alt.value_element)
    if (
        ref.uncertainty_element is not None
        and alt.uncertainty_element is not None
        and ref.expanded == alt.expanded
    ):
        mismatch = _disagreement(ref, alt, field="uncertainty", offsets=False)
        if mismatch is not None:
            yield _hybrid_problem(
                ref, number, alt, mismatch, "uncertainty", alt.uncertainty_element
            )


def _hybrid_problem(ref, number, alt, mismatch, field, element) -> Problem:
    index, converted, difference, tolerance = mismatch
    ref_tokens = ref.values if field == "value" else ref.uncertainties
    alt_tokens = alt.values if field == "value" else alt.uncertainties
    unit_a, unit_b = _pick(ref.unit_texts, index), _pick(alt.unit_texts, index)
    entry = f", entry {index + 1}" if len(ref.values) > 1 else ""
    return _at(
        "dsi.hybrid-consistent",
        element,
        f"si:hybrid alternatives disagree{entry}: alternative {number} gives {field} "
        f"{_pick(alt_tokens, index)} {unit_b} = {_g(converted)} {unit_a}, alternative 1 "
        f"gives {_pick(ref_tokens, index)} {unit_a} (line {ref.value_element.sourceline}); "
        f"they differ by {difference:.3g} {unit_a}, more than the {tolerance:.3g} {unit_a} "
        "the digits written allow (half a unit in the last digit of each)",
    )


def check_relative_uncertainty(root) -> Iterator[Problem]:
    r"""``unc.relative-absolute``: U_rel |x| equals the absolute uncertainty U.

    The pattern: a ``dcc:quantity`` holding a ``si:real`` or ``si:realListXMLList``
    with an uncertainty (expanded U, or else standard u) and a
    ``dcc:relativeUncertainty`` (``dcc:relativeUncertaintySingle`` or
    ``dcc:relativeUncertaintyXmlList``, DCC 3.1-3.3) whose value is the same
    uncertainty relative to the value, in a unit of dimension one (``\one``,
    ``\percent``, ``\ppm``...). For each entry (D-SI "1 or N" broadcasting):

    ``|r f |x| - U| <= h(r) f |x| + r f h(x) + h(U)``

    with f the factor of the relative unit to ``\one`` and h half a unit in the last
    digit written. A relative uncertainty in a unit of another dimension is an error.
    Entries with x = 0 are skipped (no relative uncertainty exists there).

    None of the example certificates holds this pattern; the rule is tested on
    mutations of them.

    References
    ----------
    DCC 3.3.0, ``dcc:relativeUncertaintyType``; JCGM 200:2012 (VIM) 2.32 (relative
    standard measurement uncertainty: u divided by the absolute value of the value).
    """
    rule = "unc.relative-absolute"
    for relative in root.iter(_D + "relativeUncertainty"):
        quantity = relative.getparent()
        absolute_element = next(
            (c for c in quantity if c.tag in (_S + "real", _S + "realListXMLList")), None
        )
        holder = next(iter(relative), None)
        if holder is None or absolute_element is None:
            continue
        absolute = _alternative(absolute_element)
        rel_values = _tokens(holder.find("si:value", _NS)) or _tokens(
            holder.find("si:valueXMLList", _NS)
        )
        unit_element = holder.find("si:unit", _NS)
        if unit_element is None:
            unit_element = holder.find("si:unitXMLList", _NS)
        rel_units = [_unit(t)[0] for t in _tokens(unit_element)]
        if not rel_values or not rel_units or any(u is None for u in rel_units):
            continue  # dsi.unit / the XSD report it
        if any(not _DECIMAL.fullmatch(t) for t in rel_values):
            continue
        wrong = next((u for u in rel_units if any(u.dimensions) or u.other_dimensions), None)
        if wrong is not None:
            yield _at(
                rule,
                unit_element,
                f"a relative uncertainty has a unit of dimension one (\\one, \\percent...), "
                f"got '{wrong.dsi}'",
            )
            continue
        if absolute is None or not absolute.uncertainties:
            continue
        n = len(absolute.values)
        if len(rel_values) not in (1, n) or len(rel_units) not in (1, n):
            continue  # dsi.list-length reports it
        yield from _compare_relative(rule, holder, rel_values, rel_units, absolute)


def _compare_relative(rule, holder, rel_values, rel_units, absolute) -> Iterator[Problem]:
    n = len(absolute.values)
    bad = []
    for i in range(n):
        x_token, u_token, r_token = (
            absolute.values[i],
            _pick(absolute.uncertainties, i),
            _pick(rel_values, i),
        )
        x, big_u, r = float(x_token), float(u_token), float(r_token)
        factor = float(_pick(rel_units, i).scale)
        if x == 0:
            continue
        expected = r * factor * abs(x)
        tolerance = (
            _half_unit(r_token) * factor * abs(x)
            + r * factor * _half_unit(x_token)
            + _half_unit(u_token)
        )
        if abs(expected - big_u) > tolerance * (1 + 1e-9) + 1e-12 * abs(expected):
            bad.append((i, x_token, u_token, r_token, expected, tolerance))
    if not bad:
        return
    i, x_token, u_token, r_token, expected, tolerance = bad[0]
    unit = _pick(absolute.unit_texts, i)
    rel_unit = _pick(rel_units, i).dsi
    entry = f" (entry {i + 1}; {len(bad)} of {n} entries disagree)" if n > 1 else ""
    kind = "expanded" if absolute.expanded else "standard"
    yield _at(
        rule,
        holder,
        f"relative uncertainty {r_token} {rel_unit} of the value {x_token} {unit} is "
        f"{_g(expected)} {unit}, but the {kind} uncertainty given is {u_token} {unit}{entry}; "
        f"they differ by {abs(expected - float(u_token)):.3g} {unit}, more than the "
        f"{tolerance:.3g} {unit} the digits written allow",
    )


# ------------------------------------------------------------------- ids and refIds


def check_ids(root) -> Iterator[Problem]:
    """``ref.id-unique``: every ``@id`` is used once."""
    seen: dict[str, object] = {}
    for value in root.xpath("//@id"):
        element = value.getparent()
        first = seen.setdefault(str(value), element)
        if first is not element:
            yield _at(
                "ref.id-unique",
                element,
                f"id '{value}' is already used by {_name(first)} at line {first.sourceline} "
                f"({path_of(first)}); an id must be unique in the document",
            )


def check_refids(root) -> Iterator[Problem]:
    """``ref.refid-resolves``: every token of a ``@refId`` names an ``@id``."""
    ids = {str(v) for v in root.xpath("//@id")}
    for value in root.xpath("//@refId"):
        missing = [t for t in dict.fromkeys(value.split()) if t not in ids]
        for token in missing:
            yield _at(
                "ref.refid-resolves",
                value.getparent(),
                f"refId '{token}' refers to no id in the document",
            )


# ----------------------------------------------------------------------- languages


def _core(root):
    return root.find("dcc:administrativeData/dcc:coreData", _NS)


def _codes(core, name: str) -> list[tuple[str, object]]:
    if core is None:
        return []
    return [((e.text or "").strip(), e) for e in core.findall(f"dcc:{name}", _NS)]


def check_languages(root) -> Iterator[Problem]:
    """``lang.mandatory-used``, ``lang.declared``, ``lang.mandatory-present``, ``lang.complete``.

    A text (``dcc:textType``, ``dcc:richContentType``) given per language, that is
    whose ``dcc:content`` all carry ``@lang``, has a content in every mandatory
    language (error) and in every other used language (warning). A content without
    ``@lang`` applies to every language, so a text holding one is complete.

    PTB's page "Handling of multiple languages" says every *used* language "must be
    represented"; PTB's own Good Practice examples (DCC 3.1-3.2) omit English in two
    declarations each and its vacuum examples omit German in most names, with German,
    resp. English as the only mandatory language. sitrace therefore reports a missing
    mandatory language, which decides "in case of doubt", as an error, and a missing
    other used language as a warning.
    """
    core = _core(root)
    used = _codes(core, "usedLangCodeISO639_1")
    mandatory = _codes(core, "mandatoryLangCodeISO639_1")
    used_codes = [code for code, _ in used]
    mandatory_codes = [code for code, _ in mandatory]
    for code, element in mandatory:
        if used and code not in used_codes:
            yield _at(
                "lang.mandatory-used",
                element,
                f"mandatory language '{code}' is not among the used languages "
                f"({', '.join(used_codes)})",
            )
    if used:
        for value in root.xpath("//dcc:*/@lang", namespaces=_NS):
            if value not in used_codes:
                yield _at(
                    "lang.declared",
                    value.getparent(),
                    f"lang '{value}' is not declared in dcc:usedLangCodeISO639_1 "
                    f"({', '.join(used_codes)})",
                )
    texts = dict.fromkeys(content.getparent() for content in root.iter(_D + "content"))
    for text in texts:
        langs = [c.get("lang") for c in text if c.tag == _D + "content"]
        if None in langs:
            continue
        for code in dict.fromkeys(mandatory_codes):
            if code not in langs:
                yield _at(
                    "lang.mandatory-present",
                    text,
                    f"{_name(text)} is given in {', '.join(dict.fromkeys(langs))} but not in "
                    f"the mandatory language '{code}'",
                )
        for code in dict.fromkeys(used_codes):
            if code not in langs and code not in mandatory_codes:
                yield _at(
                    "lang.complete",
                    text,
                    f"{_name(text)} is given in {', '.join(dict.fromkeys(langs))} but not in "
                    f"the used language '{code}'",
                    "warning",
                )


# ---------------------------------------------------------------------------- dates

_XS_DATE = re.compile(r"(-?\d{4,}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")


def _date(element) -> date | None:
    if element is None:
        return None
    match = _XS_DATE.fullmatch((element.text or "").strip())
    if match is None:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def check_dates(root) -> Iterator[Problem]:
    """``date.order``: the calibration ends on or after the day it begins.

    Warnings: ``receiptDate`` after ``beginPerformanceDate`` (the item calibrated
    before it arrived; PTB makes no rule of it, and the second example of its
    ``dcc:coreData`` page has a receipt date after the end), ``issueDate`` (3.3) before
    ``endPerformanceDate``.
    """
    core = _core(root)
    if core is None:
        return
    elements = {
        name: core.find(f"dcc:{name}", _NS)
        for name in ("receiptDate", "beginPerformanceDate", "endPerformanceDate", "issueDate")
    }
    dates = {name: _date(element) for name, element in elements.items()}
    begin, end = dates["beginPerformanceDate"], dates["endPerformanceDate"]
    receipt, issued = dates["receiptDate"], dates["issueDate"]
    if begin and end and end < begin:
        yield _at(
            "date.order",
            elements["endPerformanceDate"],
            f"endPerformanceDate {end} is before beginPerformanceDate {begin} "
            f"(line {elements['beginPerformanceDate'].sourceline})",
        )
    if receipt and begin and receipt > begin:
        yield _at(
            "date.order",
            elements["receiptDate"],
            f"receiptDate {receipt} is after beginPerformanceDate {begin}: the item was "
            "calibrated before it was received",
            "warning",
        )
    if issued and end and issued < end:
        yield _at(
            "date.order",
            elements["issueDate"],
            f"issueDate {issued} is before endPerformanceDate {end}",
            "warning",
        )


# ---------------------------------------------------------------------------- codes


def check_country_codes(root) -> Iterator[Problem]:
    """``code.iso3166``: country codes are assigned ISO 3166-1 alpha-2 codes."""
    for element in root.iter(_D + "countryCodeISO3166_1", _D + "countryCode"):
        code = (element.text or "").strip()
        if codes.country_name(code) is None:
            hint = codes.country_hint(code)
            yield _at(
                "code.iso3166",
                element,
                f"'{code}' is not an ISO 3166-1 alpha-2 country code"
                + (f"; did you mean '{hint}' ({codes.country_name(hint)})?" if hint else ""),
            )


def check_language_codes(root) -> Iterator[Problem]:
    """``code.iso639``: language codes and ``@lang`` are assigned ISO 639-1 codes."""
    core = _core(root)
    found = [
        (code, element)
        for name in ("usedLangCodeISO639_1", "mandatoryLangCodeISO639_1")
        for code, element in _codes(core, name)
    ]
    found += [(str(v), v.getparent()) for v in root.xpath("//dcc:*/@lang", namespaces=_NS)]
    for code, element in found:
        if codes.language_name(code) is None:
            hint = codes.language_hint(code)
            yield _at(
                "code.iso639",
                element,
                f"'{code}' is not an ISO 639-1 language code"
                + (f"; did you mean '{hint}' ({codes.language_name(hint)})?" if hint else ""),
            )


# --------------------------------------------------------------------------- running


class Rule(NamedTuple):
    """A check and the rule ids its problems carry."""

    ids: tuple[str, ...]
    check: Callable[[etree._Element], Iterable[Problem]]


RULES: tuple[Rule, ...] = (
    Rule(("dsi.unit",), check_units),
    Rule(("dsi.list-length",), check_list_lengths),
    Rule(("dsi.coverage-factor", "dsi.coverage-probability"), check_coverage),
    Rule(("dsi.uncertainty",), check_uncertainties),
    Rule(("dsi.value-finite",), check_values),
    Rule(("dsi.hybrid-consistent",), check_hybrids),
    Rule(("unc.relative-absolute",), check_relative_uncertainty),
    Rule(("ref.id-unique",), check_ids),
    Rule(("ref.refid-resolves",), check_refids),
    Rule(
        ("lang.mandatory-used", "lang.declared", "lang.mandatory-present", "lang.complete"),
        check_languages,
    ),
    Rule(("date.order",), check_dates),
    Rule(("code.iso3166",), check_country_codes),
    Rule(("code.iso639",), check_language_codes),
)
"""Every rule, in the order they run."""

RULE_IDS: tuple[str, ...] = tuple(i for rule in RULES for i in rule.ids)
"""Every rule id."""


def check(root, *, select: Iterable[str] | None = None) -> list[Problem]:
    """Run the rules on a parsed DCC (its root element) and return the problems found.

    Parameters
    ----------
    root : lxml.etree._Element
        The ``dcc:digitalCalibrationCertificate`` element (with its source lines).
    select : iterable of str, optional
        Rule ids to run (default: all). An unknown id raises InputError.

    Returns
    -------
    list of Problem
        Sorted by line, then rule id.
    """
    wanted = set(RULE_IDS if select is None else select)
    unknown = wanted - set(RULE_IDS)
    if unknown:
        raise InputError(
            f"unknown rule id(s) {', '.join(sorted(unknown))}; known: {', '.join(RULE_IDS)}"
        )
    problems = [
        problem
        for rule in RULES
        if wanted.intersection(rule.ids)
        for problem in rule.check(root)
        if problem.rule in wanted
    ]
    problems.sort(key=lambda p: (p.line or 0, p.rule))
    return problems
