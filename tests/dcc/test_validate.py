"""Validating DCCs offline (sitrace.dcc.validate): XSD by @schemaVersion, then the rules.

The XSD verdicts reproduce the validation table of ../shared/dcc/SOURCES.md
(tests/reference/dcc/README.md); xmlschema cross-checks them.
"""

from __future__ import annotations

import copy
import pickle

import pytest

from sitrace.dcc.parsing import parse
from sitrace.dcc.validate import Problem, ValidationReport, require_valid, validate
from sitrace.errors import DccParseError, DccSchemaError, DccValidationError

from .test_rules import mutate

# SOURCES.md, "Validation results": stem -> (XSD errors against its own release, or None
# for "n/a (no XSD)"; XSD errors against 3.3.0 with @schemaVersion rewritten). 0 is VALID.
# The DFM template's 31 are libxml2's count (xmlschema counts 46, see the cross-check).
SOURCES_TABLE = {
    "ptb_vacuum_CDG_pressure_3.1.1": (0, 0),
    "ptb_vacuum_SRG_pressure_3.1.1": (0, 0),
    "gp_temperature_typical_QoX_3.2.1": (None, 0),
    "gp_temperature_extensive_3.1.1": (0, 0),
    "gp_temperature_resistance_3.1.1": (0, 0),
    "gp_humidity_3.1.2": (0, 0),
    "gp_temperature_typical_signed_xades_3.2.0": (None, 0),
    "gp_temperature_typical_signed_xades_lt_3.2.0": (None, 0),
    "gp_temperature_typical_signed_TAMPERED_3.2.0": (None, 0),
    "ptb_silicon_sphere_mass_2.4.0": (None, 4),
    "dfm_temperature_template_3.1.2": (31, 31),
}
XMLSCHEMA_COUNTS = {"dfm_temperature_template_3.1.2": 46}


def test_the_table_covers_every_example(dcc_examples):
    assert set(SOURCES_TABLE) == set(dcc_examples)


@pytest.mark.parametrize("stem", sorted(SOURCES_TABLE))
def test_against_its_own_release(dcc_examples, dcc_schemas, stem):
    expected, _ = SOURCES_TABLE[stem]
    own = stem.rsplit("_", 1)[1]
    if expected is None:
        with pytest.raises(
            DccSchemaError,
            match=rf"{stem}\.xml: no schema for DCC schemaVersion '{own}' in the offline "
            r"catalog \(known: 3\.1\.1, 3\.1\.2, 3\.3\.0\); validate against a known release "
            r"with as_version= \(--as on the command line\)",
        ):
            validate(dcc_examples[stem], schemas=dcc_schemas)
        return
    report = validate(dcc_examples[stem], schemas=dcc_schemas, rules=False)
    assert report.schema_version == own
    assert len(report.problems) == expected
    assert report.valid is (expected == 0)


@pytest.mark.parametrize("stem", sorted(SOURCES_TABLE))
def test_against_3_3_0(dcc_examples, dcc_schemas, stem):
    _, expected = SOURCES_TABLE[stem]
    report = validate(dcc_examples[stem], schemas=dcc_schemas, as_version="3.3.0", rules=False)
    own = stem.rsplit("_", 1)[1]
    assert report.schema_version == "3.3.0"
    assert report.declared_version == own
    notes = [p for p in report.problems if p.rule == "schema.version"]
    assert [(p.severity, p.message) for p in notes] == [
        ("warning", f"validated as 3.3.0; the file says {own}")
    ]
    assert len([p for p in report.problems if p.rule == "xsd"]) == expected
    assert report.valid is (expected == 0)


def test_silicon_sphere_xsd_errors(dcc_examples, dcc_schemas):
    report = validate(
        dcc_examples["ptb_silicon_sphere_mass_2.4.0"], schemas=dcc_schemas, as_version="3.3.0"
    )
    root = "/dcc:digitalCalibrationCertificate"
    assert [(p.line, p.path, p.message) for p in report.problems if p.rule == "xsd"] == [
        (
            76,
            f"{root}/dcc:administrativeData/dcc:coreData/dcc:identifications/"
            "dcc:identification/dcc:description",
            "Element 'dcc:description': This element is not expected. Expected is ( dcc:name ).",
        ),
        (
            66,
            f"{root}/dcc:administrativeData/dcc:coreData",
            "Element 'dcc:coreData': Missing child element(s). Expected is "
            "( dcc:performanceLocation ).",
        ),
        (
            134,
            f"{root}/dcc:administrativeData/dcc:items/dcc:item/dcc:identifications/"
            "dcc:identification/dcc:description",
            "Element 'dcc:description': This element is not expected. Expected is ( dcc:name ).",
        ),
        (
            261,
            f"{root}/dcc:measurementResults/dcc:measurementResult/dcc:usedMethods",
            "Element 'dcc:usedMethods': This element is not expected. Expected is ( dcc:name ).",
        ),
    ]


def test_dfm_template_errors_are_its_placeholders(dcc_examples, dcc_schemas):
    report = validate(dcc_examples["dfm_temperature_template_3.1.2"], schemas=dcc_schemas)
    xsd = [p for p in report.problems if p.rule == "xsd"]
    assert len(xsd) == 31
    assert all("§DFM_" in p.message for p in xsd)
    first = xsd[0]
    assert (first.line, first.path, first.message) == (
        71,
        "/dcc:digitalCalibrationCertificate/dcc:administrativeData/dcc:coreData/dcc:receiptDate",
        "Element 'dcc:receiptDate': '§DFM_ArrivalDate§' is not a valid value of the atomic "
        "type 'xs:date'.",
    )
    # libxml2 writes positions as sitrace does: statement[1], quantity[2], realListXMLList[2]
    assert xsd[-1].path.endswith(
        "dcc:list/dcc:quantity[2]/si:hybrid/si:realListXMLList[2]/si:expandedUncXMLList/"
        "si:coverageProbabilityXMLList"
    )


def test_xsd_verdicts_agree_with_xmlschema(dcc_examples, dcc_schemas):
    """xmlschema (pure Python, another XSD engine) gives the same verdicts offline."""
    xmlschema = pytest.importorskip("xmlschema")
    mapping = {url: str(path) for url, path in dcc_schemas.uris.items()}
    engines = {
        version: xmlschema.XMLSchema10(str(path), uri_mapper=mapping, allow="local")
        for version, path in dcc_schemas.versions.items()
    }
    for stem, (own_count, count_330) in SOURCES_TABLE.items():
        tree = parse(dcc_examples[stem]).tree
        own = stem.rsplit("_", 1)[1]
        for version, expected in ((own, own_count), ("3.3.0", count_330)):
            if expected is None:
                continue
            rewritten = copy.deepcopy(tree)
            rewritten.getroot().set("schemaVersion", version)
            errors = list(engines[version].iter_errors(rewritten))
            assert len(errors) == XMLSCHEMA_COUNTS.get(stem, expected), (stem, version)


# ------------------------------------------------------------------ the report


def test_report_to_dict(dcc_examples, dcc_schemas):
    report = validate(
        dcc_examples["gp_temperature_typical_QoX_3.2.1"], schemas=dcc_schemas, as_version="3.3.0"
    )
    assert report.to_dict() == {
        "valid": True,
        "schema_version": "3.3.0",
        "problems": [
            {
                "rule": "schema.version",
                "severity": "warning",
                "line": 7,
                "path": "/dcc:digitalCalibrationCertificate/@schemaVersion",
                "message": "validated as 3.3.0; the file says 3.2.1",
            }
        ],
    }
    assert report.errors == () and len(report.warnings) == 1


def test_as_version_leaves_the_document_alone(dcc_examples, dcc_schemas):
    document = parse(dcc_examples["gp_temperature_typical_QoX_3.2.1"])
    report = validate(document, schemas=dcc_schemas, as_version="3.3.0")
    assert report.valid and report.name.endswith("gp_temperature_typical_QoX_3.2.1.xml")
    assert document.schema_version == "3.2.1"


def test_same_version_as_given_adds_no_note(dcc_examples, dcc_schemas):
    report = validate(dcc_examples["gp_humidity_3.1.2"], schemas=dcc_schemas, as_version="3.1.2")
    assert report.problems == () and report.schema_version == "3.1.2"


def test_unknown_as_version(dcc_examples, dcc_schemas):
    with pytest.raises(
        DccSchemaError,
        match=r"as_version '9\.9\.9' is not a DCC release in the offline catalog \(known: "
        r"3\.1\.1, 3\.1\.2, 3\.3\.0\)",
    ):
        validate(dcc_examples["gp_humidity_3.1.2"], schemas=dcc_schemas, as_version="9.9.9")


def test_missing_schema_version(dcc_examples, dcc_schemas):
    data = mutate(dcc_examples["gp_humidity_3.1.2"], 8, 'schemaVersion="3.1.2"', "")
    with pytest.raises(DccSchemaError, match=r"<bytes>: the root has no @schemaVersion"):
        validate(data, schemas=dcc_schemas)
    report = validate(data, schemas=dcc_schemas, as_version="3.1.2")
    assert report.valid
    assert [p.message for p in report.problems] == [
        "validated as 3.1.2; the file has no @schemaVersion"
    ]


def test_not_well_formed_is_a_report(dcc_examples, dcc_schemas):
    data = dcc_examples["gp_humidity_3.1.2"].read_bytes().replace(b"</dcc:coreData>", b"", 1)
    report = validate(data, schemas=dcc_schemas)
    assert not report.valid and report.schema_version is None
    (problem,) = report.problems
    assert problem.rule == "xml.wellformed" and problem.line == 368
    assert problem.message.startswith("not well-formed XML: Opening and ending tag mismatch")


def test_refusals_still_raise(dcc_examples, dcc_schemas, tmp_path):
    doctype = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'
    with pytest.raises(DccParseError, match=r"a DTD .* is not allowed in a DCC"):
        validate(doctype, schemas=dcc_schemas)
    with pytest.raises(DccParseError, match="over the limit of 1,000 bytes"):
        validate(dcc_examples["gp_humidity_3.1.2"], schemas=dcc_schemas, max_bytes=1000)
    with pytest.raises(DccParseError, match="cannot read"):
        validate(tmp_path / "missing.xml", schemas=dcc_schemas)


def test_not_a_dcc(dcc_schemas):
    report = validate(b'<a xmlns="urn:x"/>', schemas=dcc_schemas)
    assert report.to_dict() == {
        "valid": False,
        "schema_version": None,
        "problems": [
            {
                "rule": "dcc.root",
                "severity": "error",
                "line": 1,
                "path": "/a",
                "message": "the root element is {urn:x}a, not dcc:digitalCalibrationCertificate "
                "({https://ptb.de/dcc}): not a DCC",
            }
        ],
    }


def test_paths_use_sitrace_prefixes_whatever_the_file_uses(dcc_examples, dcc_schemas):
    """libxml2 writes its paths with the document's prefixes; the report does not."""
    original = dcc_examples["gp_humidity_3.1.2"].read_bytes()
    broken = original.replace(b"<dcc:countryCodeISO3166_1>DE<", b"<dcc:countryCodeISO3166_1>de<")
    expected = (
        "/dcc:digitalCalibrationCertificate/dcc:administrativeData/dcc:coreData/"
        "dcc:countryCodeISO3166_1"
    )
    other_prefix = broken.replace(b"dcc:", b"c:").replace(b"xmlns:dcc=", b"xmlns:c=")
    default_namespace = broken.replace(b"xmlns:dcc=", b"xmlns=").replace(b"dcc:", b"")
    for data in (other_prefix, default_namespace):
        report = validate(data, schemas=dcc_schemas, rules=False)
        (problem,) = report.problems
        assert (problem.rule, problem.line, problem.path) == ("xsd", 53, expected)
        assert "'dcc:countryCodeISO3166_1'" in problem.message


def test_raise_for_problems(dcc_examples, dcc_schemas):
    good = validate(dcc_examples["gp_humidity_3.1.2"], schemas=dcc_schemas)
    assert good.raise_for_problems() is good and require_valid(good) is good
    bad = validate(dcc_examples["dfm_temperature_template_3.1.2"], schemas=dcc_schemas)
    with pytest.raises(
        DccValidationError,
        match=r"dfm_temperature_template_3\.1\.2\.xml: not a valid DCC 3\.1\.2: 40 error\(s\): "
        r"line 71 \[xsd\] Element 'dcc:receiptDate': '§DFM_ArrivalDate§' is not a valid value "
        r".*\(and 35 more\)$",
    ) as caught:
        require_valid(bad)
    assert pickle.loads(pickle.dumps(caught.value)).message == caught.value.message


def test_rules_can_be_chosen(dcc_examples, dcc_schemas):
    path = dcc_examples["ptb_silicon_sphere_mass_2.4.0"]
    everything = validate(path, schemas=dcc_schemas, as_version="3.3.0")
    assert {p.rule for p in everything.problems} == {"schema.version", "xsd", "dsi.unit"}
    xsd_only = validate(path, schemas=dcc_schemas, as_version="3.3.0", rules=False)
    assert {p.rule for p in xsd_only.problems} == {"schema.version", "xsd"}
    chosen = validate(path, schemas=dcc_schemas, as_version="3.3.0", rules=["date.order"])
    assert {p.rule for p in chosen.problems} == {"schema.version", "xsd"}


def test_the_schema_is_compiled_once(dcc_schemas):
    assert dcc_schemas.xsd("3.3.0") is dcc_schemas.xsd("3.3.0")


def test_report_values():
    problem = Problem("dsi.unit", "bad", 3, "/dcc:x", "warning")
    report = ValidationReport("f.xml", "3.3.0", (problem,))
    assert report.valid and str(problem) == "line 3: warning [dsi.unit] bad"
