"""Writing the model as DCC XML: order, numbers, extras, versions."""

from __future__ import annotations

import dataclasses
import doctest
from datetime import UTC, date, datetime

import pytest
from lxml import etree

from sitrace.dcc import write
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
from sitrace.dcc.read import read_certificate
from sitrace.dcc.write import to_element, write_certificate
from sitrace.errors import DccValidationError

DCC = "{https://ptb.de/dcc}"
SI = "{https://ptb.de/si}"
NS = {"dcc": "https://ptb.de/dcc", "si": "https://ptb.de/si"}


def _contact(name: str, city: str = "Berlin") -> Contact:
    return Contact(name=Text.of(name), email=f"{name.lower()}@example.org", location=Address(city))


def certificate(*data, version: str = "3.3.0", **changes) -> Certificate:
    """A complete certificate (by hand, as a laboratory's software would build it)."""
    serial = Identification("manufacturer", "SN 4711", Text.of(en="Serial number"))
    cert = Certificate(
        schema_version=version,
        software=(Software(Text.of("sitrace"), "0.1", type="application"),),
        core_data=CoreData(
            country_code="DE",
            used_languages=("en", "de"),
            mandatory_languages=("en",),
            unique_identifier="CAL-2024-0001",
            begin_performance_date=date(2024, 5, 1),
            end_performance_date=date(2024, 5, 2),
            performance_location="laboratory",
            identifications=(Identification("calibrationLaboratory", "Order 17"),),
            receipt_date=date(2024, 4, 20),
        ),
        items=(
            Item(
                Text.of(en="Pt100 thermometer", de="Pt100-Thermometer"),
                identifications=(serial,),
                manufacturer=Contact(Text.of("ACME")),
                model="T-100",
            ),
        ),
        calibration_laboratory=_contact("Lab"),
        resp_persons=(RespPerson(Contact(Text.of("A. Person")), role="Head", main_signer=True),),
        customer=_contact("Customer", "Hamburg"),
        measurement_results=(
            MeasurementResult(
                name=Text.of(en="Calibration"),
                results=(Result(Text.of(en="Values"), data or (_quantity(_real()),)),),
                used_methods=(UsedMethod(Text.of(en="Comparison"), norms=("DKD-R 5-1:2018",)),),
                measuring_equipments=(
                    MeasuringEquipment(
                        Text.of(en="Reference"),
                        identifications=(serial,),
                        certificate=Hash(Text.of(en="PTB"), "PTB-1", "SHA256", "ab12"),
                    ),
                ),
                influence_conditions=(
                    InfluenceCondition(
                        Text.of(en="Ambient"),
                        data=(_quantity(SiReal(23.0, r"\degreecelsius")),),
                    ),
                ),
            ),
        ),
        statements=(Statement(declaration=Text.of(en="Traceable to the SI."), traceable=True),),
    )
    return dataclasses.replace(cert, **changes)


def _real(**changes) -> SiReal:
    unc = Uncertainty("expandedUnc", (0.02,), (2.0,), (0.95,))
    return dataclasses.replace(SiReal(20.5, r"\degreecelsius", uncertainty=unc), **changes)


def _quantity(value, **changes) -> Quantity:
    return Quantity(name=Text.of(en="Temperature"), value=value, **changes)


EVERY_SI = (
    _quantity(_real()),
    _quantity(_real(uncertainty=Uncertainty("expandedMU", (0.02,), (2.0,), (0.95,)))),
    _quantity(_real(uncertainty=Uncertainty("standardMU", (0.01,), distribution=("normal",)))),
    _quantity(
        _real(
            uncertainty=Uncertainty(
                "coverageIntervalMU",
                (0.01,),
                coverage_probability=(0.95,),
                interval_min=(20.48,),
                interval_max=(20.52,),
            )
        )
    ),
    _quantity(
        _real(
            uncertainty=Uncertainty(
                "coverageInterval",
                (0.01,),
                coverage_probability=(0.95,),
                interval_min=(20.48,),
                interval_max=(20.52,),
            ),
            label="t",
            quantity_type="Temperature",
            significant_digit=3,
            date_time=datetime(2024, 5, 1, 10, 30, tzinfo=UTC),
        )
    ),
    _quantity(
        SiHybrid(
            (
                SiList(
                    (293.15, 303.15),
                    (r"\kelvin",),
                    uncertainty=Uncertainty(
                        "expandedUnc", (0.02,), (2.0,), (0.95,), distribution=("normal",)
                    ),
                ),
                SiList(
                    (20.0, 30.0),
                    (r"\degreecelsius",),
                    uncertainty=Uncertainty("expandedMU", (0.02, 0.03), (2.0,), (0.95,)),
                ),
            )
        )
    ),
    _quantity(SiList((1.0, 2.0, 3.0), (r"\metre",), uncertainty=Uncertainty("standardMU", (0.1,)))),
    _quantity(
        SiList(
            (1.0,),
            (r"\metre",),
            uncertainty=Uncertainty(
                "coverageIntervalMU",
                (0.1,),
                coverage_probability=(0.95,),
                interval_min=(0.8,),
                interval_max=(1.2,),
            ),
        )
    ),
    _quantity(
        SiList(
            (1.0, 2.0),
            (r"\metre",),
            uncertainty=Uncertainty(
                "coverageInterval",
                (0.1,),
                coverage_probability=(0.95,),
                interval_min=(0.8, 1.8),
                interval_max=(1.2, 2.2),
            ),
        )
    ),
    _quantity(
        SiConstant(
            299792458.0,
            r"\metre\second\tothe{-1}",
            uncertainty=0.0,
            standard_uncertainty=0.0,
            distribution="exact",
        )
    ),
    _quantity(SiComplex(r"\ohm", real=50.0, imag=-0.5)),
    _quantity(SiComplex(r"\ohm", magnitude=50.0, phase=0.6, unit_phase=r"\degree")),
    _quantity(SiHybrid((SiConstant(1.0, r"\one"), SiConstant(100.0, r"\percent")))),
    Quantity(name=Text.of(en="Marking"), no_quantity=Text.of(en="none")),
    QuantityList((_quantity(_real()),), name=Text.of(en="a table")),
)


def test_a_hand_built_certificate_with_every_si_form_validates(dcc_schemas):
    cert = certificate(*EVERY_SI)
    tree = etree.fromstring(write_certificate(cert, schema_version="3.3.0"))
    dcc_schemas.xsd("3.3.0").assertValid(tree)
    assert read_certificate(write_certificate(cert)) == cert


def test_a_3_1_certificate_in_the_deprecated_forms_validates(dcc_schemas):
    plain = dataclasses.replace(EVERY_SI[4].value, quantity_type=None, significant_digit=None)
    legacy = (EVERY_SI[0], _quantity(plain), EVERY_SI[8], EVERY_SI[11], EVERY_SI[13])
    for version in ("3.1.1", "3.1.2"):
        tree = etree.fromstring(write_certificate(certificate(*legacy, version=version)))
        dcc_schemas.xsd(version).assertValid(tree)


def test_the_document_starts_with_a_declaration_and_uses_the_dcc_prefixes():
    xml = write_certificate(certificate(*EVERY_SI[:2]))
    assert xml.startswith(
        b"<?xml version='1.0' encoding='UTF-8'?>\n<dcc:digitalCalibrationCertificate"
    )
    root = etree.fromstring(xml)
    assert root.nsmap == NS
    assert root.get("schemaVersion") == "3.3.0"
    assert b"<si:real>" in xml


def test_to_element_gives_the_root():
    root = to_element(certificate())
    assert root.tag == f"{DCC}digitalCalibrationCertificate"
    names = [etree.QName(child).localname for child in root.find("dcc:administrativeData", NS)]
    assert names == [
        "dccSoftware",
        "coreData",
        "items",
        "calibrationLaboratory",
        "respPersons",
        "customer",
        "statements",
    ]


def test_elements_follow_the_schema_sequence():
    root = to_element(certificate(*EVERY_SI[4:5]))
    real = root.find(".//dcc:results//si:real", NS)
    assert [etree.QName(child).localname for child in real] == [
        "label",
        "quantityTypeQUDT",
        "value",
        "unit",
        "significantDigit",
        "dateTime",
        "coverageInterval",
    ]
    core = root.find(".//dcc:coreData", NS)
    assert [etree.QName(child).localname for child in core] == [
        "countryCodeISO3166_1",
        "usedLangCodeISO639_1",
        "usedLangCodeISO639_1",
        "mandatoryLangCodeISO639_1",
        "uniqueIdentifier",
        "identifications",
        "receiptDate",
        "beginPerformanceDate",
        "endPerformanceDate",
        "performanceLocation",
    ]


def test_numbers_in_shortest_round_trip_form():
    value = _real(
        value=0.1 + 0.2, uncertainty=Uncertainty("expandedMU", (5e-08,), (2.0,), (1e-05,))
    )
    root = to_element(certificate(_quantity(value)))
    texts = {
        etree.QName(e).localname: e.text for e in root.find(".//dcc:results//si:real", NS).iter()
    }
    assert texts["value"] == "0.30000000000000004"
    assert texts["valueExpandedMU"] == "5e-08"
    assert texts["coverageFactor"] == "2.0"
    assert texts["coverageProbability"] == "0.00001"  # D-SI forbids an exponent here
    nan = to_element(certificate(_quantity(SiReal(float("nan"), r"\one"))))
    assert nan.find(".//dcc:results//si:value", NS).text == "NaN"


def test_extras_go_back_to_their_positions():
    comment = Extra(1, b"<!-- measured twice -->")
    unknown = Extra(
        3, b'<dcc:relativeUncertainty xmlns:dcc="https://ptb.de/dcc"></dcc:relativeUncertainty>'
    )
    attributes = Extra(ATTRIBUTES, b'<dcc:quantity xmlns:dcc="https://ptb.de/dcc" lang="x"/>')
    quantity = _quantity(_real(), extra=(attributes, comment, unknown))
    element = to_element(certificate(quantity)).find(".//dcc:results//dcc:quantity", NS)
    children = [c.tag if isinstance(c.tag, str) else "comment" for c in element]
    assert children == [f"{DCC}name", "comment", f"{SI}real", f"{DCC}relativeUncertainty"]
    assert element.get("lang") == "x"


def test_extras_within_a_wrapper_create_it():
    text = Extra(
        0, b'<dcc:text xmlns:dcc="https://ptb.de/dcc"><dcc:content>see PDF</dcc:content></dcc:text>'
    )
    result = Result(Text.of("r"), data=(), extra=(dataclasses.replace(text, within="dcc:data"),))
    cert = certificate()
    measurement = dataclasses.replace(cert.measurement_results[0], results=(result,))
    cert = dataclasses.replace(cert, measurement_results=(measurement,))
    data = to_element(cert).find(".//dcc:result/dcc:data", NS)
    assert data[0].tag == f"{DCC}text"
    assert read_certificate(write_certificate(cert)) == cert


def test_an_extra_that_is_not_xml_is_refused():
    broken = _quantity(_real(), extra=(Extra(0, b"<dcc:oops>"),))
    with pytest.raises(DccValidationError, match=r"an Extra \(position 0, within ''\) is not well"):
        write_certificate(certificate(broken))


@pytest.mark.parametrize(
    ("quantity", "feature"),
    [
        (EVERY_SI[1], r"si:measurementUncertaintyUnivariate/si:expandedMU \(D-SI 2.2\)"),
        (_quantity(_real(significant_digit=2)), r"si:significantDigit \(D-SI 2.2\)"),
        (_quantity(_real(quantity_type="Temperature")), r"si:quantityTypeQUDT \(D-SI 2.2\)"),
        (
            _quantity(SiConstant(1.0, r"\one", standard_uncertainty=0.1)),
            r"si:valueStandardMU \(D-SI 2.2\)",
        ),
    ],
)
def test_d_si_2_2_forms_cannot_be_written_as_dcc_3_1(quantity, feature):
    with pytest.raises(DccValidationError, match=f"{feature} is not in DCC 3.1.2") as caught:
        write_certificate(certificate(quantity), schema_version="3.1.2")
    assert "/dcc:results/dcc:result/dcc:data/dcc:quantity" in caught.value.where


def test_dcc_3_3_elements_cannot_be_written_as_dcc_3_1():
    cert = certificate()
    issued = dataclasses.replace(
        cert, core_data=dataclasses.replace(cert.core_data, issue_date=date(2024, 5, 3))
    )
    with pytest.raises(DccValidationError, match=r"dcc:issueDate is not in DCC 3\.1\.1"):
        write_certificate(issued, schema_version="3.1.1")
    typed = dataclasses.replace(cert, items=(dataclasses.replace(cert.items[0], ref_type="x"),))
    with pytest.raises(DccValidationError, match=r"dcc:item/@refType is not in DCC 3.1.2"):
        write_certificate(typed, schema_version="3.1.2")
    write_certificate(issued, schema_version="3.3.0")


def test_dcc_2_names_an_identification_description():
    root = to_element(certificate(), schema_version="2.4.0")
    identification = root.find(".//dcc:item//dcc:identification", NS)
    assert [etree.QName(c).localname for c in identification] == ["issuer", "value", "description"]


def test_a_new_schema_version_retargets_the_schema_location():
    location = Extra(
        ATTRIBUTES,
        b'<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        b'xsi:schemaLocation="https://ptb.de/dcc https://ptb.de/dcc/v3.2.1/dcc.xsd"/>',
    )
    cert = certificate(version="3.2.1", extra=(location,))
    root = to_element(cert, schema_version="3.3.0")
    assert root.get("schemaVersion") == "3.3.0"
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation").endswith(
        "/v3.3.0/dcc.xsd"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            _real(uncertainty=Uncertainty("expandedUnc", (0.1, 0.2), (2.0,), (0.95,))),
            "si:expandedUnc of a single value has one value, got 2",
        ),
        (
            _real(uncertainty=Uncertainty("expandedMU", (0.1,))),
            "si:expandedMU needs coverage_factor",
        ),
        (
            _real(uncertainty=Uncertainty("standardMU", (0.1,), (2.0,))),
            r"si:standardMU has no coverage_factor \(got \(2.0,\)\)",
        ),
        (SiComplex(r"\ohm", real=1.0), "si:complex is either real and imag"),
    ],
)
def test_incomplete_d_si_values_are_refused(value, message):
    with pytest.raises(DccValidationError, match=message):
        write_certificate(certificate(_quantity(value)))


def test_the_embedded_document_is_base64(dcc_schemas):
    cert = certificate(
        document=b"%PDF-1.7 ...", document_name="cal.pdf", document_type="application/pdf"
    )
    root = to_element(cert)
    document = root.find("dcc:document", NS)
    assert [etree.QName(c).localname for c in document] == ["fileName", "mimeType", "dataBase64"]
    assert document[2].text == "JVBERi0xLjcgLi4u"
    dcc_schemas.xsd("3.3.0").assertValid(root)
    assert read_certificate(write_certificate(cert)).document == b"%PDF-1.7 ..."


def test_docstring_examples():
    failures, _ = doctest.testmod(write)
    assert failures == 0
