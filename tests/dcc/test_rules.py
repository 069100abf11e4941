r"""The DCC rules beyond the XSD (sitrace.dcc.rules).

Two kinds of test:

- what the rules find in each example certificate of ../shared/dcc, pinned and
  justified (tests/reference/dcc/README.md says why each finding is right);
- mutations of good examples, one change each (a unit, a k, a language, an id, a
  date...), pinned with ``match=`` on rule, line and message.

The files are never copied: a mutation replaces text on one line of the shared
file in memory, so line numbers stay those of the original.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from sitrace.dcc.parsing import parse
from sitrace.dcc.rules import RULE_IDS, Problem, check
from sitrace.dcc.validate import validate
from sitrace.errors import DccValidationError, InputError


def mutate(path, line: int, old: str, new: str) -> bytes:
    """The file's bytes with ``old`` replaced by ``new`` once, on line ``line`` (1-based)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], f"{old!r} not on line {line} of {path.name}: {lines[line - 1]!r}"
    assert "\n" not in new
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines).encode("utf-8")


def found(report, rule: str) -> list[Problem]:
    return [p for p in report.problems if p.rule == rule]


def summary(report) -> dict[tuple[str, str], int]:
    """(rule, severity) -> count, for the problems the rules found (not the XSD's)."""
    return dict(Counter((p.rule, p.severity) for p in report.problems if p.rule not in ("xsd",)))


# ------------------------------------------------------- findings on the examples

# What the rules find in each example, validated against its own release (or 3.3.0
# where the catalog lacks it). Each finding is explained in tests/reference/dcc/README.md.
FINDINGS = {
    "ptb_vacuum_CDG_pressure_3.1.1": {("lang.complete", "warning"): 27},
    "ptb_vacuum_SRG_pressure_3.1.1": {
        ("lang.mandatory-present", "error"): 1,
        ("lang.complete", "warning"): 18,
    },
    "gp_temperature_typical_QoX_3.2.1": {("schema.version", "warning"): 1},
    "gp_temperature_extensive_3.1.1": {("lang.complete", "warning"): 2},
    "gp_temperature_resistance_3.1.1": {("lang.complete", "warning"): 2},
    "gp_humidity_3.1.2": {},
    "gp_temperature_typical_signed_xades_3.2.0": {
        ("schema.version", "warning"): 1,
        ("lang.complete", "warning"): 2,
    },
    "gp_temperature_typical_signed_xades_lt_3.2.0": {
        ("schema.version", "warning"): 1,
        ("lang.complete", "warning"): 2,
    },
    "gp_temperature_typical_signed_TAMPERED_3.2.0": {
        ("schema.version", "warning"): 1,
        ("lang.complete", "warning"): 2,
    },
    "ptb_silicon_sphere_mass_2.4.0": {
        ("schema.version", "warning"): 1,
        ("dsi.unit", "error"): 2,
    },
    "dfm_temperature_template_3.1.2": {
        ("code.iso3166", "error"): 2,
        ("dsi.unit", "error"): 6,
        ("lang.mandatory-present", "error"): 1,
        ("lang.complete", "warning"): 24,
    },
}


def _report(dcc_examples, dcc_schemas, stem: str, data: bytes | None = None):
    path = dcc_examples[stem]
    own = stem.rsplit("_", 1)[1]
    as_version = None if own in dcc_schemas.versions else "3.3.0"
    return validate(data if data is not None else path, schemas=dcc_schemas, as_version=as_version)


@pytest.mark.parametrize("stem", sorted(FINDINGS))
def test_findings_on_the_examples(dcc_examples, dcc_schemas, stem):
    assert summary(_report(dcc_examples, dcc_schemas, stem)) == FINDINGS[stem]


def test_silicon_sphere_degree_celsius_is_not_dsi(dcc_examples, dcc_schemas):
    report = _report(dcc_examples, dcc_schemas, "ptb_silicon_sphere_mass_2.4.0")
    units = found(report, "dsi.unit")
    assert [p.line for p in units] == [336, 351]
    assert units[0].path == (
        "/dcc:digitalCalibrationCertificate/dcc:measurementResults/dcc:measurementResult/"
        "dcc:influenceConditions/dcc:influenceCondition/dcc:data/dcc:list/dcc:list[1]/"
        "dcc:quantity[1]/si:real/si:unit"
    )
    assert units[0].message == (
        r"'\degreeCelsius' is not a D-SI unit: unknown unit '\degreeCelsius' in "
        r"'\degreeCelsius': D-SI names are case-sensitive; did you mean '\degreecelsius'?"
    )
    # its unit ratio \kilogram\tothe{1}\metre\tothe{-3}\kilogram\tothe{-1}\metre\tothe{3}
    # (lines 373, 388) is odd but valid D-SI grammar: not reported
    assert not [p for p in units if p.line in (373, 388)]


def test_srg_laboratory_name_only_in_german(dcc_examples, dcc_schemas):
    (problem,) = found(
        _report(dcc_examples, dcc_schemas, "ptb_vacuum_SRG_pressure_3.1.1"),
        "lang.mandatory-present",
    )
    assert (problem.line, problem.path, problem.message) == (
        28,
        "/dcc:digitalCalibrationCertificate/dcc:administrativeData/dcc:calibrationLaboratory/"
        "dcc:contact/dcc:name",
        "dcc:name is given in de but not in the mandatory language 'en'",
    )


def test_dfm_template_placeholders_are_found_by_the_rules(dcc_examples, dcc_schemas):
    report = _report(dcc_examples, dcc_schemas, "dfm_temperature_template_3.1.2")
    rule_errors = [p for p in report.errors if p.rule != "xsd"]
    # every error of the rules is in a §placeholder§ field or in a text left German-only
    assert {p.rule for p in rule_errors} == {"code.iso3166", "dsi.unit", "lang.mandatory-present"}
    assert all("§DFM_" in p.message for p in rule_errors if p.rule != "lang.mandatory-present")
    assert [p.line for p in found(report, "dsi.unit")] == [299, 328, 342, 346, 362, 371]
    (german,) = found(report, "lang.mandatory-present")
    assert german.line == 260 and german.message.endswith("not in the mandatory language 'en'")


def test_qox_hybrids_of_kelvin_and_celsius_agree(dcc_examples, dcc_schemas):
    report = _report(dcc_examples, dcc_schemas, "gp_temperature_typical_QoX_3.2.1")
    assert found(report, "dsi.hybrid-consistent") == []
    assert report.valid


def test_lang_complete_lists_the_missing_language(dcc_examples, dcc_schemas):
    report = _report(dcc_examples, dcc_schemas, "gp_temperature_extensive_3.1.1")
    assert [(p.line, p.message) for p in found(report, "lang.complete")] == [
        (174, "dcc:declaration is given in de but not in the used language 'en'"),
        (220, "dcc:declaration is given in de but not in the used language 'en'"),
    ]


# ------------------------------------------------------------------------ mutations


def _raises(dcc_examples, dcc_schemas, stem, line, old, new, pattern):
    data = mutate(dcc_examples[stem], line, old, new)
    report = _report(dcc_examples, dcc_schemas, stem, data)
    with pytest.raises(DccValidationError, match=pattern):
        report.raise_for_problems()
    return report


@pytest.mark.parametrize(
    ("unit", "message"),
    [
        (r"\degreeCelsius", r"D-SI names are case-sensitive; did you mean '\\degreecelsius'\?"),
        (r"\kgf", r"'\\kgf' \(kilogram-force\) in '\\kgf' is not an SI unit"),
        (r"\%", r"'%' is a unit symbol; did you mean '\\percent'\?"),
        (r"\kilo\gram", r"write '\\kilogram'"),
    ],
)
def test_unit_not_dsi(dcc_examples, dcc_schemas, unit, message):
    _raises(
        dcc_examples,
        dcc_schemas,
        "ptb_vacuum_CDG_pressure_3.1.1",
        353,
        r"<si:unit>\one</si:unit>",
        f"<si:unit>{unit}</si:unit>",
        rf"1 error\(s\): line 353 \[dsi\.unit\] '{re.escape(unit)}' is not a D-SI unit: "
        rf".*{message}",
    )


def test_unit_in_an_xml_list_entry(dcc_examples, dcc_schemas):
    _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_typical_QoX_3.2.1",
        450,
        r">\kelvin</si:unitXMLList>",
        r">\kelvin \kelvin \Kelvin \kelvin \kelvin</si:unitXMLList>",
        r"1 error\(s\): line 450 \[dsi\.unit\] '\\Kelvin' is not a D-SI unit: .*did you "
        r"mean '\\kelvin'\?",
    )


def test_non_dsi_unit_beside_a_dsi_alternative_of_a_hybrid_is_a_warning(dcc_examples, dcc_schemas):
    data = mutate(
        dcc_examples["gp_temperature_typical_QoX_3.2.1"],
        401,
        r"\degreecelsius",
        r"\degreeCelsius",
    )
    report = _report(dcc_examples, dcc_schemas, "gp_temperature_typical_QoX_3.2.1", data)
    (problem,) = found(report, "dsi.unit")
    assert problem.severity == "warning" and problem.line == 401
    assert problem.message.endswith(
        "(allowed in si:hybrid, where another alternative is in D-SI units)"
    )
    assert report.valid


def test_hybrid_value_changed_by_a_tenth(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_typical_QoX_3.2.1",
        400,
        "33.098 99.971",
        "33.198 99.971",
        r"line 400 \[dsi\.hybrid-consistent\] si:hybrid alternatives disagree, entry 1: "
        r"alternative 2 gives value 33\.198 \\degreecelsius = 306\.348 \\kelvin, alternative 1 "
        r"gives 306\.248 \\kelvin \(line 396\); they differ by 0\.1 \\kelvin, more than the "
        r"0\.001 \\kelvin the digits written allow",
    )
    assert len(report.errors) == 1


def test_hybrid_rounded_value_passes_within_its_digits(dcc_examples, dcc_schemas):
    # 306 K and 32.85 °C (line 413-417) agree because "306" stands for 305.5 to 306.5
    data = mutate(
        dcc_examples["gp_temperature_typical_QoX_3.2.1"], 400, "33.098 99.971", "33.1 99.971"
    )
    report = _report(dcc_examples, dcc_schemas, "gp_temperature_typical_QoX_3.2.1", data)
    assert found(report, "dsi.hybrid-consistent") == []


def test_hybrid_uncertainty_disagrees(dcc_examples, dcc_schemas):
    # the humidity measurement error gives U in \one only; give the \percent list one too
    stem = "gp_humidity_3.1.2"
    data = mutate(
        dcc_examples[stem],
        682,
        r"<si:unitXMLList>\percent</si:unitXMLList>",
        r"<si:unitXMLList>\percent</si:unitXMLList><si:expandedUncXMLList>"
        r"<si:uncertaintyXMLList>0.6 0.8 1.0 1.1 1.0 0.8 0.9</si:uncertaintyXMLList>"
        r"<si:coverageFactorXMLList>2</si:coverageFactorXMLList>"
        r"<si:coverageProbabilityXMLList>0.95</si:coverageProbabilityXMLList>"
        r"</si:expandedUncXMLList>",
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    (problem,) = report.errors
    assert (problem.rule, problem.line) == ("dsi.hybrid-consistent", 682)
    assert problem.message.startswith(
        r"si:hybrid alternatives disagree, entry 7: alternative 2 gives uncertainty 0.9 "
        r"\percent = 0.009 \one, alternative 1 gives 0.006 \one (line 672)"
    )


def test_hybrid_of_different_dimensions(dcc_examples, dcc_schemas):
    _raises(
        dcc_examples,
        dcc_schemas,
        "gp_humidity_3.1.2",
        568,
        r"<si:unit>\minute</si:unit>",
        r"<si:unit>\metre</si:unit>",
        r"line 566 \[dsi\.hybrid-consistent\] alternative 2 of the si:hybrid is in '\\metre', "
        r"alternative 1 in '\\second': not the same dimension",
    )


def test_hybrid_temperature_differences_in_kelvin_and_celsius_pass(dcc_examples, dcc_schemas):
    # a measurement error in K and in °C has the same numbers: no 273.15 offset
    stem = "gp_temperature_typical_QoX_3.2.1"
    data = mutate(
        dcc_examples[stem],
        448,
        r"<si:realListXMLList>",
        r"<si:hybrid><si:realListXMLList><si:valueXMLList>0.072 0.089</si:valueXMLList>"
        r"<si:unitXMLList>\kelvin</si:unitXMLList></si:realListXMLList><si:realListXMLList>"
        r"<si:valueXMLList>0.072 0.089</si:valueXMLList><si:unitXMLList>\degreecelsius"
        r"</si:unitXMLList></si:realListXMLList></si:hybrid><!--",
    )
    data = data.replace(
        b"</si:realListXMLList>\n\t\t\t\t\t\t\t\t<dcc:measurementMetaData>\n"
        b'\t\t\t\t\t\t\t\t\t<dcc:metaData refType="basic_conformity">',
        b"-->\n\t\t\t\t\t\t\t\t<dcc:measurementMetaData>\n"
        b'\t\t\t\t\t\t\t\t\t<dcc:metaData refType="basic_conformity">',
        1,
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    assert found(report, "xsd") == []
    assert found(report, "dsi.hybrid-consistent") == []


def test_list_length(dcc_examples, dcc_schemas):
    _raises(
        dcc_examples,
        dcc_schemas,
        "gp_humidity_3.1.2",
        675,
        "0.006 0.008 0.010 0.011 0.010 0.008 0.006",
        "0.006 0.008 0.010 0.011 0.010 0.008",
        r"line 675 \[dsi\.list-length\] si:uncertaintyXMLList has 6 entries; it must have 1 "
        r"\(for every value\) or 7 \(one per value of si:valueXMLList, line 672\)",
    )


def test_list_length_of_units_and_date_times(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "gp_humidity_3.1.2",
        673,
        r"<si:unitXMLList>\one</si:unitXMLList>",
        r"<si:unitXMLList>\one \one</si:unitXMLList>",
        r"line 673 \[dsi\.list-length\] si:unitXMLList has 2 entries",
    )
    assert [p.rule for p in report.errors] == ["dsi.list-length"]


def test_coverage_factor_below_one(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "ptb_vacuum_CDG_pressure_3.1.1",
        313,
        "<si:coverageFactor>2</si:coverageFactor>",
        "<si:coverageFactor>0.5</si:coverageFactor>",
        r"line 313 \[xsd\] .*line 313 \[dsi\.coverage-factor\] coverage factor k must be >= 1 "
        r"and finite, got 0\.5",
    )
    assert [p.rule for p in report.errors] == ["xsd", "dsi.coverage-factor"]


def test_coverage_factor_nan_is_a_warning(dcc_examples, dcc_schemas):
    # D-SI 2.2.1 allows NaN in kValueType: valid against 3.3.0, with a warning
    data = mutate(
        dcc_examples["gp_temperature_typical_QoX_3.2.1"],
        453,
        "<si:coverageFactorXMLList>2<",
        "<si:coverageFactorXMLList>NaN<",
    )
    report = _report(dcc_examples, dcc_schemas, "gp_temperature_typical_QoX_3.2.1", data)
    (problem,) = found(report, "dsi.coverage-factor")
    assert (problem.severity, problem.line, problem.message) == (
        "warning",
        453,
        "coverage factor is NaN (entry 1)",
    )
    assert report.valid


def test_coverage_probability_zero(dcc_examples, dcc_schemas):
    # the XSD pattern of p allows 0; the rule does not
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "ptb_vacuum_CDG_pressure_3.1.1",
        314,
        "<si:coverageProbability>0.95<",
        "<si:coverageProbability>0.0<",
        r"1 error\(s\): line 314 \[dsi\.coverage-probability\] coverage probability p must be "
        r"in \(0, 1\], got 0\.0",
    )
    assert found(report, "xsd") == []


def test_uncertainty_infinite_and_value_infinite(dcc_examples, dcc_schemas):
    stem = "gp_temperature_typical_QoX_3.2.1"
    data = mutate(
        dcc_examples[stem], 452, "<si:uncertaintyXMLList>0.061<", "<si:uncertaintyXMLList>INF<"
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    assert [(p.rule, p.line) for p in report.errors] == [
        ("xsd", 452),
        ("xsd", 452),
        ("dsi.uncertainty", 452),
    ]
    assert found(report, "dsi.uncertainty")[0].message == (
        "an uncertainty must be finite and >= 0, got INF (entry 1)"
    )
    data = mutate(dcc_examples[stem], 449, "0.072 0.089", "0.072 NaN")
    report = _report(dcc_examples, dcc_schemas, stem, data)
    (problem,) = found(report, "dsi.value-finite")
    assert (problem.severity, problem.line, problem.message) == (
        "warning",
        449,
        "value is NaN (not a number) (entry 2)",
    )


def test_duplicate_id(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_extensive_3.1.1",
        270,
        'id="gp_uM2"',
        'id="gp_uM1"',
        r"line 270 \[ref\.id-unique\] id 'gp_uM1' is already used by dcc:usedMethod at line "
        r"\d+ \(/dcc:digitalCalibrationCertificate/dcc:measurementResults/"
        r"dcc:measurementResult/dcc:usedMethods/dcc:usedMethod\[3\]\)",
    )
    # libxml2 says the same, less plainly
    assert [p.rule for p in report.errors] == ["xsd", "ref.id-unique"] + ["ref.refid-resolves"] * 2


def test_refid_resolves(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_extensive_3.1.1",
        469,
        'refId="gp_uS1 gp_uS1',
        'refId="gp_uS9 gp_uS1',
        r"1 error\(s\): line 469 \[ref\.refid-resolves\] refId 'gp_uS9' refers to no id in "
        r"the document",
    )
    assert found(report, "xsd") == []  # libxml2 does not resolve xs:IDREFS


def test_drop_a_mandatory_language(dcc_examples, dcc_schemas):
    # the item's name, German and English; German is mandatory: leave only English
    _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_typical_QoX_3.2.1",
        85,
        '<dcc:content lang="de">Temperatur-Fühler</dcc:content>',
        "",
        r"1 error\(s\): line 84 \[lang\.mandatory-present\] dcc:name is given in en but not in "
        r"the mandatory language 'de'",
    )


def test_language_not_declared(dcc_examples, dcc_schemas):
    _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_typical_QoX_3.2.1",
        86,
        '<dcc:content lang="en">',
        '<dcc:content lang="fr">',
        r"line 86 \[lang\.declared\] lang 'fr' is not declared in dcc:usedLangCodeISO639_1 "
        r"\(de, en\)",
    )


def test_mandatory_language_not_used(dcc_examples, dcc_schemas):
    _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_typical_QoX_3.2.1",
        65,
        "<dcc:usedLangCodeISO639_1>en<",
        "<dcc:usedLangCodeISO639_1>fr<",
        r"line 66 \[lang\.mandatory-used\] mandatory language 'de' is not among|"
        r"line 65 \[code\.iso639\]|line 86 \[lang\.declared\] lang 'en' is not declared",
    )


def test_language_code_not_iso(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "gp_temperature_typical_QoX_3.2.1",
        65,
        "<dcc:usedLangCodeISO639_1>en<",
        "<dcc:usedLangCodeISO639_1>iw<",
        r"line 65 \[code\.iso639\] 'iw' is not an ISO 639-1 language code; did you mean 'he' "
        r"\(Hebrew\)\?",
    )
    assert found(report, "xsd") == []


def test_country_code_not_iso(dcc_examples, dcc_schemas):
    report = _raises(
        dcc_examples,
        dcc_schemas,
        "ptb_vacuum_SRG_pressure_3.1.1",
        72,
        ">DE<",
        ">UK<",
        r"line 72 \[code\.iso3166\] 'UK' is not an ISO 3166-1 alpha-2 country code; did you "
        r"mean 'GB' \(United Kingdom of Great Britain and Northern Ireland\)\?",
    )
    assert found(report, "xsd") == []


def test_dates_swapped(dcc_examples, dcc_schemas):
    stem = "ptb_vacuum_CDG_pressure_3.1.1"
    data = mutate(dcc_examples[stem], 88, "2020-08-07", "2020-08-08")
    data = data.replace(
        b"<dcc:endPerformanceDate>2020-08-08<", b"<dcc:endPerformanceDate>2020-08-07<", 1
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    with pytest.raises(
        DccValidationError,
        match=r"1 error\(s\): line 89 \[date\.order\] endPerformanceDate 2020-08-07 is before "
        r"beginPerformanceDate 2020-08-08 \(line 88\)",
    ):
        report.raise_for_problems()


def test_receipt_after_begin_is_a_warning(dcc_examples, dcc_schemas):
    stem = "ptb_vacuum_CDG_pressure_3.1.1"
    data = mutate(
        dcc_examples[stem],
        88,
        "<dcc:beginPerformanceDate>",
        "<dcc:receiptDate>2020-08-09</dcc:receiptDate><dcc:beginPerformanceDate>",
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    (problem,) = found(report, "date.order")
    assert (problem.severity, problem.line, problem.message) == (
        "warning",
        88,
        "receiptDate 2020-08-09 is after beginPerformanceDate 2020-08-07: the "
        "item was calibrated before it was received",
    )
    assert report.valid


# A relative uncertainty beside the absolute one (DCC 3.1-3.3 dcc:relativeUncertainty):
# 132.616 Pa with U = 0.20 Pa, i.e. U_rel = 0.151 % (0.20 / 132.616 = 0.001508).
_RELATIVE = (
    "</si:real><dcc:relativeUncertainty>"
    '<dcc:relativeUncertaintySingle xmlns:si="https://ptb.de/si">'
    "<si:value>{value}</si:value><si:unit>{unit}</si:unit>"
    "</dcc:relativeUncertaintySingle></dcc:relativeUncertainty>"
)


@pytest.mark.parametrize(
    ("value", "unit"), [("0.151", r"\percent"), ("0.0015", r"\one"), ("1508", r"\ppm")]
)
def test_relative_uncertainty_agrees(dcc_examples, dcc_schemas, value, unit):
    stem = "ptb_vacuum_CDG_pressure_3.1.1"
    data = mutate(dcc_examples[stem], 316, "</si:real>", _RELATIVE.format(value=value, unit=unit))
    report = _report(dcc_examples, dcc_schemas, stem, data)
    assert found(report, "xsd") == []
    assert found(report, "unc.relative-absolute") == []


def test_relative_uncertainty_disagrees(dcc_examples, dcc_schemas):
    stem = "ptb_vacuum_CDG_pressure_3.1.1"
    data = mutate(
        dcc_examples[stem], 316, "</si:real>", _RELATIVE.format(value="0.17", unit=r"\percent")
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    with pytest.raises(
        DccValidationError,
        match=r"1 error\(s\): line 316 \[unc\.relative-absolute\] relative uncertainty 0\.17 "
        r"\\percent of the value 1\.32616e\+02 \\kilogram\\metre\\tothe\{-1\}\\second"
        r"\\tothe\{-2\} is 0\.225447 .*, but the expanded uncertainty given is 0\.20 ",
    ):
        report.raise_for_problems()


def test_relative_uncertainty_needs_a_unit_of_dimension_one(dcc_examples, dcc_schemas):
    stem = "ptb_vacuum_CDG_pressure_3.1.1"
    data = mutate(
        dcc_examples[stem], 316, "</si:real>", _RELATIVE.format(value="0.20", unit=r"\pascal")
    )
    report = _report(dcc_examples, dcc_schemas, stem, data)
    (problem,) = report.errors
    assert (problem.rule, problem.line, problem.message) == (
        "unc.relative-absolute",
        316,
        r"a relative uncertainty has a unit of dimension one (\one, \percent...), got '\pascal'",
    )


# ----------------------------------------------------------------------- the runner


def test_check_selects_rules(dcc_examples):
    root = parse(dcc_examples["ptb_silicon_sphere_mass_2.4.0"]).root
    assert {p.rule for p in check(root)} == {"dsi.unit"}
    assert check(root, select=["lang.complete", "date.order"]) == []
    with pytest.raises(InputError, match=r"unknown rule id\(s\) dsi\.units; known: dsi\.unit"):
        check(root, select=["dsi.units"])


def test_rule_ids_are_unique_and_documented():
    import sitrace.dcc.rules as rules

    assert len(RULE_IDS) == len(set(RULE_IDS))
    for rule_id in RULE_IDS:
        assert f"``{rule_id}``" in rules.__doc__


def test_problem_severity_is_checked():
    with pytest.raises(ValueError, match="severity must be 'error' or 'warning', got 'fatal'"):
        Problem("x", "y", severity="fatal")


def test_iso_code_tables():
    from sitrace.dcc import codes

    assert len(codes.COUNTRY_CODES) == 249 and len(codes.LANGUAGE_CODES) == 183
    assert {"DE", "GB", "GR", "DK", "CH", "SS", "SX"} <= codes.COUNTRY_CODES
    assert not {"UK", "EL", "EU", "XK"} & codes.COUNTRY_CODES
    assert {"de", "en", "da", "he", "id", "yi"} <= codes.LANGUAGE_CODES
    assert not {"iw", "in", "ji", "sh", "bh"} & codes.LANGUAGE_CODES
    assert (codes.country_hint("UK"), codes.country_hint("EL"), codes.country_hint("de")) == (
        "GB",
        "GR",
        "DE",
    )
