"""Hypothesis strategies for valid DCC 3.3.0 certificates.

:func:`certificates` draws a :class:`~sitrace.dcc.model.Certificate` that the
writer turns into XML valid against DCC 3.3.0 / D-SI 2.2.1, with every D-SI
variant the model holds (``si:real``, ``si:realListXMLList``, ``si:constant``,
``si:complex`` cartesian and polar, ``si:hybrid`` of each) and every
uncertainty form (``expandedUnc``, ``coverageInterval``, ``expandedMU``,
``standardMU``, ``coverageIntervalMU``, single and ``XMLList``, lists with 1 or
N entries). Values are in the form the reader gives back (tuples, empty tuples
for absent lists, extras as the reader serializes them), so that
``read(write(cert)) == cert``.

What it does not draw: NaN (D-SI allows it, but NaN != NaN breaks equality),
infinities (D-SI has no spelling for them), extras other than comments and
``xsi:schemaLocation`` (others would break validity).
"""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import strategies as st

from sitrace.dcc.model import (
    ATTRIBUTES,
    Address,
    Certificate,
    Contact,
    CoreData,
    Extra,
    Hash,
    Identification,
    InfluenceCondition,
    Item,
    MeasurementResult,
    MeasuringEquipment,
    Quantity,
    QuantityList,
    RespPerson,
    Result,
    SiComplex,
    SiConstant,
    SiHybrid,
    SiList,
    SiReal,
    Software,
    Statement,
    Text,
    Uncertainty,
    UsedMethod,
)

LANGUAGES = ("de", "en", "fr")
UNITS = (
    r"\metre",
    r"\kelvin",
    r"\degreecelsius",
    r"\one",
    r"\percent",
    r"\kilogram\metre\tothe{-1}\second\tothe{-2}",
    r"\milli\volt",
    r"\ohm",
)
_WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789äöüßéÅ°µ_.,()/+#&<>'\""
_XML_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"
) | st.sampled_from("\n\t ")

words = st.text(alphabet=_WORD, min_size=1, max_size=8)
"""One token: no whitespace (items of ``xs:list`` values)."""

strings = st.lists(words, min_size=1, max_size=3).map(" ".join)
"""``dcc:notEmptyStringType``: no leading or trailing whitespace."""

contents = st.text(_XML_CHARACTERS, max_size=20)
"""``dcc:content``: any XML text, whitespace kept as written."""

numbers = st.floats(allow_nan=False, allow_infinity=False)
non_negative = st.floats(min_value=0, allow_nan=False, allow_infinity=False)
coverage_factors = st.floats(min_value=1, max_value=1e6, allow_nan=False)
probabilities = st.floats(min_value=0, max_value=1, allow_nan=False)
dates = st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31))
zones = (
    st.none()
    | st.just(UTC)
    | st.integers(-14 * 60, 14 * 60).map(lambda minutes: timezone(timedelta(minutes=minutes)))
)
date_times = st.datetimes(
    min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30), timezones=zones
)
ref_types = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10), min_size=1, max_size=2
).map(" ".join)
comments = st.text(alphabet="abcdefghijklmnopqrstuvwxyz äöü.", max_size=12).map(
    lambda text: Extra(0, f"<!--{text}-->".encode())
)


_BOOL = st.booleans()
_LANG = st.none() | st.sampled_from(LANGUAGES)
_ENTRIES = st.lists(st.tuples(_LANG, contents), min_size=1, max_size=3)
_UNIT = st.sampled_from(UNITS)
_OPTIONAL: dict[int, st.SearchStrategy] = {}
_SAMPLED: dict[tuple, st.SearchStrategy] = {}


def _ints(low: int, high: int) -> st.SearchStrategy:
    return _choice(tuple(range(low, high + 1))) if high - low < 8 else st.integers(low, high)


_LISTS: dict[tuple, st.SearchStrategy] = {}


def _list_of(strategy, min_size: int = 0, max_size: int | None = None, unique: bool = False):
    """``st.lists``, built once per (strategy, sizes) so that hypothesis validates it once."""
    key = (id(strategy), min_size, max_size, unique)
    if key not in _LISTS:
        _LISTS[key] = st.lists(strategy, min_size=min_size, max_size=max_size, unique=unique)
    return _LISTS[key]


def _choice(values: tuple) -> st.SearchStrategy:
    if values not in _SAMPLED:
        _SAMPLED[values] = st.sampled_from(values)
    return _SAMPLED[values]


class _Ids:
    """Unique ``xs:ID`` values, and ``xs:IDREFS`` to those already made."""

    def __init__(self) -> None:
        self.made: list[str] = []
        self._counter = itertools.count(1)

    def id(self, draw) -> str | None:
        if not draw(_BOOL):
            return None
        new = f"id{next(self._counter)}"
        self.made.append(new)
        return new

    def refs(self, draw) -> tuple[str, ...]:
        if not self.made or not draw(_BOOL):
            return ()
        return tuple(draw(_list_of(_choice(tuple(self.made)), min_size=1, max_size=2)))


def _text(draw, *, required: bool = False, comment: bool = True) -> Text:
    if not required and draw(_BOOL):
        return Text()
    entries = draw(_ENTRIES)
    extra = ()
    if comment and draw(_ints(0, 4)) == 0:
        note = draw(comments)
        extra = (Extra(draw(_ints(0, len(entries))), note.xml),)
    return Text(tuple(entries), extra)


def _optional(draw, strategy):
    """None or a value (the ``none() | strategy`` built once per strategy)."""
    key = id(strategy)
    if key not in _OPTIONAL:
        _OPTIONAL[key] = st.none() | strategy
    return draw(_OPTIONAL[key])


# --- D-SI --------------------------------------------------------------------------------------

_KINDS = ("expandedUnc", "coverageInterval", "expandedMU", "standardMU", "coverageIntervalMU")


def _uncertainty(draw, n: int, *, listed: bool) -> Uncertainty:
    kind = draw(_choice(_KINDS))

    def one_or_n(strategy):
        size = 1 if not listed else draw(_choice((1, n)))
        return tuple(draw(_list_of(strategy, min_size=size, max_size=size)))

    fields: dict = {"value": one_or_n(non_negative)}
    if kind in ("expandedUnc", "expandedMU"):
        fields["coverage_factor"] = one_or_n(coverage_factors)
        fields["coverage_probability"] = one_or_n(probabilities)
    if kind in ("coverageInterval", "coverageIntervalMU"):
        fields["interval_min"] = one_or_n(numbers)
        fields["interval_max"] = one_or_n(numbers)
        fields["coverage_probability"] = one_or_n(probabilities)
    if draw(_BOOL):
        fields["distribution"] = one_or_n(words if listed else strings)
    return Uncertainty(kind=kind, **fields)


@st.composite
def si_reals(draw) -> SiReal:
    extra = (draw(comments),) if draw(_ints(0, 5)) == 0 else ()
    return SiReal(
        value=draw(numbers),
        unit=draw(_UNIT),
        label=_optional(draw, contents),
        quantity_type=_optional(draw, words),
        date_time=_optional(draw, date_times),
        significant_digit=_optional(draw, _ints(-(10**6), 10**6)),
        uncertainty=_uncertainty(draw, 1, listed=False) if draw(_BOOL) else None,
        extra=extra,
    )


@st.composite
def si_lists(draw) -> SiList:
    n = draw(_ints(1, 5))

    def one_or_n(strategy, *, empty: bool = True):
        sizes = (0, 1, n) if empty else (1, n)
        size = draw(_choice(sizes))
        return tuple(draw(_list_of(strategy, min_size=size, max_size=size)))

    return SiList(
        values=tuple(draw(_list_of(numbers, min_size=n, max_size=n))),
        units=one_or_n(_UNIT, empty=False),
        labels=one_or_n(words),
        quantity_types=one_or_n(words),
        date_times=one_or_n(date_times),
        significant_digits=one_or_n(_ints(-99, 99)),
        uncertainty=_uncertainty(draw, n, listed=True) if draw(_BOOL) else None,
    )


@st.composite
def si_constants(draw) -> SiConstant:
    return SiConstant(
        value=draw(numbers),
        unit=draw(_UNIT),
        label=_optional(draw, contents),
        quantity_type=_optional(draw, words),
        date_time=_optional(draw, date_times),
        significant_digit=_optional(draw, _ints(0, 30)),
        uncertainty=_optional(draw, non_negative),
        distribution=_optional(draw, strings),
        standard_uncertainty=_optional(draw, non_negative),
    )


@st.composite
def si_complexes(draw) -> SiComplex:
    unit = draw(_UNIT)
    common = {
        "label": _optional(draw, contents),
        "quantity_type": _optional(draw, words),
        "date_time": _optional(draw, date_times),
    }
    if draw(_BOOL):
        return SiComplex(unit=unit, real=draw(numbers), imag=draw(numbers), **common)
    return SiComplex(
        unit=unit,
        magnitude=draw(non_negative),
        phase=draw(numbers),
        unit_phase=draw(_choice((r"\radian", r"\degree"))),
        **common,
    )


@st.composite
def si_hybrids(draw) -> SiHybrid:
    """All alternatives of one kind: the schema's ``hybridType`` is a choice of repeats."""
    kind = draw(_choice((si_reals(), si_lists(), si_constants(), si_complexes())))
    return SiHybrid(tuple(draw(_list_of(kind, min_size=1, max_size=3))))


si_values = st.one_of(si_reals(), si_lists(), si_constants(), si_complexes(), si_hybrids())


# --- dcc ---------------------------------------------------------------------------------------


def _quantity(draw, ids: _Ids) -> Quantity:
    name = _text(draw)
    description = _text(draw)
    no_quantity = None
    value = None
    if draw(_ints(0, 5)) == 0:
        no_quantity = _text(draw, required=True)
    else:
        value = draw(si_values)
    extra = ()
    if draw(_ints(0, 4)) == 0:
        children = bool(name) + bool(description) + 1
        extra = (Extra(draw(_ints(0, children)), draw(comments).xml),)
    return Quantity(
        name=name,
        value=value,
        description=description,
        no_quantity=no_quantity,
        ref_type=_optional(draw, ref_types),
        id=ids.id(draw),
        ref_id=ids.refs(draw),
        extra=extra,
    )


def _quantity_list(draw, ids: _Ids, depth: int) -> QuantityList:
    return QuantityList(
        items=_data(draw, ids, depth + 1),
        name=_text(draw),
        description=_text(draw),
        ref_type=_optional(draw, ref_types),
        id=ids.id(draw),
        ref_id=ids.refs(draw),
    )


def _data(draw, ids: _Ids, depth: int = 0) -> tuple:
    size = draw(_ints(1, 3 if depth < 2 else 2))
    items = []
    for _ in range(size):
        if depth < 2 and draw(_ints(0, 3)) == 0:
            items.append(_quantity_list(draw, ids, depth))
        else:
            items.append(_quantity(draw, ids))
    return tuple(items)


def _address(draw) -> Address:
    names = ("city", "countryCode", "postCode", "postOfficeBox", "state", "street", "streetNo")
    chosen = draw(_list_of(_choice((*names, "further")), min_size=1, max_size=4, unique=True))
    values = {name: draw(strings) for name in chosen if name != "further"}
    if "countryCode" in values:
        values["countryCode"] = draw(_choice(("DE", "DK", "FR", "CN")))
    default = [name for name in (*names, "further") if name in chosen]
    order = tuple(chosen) if list(chosen) != default else ()
    return Address(
        city=values.get("city"),
        country_code=values.get("countryCode"),
        post_code=values.get("postCode"),
        post_office_box=values.get("postOfficeBox"),
        state=values.get("state"),
        street=values.get("street"),
        street_no=values.get("streetNo"),
        further=_text(draw, required=True) if "further" in chosen else Text(),
        order=order,
    )


def _contact(draw, *, strict: bool) -> Contact:
    return Contact(
        name=_text(draw, required=True),
        email=_optional(draw, strings),
        phone=_optional(draw, strings),
        fax=_optional(draw, strings),
        location=_address(draw) if strict or draw(_BOOL) else None,
    )


def _identification(draw) -> Identification:
    return Identification(
        issuer=draw(
            _choice(("manufacturer", "calibrationLaboratory", "customer", "owner", "other"))
        ),
        value=draw(strings),
        name=_text(draw),
        ref_type=_optional(draw, ref_types),
    )


def _identifications(draw, minimum: int = 0) -> tuple:
    return tuple(_identification(draw) for _ in range(draw(_ints(minimum, 2))))


def _hash(draw, depth: int = 0) -> Hash:
    return Hash(
        referral=_text(draw, required=True),
        referral_id=draw(strings),
        procedure=draw(_choice(("SHA256", "SHA3-512"))),
        value=draw(words),
        description=_text(draw),
        in_validity_range=_optional(draw, _BOOL),
        traceable=_optional(draw, _BOOL),
        linked_report=_hash(draw, depth + 1) if depth == 0 and draw(_BOOL) else None,
    )


def _statement(draw, ids: _Ids) -> Statement:
    return Statement(
        declaration=_text(draw),
        norms=tuple(draw(_list_of(strings, max_size=2))),
        references=tuple(draw(_list_of(strings, max_size=2))),
        conformity=_optional(
            draw,
            _choice(("pass", "fail", "conditionalPass", "conditionalFail", "noPass")),
        ),
        date=_optional(draw, dates),
        period=_optional(draw, _choice(("P1Y", "P2Y6M", "P30D", "PT12H"))),
        valid=_optional(draw, _BOOL),
        data=_data(draw, ids) if draw(_BOOL) else (),
        ref_type=_optional(draw, ref_types),
        id=ids.id(draw),
        ref_id=ids.refs(draw),
        convention=_optional(draw, strings),
        traceable=_optional(draw, _BOOL),
        resp_authority=_contact(draw, strict=True) if draw(_BOOL) else None,
    )


def _measurement_result(draw, ids: _Ids) -> MeasurementResult:
    methods = tuple(
        UsedMethod(
            name=_text(draw, required=True),
            description=_text(draw),
            norms=tuple(draw(_list_of(strings, max_size=2))),
            references=tuple(draw(_list_of(strings, max_size=2))),
            ref_type=_optional(draw, ref_types),
            id=ids.id(draw),
        )
        for _ in range(draw(_ints(0, 2)))
    )
    equipments = tuple(
        MeasuringEquipment(
            name=_text(draw, required=True),
            identifications=_identifications(draw),
            manufacturer=_contact(draw, strict=False) if draw(_BOOL) else None,
            model=_optional(draw, strings),
            certificate=_hash(draw) if draw(_BOOL) else None,
            description=_text(draw),
            ref_type=_optional(draw, ref_types),
            id=ids.id(draw),
        )
        for _ in range(draw(_ints(0, 2)))
    )
    conditions = tuple(
        InfluenceCondition(
            name=_text(draw, required=True),
            data=_data(draw, ids),
            description=_text(draw),
            status=_optional(
                draw,
                st.sampled_from(
                    ("beforeAdjustment", "afterAdjustment", "beforeRepair", "afterRepair")
                ),
            ),
            ref_type=_optional(draw, ref_types),
            id=ids.id(draw),
        )
        for _ in range(draw(_ints(0, 2)))
    )
    results = tuple(
        Result(
            name=_text(draw, required=True),
            data=_data(draw, ids),
            description=_text(draw),
            ref_type=_optional(draw, ref_types),
            id=ids.id(draw),
            ref_id=ids.refs(draw),
        )
        for _ in range(draw(_ints(1, 2)))
    )
    return MeasurementResult(
        name=_text(draw, required=True),
        results=results,
        used_methods=methods,
        measuring_equipments=equipments,
        influence_conditions=conditions,
        description=_text(draw),
        ref_type=_optional(draw, ref_types),
        id=ids.id(draw),
    )


_SCHEMA_LOCATION = (
    b'<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" '
    b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    b'xsi:schemaLocation="https://ptb.de/dcc https://ptb.de/dcc/v3.3.0/dcc.xsd">'
    b"</dcc:digitalCalibrationCertificate>"
)


@st.composite
def certificates(draw) -> Certificate:
    """A certificate valid against DCC 3.3.0 when written as 3.3.0."""
    ids = _Ids()
    used = tuple(draw(_list_of(_choice(LANGUAGES), min_size=1, max_size=3, unique=True)))
    begin = draw(dates)
    core = CoreData(
        country_code=draw(_choice(("DE", "DK", "FR", "CN"))),
        used_languages=used,
        mandatory_languages=used[: draw(_ints(1, len(used)))],
        unique_identifier=draw(strings),
        begin_performance_date=begin,
        end_performance_date=draw(dates),
        performance_location=draw(_choice(("laboratory", "customer", "laboratoryBranch", "other"))),
        identifications=_identifications(draw),
        receipt_date=_optional(draw, dates),
        previous_report=_hash(draw) if draw(_ints(0, 3)) == 0 else None,
        issue_date=_optional(draw, dates),
    )
    software = tuple(
        Software(
            name=_text(draw, required=True),
            release=draw(strings),
            type=_optional(draw, _choice(("application", "library", "other"))),
            description=_text(draw),
        )
        for _ in range(draw(_ints(1, 2)))
    )
    items = tuple(
        Item(
            name=_text(draw, required=True),
            identifications=_identifications(draw, minimum=1),
            manufacturer=_contact(draw, strict=False) if draw(_BOOL) else None,
            model=_optional(draw, strings),
            description=_text(draw),
            ref_type=_optional(draw, ref_types),
            id=ids.id(draw),
        )
        for _ in range(draw(_ints(1, 2)))
    )
    people = tuple(
        RespPerson(
            person=_contact(draw, strict=False),
            role=_optional(draw, strings),
            main_signer=_optional(draw, _BOOL),
            description=_text(draw),
        )
        for _ in range(draw(_ints(1, 2)))
    )
    laboratory = _contact(draw, strict=True)
    customer = _contact(draw, strict=True)
    results = tuple(_measurement_result(draw, ids) for _ in range(draw(_ints(1, 2))))
    statements = tuple(_statement(draw, ids) for _ in range(draw(_ints(0, 2))))
    extra: list[Extra] = []  # in the reader's order: by within, then position
    if draw(_BOOL):
        extra.append(Extra(ATTRIBUTES, _SCHEMA_LOCATION))
    if draw(_BOOL):
        extra.append(draw(comments))  # a licence header before administrativeData
    present = ["dccSoftware", "coreData", "items", "calibrationLaboratory", "respPersons"]
    present += ["customer"] + (["statements"] if statements else [])
    order = tuple(draw(st.permutations(present))) if draw(_BOOL) else ()
    document = {}
    if draw(_ints(0, 3)) == 0:
        document = {
            "document": draw(st.binary(max_size=64)),
            "document_name": draw(strings),
            "document_type": "application/pdf",
        }
    return Certificate(
        schema_version="3.3.0",
        software=software,
        core_data=core,
        items=items,
        calibration_laboratory=laboratory,
        resp_persons=people,
        customer=customer,
        measurement_results=results,
        statements=statements,
        extra=tuple(extra),
        administrative_order=() if list(order) == present else order,
        **document,
    )


# --- hand-written documents for example-based tests ------------------------------------------

_MINIMAL = """<?xml version="1.0" encoding="UTF-8"?>
<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" xmlns:si="https://ptb.de/si"
    schemaVersion="{version}">
  <dcc:administrativeData>
    <dcc:dccSoftware>
      <dcc:software><dcc:name><dcc:content>sitrace</dcc:content></dcc:name>
        <dcc:release>0.1</dcc:release></dcc:software>
    </dcc:dccSoftware>
    <dcc:coreData>
      <dcc:countryCodeISO3166_1>DE</dcc:countryCodeISO3166_1>
      <dcc:usedLangCodeISO639_1>en</dcc:usedLangCodeISO639_1>
      <dcc:mandatoryLangCodeISO639_1>en</dcc:mandatoryLangCodeISO639_1>
      <dcc:uniqueIdentifier>T-1</dcc:uniqueIdentifier>
      <dcc:beginPerformanceDate>{begin}</dcc:beginPerformanceDate>
      <dcc:endPerformanceDate>2024-05-02</dcc:endPerformanceDate>
      <dcc:performanceLocation>laboratory</dcc:performanceLocation>
    </dcc:coreData>
    <dcc:items>
      <dcc:item><dcc:name><dcc:content>gauge</dcc:content></dcc:name>
        <dcc:manufacturer><dcc:name><dcc:content>ACME</dcc:content></dcc:name></dcc:manufacturer>
        <dcc:identifications><dcc:identification><dcc:issuer>manufacturer</dcc:issuer>
          <dcc:value>S-1</dcc:value></dcc:identification></dcc:identifications>
      </dcc:item>
    </dcc:items>
    <dcc:calibrationLaboratory><dcc:contact><dcc:name><dcc:content>Lab</dcc:content></dcc:name>
      <dcc:eMail>lab@example.org</dcc:eMail>
      <dcc:location><dcc:city>Berlin</dcc:city></dcc:location></dcc:contact>
    </dcc:calibrationLaboratory>
    <dcc:respPersons><dcc:respPerson><dcc:person><dcc:name><dcc:content>A. Person</dcc:content>
      </dcc:name></dcc:person></dcc:respPerson></dcc:respPersons>
    <dcc:customer><dcc:name><dcc:content>Customer</dcc:content></dcc:name>
      <dcc:eMail>customer@example.org</dcc:eMail>
      <dcc:location><dcc:city>Hamburg</dcc:city></dcc:location></dcc:customer>
  </dcc:administrativeData>
  <dcc:measurementResults>
    <dcc:measurementResult>
      <dcc:name><dcc:content>Results</dcc:content></dcc:name>
      <dcc:results><dcc:result><dcc:name><dcc:content>Result</dcc:content></dcc:name>
        <dcc:data>{data}</dcc:data></dcc:result></dcc:results>
    </dcc:measurementResult>
  </dcc:measurementResults>
</dcc:digitalCalibrationCertificate>
"""


def minimal_dcc(data: str, *, version: str = "3.3.0", begin: str = "2024-05-01") -> bytes:
    """A small valid DCC whose one result holds ``data`` (``dcc:quantity`` elements)."""
    return _MINIMAL.format(data=data, version=version, begin=begin).encode()
