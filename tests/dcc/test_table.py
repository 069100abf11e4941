"""Measurement results as rows: pinned rows of the shared examples, broadcasting, CSV."""

from __future__ import annotations

import io

import pytest

from sitrace.dcc.model import Quantity, SiList, Text, Uncertainty
from sitrace.dcc.read import read_certificate
from sitrace.dcc.table import TableRow, flatten, to_dataframe, write_csv
from sitrace.errors import DccValidationError

from .test_write import certificate

QOX_RESULTS = (
    "/dcc:digitalCalibrationCertificate/dcc:measurementResults/dcc:measurementResult"
    "/dcc:results/dcc:result/dcc:data/dcc:list"
)


@pytest.fixture(scope="module")
def qox(dcc_examples):
    return read_certificate(dcc_examples["gp_temperature_typical_QoX_3.2.1"])


def test_hybrid_rows_keep_kelvin_and_celsius(qox):
    rows = [row for row in flatten(qox) if row.ref_type == "basic_referenceValue"]
    assert len(rows) == 10  # 5 points, each in K and in degree Celsius
    assert rows[0] == TableRow(
        measurement_result=0,
        measurement_result_name="Messergebnisse",
        result=0,
        result_name="Messergebnisse",
        quantity_name={"de": "Bezugswert", "en": "Reference value"},
        ref_type="basic_referenceValue",
        index=0,
        alternative=0,
        value=306.248,
        unit=r"\kelvin",
        path=f"{QOX_RESULTS}/dcc:quantity[1]/si:hybrid/si:realListXMLList[1]",
    )
    last = rows[-1]
    assert (last.alternative, last.index, last.value, last.unit) == (
        1,
        4,
        320.004,
        r"\degreecelsius",
    )
    assert last.path.endswith("/si:hybrid/si:realListXMLList[2]")
    assert {row.unit for row in rows} == {r"\kelvin", r"\degreecelsius"}


def test_one_uncertainty_applies_to_every_value_of_a_list(qox):
    rows = [row for row in flatten(qox) if row.ref_type == "basic_measurementError"]
    assert [row.value for row in rows] == [0.072, 0.089, 0.107, -0.009, -0.084]
    assert [row.index for row in rows] == [0, 1, 2, 3, 4]
    for row in rows:
        assert (row.expanded_uncertainty, row.coverage_factor, row.coverage_probability) == (
            0.061,
            2.0,
            0.95,
        )
        assert row.uncertainty_kind == "expandedUnc"
        assert row.unit == r"\kelvin" and row.alternative is None


def test_cdg_pressures_as_si_real_rows(dcc_examples):
    cert = read_certificate(dcc_examples["ptb_vacuum_CDG_pressure_3.1.1"])
    rows = flatten(cert)
    pressures = [row for row in rows if row.list_name == {"en": "calibration pressure"}]
    first = pressures[0]
    assert (first.value, first.unit) == (26.65, r"\kilogram\metre\tothe{-1}\second\tothe{-2}")
    assert (first.expanded_uncertainty, first.coverage_factor, first.coverage_probability) == (
        0.04,
        2.0,
        0.95,
    )
    assert first.uncertainty_kind == "expandedUnc"
    assert (first.index, first.alternative, first.quantity_name) == (None, None, {})
    assert first.result_name == "Result for the test gas nitrogen, static expansion method"
    assert first.path.endswith("/dcc:result[1]/dcc:data/dcc:list[1]/dcc:quantity[1]/si:real")
    assert len(rows) == 56
    assert all(row.uncertainty_kind == "expandedUnc" for row in rows)


def test_conditions_are_not_results_unless_asked_for(qox):
    results = flatten(qox)
    assert {row.role for row in results} == {"result"}
    everything = flatten(qox, conditions=True)
    conditions = [row for row in everything if row.role == "influenceCondition"]
    assert len(everything) == len(results) + len(conditions)
    assert [(row.ref_type, row.value) for row in conditions[:2]] == [
        (None, 0.1),
        ("basic_temperatureMin", 293.0),
    ]
    assert conditions[0].result_name == "Eintauchtiefe im Wasserbad"


def test_statement_and_metadata_quantities_are_never_rows(dcc_examples):
    cert = read_certificate(dcc_examples["gp_temperature_extensive_3.1.1"])
    ref_types = {row.ref_type for row in flatten(cert, conditions=True)}
    assert "basic_validityRangeMin" not in ref_types  # a statement's validity range
    qox = read_certificate(dcc_examples["gp_temperature_typical_QoX_3.2.1"])
    assert "basic_acceptanceLimitLower" not in {row.ref_type for row in flatten(qox)}


def test_placeholders_give_no_rows(dcc_examples):
    assert flatten(read_certificate(dcc_examples["dfm_temperature_template_3.1.2"])) == []


def test_names_in_the_language_asked_for(qox):
    assert flatten(qox, lang="en")[0].measurement_result_name == "Measurement results"


def _rows_of(values: SiList):
    cert = certificate(Quantity(name=Text.of(en="x"), value=values))
    return flatten(cert)


def test_n_units_and_n_uncertainties_pair_with_n_values():
    rows = _rows_of(
        SiList(
            (1.0, 2.0),
            (r"\metre", r"\milli\metre"),
            labels=("a", "b"),
            uncertainty=Uncertainty(
                "coverageIntervalMU",
                (0.1, 0.2),
                coverage_probability=(0.95,),
                interval_min=(0.8, 1.6),
                interval_max=(1.2, 2.4),
            ),
        )
    )
    assert [(r.unit, r.label, r.standard_uncertainty, r.interval_max) for r in rows] == [
        (r"\metre", "a", 0.1, 1.2),
        (r"\milli\metre", "b", 0.2, 2.4),
    ]
    assert all(r.coverage_probability == 0.95 and r.expanded_uncertainty is None for r in rows)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (SiList((1.0, 2.0, 3.0), (r"\metre", r"\metre")), "si:unitXMLList has 2 entries for 3"),
        (
            SiList(
                (1.0, 2.0, 3.0),
                (r"\metre",),
                uncertainty=Uncertainty("expandedMU", (0.1,), (2.0, 2.0), (0.95,)),
            ),
            "si:expandedMU coverageFactor has 2 entries for 3 values",
        ),
    ],
)
def test_other_lengths_are_refused_with_the_path(values, message):
    with pytest.raises(DccValidationError, match=message) as caught:
        _rows_of(values)
    assert caught.value.where.endswith("/dcc:result/dcc:data/dcc:quantity/si:realListXMLList")


def test_dataframe_has_a_column_per_language(qox):
    frame = to_dataframe(qox)
    assert len(frame) == len(flatten(qox))
    assert {"quantity_name_de", "quantity_name_en"} <= set(frame.columns)
    first = frame.iloc[0]
    assert first["quantity_name_en"] == "Reference value" and first["value"] == 306.248
    assert str(frame["index"].dtype) == "Int64"
    error = frame[frame["ref_type"] == "basic_measurementError"]
    assert list(error["coverage_factor"]) == [2.0] * 5


def test_csv_header_and_first_row(qox, tmp_path):
    path = tmp_path / "qox.csv"
    write_csv(qox, path)
    header, first, *rest = path.read_text(encoding="utf-8").splitlines()
    assert header == (
        "measurement_result,measurement_result_name,result,result_name,quantity_name_de,"
        "quantity_name_en,ref_type,index,alternative,value,unit,expanded_uncertainty,"
        "coverage_factor,coverage_probability,uncertainty_kind,standard_uncertainty,"
        "interval_min,interval_max,label,role,path"
    )
    assert first.startswith(
        "0,Messergebnisse,0,Messergebnisse,Bezugswert,Reference value,basic_referenceValue,"
        "0,0,306.248,\\kelvin,,,,,,,,,result,"
    )
    assert len(rest) == len(flatten(qox)) - 1
    stream = io.StringIO()
    write_csv(qox, stream)
    assert stream.getvalue() == path.read_text(encoding="utf-8")


def test_csv_names_list_columns(dcc_examples):
    stream = io.StringIO()
    write_csv(read_certificate(dcc_examples["ptb_vacuum_CDG_pressure_3.1.1"]), stream)
    header = stream.getvalue().splitlines()[0].split(",")
    assert "list_name_en" in header and "quantity_name_en" not in header


def test_a_certificate_without_values_gives_an_empty_frame():
    cert = certificate(Quantity(name=Text.of(en="marking"), no_quantity=Text.of(en="none")))
    frame = to_dataframe(cert)
    assert len(frame) == 0
    assert list(frame.columns)[:4] == [
        "measurement_result",
        "measurement_result_name",
        "result",
        "result_name",
    ]
