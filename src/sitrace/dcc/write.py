"""Writing the model as DCC XML.

:func:`write_certificate` gives UTF-8 bytes with an XML declaration, the
prefixes ``dcc``, ``si`` and ``ds``, the elements in the order of the schema's
sequences, and every :class:`~sitrace.dcc.model.Extra` put back where it was
read, so that a certificate read by :func:`sitrace.dcc.read.read_certificate`
is written back unchanged up to whitespace between elements and the spelling
of numbers (shortest round-trip form, ``repr`` of the float; coverage factors
and probabilities without an exponent, as D-SI requires). Extras are written
verbatim, whitespace inside them included.

The target version (``schema_version=``, default the certificate's own) decides
what can be written: what the model holds and the version has no element for
(D-SI 2.2's ``measurementUncertaintyUnivariate`` or ``significantDigit`` in a
DCC 3.1 document, ``dcc:issueDate`` before DCC 3.2) is a
:class:`DccValidationError` naming it. The writer does not otherwise validate:
a certificate that misses what the schema requires (read from an invalid
document) is written as it is; validate the result where a valid DCC is needed.

A written signed certificate no longer verifies (the whitespace between
elements changes): sign after writing.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from lxml import etree

from ..errors import DccValidationError
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
from .parsing import DCC_NS, DS_NS, SI_NS, XSI_NS, path_of, safe_parser
from .read import ADDRESS_ORDER, ADMINISTRATIVE_ORDER

__all__ = ["to_element", "write_certificate"]

_NAMESPACES = {"dcc": DCC_NS, "si": SI_NS, "ds": DS_NS, "xsi": XSI_NS}
_SI22 = (3, 2, 0)
"""DCC 3.2 is the first release on D-SI 2.2 (quantityType, significantDigit, *MU forms)."""


def write_certificate(cert: Certificate, *, schema_version: str | None = None) -> bytes:
    """The certificate as DCC XML (UTF-8, with an XML declaration).

    Parameters
    ----------
    cert : Certificate
        The certificate.
    schema_version : str, optional, keyword-only
        The DCC version to write (``@schemaVersion``); default ``cert.schema_version``.

    Raises
    ------
    DccValidationError
        The certificate holds something the target version cannot express (the
        message names it and where), an uncertainty that is not a complete D-SI
        form, or an Extra that is not well-formed XML.

    Examples
    --------
    >>> from sitrace.dcc.read import read_certificate
    >>> xml = b'''<dcc:digitalCalibrationCertificate
    ...     xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.3.0"/>'''
    >>> write_certificate(read_certificate(xml)).splitlines()[0]
    b"<?xml version='1.0' encoding='UTF-8'?>"
    """
    root = to_element(cert, schema_version=schema_version)
    return etree.tostring(root.getroottree(), xml_declaration=True, encoding="UTF-8")


def to_element(cert: Certificate, *, schema_version: str | None = None) -> etree._Element:
    """The certificate as an lxml root element (comments around it are its siblings).

    See :func:`write_certificate`.
    """
    version = cert.schema_version if schema_version is None else schema_version
    writer = _Writer(version)
    root = etree.Element(f"{{{DCC_NS}}}digitalCalibrationCertificate", nsmap=_NAMESPACES)
    writer.administrative(root, cert)
    writer.wrapper(
        root,
        "dcc:measurementResults",
        cert.measurement_results,
        cert.extra,
        writer.measurement_result,
    )
    if cert.document is not None or _has_within(cert.extra, "dcc:document"):
        writer.document(root, cert)
    writer.apply(root, [extra for extra in cert.extra if extra.within != DOCUMENT])
    if version:  # after the extras: the version written wins over an empty one kept
        root.set("schemaVersion", version)
    if schema_version is not None and schema_version != cert.schema_version:
        _retarget_schema_location(root, cert.schema_version, schema_version)
    _indent(root, 0, writer.kept)
    etree.cleanup_namespaces(root, top_nsmap=_NAMESPACES, keep_ns_prefixes=["dcc", "si"])
    writer.around(root, [extra for extra in cert.extra if extra.within == DOCUMENT])
    return root


# --- machinery ---------------------------------------------------------------------------


def _tag(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_NAMESPACES[prefix]}}}{local}"


def _sub(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, _tag(name))
    if text is not None:
        element.text = text
    return element


def _has_within(extras: Iterable[Extra], within: str) -> bool:
    return any(extra.within == within for extra in extras)


def _version(version: str) -> tuple[int, ...] | None:
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\.(\d+)\S*\s*", version or "")
    return tuple(int(part) for part in match.groups()) if match else None


def _retarget_schema_location(root: etree._Element, old: str, new: str) -> None:
    key = f"{{{XSI_NS}}}schemaLocation"
    location = root.get(key)
    if location and old:
        root.set(key, location.replace(f"/v{old}/", f"/v{new}/"))


class _Writer:
    """Builds elements top-down (so messages can name their path) and re-inserts extras."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.numbers = _version(version)
        self.legacy = self.numbers is not None and self.numbers < (3, 0, 0)
        self.kept: set[etree._Element] = set()
        self._parser = safe_parser()

    # -- versions --

    def need(self, minimum: tuple[int, ...], feature: str, element: etree._Element) -> None:
        """Refuse ``feature`` when the target version predates ``minimum``."""
        if self.numbers is not None and self.numbers < minimum:
            wanted = ".".join(str(part) for part in minimum)
            raise DccValidationError(
                f"{feature} is not in DCC {self.version} (it needs DCC {wanted} or later); "
                "write another schema_version or leave it out",
                where=path_of(element),
            )

    # -- extras --

    def node(self, extra: Extra, where: etree._Element) -> etree._Element:
        xml = extra.xml.strip()
        try:
            if xml.startswith((b"<!--", b"<?")):
                return etree.fromstring(b"<x>" + xml + b"</x>", self._parser)[0]
            return etree.fromstring(xml, self._parser)
        except (etree.XMLSyntaxError, IndexError) as error:
            raise DccValidationError(
                f"an Extra (position {extra.position}, within {extra.within!r}) is not "
                f"well-formed XML: {error}",
                where=path_of(where),
            ) from None

    def apply(self, element: etree._Element, extras: Sequence[Extra]) -> None:
        """Put ``extras`` back: nested ones (``within``) first, then the element's own."""
        groups: dict[str, list[Extra]] = {}
        for extra in extras:
            groups.setdefault(extra.within, []).append(extra)
        for within, group in groups.items():
            if within:
                target = _resolve(element, within)
                if target is None:
                    raise DccValidationError(
                        f"an Extra is within {within!r}, which this element does not have",
                        where=path_of(element),
                    )
                self._place(target, group)
        self._place(element, groups.get("", []))

    def _place(self, target: etree._Element, extras: list[Extra]) -> None:
        children = sorted(
            (extra for extra in extras if extra.position != ATTRIBUTES),
            key=lambda extra: extra.position,
        )
        for extra in children:
            node = self.node(extra, target)
            target.insert(max(0, min(extra.position, len(target))), node)
            self.kept.add(node)
        for extra in extras:
            if extra.position == ATTRIBUTES:
                for key, value in self.node(extra, target).attrib.items():
                    target.set(key, value)

    def around(self, root: etree._Element, extras: list[Extra]) -> None:
        """Comments and processing instructions before (position < 0) and after the root."""
        for extra in sorted((e for e in extras if e.position < 0), key=lambda e: -e.position):
            root.addprevious(self.node(extra, root))
        for extra in sorted((e for e in extras if e.position >= 0), key=lambda e: -e.position):
            root.addnext(self.node(extra, root))

    def wrapper(
        self,
        parent: etree._Element,
        name: str,
        items: Sequence[Any],
        extras: Sequence[Extra],
        write: Callable[[etree._Element, Any], Any],
    ) -> etree._Element | None:
        """A list element (``dcc:identifications``) when it has items or extras."""
        if not items and not _has_within(extras, name):
            return None
        element = _sub(parent, name)
        for item in items:
            write(element, item)
        return element

    # -- plain values --

    def text(
        self, parent: etree._Element, name: str, text: Text | None, *, empty: bool = False
    ) -> None:
        """A ``dcc:textType`` or ``dcc:richContentType`` element; none for an empty
        text unless ``empty``."""
        if text is None or (not text and not empty):
            return
        element = _sub(parent, name)
        for lang, content in text.entries:
            child = _sub(element, "dcc:content", content)
            if lang is not None:
                child.set("lang", lang)
        self.apply(element, text.extra)

    def string(self, parent: etree._Element, name: str, value: str | None) -> None:
        if value is not None:
            _sub(parent, name, value)

    def strings(self, parent: etree._Element, name: str, values: Iterable[str]) -> None:
        for value in values:
            _sub(parent, name, value)

    def date(self, parent, name, value) -> None:
        if value is not None:
            _sub(parent, name, xv.format_date(value))

    def boolean(self, parent, name, value) -> None:
        if value is not None:
            _sub(parent, name, xv.format_bool(value))

    def datetime(self, parent, name, value) -> None:
        if value is None:
            return
        element = _sub(parent, name)
        element.text = self._format(xv.format_datetime, value, element)

    def datetimes(self, parent, name, values) -> None:
        if values:
            element = _sub(parent, name)
            element.text = " ".join(self._format(xv.format_datetime, v, element) for v in values)

    @staticmethod
    def _format(format_value: Callable, value: Any, element: etree._Element) -> str:
        try:
            return format_value(value)
        except ValueError as error:
            raise DccValidationError(str(error), where=path_of(element)) from None

    @staticmethod
    def attributes(element: etree._Element, obj: Any) -> None:
        """``@id``, ``@refId`` and ``@refType`` of the objects that model them."""
        if getattr(obj, "id", None) is not None:
            element.set("id", obj.id)
        if getattr(obj, "ref_id", ()):
            element.set("refId", " ".join(obj.ref_id))
        if getattr(obj, "ref_type", None) is not None:
            element.set("refType", obj.ref_type)

    # -- administrative data --

    def administrative(self, root: etree._Element, cert: Certificate) -> None:
        extras = cert.administrative_extra
        parts_present = (
            cert.software,
            cert.core_data,
            cert.items,
            cert.calibration_laboratory,
            cert.resp_persons,
            cert.customer,
            cert.statements,
            extras,
        )
        if not any(part for part in parts_present):
            return  # kept as written elsewhere (an unreadable administrativeData)
        element = _sub(root, "dcc:administrativeData")

        def core_data() -> None:
            if cert.core_data is not None:
                self.core_data(element, cert.core_data)

        def customer() -> None:
            if cert.customer is not None:
                self.contact(element, "dcc:customer", cert.customer)

        parts: dict[str, Callable[[], Any]] = {
            "dccSoftware": lambda: self.wrapper(
                element, "dcc:dccSoftware", cert.software, extras, self.software
            ),
            "coreData": core_data,
            "items": lambda: self.wrapper(element, "dcc:items", cert.items, extras, self.item),
            "calibrationLaboratory": lambda: self.laboratory(element, cert),
            "respPersons": lambda: self.wrapper(
                element, "dcc:respPersons", cert.resp_persons, extras, self.resp_person
            ),
            "customer": customer,
            "statements": lambda: self.wrapper(
                element, "dcc:statements", cert.statements, extras, self.statement
            ),
        }
        order = [name for name in cert.administrative_order if name in parts]
        order += [name for name in ADMINISTRATIVE_ORDER if name not in order]
        for name in order:
            parts[name]()
        self.apply(element, extras)

    def laboratory(self, parent: etree._Element, cert: Certificate) -> None:
        contact = cert.calibration_laboratory
        if contact is None and not _has_within(
            cert.administrative_extra, "dcc:calibrationLaboratory"
        ):
            return
        element = _sub(parent, "dcc:calibrationLaboratory")
        if contact is not None:
            self.contact(element, "dcc:contact", contact)

    def software(self, parent: etree._Element, software: Software) -> None:
        element = _sub(parent, "dcc:software")
        self.text(element, "dcc:name", software.name)
        self.string(element, "dcc:release", software.release)
        self.string(element, "dcc:type", software.type)
        self.text(element, "dcc:description", software.description)
        self.apply(element, software.extra)

    def core_data(self, parent: etree._Element, core: CoreData) -> None:
        element = _sub(parent, "dcc:coreData")
        self.string(element, "dcc:countryCodeISO3166_1", core.country_code)
        self.strings(element, "dcc:usedLangCodeISO639_1", core.used_languages)
        self.strings(element, "dcc:mandatoryLangCodeISO639_1", core.mandatory_languages)
        self.string(element, "dcc:uniqueIdentifier", core.unique_identifier)
        self.wrapper(
            element, "dcc:identifications", core.identifications, core.extra, self.identification
        )
        self.date(element, "dcc:receiptDate", core.receipt_date)
        self.date(element, "dcc:beginPerformanceDate", core.begin_performance_date)
        self.date(element, "dcc:endPerformanceDate", core.end_performance_date)
        self.string(element, "dcc:performanceLocation", core.performance_location)
        if core.issue_date is not None:
            self.need((3, 2, 0), "dcc:issueDate", element)
            self.date(element, "dcc:issueDate", core.issue_date)
        if core.previous_report is not None:
            self.hash(element, "dcc:previousReport", core.previous_report)
        self.apply(element, core.extra)

    def identification(self, parent: etree._Element, identification: Identification) -> None:
        element = _sub(parent, "dcc:identification")
        self.attributes(element, identification)
        self.string(element, "dcc:issuer", identification.issuer)
        self.string(element, "dcc:value", identification.value)
        # DCC 2.x calls the name of an identification dcc:description.
        label = "dcc:description" if self.legacy else "dcc:name"
        self.text(element, label, identification.name)
        self.apply(element, identification.extra)

    def item(self, parent: etree._Element, item: Item) -> None:
        element = _sub(parent, "dcc:item")
        if item.ref_type is not None:
            self.need((3, 2, 0), "dcc:item/@refType", element)
        self.attributes(element, item)
        self.text(element, "dcc:name", item.name)
        self.text(element, "dcc:description", item.description)
        if item.manufacturer is not None:
            self.contact(element, "dcc:manufacturer", item.manufacturer)
        self.string(element, "dcc:model", item.model)
        self.wrapper(
            element, "dcc:identifications", item.identifications, item.extra, self.identification
        )
        self.apply(element, item.extra)

    def contact(self, parent: etree._Element, name: str, contact: Contact) -> None:
        element = _sub(parent, name)
        self.text(element, "dcc:name", contact.name)
        self.string(element, "dcc:eMail", contact.email)
        self.string(element, "dcc:phone", contact.phone)
        self.string(element, "dcc:fax", contact.fax)
        if contact.location is not None:
            self.address(element, contact.location)
        self.apply(element, contact.extra)

    def address(self, parent: etree._Element, address: Address) -> None:
        element = _sub(parent, "dcc:location")
        fields = dict(
            zip(
                ADDRESS_ORDER,
                (
                    address.city,
                    address.country_code,
                    address.post_code,
                    address.post_office_box,
                    address.state,
                    address.street,
                    address.street_no,
                    address.further,
                ),
                strict=True,
            )
        )
        order = [name for name in address.order if name in fields]
        order += [name for name in ADDRESS_ORDER if name not in order]
        for name in order:
            if name == "further":
                self.text(element, "dcc:further", address.further)
            else:
                self.string(element, f"dcc:{name}", fields[name])
        self.apply(element, address.extra)

    def resp_person(self, parent: etree._Element, person: RespPerson) -> None:
        element = _sub(parent, "dcc:respPerson")
        self.contact(element, "dcc:person", person.person)
        self.text(element, "dcc:description", person.description)
        self.string(element, "dcc:role", person.role)
        self.boolean(element, "dcc:mainSigner", person.main_signer)
        self.apply(element, person.extra)

    def statement(self, parent: etree._Element, statement: Statement) -> None:
        element = _sub(parent, "dcc:statement")
        self.attributes(element, statement)
        self.string(element, "dcc:convention", statement.convention)
        self.boolean(element, "dcc:traceable", statement.traceable)
        self.strings(element, "dcc:norm", statement.norms)
        self.strings(element, "dcc:reference", statement.references)
        self.text(element, "dcc:declaration", statement.declaration)
        self.boolean(element, "dcc:valid", statement.valid)
        self.date(element, "dcc:date", statement.date)
        self.string(element, "dcc:period", statement.period)
        if statement.resp_authority is not None:
            self.contact(element, "dcc:respAuthority", statement.resp_authority)
        self.string(element, "dcc:conformity", statement.conformity)
        self.data(element, statement.data, statement.extra)
        self.apply(element, statement.extra)

    def hash(self, parent: etree._Element, name: str, report: Hash) -> None:
        element = _sub(parent, name)
        self.text(element, "dcc:referral", report.referral)
        self.string(element, "dcc:referralID", report.referral_id)
        self.string(element, "dcc:procedure", report.procedure)
        self.string(element, "dcc:value", report.value)
        if report.description:
            self.need((3, 2, 0), f"{name}/dcc:description", element)
            self.text(element, "dcc:description", report.description)
        for field, value in (
            ("inValidityRange", report.in_validity_range),
            ("traceable", report.traceable),
        ):
            if value is not None:
                self.need((3, 2, 0), f"{name}/dcc:{field}", element)
                self.boolean(element, f"dcc:{field}", value)
        if report.linked_report is not None:
            self.hash(element, "dcc:linkedReport", report.linked_report)
        self.apply(element, report.extra)

    def document(self, root: etree._Element, cert: Certificate) -> None:
        element = _sub(root, "dcc:document")
        self.string(element, "dcc:fileName", cert.document_name)
        self.string(element, "dcc:mimeType", cert.document_type)
        if cert.document is not None:
            _sub(element, "dcc:dataBase64", base64.b64encode(cert.document).decode("ascii"))

    # -- measurement results --

    def measurement_result(self, parent: etree._Element, result: MeasurementResult) -> None:
        element = _sub(parent, "dcc:measurementResult")
        self.attributes(element, result)
        extras = result.extra
        self.text(element, "dcc:name", result.name)
        self.text(element, "dcc:description", result.description)
        self.wrapper(element, "dcc:usedMethods", result.used_methods, extras, self.used_method)
        self.wrapper(
            element,
            "dcc:measuringEquipments",
            result.measuring_equipments,
            extras,
            self.measuring_equipment,
        )
        self.wrapper(
            element,
            "dcc:influenceConditions",
            result.influence_conditions,
            extras,
            self.influence_condition,
        )
        self.wrapper(element, "dcc:results", result.results, extras, self.result)
        self.apply(element, extras)

    def used_method(self, parent: etree._Element, method: UsedMethod) -> None:
        element = _sub(parent, "dcc:usedMethod")
        self.attributes(element, method)
        self.text(element, "dcc:name", method.name)
        self.text(element, "dcc:description", method.description)
        self.strings(element, "dcc:norm", method.norms)
        self.strings(element, "dcc:reference", method.references)
        self.apply(element, method.extra)

    def measuring_equipment(self, parent: etree._Element, equipment: MeasuringEquipment) -> None:
        element = _sub(parent, "dcc:measuringEquipment")
        self.attributes(element, equipment)
        self.text(element, "dcc:name", equipment.name)
        self.text(element, "dcc:description", equipment.description)
        if equipment.certificate is not None:
            self.hash(element, "dcc:certificate", equipment.certificate)
        if equipment.manufacturer is not None:
            self.contact(element, "dcc:manufacturer", equipment.manufacturer)
        self.string(element, "dcc:model", equipment.model)
        self.wrapper(
            element,
            "dcc:identifications",
            equipment.identifications,
            equipment.extra,
            self.identification,
        )
        self.apply(element, equipment.extra)

    def influence_condition(self, parent: etree._Element, condition: InfluenceCondition) -> None:
        element = _sub(parent, "dcc:influenceCondition")
        self.attributes(element, condition)
        self.text(element, "dcc:name", condition.name)
        self.text(element, "dcc:description", condition.description)
        self.string(element, "dcc:status", condition.status)
        self.data(element, condition.data, condition.extra)
        self.apply(element, condition.extra)

    def result(self, parent: etree._Element, result: Result) -> None:
        element = _sub(parent, "dcc:result")
        self.attributes(element, result)
        self.text(element, "dcc:name", result.name)
        self.text(element, "dcc:description", result.description)
        self.data(element, result.data, result.extra)
        self.apply(element, result.extra)

    def data(self, parent: etree._Element, items, extras: Sequence[Extra]) -> None:
        self.wrapper(parent, "dcc:data", items, extras, self.member)

    def member(self, parent: etree._Element, item: Quantity | QuantityList) -> None:
        if isinstance(item, QuantityList):
            self.quantity_list(parent, item)
        elif isinstance(item, Quantity):
            self.quantity(parent, item)
        else:
            raise DccValidationError(
                f"dcc:data holds Quantity and QuantityList values, got {type(item).__name__}",
                where=path_of(parent),
            )

    def quantity_list(self, parent: etree._Element, group: QuantityList) -> None:
        element = _sub(parent, "dcc:list")
        self.attributes(element, group)
        self.text(element, "dcc:name", group.name)
        self.text(element, "dcc:description", group.description)
        for item in group.items:
            self.member(element, item)
        self.apply(element, group.extra)

    def quantity(self, parent: etree._Element, quantity: Quantity) -> None:
        element = _sub(parent, "dcc:quantity")
        self.attributes(element, quantity)
        self.text(element, "dcc:name", quantity.name)
        self.text(element, "dcc:description", quantity.description)
        if quantity.value is not None and quantity.no_quantity is not None:
            raise DccValidationError(
                "a quantity holds either a value or dcc:noQuantity, not both",
                where=path_of(element),
            )
        if quantity.no_quantity is not None:
            self.text(element, "dcc:noQuantity", quantity.no_quantity, empty=True)
        elif quantity.value is not None:
            self.si(element, quantity.value)
        self.apply(element, quantity.extra)

    # -- D-SI --

    def si(self, parent: etree._Element, value) -> None:
        writers: dict[type, tuple[str, Callable]] = {
            SiReal: ("si:real", self.real),
            SiList: ("si:realListXMLList", self.real_list),
            SiConstant: ("si:constant", self.constant),
            SiComplex: ("si:complex", self.complex),
            SiHybrid: ("si:hybrid", self.hybrid),
        }
        if type(value) not in writers:
            raise DccValidationError(
                f"a quantity value is SiReal, SiList, SiConstant, SiComplex or SiHybrid, "
                f"got {type(value).__name__}",
                where=path_of(parent),
            )
        tag, write = writers[type(value)]
        element = _sub(parent, tag)
        write(element, value)
        self.apply(element, value.extra)

    def _si22(self, element: etree._Element, feature: str) -> None:
        self.need(_SI22, f"{feature} (D-SI 2.2)", element)

    def _common(self, element, label, quantity_type) -> None:
        self.string(element, "si:label", label)
        if quantity_type is not None:
            self._si22(element, "si:quantityTypeQUDT")
            self.string(element, "si:quantityTypeQUDT", quantity_type)

    def real(self, element: etree._Element, real: SiReal) -> None:
        self._common(element, real.label, real.quantity_type)
        _sub(element, "si:value", xv.format_double(real.value))
        self.string(element, "si:unit", real.unit)
        if real.significant_digit is not None:
            self._si22(element, "si:significantDigit")
            _sub(element, "si:significantDigit", xv.format_int(real.significant_digit))
        self.datetime(element, "si:dateTime", real.date_time)
        if real.uncertainty is not None:
            self.uncertainty(element, real.uncertainty, listed=False)

    def real_list(self, element: etree._Element, values: SiList) -> None:
        if values.labels:
            _sub(element, "si:labelXMLList", " ".join(values.labels))
        if values.quantity_types:
            self._si22(element, "si:quantityTypeQUDTXMLList")
            _sub(element, "si:quantityTypeQUDTXMLList", " ".join(values.quantity_types))
        _sub(element, "si:valueXMLList", " ".join(map(xv.format_double, values.values)))
        _sub(element, "si:unitXMLList", " ".join(values.units))
        if values.significant_digits:
            self._si22(element, "si:significantDigitXMLList")
            _sub(
                element,
                "si:significantDigitXMLList",
                " ".join(map(xv.format_int, values.significant_digits)),
            )
        self.datetimes(element, "si:dateTimeXMLList", values.date_times)
        if values.uncertainty is not None:
            self.uncertainty(element, values.uncertainty, listed=True)

    def constant(self, element: etree._Element, constant: SiConstant) -> None:
        self._common(element, constant.label, constant.quantity_type)
        _sub(element, "si:value", xv.format_double(constant.value))
        self.string(element, "si:unit", constant.unit)
        if constant.significant_digit is not None:
            self._si22(element, "si:significantDigit")
            _sub(element, "si:significantDigit", xv.format_int(constant.significant_digit))
        self.datetime(element, "si:dateTime", constant.date_time)
        if constant.standard_uncertainty is not None:
            self._si22(element, "si:valueStandardMU")
            _sub(element, "si:valueStandardMU", xv.format_double(constant.standard_uncertainty))
        if constant.uncertainty is not None:
            _sub(element, "si:uncertainty", xv.format_double(constant.uncertainty))
        self.string(element, "si:distribution", constant.distribution)

    def complex(self, element: etree._Element, number: SiComplex) -> None:
        self._common(element, number.label, number.quantity_type)
        cartesian = (number.real, number.imag)
        polar = (number.magnitude, number.phase, number.unit_phase)
        if None not in cartesian and all(part is None for part in polar):
            _sub(element, "si:valueReal", xv.format_double(number.real))
            _sub(element, "si:valueImag", xv.format_double(number.imag))
            self.string(element, "si:unit", number.unit)
        elif None not in polar and all(part is None for part in cartesian):
            _sub(element, "si:valueMagnitude", xv.format_double(number.magnitude))
            _sub(element, "si:valuePhase", xv.format_double(number.phase))
            self.string(element, "si:unit", number.unit)
            self.string(element, "si:unitPhase", number.unit_phase)
        else:
            raise DccValidationError(
                "si:complex is either real and imag, or magnitude, phase and unit_phase",
                where=path_of(element),
            )
        self.datetime(element, "si:dateTime", number.date_time)

    def hybrid(self, element: etree._Element, hybrid: SiHybrid) -> None:
        for alternative in hybrid.alternatives:
            if isinstance(alternative, SiHybrid):
                raise DccValidationError(
                    "si:hybrid cannot hold an si:hybrid", where=path_of(element)
                )
            self.si(element, alternative)

    def uncertainty(self, parent: etree._Element, unc: Uncertainty, *, listed: bool) -> None:
        form = _FORMS.get(unc.kind)
        if form is None:
            raise DccValidationError(
                f"uncertainty kind {unc.kind!r} is not one of {', '.join(_FORMS)}",
                where=path_of(parent),
            )
        suffix = "XMLList" if listed else ""
        if unc.kind.endswith("MU"):
            self._si22(parent, f"si:measurementUncertaintyUnivariate{suffix}/si:{unc.kind}")
            parent = _sub(parent, f"si:measurementUncertaintyUnivariate{suffix}")
        element = _sub(parent, f"si:{unc.kind}{suffix}")
        used = {field for _, field, _ in form}
        for field in _UNCERTAINTY_FIELDS:
            if getattr(unc, field) and field not in used:
                raise DccValidationError(
                    f"si:{unc.kind} has no {field} (got {getattr(unc, field)})",
                    where=path_of(element),
                )
        for child, field, write in form:
            values = getattr(unc, field)
            if not values:
                if field == "distribution":
                    continue
                raise DccValidationError(f"si:{unc.kind} needs {field}", where=path_of(element))
            if not listed and len(values) != 1:
                raise DccValidationError(
                    f"si:{unc.kind} of a single value has one {field}, got {len(values)}",
                    where=path_of(element),
                )
            text = " ".join(write(value) for value in values)
            _sub(element, f"si:{child}{suffix}", text if listed else write(values[0]))


_UNCERTAINTY_FIELDS = (
    "value",
    "coverage_factor",
    "coverage_probability",
    "interval_min",
    "interval_max",
    "distribution",
)

_D, _P, _S = xv.format_double, xv.format_positional, str
_FORMS: dict[str, list[tuple[str, str, Callable]]] = {
    "expandedUnc": [
        ("uncertainty", "value", _D),
        ("coverageFactor", "coverage_factor", _P),
        ("coverageProbability", "coverage_probability", _P),
        ("distribution", "distribution", _S),
    ],
    "coverageInterval": [
        ("standardUnc", "value", _D),
        ("intervalMin", "interval_min", _D),
        ("intervalMax", "interval_max", _D),
        ("coverageProbability", "coverage_probability", _P),
        ("distribution", "distribution", _S),
    ],
    "expandedMU": [
        ("valueExpandedMU", "value", _D),
        ("coverageFactor", "coverage_factor", _P),
        ("coverageProbability", "coverage_probability", _P),
        ("distribution", "distribution", _S),
    ],
    "standardMU": [
        ("valueStandardMU", "value", _D),
        ("distribution", "distribution", _S),
    ],
    "coverageIntervalMU": [
        ("valueStandardMU", "value", _D),
        ("intervalMin", "interval_min", _D),
        ("intervalMax", "interval_max", _D),
        ("coverageProbability", "coverage_probability", _P),
        ("distribution", "distribution", _S),
    ],
}


def _resolve(element: etree._Element, within: str) -> etree._Element | None:
    """The descendant named by ``within`` (``dcc:data``, ``dcc:content[2]``)."""
    target = element
    for step in within.split("/"):
        match = re.fullmatch(r"(\w+):(\w+)(?:\[(\d+)\])?", step)
        if match is None or match.group(1) not in _NAMESPACES:
            return None
        tag = f"{{{_NAMESPACES[match.group(1)]}}}{match.group(2)}"
        same = [child for child in target if child.tag == tag]
        index = int(match.group(3) or 1) - 1
        if index >= len(same):
            return None
        target = same[index]
    return target


def _indent(element: etree._Element, depth: int, kept: set[etree._Element]) -> None:
    """Indent the written elements; extras keep their own whitespace inside."""
    children = list(element)
    if not children or element in kept:
        return
    inner = "\n" + "  " * (depth + 1)
    if not (element.text and element.text.strip()):
        element.text = inner
    for child in children:
        _indent(child, depth + 1, kept)
        if not (child.tail and child.tail.strip()):
            child.tail = inner
    last = children[-1]
    if not (last.tail and last.tail.strip()):
        last.tail = "\n" + "  " * depth
