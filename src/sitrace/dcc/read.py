"""Reading a DCC into the model, losing nothing.

:func:`read_certificate` turns a DCC (any version the examples show: 2.4 to
3.3) into a :class:`~sitrace.dcc.model.Certificate`. What the model covers is
read into its fields; everything else stays as it was written, as
:class:`~sitrace.dcc.model.Extra` on the nearest modelled parent, so that
:func:`sitrace.dcc.write.write_certificate` gives the same document back:

* elements the model does not cover (``dcc:refTypeDefinitions``, ``dcc:comment``,
  ``ds:Signature``, ``si:list``, ``dcc:measurementMetaData``, ...), comments
  (the LGPL header) and processing instructions, at their positions;
* attributes the model does not cover (``xsi:schemaLocation``, ``@id`` of a
  name) as an attribute set;
* comments and processing instructions around the root (``within == DOCUMENT``);
* modelled elements that come out of the schema's order or more often than it
  allows, or hold text between their child elements (a schema-invalid
  document), as written;
* what the document's own version does not define: ``si:significantDigit`` or
  ``si:measurementUncertaintyUnivariate`` (D-SI 2.2) in a DCC 3.1 document, as
  written, so that writing it back never refuses them;
* values that cannot be read (``§DFM_StartDate§`` in an ``xs:date`` field, a
  placeholder in ``si:valueXMLList``): the element is kept as written, the
  field stays empty (None) and :attr:`Certificate.issues` says where and why.
  A D-SI element (``si:real``, ``si:realListXMLList``, ...) is kept whole when
  any of its values cannot be read.

Extras come sorted by ``within``, then ``position``. Reading never fails on a
well-formed DCC, valid or not; a document whose root is not
``dcc:digitalCalibrationCertificate`` is a :class:`DccParseError`. DCC 2.x
calls an identification's name ``dcc:description``; it is read as
:attr:`Identification.name` (and written back so).

Units are kept as written (D-SI strings); :mod:`sitrace.units` and the
validator judge them, not the reader.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from ..errors import DccParseError, InputError
from . import _xmlvalues as xv
from .model import (
    ATTRIBUTES,
    DOCUMENT,
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
    ReadIssue,
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
from .parsing import DCC_NS, DS_NS, SI_NS, XSI_NS, Document, parse, path_of

__all__ = ["ADDRESS_ORDER", "ADMINISTRATIVE_ORDER", "read_certificate"]

ADMINISTRATIVE_ORDER = (
    "dccSoftware",
    "coreData",
    "items",
    "calibrationLaboratory",
    "respPersons",
    "customer",
    "statements",
)
"""The modelled children of ``dcc:administrativeData`` in the schema's listing."""

ADDRESS_ORDER = (
    "city",
    "countryCode",
    "postCode",
    "postOfficeBox",
    "state",
    "street",
    "streetNo",
    "further",
)
"""The modelled children of ``dcc:location`` in the schema's listing."""

_PREFIXES = {DCC_NS: "dcc", SI_NS: "si"}


def read_certificate(source: str | Path | bytes | BinaryIO | Document) -> Certificate:
    """Read a DCC into a :class:`~sitrace.dcc.model.Certificate`.

    Parameters
    ----------
    source : path, bytes, binary file or Document
        The certificate; paths and bytes are parsed safely (:func:`sitrace.dcc.parse`).

    Returns
    -------
    Certificate
        With everything the model does not cover in ``extra`` fields, and the
        values kept as written because they could not be read in ``issues``.

    Raises
    ------
    DccParseError
        Not well-formed XML, a DTD, too large (see :func:`sitrace.dcc.parse`), or a
        root element other than ``dcc:digitalCalibrationCertificate``.

    Examples
    --------
    >>> cert = read_certificate(b'''<dcc:digitalCalibrationCertificate
    ...     xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.3.0"/>''')
    >>> cert.schema_version, cert.core_data
    ('3.3.0', None)
    """
    document = source if isinstance(source, Document) else parse(source)
    root = document.root
    if root.tag != f"{{{DCC_NS}}}digitalCalibrationCertificate":
        raise DccParseError(
            f"the root element is {_qname(root)}, not dcc:digitalCalibrationCertificate: "
            "not a Digital Calibration Certificate",
            where=document.where(root),
        )
    context = _Context(document, root.get("schemaVersion") or "")
    return _read_root(context, root)


# --- machinery ---------------------------------------------------------------------------


class _NotModelledError(Exception):
    """The element is fine but the model cannot hold it: keep it as an Extra, silently."""


class _UnreadableError(Exception):
    """A value cannot be read: keep the element as an Extra and note an issue."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class _Context:
    document: Document
    version: str

    def __post_init__(self) -> None:
        self.issues: list[ReadIssue] = []
        match = re.fullmatch(r"\s*(\d+)\.(\d+)\.(\d+)\S*\s*", self.version)
        numbers = tuple(int(part) for part in match.groups()) if match else None
        self.legacy = numbers is not None and numbers < (3, 0, 0)
        # DCC 3.2 brought D-SI 2.2 (quantityType, significantDigit, the *MU forms) and
        # issueDate, item/@refType, hash details; in older documents they are not read
        # into the model (kept as written), so that writing back never refuses them.
        self.dcc32 = numbers is None or numbers >= (3, 2, 0)

    def issue(self, element: etree._Element, message: str) -> None:
        self.issues.append(ReadIssue(self.document.where(element), path_of(element), message))


@dataclass(frozen=True)
class _Slot:
    """One modelled child (or choice of children) of an element, in schema order."""

    tags: tuple[str, ...]
    parse: Callable[[etree._Element], Any]
    many: bool = False


_MISSING = object()


def _slot(
    tags: str | Sequence[str],
    parse: Callable[[etree._Element], Any],
    *,
    many: bool = False,
    when: bool = True,
) -> _Slot:
    """A slot for ``tags``; with ``when`` false one that matches nothing (not in this version)."""
    names = (tags,) if isinstance(tags, str) else tuple(tags)
    return _Slot(tuple(_clark(name) for name in names) if when else (), parse, many)


class _Walk:
    """The children of one element: modelled ones read into slots, the rest kept as Extra.

    ``ordered`` follows an ``xs:sequence``: a modelled child that comes before one
    already read (out of the schema's order) is kept as written, so that writing
    the model in schema order and the extras at their positions restores the
    source. ``atomic`` passes an unreadable value up to the caller (a D-SI element
    is kept whole).
    """

    def __init__(
        self,
        context: _Context,
        element: etree._Element,
        extras: list[Extra],
        *,
        within: str = "",
        attributes: Sequence[str] = (),
        atomic: bool = False,
    ) -> None:
        self.context = context
        self.element = element
        self.extras = extras
        self.within = within
        self.atomic = atomic
        self.attrs: dict[str, str] = {}
        self.order: list[str] = []
        if _mixed(element) and element.getparent() is not None:
            raise _NotModelledError  # text between child elements: keep the element whole
        unmodelled = {}
        for key, value in element.attrib.items():
            if key in attributes:
                self.attrs[key] = value
            else:
                unmodelled[key] = value
        if unmodelled:
            extras.append(Extra(ATTRIBUTES, _attribute_fragment(element, unmodelled), within))

    def read(self, slots: Sequence[_Slot], *, ordered: bool = True) -> list[Any]:
        found: list[Any] = [[] if slot.many else _MISSING for slot in slots]
        index = {tag: i for i, slot in enumerate(slots) for tag in slot.tags}
        last = -1
        for position, child in enumerate(self.element):
            if not isinstance(child.tag, str):
                self._keep(position, child)
                continue
            i = index.get(child.tag)
            if (
                i is None
                or (ordered and i < last)
                or (not slots[i].many and found[i] is not _MISSING)
            ):
                self._keep(position, child)
                continue
            marks = len(self.extras), len(self.context.issues)
            try:
                value = slots[i].parse(child)
            except _NotModelledError:
                self._rollback(marks)
                self._keep(position, child)
                continue
            except _UnreadableError as error:
                self._rollback(marks)
                if self.atomic:
                    raise _UnreadableError(f"{_qname(child)}: {error.message}") from None
                self.context.issue(child, error.message)
                self._keep(position, child)
                continue
            if slots[i].many:
                found[i].append(value)
            else:
                found[i] = value
            last = i
            self.order.append(etree.QName(child).localname)
        return [None if value is _MISSING else value for value in found]

    def keep_all(self) -> None:
        """Keep every child as written (an element whose content the model does not cover)."""
        for position, child in enumerate(self.element):
            self._keep(position, child)

    def wrapped(self, tag: str, item: str, parse: Callable, **options) -> Callable:
        """A slot parser for a wrapper element (``dcc:identifications``) listing ``item``s."""

        def read_wrapper(element: etree._Element) -> tuple:
            within = f"{self.within}/{tag}" if self.within else tag
            walk = _Walk(self.context, element, self.extras, within=within, **options)
            (items,) = walk.read([_slot(item, parse, many=True)])
            _mark_if_lost(walk, element, bool(items))
            return tuple(items)

        return read_wrapper

    def _keep(self, position: int, node: etree._Element) -> None:
        self.extras.append(Extra(position, _fragment(node), self.within))

    def _rollback(self, marks: tuple[int, int]) -> None:
        del self.extras[marks[0] :]
        del self.context.issues[marks[1] :]


def _mixed(element: etree._Element) -> bool:
    """Whether non-whitespace text sits between the children of ``element``."""
    return bool((element.text or "").strip()) or any(
        (child.tail or "").strip() for child in element
    )


def _mark_if_lost(walk: _Walk, element: etree._Element, has_model_content: bool) -> None:
    """An element that would write back as nothing keeps an (empty) attribute set."""
    if has_model_content or any(extra.within == walk.within for extra in walk.extras):
        return
    walk.extras.append(Extra(ATTRIBUTES, _attribute_fragment(element, {}), walk.within))


def _ordered(extras: list[Extra]) -> tuple[Extra, ...]:
    """Extras in their canonical order: by ``within``, then ``position``."""
    return tuple(sorted(extras, key=lambda extra: (extra.within, extra.position)))


_STANDARD_PREFIXES = {"dcc": DCC_NS, "si": SI_NS, "ds": DS_NS, "xsi": XSI_NS}
"""The prefixes the writer declares on the root; fragments are serialized with them."""


def _fragment(node: etree._Element) -> bytes:
    """A node serialized alone, the same wherever it was read from.

    Elements are given the standard prefixes (``dcc``, ``si``, ``ds``, ``xsi``)
    for their namespaces, as the writer declares them, and are written in
    exclusive XML canonical form (C14N 1.0, with comments): exactly the
    namespaces used are declared, declarations and attributes sorted.
    """
    if not isinstance(node.tag, str):  # comments and processing instructions
        return etree.tostring(node, encoding="UTF-8", with_tail=False)
    holder = etree.Element("holder", nsmap=_STANDARD_PREFIXES)
    alone = copy.deepcopy(node)
    alone.tail = None
    holder.append(alone)
    etree.cleanup_namespaces(holder, top_nsmap=_STANDARD_PREFIXES)
    return etree.tostring(alone, method="c14n", exclusive=True, with_comments=True)


def _attribute_fragment(element: etree._Element, attributes: dict[str, str]) -> bytes:
    """An empty element with ``element``'s tag carrying ``attributes``."""
    alone = etree.Element(element.tag, nsmap=_STANDARD_PREFIXES)
    for key, value in attributes.items():
        alone.set(key, value)
    return etree.tostring(alone, method="c14n", exclusive=True)


def _clark(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{DCC_NS if prefix == 'dcc' else SI_NS}}}{local}"


def _qname(element: etree._Element) -> str:
    qname = etree.QName(element)
    prefix = _PREFIXES.get(qname.namespace or "")
    if prefix:
        return f"{prefix}:{qname.localname}"
    return f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname


# --- simple values -----------------------------------------------------------------------


def _simple(element: etree._Element) -> str:
    """The text of an element with simple content; attributes or children are not modelled."""
    if element.attrib or len(element):
        raise _NotModelledError
    return element.text or ""


def _value(parse: Callable[[str], Any]) -> Callable[[etree._Element], Any]:
    def read(element: etree._Element) -> Any:
        text = _simple(element)
        try:
            return parse(text)
        except ValueError as error:
            raise _UnreadableError(str(error)) from None

    return read


_string = _simple
_double = _value(xv.parse_double)
_integer = _value(xv.parse_int)
_boolean = _value(xv.parse_bool)
_date = _value(xv.parse_date)
_datetime = _value(xv.parse_datetime)


def _items(parse: Callable[[str], Any]) -> Callable[[etree._Element], tuple]:
    """An ``xs:list`` element as a tuple; an empty list cannot be told from none."""

    def read(element: etree._Element) -> tuple:
        tokens = xv.split_list(_simple(element))
        if not tokens:
            raise _UnreadableError("the list is empty")
        try:
            return tuple(parse(token) for token in tokens)
        except ValueError as error:
            raise _UnreadableError(str(error)) from None

    return read


_strings = _items(str)
_doubles = _items(xv.parse_double)
_integers = _items(xv.parse_int)
_datetimes = _items(xv.parse_datetime)


def _text(context: _Context) -> Callable[[etree._Element], Text]:
    """A parser for ``dcc:textType`` / ``dcc:richContentType`` elements."""

    def read(element: etree._Element) -> Text:
        extras: list[Extra] = []
        walk = _Walk(context, element, extras)
        entries: list[tuple[str | None, str]] = []
        for position, child in enumerate(element):
            if child.tag != f"{{{DCC_NS}}}content":
                walk._keep(position, child)
                continue
            if len(child):
                raise _NotModelledError
            entries.append((child.get("lang"), child.text or ""))
            others = {key: value for key, value in child.attrib.items() if key != "lang"}
            if others:
                within = f"dcc:content[{len(entries)}]"
                extras.append(Extra(ATTRIBUTES, _attribute_fragment(child, others), within))
        if not entries and not extras:
            extras.append(Extra(ATTRIBUTES, _attribute_fragment(element, {})))
        return Text(tuple(entries), _ordered(extras))

    return read


def _ref_ids(walk: _Walk) -> tuple[str, ...]:
    return tuple(xv.split_list(walk.attrs.get("refId")))


# --- administrative data -----------------------------------------------------------------


def _read_root(context: _Context, root: etree._Element) -> Certificate:
    extras: list[Extra] = []
    preceding = list(root.itersiblings(preceding=True))
    for offset, node in enumerate(preceding, start=1):
        extras.append(Extra(-offset, _fragment(node), DOCUMENT))
    for offset, node in enumerate(root.itersiblings(), start=1):
        extras.append(Extra(offset, _fragment(node), DOCUMENT))

    administrative: list[Extra] = []
    # an empty @schemaVersion is kept as written (the model's "" means: none)
    modelled = ("schemaVersion",) if root.get("schemaVersion") else ()
    walk = _Walk(context, root, extras, attributes=modelled)
    admin, results, document = walk.read(
        [
            _slot(
                "dcc:administrativeData",
                lambda el: _read_administrative(context, el, administrative),
            ),
            _slot(
                "dcc:measurementResults",
                walk.wrapped(
                    "dcc:measurementResults",
                    "dcc:measurementResult",
                    lambda el: _read_measurement_result(context, el),
                ),
            ),
            _slot("dcc:document", lambda el: _read_document(context, el, extras)),
        ]
    )
    admin = admin or {}
    document = document or (None, None, None)
    if not root.get("schemaVersion"):
        context.issue(root, "@schemaVersion is missing or empty")
    return Certificate(
        schema_version=walk.attrs.get("schemaVersion", ""),
        software=admin.get("dccSoftware", ()),
        core_data=admin.get("coreData"),
        items=admin.get("items", ()),
        calibration_laboratory=admin.get("calibrationLaboratory"),
        resp_persons=admin.get("respPersons", ()),
        customer=admin.get("customer"),
        measurement_results=results or (),
        statements=admin.get("statements", ()),
        document=document[0],
        document_name=document[1],
        document_type=document[2],
        extra=_ordered(extras),
        administrative_extra=_ordered(administrative),
        administrative_order=admin.get("order", ()),
        issues=tuple(context.issues),
    )


def _read_administrative(context: _Context, element, extras: list[Extra]) -> dict[str, Any]:
    walk = _Walk(context, element, extras)

    def laboratory(el):
        lab = _Walk(context, el, extras, within="dcc:calibrationLaboratory")
        (contact,) = lab.read([_slot("dcc:contact", lambda c: _read_contact(context, c))])
        _mark_if_lost(lab, el, contact is not None)
        return contact

    names = ADMINISTRATIVE_ORDER
    values = walk.read(
        [
            _slot(
                "dcc:dccSoftware",
                walk.wrapped(
                    "dcc:dccSoftware", "dcc:software", lambda el: _read_software(context, el)
                ),
            ),
            _slot("dcc:coreData", lambda el: _read_core_data(context, el)),
            _slot(
                "dcc:items",
                walk.wrapped("dcc:items", "dcc:item", lambda el: _read_item(context, el)),
            ),
            _slot("dcc:calibrationLaboratory", laboratory),
            _slot(
                "dcc:respPersons",
                walk.wrapped(
                    "dcc:respPersons", "dcc:respPerson", lambda el: _read_resp_person(context, el)
                ),
            ),
            _slot("dcc:customer", lambda el: _read_contact(context, el)),
            _slot(
                "dcc:statements",
                walk.wrapped(
                    "dcc:statements", "dcc:statement", lambda el: _read_statement(context, el)
                ),
            ),
        ],
        ordered=False,
    )
    found = {name: value for name, value in zip(names, values, strict=True) if value is not None}
    _mark_if_lost(walk, element, bool(found))
    order = tuple(walk.order)
    if order != tuple(name for name in names if name in order):
        found["order"] = order
    return found


def _read_document(context: _Context, element, extras: list[Extra]):
    walk = _Walk(context, element, extras, within="dcc:document")
    file_name, mime_type, data = walk.read(
        [
            _slot("dcc:fileName", _string),
            _slot("dcc:mimeType", _string),
            _slot("dcc:dataBase64", _base64),
        ]
    )
    if file_name is None or mime_type is None or data is None:
        raise _UnreadableError("dcc:document needs dcc:fileName, dcc:mimeType and dcc:dataBase64")
    return data, file_name, mime_type


def _base64(element) -> bytes:
    text = "".join(xv.split_list(_simple(element)))
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise _UnreadableError(f"{_qname(element)}: not base64 data") from None


def _read_software(context: _Context, element) -> Software:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    text = _text(context)
    name, release, kind, description = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:release", _string),
            _slot("dcc:type", _string),
            _slot("dcc:description", text),
        ]
    )
    if release is None:
        raise _UnreadableError("dcc:software without dcc:release")
    return Software(
        name=name or Text(),
        release=release,
        type=kind,
        description=description or Text(),
        extra=_ordered(extras),
    )


def _read_core_data(context: _Context, element) -> CoreData:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    (
        country,
        used,
        mandatory,
        identifier,
        identifications,
        receipt,
        begin,
        end,
        location,
        issue_date,
        previous,
    ) = walk.read(
        [
            _slot("dcc:countryCodeISO3166_1", _string),
            _slot("dcc:usedLangCodeISO639_1", _string, many=True),
            _slot("dcc:mandatoryLangCodeISO639_1", _string, many=True),
            _slot("dcc:uniqueIdentifier", _string),
            _identifications_slot(context, walk),
            _slot("dcc:receiptDate", _date),
            _slot("dcc:beginPerformanceDate", _date),
            _slot("dcc:endPerformanceDate", _date),
            _slot("dcc:performanceLocation", _string),
            _slot("dcc:issueDate", _date, when=context.dcc32),
            _slot("dcc:previousReport", lambda el: _read_hash(context, el)),
        ]
    )
    if country is None or identifier is None:
        raise _UnreadableError(
            "dcc:coreData without dcc:countryCodeISO3166_1 or dcc:uniqueIdentifier"
        )
    return CoreData(
        country_code=country,
        used_languages=tuple(used),
        mandatory_languages=tuple(mandatory),
        unique_identifier=identifier,
        begin_performance_date=begin,
        end_performance_date=end,
        performance_location=location,
        identifications=identifications or (),
        receipt_date=receipt,
        previous_report=previous,
        extra=_ordered(extras),
        issue_date=issue_date,
    )


def _read_identification(context: _Context, element) -> Identification:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType",))
    # DCC 2.x names the identification dcc:description; 3.x dcc:name.
    label = "dcc:description" if context.legacy else "dcc:name"
    issuer, value, name = walk.read(
        [
            _slot("dcc:issuer", _string),
            _slot("dcc:value", _string),
            _slot(label, _text(context)),
        ]
    )
    if issuer is None or value is None:
        raise _UnreadableError("dcc:identification without dcc:issuer or dcc:value")
    return Identification(
        issuer=issuer,
        value=value,
        name=name or Text(),
        ref_type=walk.attrs.get("refType"),
        extra=_ordered(extras),
    )


def _identifications_slot(context: _Context, walk: _Walk) -> _Slot:
    """``dcc:identifications``, read into a tuple of :class:`Identification`."""
    return _slot(
        "dcc:identifications",
        walk.wrapped(
            "dcc:identifications",
            "dcc:identification",
            lambda el: _read_identification(context, el),
        ),
    )


def _read_item(context: _Context, element) -> Item:
    extras: list[Extra] = []
    modelled = ("refType", "id") if context.dcc32 else ("id",)
    walk = _Walk(context, element, extras, attributes=modelled)
    text = _text(context)
    name, description, manufacturer, model, identifications = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot("dcc:manufacturer", lambda el: _read_contact(context, el)),
            _slot("dcc:model", _string),
            _identifications_slot(context, walk),
        ]
    )
    return Item(
        name=name or Text(),
        identifications=identifications or (),
        manufacturer=manufacturer,
        model=model,
        description=description or Text(),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        extra=_ordered(extras),
    )


def _read_contact(context: _Context, element) -> Contact:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    name, email, phone, fax, location = walk.read(
        [
            _slot("dcc:name", _text(context)),
            _slot("dcc:eMail", _string),
            _slot("dcc:phone", _string),
            _slot("dcc:fax", _string),
            _slot("dcc:location", lambda el: _read_address(context, el)),
        ]
    )
    return Contact(
        name=name or Text(),
        email=email,
        phone=phone,
        fax=fax,
        location=location,
        extra=_ordered(extras),
    )


def _read_address(context: _Context, element) -> Address:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    values = walk.read(
        [_slot(f"dcc:{name}", _string) for name in ADDRESS_ORDER[:-1]]
        + [_slot("dcc:further", _text(context))],
        ordered=False,
    )
    city, country, post_code, box, state, street, street_no, further = values
    order = tuple(walk.order)
    return Address(
        city=city,
        country_code=country,
        post_code=post_code,
        post_office_box=box,
        state=state,
        street=street,
        street_no=street_no,
        further=further or Text(),
        extra=_ordered(extras),
        order=() if order == tuple(n for n in ADDRESS_ORDER if n in order) else order,
    )


def _read_resp_person(context: _Context, element) -> RespPerson:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    person, description, role, main_signer = walk.read(
        [
            _slot("dcc:person", lambda el: _read_contact(context, el)),
            _slot("dcc:description", _text(context)),
            _slot("dcc:role", _string),
            _slot("dcc:mainSigner", _boolean),
        ]
    )
    if person is None:
        raise _UnreadableError("dcc:respPerson without dcc:person")
    return RespPerson(
        person=person,
        role=role,
        main_signer=main_signer,
        description=description or Text(),
        extra=_ordered(extras),
    )


def _read_statement(context: _Context, element) -> Statement:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id", "refId"))
    (
        convention,
        traceable,
        norms,
        references,
        declaration,
        valid,
        when,
        period,
        authority,
        conformity,
        data,
    ) = walk.read(
        [
            _slot("dcc:convention", _string),
            _slot("dcc:traceable", _boolean),
            _slot("dcc:norm", _string, many=True),
            _slot("dcc:reference", _string, many=True),
            _slot("dcc:declaration", _text(context)),
            _slot("dcc:valid", _boolean),
            _slot("dcc:date", _date),
            _slot("dcc:period", _string),
            _slot("dcc:respAuthority", lambda el: _read_contact(context, el)),
            _slot("dcc:conformity", _string),
            _slot("dcc:data", _data_reader(context, walk)),
        ]
    )
    return Statement(
        declaration=declaration or Text(),
        norms=tuple(norms),
        references=tuple(references),
        conformity=conformity,
        date=when,
        period=period,
        valid=valid,
        data=data or (),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        ref_id=_ref_ids(walk),
        extra=_ordered(extras),
        convention=convention,
        traceable=traceable,
        resp_authority=authority,
    )


def _read_hash(context: _Context, element) -> Hash:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    text = _text(context)
    referral, referral_id, procedure, value, description, in_range, traceable, linked = walk.read(
        [
            _slot("dcc:referral", text),
            _slot("dcc:referralID", _string),
            _slot("dcc:procedure", _string),
            _slot("dcc:value", _string),
            _slot("dcc:description", text, when=context.dcc32),
            _slot("dcc:inValidityRange", _boolean, when=context.dcc32),
            _slot("dcc:traceable", _boolean, when=context.dcc32),
            _slot("dcc:linkedReport", lambda el: _read_hash(context, el)),
        ]
    )
    if referral_id is None or procedure is None or value is None:
        raise _UnreadableError(
            f"{_qname(element)} needs dcc:referralID, dcc:procedure and dcc:value"
        )
    return Hash(
        referral=referral or Text(),
        referral_id=referral_id,
        procedure=procedure,
        value=value,
        description=description or Text(),
        in_validity_range=in_range,
        traceable=traceable,
        linked_report=linked,
        extra=_ordered(extras),
    )


# --- measurement results -----------------------------------------------------------------


def _read_measurement_result(context: _Context, element) -> MeasurementResult:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id"))
    text = _text(context)
    name, description, methods, equipments, conditions, results = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot(
                "dcc:usedMethods",
                walk.wrapped(
                    "dcc:usedMethods", "dcc:usedMethod", lambda el: _read_used_method(context, el)
                ),
            ),
            _slot(
                "dcc:measuringEquipments",
                walk.wrapped(
                    "dcc:measuringEquipments",
                    "dcc:measuringEquipment",
                    lambda el: _read_measuring_equipment(context, el),
                ),
            ),
            _slot(
                "dcc:influenceConditions",
                walk.wrapped(
                    "dcc:influenceConditions",
                    "dcc:influenceCondition",
                    lambda el: _read_influence_condition(context, el),
                ),
            ),
            _slot(
                "dcc:results",
                walk.wrapped("dcc:results", "dcc:result", lambda el: _read_result(context, el)),
            ),
        ]
    )
    return MeasurementResult(
        name=name or Text(),
        results=results or (),
        used_methods=methods or (),
        measuring_equipments=equipments or (),
        influence_conditions=conditions or (),
        description=description or Text(),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        extra=_ordered(extras),
    )


def _read_used_method(context: _Context, element) -> UsedMethod:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id"))
    text = _text(context)
    name, description, norms, references = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot("dcc:norm", _string, many=True),
            _slot("dcc:reference", _string, many=True),
        ]
    )
    return UsedMethod(
        name=name or Text(),
        description=description or Text(),
        norms=tuple(norms),
        references=tuple(references),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        extra=_ordered(extras),
    )


def _read_measuring_equipment(context: _Context, element) -> MeasuringEquipment:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id"))
    text = _text(context)
    name, description, certificate, manufacturer, model, identifications = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot("dcc:certificate", lambda el: _read_hash(context, el)),
            _slot("dcc:manufacturer", lambda el: _read_contact(context, el)),
            _slot("dcc:model", _string),
            _identifications_slot(context, walk),
        ]
    )
    return MeasuringEquipment(
        name=name or Text(),
        identifications=identifications or (),
        manufacturer=manufacturer,
        model=model,
        certificate=certificate,
        description=description or Text(),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        extra=_ordered(extras),
    )


def _read_influence_condition(context: _Context, element) -> InfluenceCondition:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id"))
    text = _text(context)
    name, description, status, data = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot("dcc:status", _string),
            _slot("dcc:data", _data_reader(context, walk)),
        ]
    )
    return InfluenceCondition(
        name=name or Text(),
        data=data or (),
        description=description or Text(),
        status=status,
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        extra=_ordered(extras),
    )


def _read_result(context: _Context, element) -> Result:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id", "refId"))
    text = _text(context)
    name, description, data = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot("dcc:data", _data_reader(context, walk)),
        ]
    )
    return Result(
        name=name or Text(),
        data=data or (),
        description=description or Text(),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        ref_id=_ref_ids(walk),
        extra=_ordered(extras),
    )


def _data_reader(context: _Context, parent: _Walk) -> Callable:
    """``dcc:data``: its quantities and lists, in order; texts, formulas and files as Extra."""

    def read(element) -> tuple:
        within = f"{parent.within}/dcc:data" if parent.within else "dcc:data"
        walk = _Walk(context, element, parent.extras, within=within)
        (items,) = walk.read([_member_slot(context)])
        _mark_if_lost(walk, element, bool(items))
        return tuple(items)

    return read


def _member_slot(context: _Context) -> _Slot:
    def read(element):
        if element.tag == f"{{{DCC_NS}}}list":
            return _read_quantity_list(context, element)
        return _read_quantity(context, element)

    return _slot(("dcc:quantity", "dcc:list"), read, many=True)


def _read_quantity_list(context: _Context, element) -> QuantityList:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id", "refId"))
    text = _text(context)
    name, description, items = walk.read(
        [_slot("dcc:name", text), _slot("dcc:description", text), _member_slot(context)]
    )
    return QuantityList(
        items=tuple(items),
        name=name or Text(),
        description=description or Text(),
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        ref_id=_ref_ids(walk),
        extra=_ordered(extras),
    )


_SI_VALUES = ("si:real", "si:hybrid", "si:complex", "si:constant", "si:realListXMLList")


def _read_quantity(context: _Context, element) -> Quantity:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, attributes=("refType", "id", "refId"))
    text = _text(context)

    def value(el):
        if el.tag == f"{{{DCC_NS}}}noQuantity":
            return ("noQuantity", text(el))
        return ("value", _read_si(context, el))

    name, description, chosen = walk.read(
        [
            _slot("dcc:name", text),
            _slot("dcc:description", text),
            _slot(("dcc:noQuantity", *_SI_VALUES), value),
        ]
    )
    kind, content = chosen or (None, None)
    return Quantity(
        name=name or Text(),
        value=content if kind == "value" else None,
        description=description or Text(),
        no_quantity=content if kind == "noQuantity" else None,
        ref_type=walk.attrs.get("refType"),
        id=walk.attrs.get("id"),
        ref_id=_ref_ids(walk),
        extra=_ordered(extras),
    )


# --- D-SI ----------------------------------------------------------------------------------


def _read_si(context: _Context, element):
    local = etree.QName(element).localname
    reader = {
        "real": _read_real,
        "realListXMLList": _read_real_list,
        "constant": _read_constant,
        "complex": _read_complex,
        "hybrid": _read_hybrid,
    }[local]
    try:
        return reader(context, element)
    except InputError as error:  # the model refused a value (a negative uncertainty)
        raise _UnreadableError(f"si:{local}: {error.message}") from None


def _read_real(context: _Context, element) -> SiReal:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, atomic=True)
    label, kind, value, unit, digits, when, uncertainty = walk.read(
        [
            _slot("si:label", _string),
            _slot("si:quantityTypeQUDT", _string, when=context.dcc32),
            _slot("si:value", _double),
            _slot("si:unit", _string),
            _slot("si:significantDigit", _integer, when=context.dcc32),
            _slot("si:dateTime", _datetime),
            _slot(
                ("si:measurementUncertaintyUnivariate", "si:expandedUnc", "si:coverageInterval"),
                lambda el: _read_uncertainty(context, el),
            ),
        ]
    )
    _require(element, value=value, unit=unit)
    return SiReal(
        value=value,
        unit=unit,
        label=label,
        quantity_type=kind,
        date_time=when,
        significant_digit=digits,
        uncertainty=uncertainty,
        extra=_ordered(extras),
    )


def _read_real_list(context: _Context, element) -> SiList:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, atomic=True)
    labels, kinds, values, units, digits, when, uncertainty = walk.read(
        [
            _slot("si:labelXMLList", _strings),
            _slot("si:quantityTypeQUDTXMLList", _strings, when=context.dcc32),
            _slot("si:valueXMLList", _doubles),
            _slot("si:unitXMLList", _strings),
            _slot("si:significantDigitXMLList", _integers, when=context.dcc32),
            _slot("si:dateTimeXMLList", _datetimes),
            _slot(
                (
                    "si:measurementUncertaintyUnivariateXMLList",
                    "si:expandedUncXMLList",
                    "si:coverageIntervalXMLList",
                ),
                lambda el: _read_uncertainty(context, el),
            ),
        ]
    )
    _require(element, valueXMLList=values, unitXMLList=units)
    return SiList(
        values=values,
        units=units,
        labels=labels or (),
        quantity_types=kinds or (),
        date_times=when or (),
        significant_digits=digits or (),
        uncertainty=uncertainty,
        extra=_ordered(extras),
    )


def _read_constant(context: _Context, element) -> SiConstant:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, atomic=True)
    label, kind, value, unit, digits, when, standard, uncertainty, distribution = walk.read(
        [
            _slot("si:label", _string),
            _slot("si:quantityTypeQUDT", _string, when=context.dcc32),
            _slot("si:value", _double),
            _slot("si:unit", _string),
            _slot("si:significantDigit", _integer, when=context.dcc32),
            _slot("si:dateTime", _datetime),
            _slot("si:valueStandardMU", _double, when=context.dcc32),
            _slot("si:uncertainty", _double),
            _slot("si:distribution", _string),
        ]
    )
    _require(element, value=value, unit=unit)
    return SiConstant(
        value=value,
        unit=unit,
        label=label,
        quantity_type=kind,
        date_time=when,
        significant_digit=digits,
        uncertainty=uncertainty,
        distribution=distribution,
        extra=_ordered(extras),
        standard_uncertainty=standard,
    )


def _read_complex(context: _Context, element) -> SiComplex:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras, atomic=True)

    def tagged(el):
        return etree.QName(el).localname, xv.parse_double(_simple(el))

    def number(el):
        try:
            return tagged(el)
        except ValueError as error:
            raise _UnreadableError(str(error)) from None

    label, kind, first, second, unit, unit_phase, when = walk.read(
        [
            _slot("si:label", _string),
            _slot("si:quantityTypeQUDT", _string, when=context.dcc32),
            _slot(("si:valueReal", "si:valueMagnitude"), number),
            _slot(("si:valueImag", "si:valuePhase"), number),
            _slot("si:unit", _string),
            _slot("si:unitPhase", _string),
            _slot("si:dateTime", _datetime),
        ]
    )
    _require(element, value=first, unit=unit)
    cartesian = first[0] == "valueReal"
    if (
        second is None
        or (second[0] == "valueImag") != cartesian
        or (unit_phase is not None) == cartesian
    ):
        raise _UnreadableError(
            "si:complex needs si:valueReal, si:valueImag, si:unit or "
            "si:valueMagnitude, si:valuePhase, si:unit, si:unitPhase"
        )
    return SiComplex(
        unit=unit,
        real=first[1] if cartesian else None,
        imag=second[1] if cartesian else None,
        magnitude=None if cartesian else first[1],
        phase=None if cartesian else second[1],
        unit_phase=unit_phase,
        label=label,
        quantity_type=kind,
        date_time=when,
        extra=_ordered(extras),
    )


def _read_hybrid(context: _Context, element) -> SiHybrid:
    extras: list[Extra] = []
    walk = _Walk(context, element, extras)
    (alternatives,) = walk.read(
        [
            _slot(
                ("si:real", "si:realListXMLList", "si:constant", "si:complex"),
                lambda el: _read_si(context, el),
                many=True,
            )
        ]
    )
    return SiHybrid(alternatives=tuple(alternatives), extra=_ordered(extras))


def _require(element, **parts) -> None:
    missing = [name for name, value in parts.items() if value is None]
    if missing:
        names = ", ".join(f"si:{name}" for name in missing)
        raise _UnreadableError(f"{_qname(element)} without {names}")


# Uncertainty forms: element -> (kind, [(child, field, parse)], required fields).
_SINGLE = {
    "expandedUnc": (
        "expandedUnc",
        [
            ("uncertainty", "value"),
            ("coverageFactor", "coverage_factor"),
            ("coverageProbability", "coverage_probability"),
            ("distribution", "distribution"),
        ],
    ),
    "coverageInterval": (
        "coverageInterval",
        [
            ("standardUnc", "value"),
            ("intervalMin", "interval_min"),
            ("intervalMax", "interval_max"),
            ("coverageProbability", "coverage_probability"),
            ("distribution", "distribution"),
        ],
    ),
    "expandedMU": (
        "expandedMU",
        [
            ("valueExpandedMU", "value"),
            ("coverageFactor", "coverage_factor"),
            ("coverageProbability", "coverage_probability"),
            ("distribution", "distribution"),
        ],
    ),
    "standardMU": (
        "standardMU",
        [("valueStandardMU", "value"), ("distribution", "distribution")],
    ),
    "coverageIntervalMU": (
        "coverageIntervalMU",
        [
            ("valueStandardMU", "value"),
            ("intervalMin", "interval_min"),
            ("intervalMax", "interval_max"),
            ("coverageProbability", "coverage_probability"),
            ("distribution", "distribution"),
        ],
    ),
}
_UNIVARIATE = ("measurementUncertaintyUnivariate", "measurementUncertaintyUnivariateXMLList")


def _read_uncertainty(context: _Context, element) -> Uncertainty:
    """Any univariate D-SI uncertainty element, single or ``XMLList``, into :class:`Uncertainty`.

    Anything the model cannot hold (a comment, an attribute, an unknown or
    misplaced child) keeps the whole uncertainty element as written.
    """
    if element.attrib or _mixed(element):
        raise _NotModelledError
    local = etree.QName(element).localname
    listed = local.endswith("XMLList")
    allowed = ("expandedUnc", "coverageInterval")
    if local.removesuffix("XMLList") == "measurementUncertaintyUnivariate":
        children = list(element)
        if len(children) != 1 or not _is_si(children[0]) or children[0].attrib:
            raise _NotModelledError
        if _mixed(children[0]):
            raise _NotModelledError
        element = children[0]
        local = etree.QName(element).localname
        allowed = ("expandedMU", "standardMU", "coverageIntervalMU") if context.dcc32 else ()
    base = local.removesuffix("XMLList") if listed else local
    if base not in allowed or local.endswith("XMLList") != listed:
        raise _NotModelledError
    kind, parts = _SINGLE[base]
    order = [name for name, _ in parts]
    targets = dict(parts)
    fields: dict[str, tuple] = {}
    last = -1
    for child in element:
        if not _is_si(child):
            raise _NotModelledError
        name = etree.QName(child).localname
        if listed != name.endswith("XMLList"):
            raise _NotModelledError
        name = name.removesuffix("XMLList") if listed else name
        if name not in targets or order.index(name) <= last:
            raise _NotModelledError
        last = order.index(name)
        target = targets[name]
        if target == "distribution":
            text = _simple(child)
            fields[target] = tuple(xv.split_list(text)) if listed else (text,)
            if not fields[target]:
                raise _UnreadableError(f"{_qname(child)}: the list is empty")
        else:
            fields[target] = _doubles(child) if listed else (_double(child),)
    for name, target in parts:
        if target != "distribution" and target not in fields:
            suffix = "XMLList" if listed else ""
            raise _UnreadableError(f"{_qname(element)} without si:{name}{suffix}")
    return Uncertainty(kind=kind, **fields)


def _is_si(node) -> bool:
    return isinstance(node.tag, str) and etree.QName(node).namespace == SI_NS
