"""Reading DCCs into the model: the shared examples and hand-written mutations of a small one."""

from __future__ import annotations

import doctest
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from sitrace.dcc import _xmlvalues, read
from sitrace.dcc.model import (
    ATTRIBUTES,
    DOCUMENT,
    QuantityList,
    SiConstant,
    SiHybrid,
    SiList,
    SiReal,
    Text,
    Uncertainty,
)
from sitrace.dcc.parsing import parse
from sitrace.dcc.read import read_certificate
from sitrace.errors import DccParseError

from .strategies import minimal_dcc

EXAMPLES = [
    "dfm_temperature_template_3.1.2",
    "gp_humidity_3.1.2",
    "gp_temperature_extensive_3.1.1",
    "gp_temperature_resistance_3.1.1",
    "gp_temperature_typical_QoX_3.2.1",
    "gp_temperature_typical_signed_TAMPERED_3.2.0",
    "gp_temperature_typical_signed_xades_3.2.0",
    "gp_temperature_typical_signed_xades_lt_3.2.0",
    "ptb_silicon_sphere_mass_2.4.0",
    "ptb_vacuum_CDG_pressure_3.1.1",
    "ptb_vacuum_SRG_pressure_3.1.1",
]


def _quantity(cert, *path):
    """measurement result m, result r, then indices into data/list items."""
    m, r, *rest = path
    node = cert.measurement_results[m].results[r].data
    for index in rest:
        node = node[index]
        if isinstance(node, QuantityList):
            node = node.items
    return node


def test_the_example_set_is_complete(dcc_examples):
    assert sorted(dcc_examples) == sorted(EXAMPLES)


@pytest.mark.parametrize("stem", EXAMPLES)
def test_every_example_reads(dcc_examples, stem):
    cert = read_certificate(dcc_examples[stem])
    assert cert.schema_version == stem.rsplit("_", 1)[1]
    assert cert.software and cert.items and cert.resp_persons and cert.measurement_results
    assert cert.core_data is not None and cert.core_data.country_code in ("DE", "DK")
    # the LGPL (or PTB) licence comment is kept, first, at the root
    first = cert.extra[1] if cert.extra[0].position == ATTRIBUTES else cert.extra[0]
    assert first.xml.startswith(b"<!--")
    assert b"Physikalisch-Technische Bundesanstalt" in first.xml


def test_sources_path_bytes_and_document_agree(dcc_examples):
    path = dcc_examples["gp_temperature_typical_QoX_3.2.1"]
    from_path = read_certificate(path)
    assert read_certificate(str(path)) == from_path
    assert read_certificate(Path(path).read_bytes()) == from_path
    assert read_certificate(parse(path)) == from_path


def test_core_data_of_the_humidity_example(dcc_examples):
    core = read_certificate(dcc_examples["gp_humidity_3.1.2"]).core_data
    assert core.used_languages == ("de", "en")
    assert core.mandatory_languages == ("de",)
    assert core.unique_identifier == "Id 123456789 HtW"
    assert core.begin_performance_date == date(1957, 8, 13)
    assert core.end_performance_date == date(1957, 8, 14)
    assert core.performance_location == "laboratory"
    (identification,) = core.identifications
    assert (identification.issuer, identification.value) == (
        "calibrationLaboratory",
        "Or_123456789",
    )
    assert identification.name.get("en") == "Order no."


def test_items_laboratory_people_customer(dcc_examples):
    cert = read_certificate(dcc_examples["gp_humidity_3.1.2"])
    item = cert.items[0]
    assert item.name.get("en") == "Display unit"
    assert item.model == "Display 1234-5"
    assert [i.issuer for i in item.identifications] == [
        "manufacturer",
        "customer",
        "calibrationLaboratory",
    ]
    assert item.manufacturer.name.get() == "Feuchtemesstechnik GmbH"
    assert cert.calibration_laboratory.location.city
    assert cert.customer.email
    assert any(person.main_signer for person in cert.resp_persons)
    # the items list's own name and description are not modelled: kept within dcc:items
    kept = [extra for extra in cert.administrative_extra if extra.within == "dcc:items"]
    assert [extra.xml[:9] for extra in kept] == [b"<dcc:name", b"<dcc:desc"]


def test_qox_hybrid_of_lists_in_kelvin_and_celsius(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_typical_QoX_3.2.1"])
    reference = _quantity(cert, 0, 0, 0, 0)
    assert reference.name.get("en") == "Reference value"
    assert reference.ref_type == "basic_referenceValue"
    assert isinstance(reference.value, SiHybrid)
    kelvin, celsius = reference.value.alternatives
    assert kelvin == SiList(
        values=(306.248, 373.121, 448.253, 523.319, 593.154), units=(r"\kelvin",)
    )
    assert celsius.units == (r"\degreecelsius",)
    assert celsius.values[-1] == 320.004
    # its dcc:measurementMetaData (a calibration value) is kept as written
    assert reference.extra[0].xml.startswith(b"<dcc:measurementMetaData")
    # the refTypeDefinitions of 3.2 are kept as written
    assert any(b"refTypeDefinitions" in e.xml[:40] for e in cert.administrative_extra)


def test_qox_list_with_one_uncertainty_for_five_values(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_typical_QoX_3.2.1"])
    error = _quantity(cert, 0, 0, 0, 2).value
    assert error.values == (0.072, 0.089, 0.107, -0.009, -0.084)
    assert error.uncertainty == Uncertainty(
        kind="expandedUnc",
        value=(0.061,),
        coverage_factor=(2.0,),
        coverage_probability=(0.95,),
        distribution=("normal",),
    )


def test_cdg_pressures_with_namespaces_declared_on_each_value(dcc_examples):
    cert = read_certificate(dcc_examples["ptb_vacuum_CDG_pressure_3.1.1"])
    first = _quantity(cert, 0, 0, 0, 0)
    assert first.name == Text()
    assert first.value == SiReal(
        value=26.65,
        unit=r"\kilogram\metre\tothe{-1}\second\tothe{-2}",
        uncertainty=Uncertainty(
            kind="expandedUnc", value=(0.04,), coverage_factor=(2.0,), coverage_probability=(0.95,)
        ),
    )
    assert cert.administrative_order[0] == "calibrationLaboratory"


def test_measurement_result_parts(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_typical_QoX_3.2.1"])
    result = cert.measurement_results[0]
    assert [method.norms for method in result.used_methods] == [("GUM",), ("DKD-R 5-1:2018",)]
    assert result.measuring_equipments[0].identifications[0].issuer == "manufacturer"
    immersion = result.influence_conditions[0]
    assert immersion.ref_type == "gp_immersionDepth"
    assert immersion.data[0].value == SiReal(value=0.1, unit=r"\metre")
    assert result.results[0].ref_type == "gp_measuringResult1"


def test_statements(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_extensive_3.1.1"])
    with_data = [statement for statement in cert.statements if statement.data]
    assert with_data[0].data[0].ref_type == "basic_validityRangeMin"
    assert any(statement.resp_authority is not None for statement in cert.statements)
    assert any(statement.norms for statement in cert.statements)


def test_signature_is_kept_last_at_the_root(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_typical_signed_xades_lt_3.2.0"])
    signature = cert.extra[-1]
    assert signature.within == ""
    assert signature.xml.startswith(b"<ds:Signature")
    assert b"xades:SignatureTimeStamp" in signature.xml


def test_laboratory_name_of_the_tampered_example(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_typical_signed_TAMPERED_3.2.0"])
    assert cert.calibration_laboratory.name.get() == "MANIPLUATION Kalibrierfirma GmbH"


def test_stylesheet_before_the_root_is_kept(dcc_examples):
    cert = read_certificate(dcc_examples["gp_humidity_3.1.2"])
    (stylesheet,) = [extra for extra in cert.extra if extra.within == DOCUMENT]
    assert stylesheet.position == -1
    assert stylesheet.xml == b'<?xml-stylesheet type="text/xsl" href="dcc.xsl"?>'


def test_dcc_2_4_identification_description_is_its_name(dcc_examples):
    cert = read_certificate(dcc_examples["ptb_silicon_sphere_mass_2.4.0"])
    assert cert.core_data.identifications[0].name.get("en") == "Reference No."
    assert cert.core_data.performance_location is None  # DCC 2.4 has none
    assert cert.measurement_results[0].name == Text()
    # ids on names and contents are kept as attribute sets
    mass = _quantity(cert, 0, 0, 0, 2)
    assert mass.name.get("de") == "Masse"
    assert [e.within for e in mass.name.extra] == ["dcc:content[1]", "dcc:content[2]"]
    assert cert.issues == ()


def test_dfm_template_placeholders_are_kept_and_noted(dcc_examples):
    cert = read_certificate(dcc_examples["dfm_temperature_template_3.1.2"])
    core = cert.core_data
    assert core.begin_performance_date is None and core.end_performance_date is None
    assert core.unique_identifier == "§DFM_Unique_ID§"  # a string field keeps any text
    kept = [extra.xml for extra in core.extra]
    assert (
        b"<dcc:beginPerformanceDate>\xc2\xa7DFM_StartDate\xc2\xa7</dcc:beginPerformanceDate>"
        in (kept[1].replace(b' xmlns:dcc="https://ptb.de/dcc"', b""))
    )
    messages = [str(issue) for issue in cert.issues]
    assert any(
        "dcc:beginPerformanceDate: '§DFM_StartDate§' is not a date" in message
        and "line 72" in message
        for message in messages
    )
    assert any("si:valueXMLList: '§DFM_Item1_Result1_ReferenceValue§'" in m for m in messages)
    assert len(cert.issues) == 9


def test_a_non_dcc_root_is_refused_by_name():
    with pytest.raises(
        DccParseError, match=r"the root element is \{urn:x\}report, not dcc:digital"
    ):
        read_certificate(b'<report xmlns="urn:x"/>')
    with pytest.raises(DccParseError, match="root element is dcc:measurementResults"):
        read_certificate(b'<dcc:measurementResults xmlns:dcc="https://ptb.de/dcc"/>')


def test_a_missing_schema_version_is_noted():
    cert = read_certificate(b'<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc"/>')
    assert cert.schema_version == ""
    assert "@schemaVersion is missing or empty" in str(cert.issues[0])


# --- D-SI forms ----------------------------------------------------------------------------


def _value(quantity_xml: str):
    cert = read_certificate(minimal_dcc(f"<dcc:quantity>{quantity_xml}</dcc:quantity>"))
    assert cert.issues == ()
    return cert.measurement_results[0].results[0].data[0].value


def test_expanded_mu():
    value = _value(
        r"<si:real><si:label>T</si:label><si:quantityTypeQUDT>Temperature</si:quantityTypeQUDT>"
        r"<si:value>1.5</si:value><si:unit>\kelvin</si:unit>"
        r"<si:significantDigit>3</si:significantDigit>"
        r"<si:dateTime>2024-05-01T12:00:00.25+02:00</si:dateTime>"
        r"<si:measurementUncertaintyUnivariate><si:expandedMU>"
        r"<si:valueExpandedMU>0.2</si:valueExpandedMU><si:coverageFactor>2</si:coverageFactor>"
        r"<si:coverageProbability>0.95</si:coverageProbability>"
        r"<si:distribution>normal</si:distribution>"
        r"</si:expandedMU></si:measurementUncertaintyUnivariate></si:real>"
    )
    assert value.label == "T" and value.quantity_type == "Temperature"
    assert value.significant_digit == 3
    assert value.date_time == datetime(2024, 5, 1, 10, 0, 0, 250000, tzinfo=UTC)
    assert value.uncertainty == Uncertainty(
        "expandedMU", (0.2,), (2.0,), (0.95,), distribution=("normal",)
    )


def test_standard_mu_and_coverage_interval_mu_lists():
    value = _value(
        r"<si:hybrid><si:realListXMLList><si:valueXMLList>1 2 3</si:valueXMLList>"
        r"<si:unitXMLList>\metre</si:unitXMLList>"
        r"<si:measurementUncertaintyUnivariateXMLList><si:standardMUXMLList>"
        r"<si:valueStandardMUXMLList>0.1 0.2 0.3</si:valueStandardMUXMLList>"
        r"</si:standardMUXMLList></si:measurementUncertaintyUnivariateXMLList>"
        r"</si:realListXMLList><si:realListXMLList><si:valueXMLList>1 2</si:valueXMLList>"
        r"<si:unitXMLList>\metre \centi\metre</si:unitXMLList>"
        r"<si:measurementUncertaintyUnivariateXMLList><si:coverageIntervalMUXMLList>"
        r"<si:valueStandardMUXMLList>0.1</si:valueStandardMUXMLList>"
        r"<si:intervalMinXMLList>0.8 1.8</si:intervalMinXMLList>"
        r"<si:intervalMaxXMLList>1.2 2.2</si:intervalMaxXMLList>"
        r"<si:coverageProbabilityXMLList>0.95</si:coverageProbabilityXMLList>"
        r"</si:coverageIntervalMUXMLList></si:measurementUncertaintyUnivariateXMLList>"
        r"</si:realListXMLList></si:hybrid>"
    )
    standard, interval = value.alternatives
    assert standard.uncertainty == Uncertainty("standardMU", (0.1, 0.2, 0.3))
    assert interval.units == (r"\metre", r"\centi\metre")
    assert interval.uncertainty == Uncertainty(
        "coverageIntervalMU",
        (0.1,),
        coverage_probability=(0.95,),
        interval_min=(0.8, 1.8),
        interval_max=(1.2, 2.2),
    )


def test_deprecated_coverage_interval_and_constant_and_complex():
    interval = _value(
        r"<si:real><si:value>10</si:value><si:unit>\volt</si:unit><si:coverageInterval>"
        r"<si:standardUnc>0.1</si:standardUnc><si:intervalMin>9.8</si:intervalMin>"
        r"<si:intervalMax>10.2</si:intervalMax>"
        r"<si:coverageProbability>0.95</si:coverageProbability></si:coverageInterval></si:real>"
    )
    assert interval.uncertainty == Uncertainty(
        "coverageInterval",
        (0.1,),
        coverage_probability=(0.95,),
        interval_min=(9.8,),
        interval_max=(10.2,),
    )
    constant = _value(
        r"<si:constant><si:label>c</si:label><si:value>299792458</si:value>"
        r"<si:unit>\metre\second\tothe{-1}</si:unit><si:valueStandardMU>0</si:valueStandardMU>"
        r"<si:uncertainty>0</si:uncertainty><si:distribution>exact</si:distribution></si:constant>"
    )
    assert constant == SiConstant(
        299792458.0,
        r"\metre\second\tothe{-1}",
        label="c",
        uncertainty=0.0,
        distribution="exact",
        standard_uncertainty=0.0,
    )
    polar = _value(
        r"<si:complex><si:valueMagnitude>2</si:valueMagnitude><si:valuePhase>90</si:valuePhase>"
        r"<si:unit>\ohm</si:unit><si:unitPhase>\degree</si:unitPhase></si:complex>"
    )
    assert (polar.magnitude, polar.phase, polar.unit_phase, polar.real) == (
        2.0,
        90.0,
        r"\degree",
        None,
    )


def test_si_list_and_realList_are_kept_as_written():
    cert = read_certificate(
        minimal_dcc(
            r"<dcc:quantity><si:list><si:realList><si:real><si:value>1</si:value>"
            r"<si:unit>\metre</si:unit></si:real></si:realList></si:list></dcc:quantity>"
        )
    )
    quantity = cert.measurement_results[0].results[0].data[0]
    assert quantity.value is None and quantity.no_quantity is None
    assert quantity.extra[0].xml.startswith(b"<si:list")
    assert cert.issues == ()


# --- schema-invalid documents: kept as written, never invented ------------------------------


def test_an_unreadable_number_keeps_the_whole_si_element():
    cert = read_certificate(
        minimal_dcc(
            r"<dcc:quantity><si:real><si:value>1,5</si:value><si:unit>\metre</si:unit>"
            r"</si:real></dcc:quantity>"
        )
    )
    quantity = cert.measurement_results[0].results[0].data[0]
    assert quantity.value is None
    assert b"<si:value>1,5</si:value>" in quantity.extra[0].xml
    (issue,) = cert.issues
    assert issue.path.endswith("/dcc:quantity/si:real")
    assert issue.message == "si:value: '1,5' is not a number (xs:double)"


def test_a_negative_uncertainty_is_kept_as_written():
    cert = read_certificate(
        minimal_dcc(
            r"<dcc:quantity><si:real><si:value>1</si:value><si:unit>\metre</si:unit>"
            r"<si:expandedUnc><si:uncertainty>-0.1</si:uncertainty>"
            r"<si:coverageFactor>2</si:coverageFactor>"
            r"<si:coverageProbability>0.95</si:coverageProbability></si:expandedUnc>"
            r"</si:real></dcc:quantity>"
        )
    )
    assert "must be >= 0, got -0.1" in cert.issues[0].message


def test_elements_out_of_schema_order_are_kept_as_written():
    xml = minimal_dcc(
        r"<dcc:quantity><si:real><si:value>1</si:value><si:unit>\metre</si:unit></si:real>"
        r"<dcc:name><dcc:content>late name</dcc:content></dcc:name></dcc:quantity>"
    )
    cert = read_certificate(xml)
    quantity = cert.measurement_results[0].results[0].data[0]
    assert quantity.value == SiReal(1.0, r"\metre")
    assert quantity.name == Text()  # a name after the value is out of order: kept as written
    assert [(extra.position, extra.xml[:9]) for extra in quantity.extra] == [(1, b"<dcc:name")]
    assert cert.issues == ()


def test_an_unreadable_element_does_not_count_for_the_order():
    cert = read_certificate(
        minimal_dcc(
            r"<dcc:quantity><si:real><si:unit>\metre</si:unit><si:value>1</si:value></si:real>"
            r"<dcc:name><dcc:content>name</dcc:content></dcc:name></dcc:quantity>"
        )
    )
    quantity = cert.measurement_results[0].results[0].data[0]
    assert quantity.name.get() == "name"
    assert [(extra.position, extra.xml[:9]) for extra in quantity.extra] == [(0, b"<si:real ")]
    assert "si:real without si:value" in cert.issues[0].message


def test_a_date_with_a_time_zone_is_kept_as_written():
    cert = read_certificate(minimal_dcc("", begin="2024-05-01Z"))
    assert cert.core_data.begin_performance_date is None
    assert "'2024-05-01Z' is not a date" in cert.issues[0].message


def test_a_comment_with_non_ascii_text_is_kept_verbatim():
    xml = minimal_dcc("<!-- Niedersächsisches Vorab -->".replace("ä", "ä"))
    cert = read_certificate(xml)
    (kept,) = [e for e in cert.measurement_results[0].results[0].extra if e.within == "dcc:data"]
    assert kept.xml == "<!-- Niedersächsisches Vorab -->".encode()


def test_docstring_examples():
    for module in (read, _xmlvalues):
        failures, _ = doctest.testmod(module)
        assert failures == 0, module.__name__
