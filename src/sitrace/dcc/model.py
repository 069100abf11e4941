"""The Digital Calibration Certificate as Python values.

Dataclasses for PTB's DCC (``https://ptb.de/dcc``, releases 3.1-3.3) and the
D-SI quantities it carries (``https://ptb.de/si``, 2.1-2.2). Names follow the
schema's element names in snake case, so a metrologist who knows the XSD finds
each field where they expect it. Values are frozen; numbers are floats, lists
of numbers are tuples, texts in several languages are :class:`Text`.

What the model does not cover is kept in ``extra`` as :class:`Extra` (the XML
fragment and its position among its parent's children), so that reading and
writing a certificate loses nothing. A value that cannot be read (a
``§placeholder§`` in a date or number field of a template) is kept the same
way, as written, and noted in :attr:`Certificate.issues`; the field holding it
is left empty (``None``), never given an invented value.

References
----------
PTB, "Digital Calibration Certificate", XML schema 3.3.0 (2024), ``dcc.xsd``.
PTB, "D-SI: Digital System of Units", XML schema 2.2.1 (2024), ``SI_Format.xsd``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from ..errors import InputError

__all__ = [
    "ATTRIBUTES",
    "DOCUMENT",
    "Address",
    "Certificate",
    "Contact",
    "CoreData",
    "Extra",
    "Hash",
    "Identification",
    "InfluenceCondition",
    "Item",
    "MeasurementResult",
    "MeasuringEquipment",
    "Quantity",
    "QuantityList",
    "ReadIssue",
    "RespPerson",
    "Result",
    "SiComplex",
    "SiConstant",
    "SiHybrid",
    "SiList",
    "SiReal",
    "Software",
    "Statement",
    "Text",
    "Uncertainty",
    "UsedMethod",
]


ATTRIBUTES = -1
"""``Extra.position`` of the attributes the model does not cover (see :class:`Extra`)."""

DOCUMENT = ".."
"""``Extra.within`` of comments and processing instructions around the root element."""


@dataclass(frozen=True, slots=True)
class Extra:
    """An XML element, comment or attribute set the model does not cover, kept verbatim.

    An ``Extra`` sits on the nearest modelled parent. Three kinds:

    * a child node (element, comment, processing instruction): ``position`` is
      its index among the parent's child elements, comments and processing
      instructions in the source, ``xml`` the serialized node;
    * unmodelled attributes: ``position`` is :data:`ATTRIBUTES` (-1) and ``xml``
      an empty element with the parent's tag carrying only those attributes;
    * with ``within`` set, the same inside a wrapper element the model flattens
      (``"dcc:identifications"``, ``"dcc:data"``; ``"dcc:content[2]"`` for the
      second content of a :class:`Text`): ``position`` counts among the wrapper's
      children. ``within == DOCUMENT`` ("..") places comments and processing
      instructions around the root element: negative positions come before it
      (-1 right before), positive ones after it.

    Attributes
    ----------
    position : int
        Where it goes (see above).
    xml : bytes
        The serialized fragment (namespaces it uses declared on it).
    within : str
        The flattened wrapper it belongs to, relative to the parent ("" for the
        parent element itself).

    The reader gives extras sorted by ``(within, position)``; the writer takes
    them in any order.
    """

    position: int
    xml: bytes
    within: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """A text in one or more languages: ``dcc:content`` elements with ``@lang``.

    ``entries`` keeps the source order; a ``None`` language is a content
    without ``@lang`` (it applies to every language of the certificate).

    >>> name = Text.of(en="Temperature sensor", de="Temperatur-Fühler")
    >>> name.get("de"), name.languages
    ('Temperatur-Fühler', ('en', 'de'))
    """

    entries: tuple[tuple[str | None, str], ...] = ()
    extra: tuple[Extra, ...] = ()

    @classmethod
    def of(cls, text: str | None = None, /, **by_language: str) -> Text:
        """``Text.of("plain")`` or ``Text.of(en="...", de="...")``."""
        entries: list[tuple[str | None, str]] = [] if text is None else [(None, text)]
        entries.extend(by_language.items())
        return cls(tuple(entries))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(lang for lang, _ in self.entries if lang is not None)

    def get(self, lang: str | None = None, default: str | None = None) -> str | None:
        """The text in ``lang``, else the language-neutral one, else ``default``."""
        neutral = default
        for entry_lang, text in self.entries:
            if entry_lang == lang:
                return text
            if entry_lang is None:
                neutral = text
        return neutral

    def __bool__(self) -> bool:
        return bool(self.entries or self.extra)


UncertaintyKind = Literal[
    "expandedUnc",  # D-SI 1.x form, deprecated in 2.x: uncertainty, coverageFactor, -Probability
    "coverageInterval",  # D-SI 1.x: standardUnc, intervalMin, intervalMax, coverageProbability
    "expandedMU",  # D-SI 2.x measurementUncertaintyUnivariate/expandedMU
    "standardMU",  # D-SI 2.x measurementUncertaintyUnivariate/standardMU
    "coverageIntervalMU",  # D-SI 2.x measurementUncertaintyUnivariate/coverageIntervalMU
]


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """The uncertainty of a D-SI value or list, in any of the D-SI forms.

    For a list, every field holding numbers has one entry per value or a
    single entry that applies to every value (D-SI "1 or N").

    Attributes
    ----------
    kind : str
        The D-SI element: ``expandedUnc`` (deprecated form), ``coverageInterval``,
        ``expandedMU``, ``standardMU``, ``coverageIntervalMU``.
    value : tuple of float
        Expanded uncertainty U (expanded forms) or standard uncertainty u.
    coverage_factor, coverage_probability : tuple of float
        k (>= 1) and p (0 < p <= 1); empty for ``standardMU``.
    interval_min, interval_max : tuple of float
        Bounds of a coverage interval (interval forms only).
    distribution : tuple of str
        Optional distribution names.

    References
    ----------
    JCGM 100:2008, 6.2 (U = k u); D-SI 2.2.1, ``measurementUncertaintyUnivariateType``.
    """

    kind: UncertaintyKind
    value: tuple[float, ...]
    coverage_factor: tuple[float, ...] = ()
    coverage_probability: tuple[float, ...] = ()
    interval_min: tuple[float, ...] = ()
    interval_max: tuple[float, ...] = ()
    distribution: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("value", "coverage_factor", "coverage_probability"):
            for number in getattr(self, name):
                if math.isnan(number):
                    raise InputError(f"{name} is NaN", where=f"uncertainty ({self.kind})")
        if any(u < 0 for u in self.value):
            raise InputError(f"must be >= 0, got {min(self.value)}", where=f"{self.kind} value")

    @property
    def expanded(self) -> tuple[float, ...]:
        """U for the expanded forms; k*u is not invented for ``standardMU``."""
        return self.value if self.kind in ("expandedUnc", "expandedMU") else ()


@dataclass(frozen=True, slots=True)
class SiReal:
    """``si:real``: one value with its D-SI unit and optional uncertainty."""

    value: float
    unit: str
    label: str | None = None
    quantity_type: str | None = None
    date_time: datetime | None = None
    significant_digit: int | None = None
    uncertainty: Uncertainty | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class SiList:
    """``si:realListXMLList``: N values, units (1 or N) and uncertainty (1 or N)."""

    values: tuple[float, ...]
    units: tuple[str, ...]
    labels: tuple[str, ...] = ()
    quantity_types: tuple[str, ...] = ()
    date_times: tuple[datetime, ...] = ()
    significant_digits: tuple[int, ...] = ()
    uncertainty: Uncertainty | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class SiConstant:
    """``si:constant``: a value with a fixed, stated uncertainty (e.g. a CODATA constant).

    ``standard_uncertainty`` is ``si:valueStandardMU`` (D-SI 2.2), ``uncertainty``
    the older ``si:uncertainty``; both may be given.
    """

    value: float
    unit: str
    label: str | None = None
    quantity_type: str | None = None
    date_time: datetime | None = None
    significant_digit: int | None = None
    uncertainty: float | None = None
    distribution: str | None = None
    extra: tuple[Extra, ...] = ()
    standard_uncertainty: float | None = None


@dataclass(frozen=True, slots=True)
class SiComplex:
    """``si:complex``: cartesian (``real``, ``imag``) or polar (``magnitude``, ``phase``)."""

    unit: str
    real: float | None = None
    imag: float | None = None
    magnitude: float | None = None
    phase: float | None = None
    unit_phase: str | None = None
    label: str | None = None
    quantity_type: str | None = None
    date_time: datetime | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class SiHybrid:
    """``si:hybrid``: the same quantity stated in several units (kelvin and ℃)."""

    alternatives: tuple[SiReal | SiList | SiConstant | SiComplex, ...]
    extra: tuple[Extra, ...] = ()


SiValue = SiReal | SiList | SiConstant | SiComplex | SiHybrid


@dataclass(frozen=True, slots=True)
class Quantity:
    """``dcc:quantity``: a named D-SI value (or ``dcc:noQuantity`` text when ``value`` is None).

    A D-SI element the model does not cover (``si:list``, ``si:realList``,
    ``si:complexListXMLList``, ``dcc:charsXMLList``) or one that could not be read
    is in ``extra``, with ``value`` None.
    """

    name: Text = field(default_factory=Text)
    value: SiValue | None = None
    description: Text = field(default_factory=Text)
    no_quantity: Text | None = None
    ref_type: str | None = None
    id: str | None = None
    ref_id: tuple[str, ...] = ()
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class QuantityList:
    """``dcc:list``: quantities (and nested lists) that belong together, e.g. a table.

    ``items`` keeps the source order of its ``dcc:quantity`` and ``dcc:list``
    children.
    """

    items: tuple[Quantity | QuantityList, ...]
    name: Text = field(default_factory=Text)
    description: Text = field(default_factory=Text)
    ref_type: str | None = None
    id: str | None = None
    ref_id: tuple[str, ...] = ()
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Hash:
    """``dcc:hashType``: another certificate named and fixed by its hash.

    Used as ``dcc:previousReport`` (core data), ``dcc:certificate`` (of a
    measuring equipment) and ``dcc:linkedReport``.
    """

    referral: Text
    referral_id: str
    procedure: str
    value: str
    description: Text = field(default_factory=Text)
    in_validity_range: bool | None = None
    traceable: bool | None = None
    linked_report: Hash | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Identification:
    """``dcc:identification``: a number given to an item by one party."""

    issuer: str
    value: str
    name: Text = field(default_factory=Text)
    ref_type: str | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Address:
    """``dcc:location``.

    The schema allows its elements in any order; ``order`` keeps the source's
    (local names, e.g. ``("further", "street", "city")``) when it differs from
    the order of the fields here, and is empty otherwise.
    """

    city: str | None = None
    country_code: str | None = None
    post_code: str | None = None
    post_office_box: str | None = None
    state: str | None = None
    street: str | None = None
    street_no: str | None = None
    further: Text = field(default_factory=Text)
    extra: tuple[Extra, ...] = ()
    order: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Contact:
    """``dcc:contact`` (laboratory), ``dcc:customer``, ``dcc:person``, ``dcc:manufacturer``.

    ``location`` is required where the schema uses ``contactType`` (laboratory,
    customer, owner) and optional in ``contactNotStrictType`` (person, manufacturer).
    """

    name: Text
    email: str | None = None
    phone: str | None = None
    fax: str | None = None
    location: Address | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class RespPerson:
    """``dcc:respPerson``: a person responsible for the certificate."""

    person: Contact
    role: str | None = None
    main_signer: bool | None = None
    description: Text = field(default_factory=Text)
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Software:
    """``dcc:software``: a program that wrote the certificate."""

    name: Text
    release: str
    type: str | None = None
    description: Text = field(default_factory=Text)
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Item:
    """``dcc:item``: what was calibrated."""

    name: Text
    identifications: tuple[Identification, ...] = ()
    manufacturer: Contact | None = None
    model: str | None = None
    description: Text = field(default_factory=Text)
    ref_type: str | None = None
    id: str | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """``dcc:statement``: a declaration (norm, conformity, recalibration date, validity range)."""

    declaration: Text = field(default_factory=Text)
    norms: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    conformity: str | None = None
    date: date | None = None
    period: str | None = None
    valid: bool | None = None
    data: tuple[Quantity | QuantityList, ...] = ()
    ref_type: str | None = None
    id: str | None = None
    ref_id: tuple[str, ...] = ()
    extra: tuple[Extra, ...] = ()
    convention: str | None = None
    traceable: bool | None = None
    resp_authority: Contact | None = None


@dataclass(frozen=True, slots=True)
class CoreData:
    """``dcc:coreData``: country, languages, identifier and dates of the calibration.

    The performance dates and location are required by the schema; they are
    None only when read from a document that lacks them or holds no date there
    (a template's ``§placeholder§``, kept in ``extra``).
    """

    country_code: str
    used_languages: tuple[str, ...]
    mandatory_languages: tuple[str, ...]
    unique_identifier: str
    begin_performance_date: date | None
    end_performance_date: date | None
    performance_location: str | None
    identifications: tuple[Identification, ...] = ()
    receipt_date: date | None = None
    previous_report: Hash | None = None
    extra: tuple[Extra, ...] = ()
    issue_date: date | None = None


@dataclass(frozen=True, slots=True)
class UsedMethod:
    """``dcc:usedMethod``: a method or norm used for the results."""

    name: Text
    description: Text = field(default_factory=Text)
    norms: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    ref_type: str | None = None
    id: str | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class MeasuringEquipment:
    """``dcc:measuringEquipment``: a standard or instrument used (the traceability link)."""

    name: Text
    identifications: tuple[Identification, ...] = ()
    manufacturer: Contact | None = None
    model: str | None = None
    certificate: Hash | None = None
    description: Text = field(default_factory=Text)
    ref_type: str | None = None
    id: str | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class InfluenceCondition:
    """``dcc:influenceCondition``: an ambient or operating condition with its data."""

    name: Text
    data: tuple[Quantity | QuantityList, ...] = ()
    description: Text = field(default_factory=Text)
    status: str | None = None
    ref_type: str | None = None
    id: str | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    """``dcc:result``: a named set of quantities (a table: one quantity per column)."""

    name: Text
    data: tuple[Quantity | QuantityList, ...]
    description: Text = field(default_factory=Text)
    ref_type: str | None = None
    id: str | None = None
    ref_id: tuple[str, ...] = ()
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class MeasurementResult:
    """``dcc:measurementResult``: results with the methods, equipment and conditions behind them."""

    name: Text
    results: tuple[Result, ...]
    used_methods: tuple[UsedMethod, ...] = ()
    measuring_equipments: tuple[MeasuringEquipment, ...] = ()
    influence_conditions: tuple[InfluenceCondition, ...] = ()
    description: Text = field(default_factory=Text)
    ref_type: str | None = None
    id: str | None = None
    extra: tuple[Extra, ...] = ()


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """A value the reader could not read and kept as written (in an :class:`Extra`).

    Attributes
    ----------
    where : str
        File and line of the element.
    path : str
        Its XPath (``/dcc:digitalCalibrationCertificate/.../dcc:beginPerformanceDate``).
    message : str
        What was wrong (``'§DFM_StartDate§' is not a date``).
    """

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}, {self.path}: {self.message}; kept as written"


@dataclass(frozen=True, slots=True)
class Certificate:
    """A Digital Calibration Certificate.

    Attributes
    ----------
    schema_version : str
        ``@schemaVersion`` of the root ("3.3.0").
    software, core_data, items, calibration_laboratory, resp_persons, customer, statements
        ``dcc:administrativeData``. ``core_data``, ``calibration_laboratory`` and
        ``customer`` are None only when read from a document where they are
        missing or unreadable (then kept in ``administrative_extra``).
    measurement_results : tuple of MeasurementResult
        ``dcc:measurementResults``.
    document : bytes, optional
        A PDF (or other file) embedded as ``dcc:document``; never trusted as the certificate.
    extra : tuple of Extra
        Root-level content not modelled (comments, ``dcc:comment``, ``ds:Signature``,
        ``xsi:schemaLocation``), content of ``dcc:measurementResults`` and
        ``dcc:document`` not modelled (``within``), and comments or processing
        instructions around the root (``within == DOCUMENT``).
    administrative_extra : tuple of Extra
        The same for ``dcc:administrativeData`` (e.g. ``dcc:refTypeDefinitions``).
    administrative_order : tuple of str
        The source order of the ``dcc:administrativeData`` children (local names)
        when it differs from the schema's listing (the schema allows any order).
    issues : tuple of ReadIssue
        Values the reader kept as written because it could not read them (not
        part of equality).
    """

    schema_version: str
    software: tuple[Software, ...]
    core_data: CoreData | None
    items: tuple[Item, ...]
    calibration_laboratory: Contact | None
    resp_persons: tuple[RespPerson, ...]
    customer: Contact | None
    measurement_results: tuple[MeasurementResult, ...]
    statements: tuple[Statement, ...] = ()
    document: bytes | None = None
    document_name: str | None = None
    document_type: str | None = None
    extra: tuple[Extra, ...] = ()
    administrative_extra: tuple[Extra, ...] = ()
    administrative_order: tuple[str, ...] = ()
    issues: tuple[ReadIssue, ...] = field(default=(), compare=False, repr=False)
