"""Import and export of instruments and calibrations: every error found, nothing half-written.

Each import test runs on SQLite and on PostgreSQL (``datacentre`` fixture). "Nothing
was imported" is checked by comparing the counts of the store and the ledger's
size, root and checkpoints before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sitrace.errors import (
    ConflictError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    UnitError,
)
from sitrace.ledger import generate_signer, verify_receipt
from sitrace.services import SYSTEM, Actor, DataCentre, registry
from sitrace.services.schemas import (
    CalibrationCreate,
    ItemCreate,
    OrganisationCreate,
    PointCreate,
    UserCreate,
)
from sitrace.services.transfer import (
    ITEM_COLUMNS,
    export_records,
    import_records,
    parse_number,
    read_records,
)
from sitrace.store import connect
from sitrace.store import models as m

EXAMPLES = Path(__file__).parents[2] / "examples" / "import"
MPA = r"\mega\pascal"
KPA = r"\kilo\pascal"


# --- a small world ---------------------------------------------------------------------


@dataclass
class World:
    dc: DataCentre
    orgs: dict[str, int]
    lab: Actor
    owner: Actor
    standard: int
    gauge: int


def _organisations(dc: DataCentre, codes: list[tuple[str, str]]) -> dict[str, int]:
    return {
        code: registry.create_organisation(
            dc, SYSTEM, OrganisationCreate(code=code, name=f"{code} organisation", kind=kind)
        ).record["id"]
        for code, kind in codes
    }


ORGANISATIONS = [("NIM", "nmi"), ("RLAB", "calibration_lab"), ("ACME", "owner")]


def _user(dc: DataCentre, name: str, role: str, organisation: int) -> Actor:
    written = registry.create_user(
        dc, SYSTEM, UserCreate(name=name, role=role, organisation=organisation)
    )
    return Actor(written.record["id"], organisation, role, name)


@pytest.fixture
def world(datacentre) -> World:
    """NIM, a laboratory RLAB with a pressure standard, an owner ACME with a shared gauge."""
    dc = datacentre
    orgs = _organisations(dc, ORGANISATIONS)
    lab = _user(dc, "rlab-lab", "lab", orgs["RLAB"])
    owner = _user(dc, "acme-owner", "owner", orgs["ACME"])
    standard = registry.create_item(
        dc,
        lab,
        ItemCreate(
            kind="standard",
            level="reference",
            name="Reference pressure balance",
            serial="PB-R3",
            quantity="pressure",
            unit=KPA,
            range_low=100,
            range_high=7000,
        ),
    ).record["id"]
    gauges = []
    for serial in ("BG-0", "BG-00"):
        gauge = registry.create_item(
            dc,
            owner,
            ItemCreate(
                kind="instrument",
                level="instrument",
                name="Pressure gauge 1.6 MPa",
                serial=serial,
                quantity="pressure",
                unit=MPA,
                range_low=0,
                range_high=1.6,
                mpe=0.016,
            ),
        ).record["id"]
        registry.share_item(dc, owner, gauge, orgs["RLAB"])
        gauges.append(gauge)
    return World(dc, orgs, lab, owner, standard, gauges[0])


def state(dc: DataCentre) -> dict:
    """Counts of the store and the ledger's size, root and checkpoints."""
    with dc.reading() as session:

        def count(table) -> int:
            return session.execute(select(func.count()).select_from(table)).scalar_one()

        ledger = session.get(m.LedgerState, 1)
        return {
            "items": count(m.Item),
            "calibrations": count(m.Calibration),
            "points": count(m.CalibrationPoint),
            "standards used": count(m.CalibrationStandard),
            "ledger size": ledger.size,
            "ledger root": ledger.root,
            "checkpoints": count(m.LedgerCheckpoint),
            "entries": count(m.LedgerEntry),
        }


def rows(header: str, *lines: str) -> str:
    return "\n".join([header, *lines]) + "\n"


ITEMS_HEADER = (
    "kind,level,name,serial,owner,quantity,unit,range_low,range_high,mpe,accuracy_class,"
    "legal_control"
)
GOOD_ITEMS = rows(
    ITEMS_HEADER,
    rf",,Pressure gauge 1.6 MPa,BG-1,ACME,pressure,{MPA},0,1.6,0.016,1.0,true",
    rf",,Pressure gauge 1.6 MPa,BG-2,ACME,pressure,{MPA},0,1.6,0.016,1.0,false",
    r",,Platform scale 60 kg,PS-1,ACME,mass,\kilogram,0,60,0.03,III,true",
    rf"standard,working,Digital pressure calibrator,DPC-9,RLAB,pressure,{MPA},0,2.5,1.25e-3,,",
)

CAL_HEADER = (
    "certificate,item_serial,item_owner,performed,valid_until,standards,operator,conformity,"
    "quantity,nominal,value,unit,uncertainty,coverage_factor,dof"
)
GOOD_CALIBRATIONS = rows(
    CAL_HEADER,
    "RLAB-1,BG-0,ACME,2026-03-02,2027-03-02,RLAB:PB-R3,ana,pass,"
    rf"pressure,0.4,0.0012,{MPA},0.000 4,2,",
    rf"RLAB-1,,,,,,,,pressure,0.8,-0.0008,{MPA},4e-4,2,",
    rf"RLAB-1,,,,,,,,pressure,1.2,0.0021,{MPA},4e-4,2,12",
    rf"RLAB-2,BG-00,ACME,2026-03-03,2027-03-03,RLAB:PB-R3,ana,pass,pressure,800,0.9,{KPA},0.4,2,",
)


def calibration_json(**changes) -> dict:
    base = {
        "certificate": "RLAB-J1",
        "item_serial": "BG-0",
        "item_owner": "ACME",
        "performed": "2026-04-01",
        "valid_until": "2027-04-01",
        "standards": ["RLAB:PB-R3"],
        "conformity": "pass",
        "environment": {"temperature": {"value": 20.3, "unit": "\\degreecelsius"}},
        "points": [
            {
                "quantity": "pressure",
                "nominal": 0.4,
                "value": 0.001,
                "unit": MPA,
                "uncertainty": 4e-4,
            },
            {"nominal": 1.6, "value": -0.002, "unit": MPA, "uncertainty": 5e-4, "dof": 20},
        ],
    }
    base.update(changes)
    return base


def assert_unchanged(dc: DataCentre, before: dict) -> None:
    assert state(dc) == before


# --- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1e-6", 1e-6),
        ("1E+3", 1000.0),
        ("-0.3", -0.3),
        ("\u22120.3", -0.3),
        (".5", 0.5),
        ("0.000 1", 1e-4),
        ("1 013.25", 1013.25),
        ("1\u2009013.250\u20091", 1013.2501),
        ("10\u00a0000", 10000.0),
        ("  2.5  ", 2.5),
    ],
)
def test_numbers_are_read_as_metrologists_write_them(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,5", "must use a decimal point, not a comma: write '1.5', got '1,5'"),
        ("1,000", r"write '1.000' \(or '1 000' if the comma groups digits\)"),
        ("NaN", "must be a finite number, got 'NaN'"),
        ("-inf", "must be a finite number, got '-inf'"),
        ("Infinity", "must be a finite number, got 'Infinity'"),
        ("12 34", r"digits must be grouped by three .*SI Brochure.*got '12 34'"),
        ("1_000", "must be a number, got '1_000'"),
        ("0x10", "must be a number, got '0x10'"),
        ("1.2.3", "must be a number, got '1.2.3'"),
    ],
)
def test_numbers_that_a_spreadsheet_might_mangle_are_refused_by_name(text, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text)


# --- reading: every error, with file, line and field -------------------------------------


def test_a_good_csv_reads_with_defaults_and_references_by_code():
    batch = read_records(GOOD_ITEMS, kind="instruments", source="instruments.csv")
    assert [r.data.serial for r in batch] == ["BG-1", "BG-2", "PS-1", "DPC-9"]
    assert [r.lines for r in batch] == [(2,), (3,), (4,), (5,)]
    assert (batch[0].data.kind, batch[0].data.level) == ("instrument", "instrument")
    assert batch[0].data.legal_control is True and batch[1].data.legal_control is False
    assert batch[3].data.mpe == 1.25e-3
    assert batch[0].owner == "ACME" and batch[0].data.owner is None


def test_calibration_rows_with_one_certificate_are_one_calibration():
    batch = read_records(GOOD_CALIBRATIONS, kind="calibrations", source="c.csv")
    assert len(batch) == 2
    first = batch[0]
    assert first.lines == (2, 3, 4)
    assert first.item == ("ACME", "BG-0") and first.standards == (("RLAB", "PB-R3"),)
    assert [p.uncertainty for p in first.data.points] == [4e-4, 4e-4, 4e-4]
    assert [p.dof for p in first.data.points] == [None, None, 12]
    assert first.data.operator == "ana" and first.data.performed == dt.date(2026, 3, 2)


def test_three_bad_rows_are_all_reported_with_line_and_field():
    text = rows(
        ITEMS_HEADER,
        rf",,Gauge,G-1,ACME,pressure,{MPA},0,1.6,0.016,,true",
        rf",,Gauge,G-2,ACME,pressure,{MPA},0,1.6,-0.016,,true",
        rf',,Gauge,G-3,ACME,pressure,{MPA},0,"1,6",0.016,,true',
        rf",,Gauge,G-4,ACME,pressure,{MPA},0,1.6,0.016,,maybe",
    )
    with pytest.raises(InputError) as caught:
        read_records(text, kind="instruments", source="instruments.csv")
    message = str(caught.value)
    assert message.startswith("3 errors in instruments.csv:")
    assert (
        "instruments.csv line 3, field 'mpe': must be a finite number >= 0, got -0.016" in message
    )
    assert (
        "instruments.csv line 4, field 'range_high': must use a decimal point, not a comma: "
        "write '1.6', got '1,6'" in message
    )
    assert re.search(r"instruments.csv line 5, field 'legal_control': .*got 'maybe'", message)


def test_an_unknown_column_is_an_error_naming_it_with_a_suggestion():
    text = rows(ITEMS_HEADER + ",locaton", rf",,Gauge,G-1,ACME,pressure,{MPA},0,1.6,0.016,,,hall")
    with pytest.raises(
        InputError,
        match=r"^x.csv line 1, column 13: unknown column 'locaton' \(did you mean 'location'\?\)",
    ):
        read_records(text, kind="instruments", source="x.csv")


def test_a_missing_column_is_reported_once_not_per_row():
    text = rows("certificate,performed,valid_until,value,unit", "C,2026-01-01,2027-01-01,1,\\metre")
    with pytest.raises(
        InputError,
        match=r"^c.csv line 1: missing columns 'uncertainty', 'item' \(or 'item_serial' and "
        r"'item_owner'\)$",
    ):
        read_records(text, kind="calibrations", source="c.csv")


def test_a_decimal_comma_is_refused_suggesting_a_point():
    text = rows(ITEMS_HEADER, rf',,Gauge,G-1,ACME,pressure,{MPA},0,"1,5",0.016,,true')
    with pytest.raises(
        InputError,
        match=r"^i.csv line 2, field 'range_high': must use a decimal point, not a comma: "
        r"write '1.5', got '1,5'$",
    ):
        read_records(text, kind="instruments", source="i.csv")


def test_a_semicolon_separated_file_still_refuses_its_decimal_commas():
    text = rows(ITEMS_HEADER.replace(",", ";"), rf";;Gauge;G-1;ACME;pressure;{MPA};0;1,5;0.016;;")
    with pytest.raises(InputError, match=r"i.csv line 2, field 'range_high': .*write '1.5'"):
        read_records(text, kind="instruments", source="i.csv")


def test_nan_is_refused_by_name_in_csv_and_json():
    text = GOOD_CALIBRATIONS.replace(",-0.0008,", ",NaN,")
    with pytest.raises(
        InputError, match=r"^c.csv line 3, field 'value': must be a finite number, got 'NaN'$"
    ):
        read_records(text, kind="calibrations", source="c.csv")
    document = json.dumps([calibration_json()], indent=2).replace("0.001", "NaN")
    with pytest.raises(
        InputError,
        match=r"^c.json line 2, field '\[0\].points\[0\].value': must be a finite number, got NaN$",
    ):
        read_records(document, kind="calibrations", source="c.json")


def test_a_negative_uncertainty_is_refused_at_its_line():
    text = GOOD_CALIBRATIONS.replace(",4e-4,2,12", ",-4e-4,2,12")
    with pytest.raises(
        InputError,
        match=r"^c.csv line 4, field 'uncertainty': must be a finite number >= 0, got -0.0004$",
    ):
        read_records(text, kind="calibrations", source="c.csv")


def test_an_unknown_unit_is_refused_at_its_line():
    text = GOOD_CALIBRATIONS.replace(rf"0.8,-0.0008,{MPA}", r"0.8,-0.0008,\mega\pascl")
    with pytest.raises(
        UnitError, match=r"^c.csv line 3, field 'unit': unknown unit '\\pascl' in '\\mega\\pascl'"
    ):
        read_records(text, kind="calibrations", source="c.csv")


def test_scientific_notation_is_a_number_not_text():
    text = rows(ITEMS_HEADER, rf",,Gauge,G-1,ACME,pressure,{MPA},1e-6,1.6E0,1.6e-2,,")
    (record,) = read_records(text, kind="instruments")
    assert (record.data.range_low, record.data.range_high, record.data.mpe) == (1e-6, 1.6, 0.016)


def test_a_duplicate_serial_in_the_file_names_both_lines():
    text = GOOD_ITEMS + rf",,Pressure gauge,BG-2,ACME,pressure,{MPA},0,1.6,0.016,,"
    with pytest.raises(
        InputError,
        match=r"^i.csv line 6, field 'serial': serial 'BG-2' of ACME is already on line 3: "
        "a serial number is registered once per owner$",
    ):
        read_records(text, kind="instruments", source="i.csv")


def test_the_same_serial_at_two_owners_is_not_a_duplicate():
    text = GOOD_ITEMS + rf",,Pressure gauge,BG-2,CITY,pressure,{MPA},0,1.6,0.016,,"
    assert len(read_records(text, kind="instruments")) == 5


def test_a_certificate_split_over_distant_rows_is_a_duplicate_naming_both():
    lines = GOOD_CALIBRATIONS.strip().split("\n")
    text = "\n".join([*lines, lines[1]]) + "\n"
    with pytest.raises(
        InputError,
        match=r"^c.csv line 6, field 'certificate': certificate 'RLAB-1' is already on "
        "lines 2–4: the rows of one calibration must be adjacent",
    ):
        read_records(text, kind="calibrations", source="c.csv")


def test_rows_of_one_calibration_must_agree_on_its_fields():
    text = GOOD_CALIBRATIONS.replace(
        "RLAB-1,,,,,,,,pressure,0.8", "RLAB-1,,,,2027-06-01,,,,pressure,0.8"
    )
    with pytest.raises(
        InputError,
        match=r"^c.csv line 3, field 'valid_until': '2027-06-01' differs from '2027-03-02' on "
        r"line 2: the rows of certificate 'RLAB-1' are one calibration$",
    ):
        read_records(text, kind="calibrations", source="c.csv")


def test_a_duplicate_certificate_in_json_names_both_records_and_lines():
    document = json.dumps(
        {"calibrations": [calibration_json(), calibration_json(item_serial="BG-00")]}, indent=2
    )
    second_line = document.split("\n").index("    {", 3) + 1
    with pytest.raises(
        InputError,
        match=rf"^c.json line {second_line}, field '\[1\].certificate': certificate 'RLAB-J1' is "
        r"already on line 3, record \[0\]: a certificate is recorded once$",
    ):
        read_records(document, kind="calibrations", source="c.json")


def test_json_errors_name_the_record_index_the_path_and_the_line():
    document = json.dumps(
        [
            calibration_json(),
            calibration_json(
                certificate="RLAB-J2",
                conformity="ok",
                points=[{"value": 1, "unit": MPA, "uncertainty": 1e-3, "uncertainity": 1}],
            ),
        ],
        indent=2,
    )
    start = document.split("\n").index("  {", 2) + 1
    with pytest.raises(InputError) as caught:
        read_records(document, kind="calibrations", source="c.json")
    assert str(caught.value) == (
        f"c.json line {start}, field '[1].points[0].uncertainity': unknown field 'uncertainity' "
        "(did you mean 'uncertainty'?); allowed: quantity, nominal, value, unit, uncertainty, "
        "coverage_factor, dof, model, p"
    )
    fixed = document.replace('"uncertainity": 1', '"dof": 3')
    with pytest.raises(
        InputError,
        match=rf"^c.json line {start}, field '\[1\].conformity': Input should be 'pass' or 'fail', "
        "got 'ok'$",
    ):
        read_records(fixed, kind="calibrations", source="c.json")


def test_invalid_json_names_line_and_column():
    with pytest.raises(
        InputError, match=r"^c.json line 2, column 23: not valid JSON: Expecting property name"
    ):
        read_records('[\n  {"certificate": "X",}\n]', kind="calibrations", source="c.json")


def test_a_json_object_must_name_the_kind_it_holds():
    with pytest.raises(
        InputError,
        match=r'^c.json: expected a list of calibrations, or an object \{"calibrations": '
        r"\[\.\.\.\]\}, got an object with keys 'instruments'$",
    ):
        read_records('{"instruments": []}', kind="calibrations", source="c.json")


def test_withdrawn_records_are_not_imported_as_valid_ones():
    text = rows(
        ITEMS_HEADER + ",status", rf",,Gauge,G-1,ACME,pressure,{MPA},0,1.6,0.016,,,withdrawn"
    )
    with pytest.raises(
        InputError, match=r"^i.csv line 2, field 'status': only items in service are imported"
    ):
        read_records(text, kind="instruments", source="i.csv")


def test_at_most_fifty_messages_are_listed_and_the_rest_counted():
    bad = [rf",,Gauge,G-{k},ACME,pressure,{MPA},0,1.6,-1,," for k in range(80)]
    with pytest.raises(InputError) as caught:
        read_records(rows(ITEMS_HEADER, *bad), kind="instruments", source="i.csv")
    lines = str(caught.value).split("\n")
    assert lines[0] == "80 errors in i.csv:"
    assert len(lines) == 1 + 50 + 1 and lines[-1] == "and 30 more"


def test_the_format_comes_from_the_suffix(tmp_path):
    path = tmp_path / "gauges.JSON"
    path.write_text(
        json.dumps({"instruments": [{"name": "G", "serial": "1", "quantity": "p", "unit": MPA}]})
    )
    (record,) = read_records(path, kind="instruments")
    assert record.source == "gauges.JSON" and record.index == 0 and record.lines == (1,)
    other = tmp_path / "gauges.txt"
    other.write_text("x")
    with pytest.raises(InputError, match=r"^gauges.txt: cannot tell the format from the suffix"):
        read_records(other, kind="instruments")


def test_a_spreadsheet_file_with_a_byte_order_mark_and_crlf_reads(tmp_path):
    path = tmp_path / "i.csv"
    path.write_bytes(("\ufeff" + GOOD_ITEMS.replace("\n", "\r\n")).encode())
    batch = read_records(path, kind="instruments")
    assert [r.lines[0] for r in batch] == [2, 3, 4, 5]


def test_text_that_is_not_utf8_says_how_to_save_it(tmp_path):
    path = tmp_path / "i.csv"
    path.write_bytes(GOOD_ITEMS.replace("Platform", "Plattform für").encode("latin-1"))
    with pytest.raises(InputError, match=r"^i.csv line 4: not UTF-8 text .*CSV UTF-8"):
        read_records(path, kind="instruments")


def test_the_columns_follow_the_schema():
    assert set(ITEM_COLUMNS) - {"status"} == set(ItemCreate.model_fields)


# --- importing: one transaction, one checkpoint ------------------------------------------


def test_a_good_csv_import_writes_every_record_under_one_checkpoint(world):
    dc = world.dc
    before = state(dc)
    report = import_records(dc, SYSTEM, read_records(GOOD_ITEMS, kind="instruments"))
    after = state(dc)
    assert report.created == 4 and report.kind == "instruments"
    assert after["items"] == before["items"] + 4
    assert after["ledger size"] == before["ledger size"] + 4
    assert after["checkpoints"] == before["checkpoints"] + 1
    assert (report.ledger_from, report.ledger_to) == (before["ledger size"], after["ledger size"])
    assert [r["serial"] for r in report.records] == ["BG-1", "BG-2", "PS-1", "DPC-9"]
    assert report.records[0]["owner"] == world.orgs["ACME"]
    assert report.records[3]["owner"] == world.orgs["RLAB"]
    assert all(verify_receipt(r, dc.verifier).ok for r in report.receipts)


def test_a_good_calibration_csv_import_resolves_items_and_standards(world):
    dc = world.dc
    before = state(dc)
    report = import_records(
        dc, world.lab, read_records(GOOD_CALIBRATIONS, kind="calibrations", source="c.csv")
    )
    after = state(dc)
    assert report.created == 2
    assert after["calibrations"] == before["calibrations"] + 2
    assert after["points"] == before["points"] + 4
    assert after["ledger size"] == before["ledger size"] + 2
    assert after["checkpoints"] == before["checkpoints"] + 1
    first = report.records[0]
    assert first["item"] == world.gauge and first["standards"] == [world.standard]
    assert first["laboratory"] == world.orgs["RLAB"]
    assert [p["expanded_uncertainty"] for p in first["points"]] == [8e-4, 8e-4, 8e-4]


def test_a_good_json_import(world):
    dc = world.dc
    document = json.dumps(
        {
            "calibrations": [
                calibration_json(),
                calibration_json(
                    certificate="RLAB-J2", item_serial="BG-00", standards=[world.standard]
                ),
            ]
        }
    )
    before = state(dc)
    report = import_records(dc, world.lab, read_records(document, kind="calibrations"))
    assert report.created == 2
    after = state(dc)
    assert after["ledger size"] == before["ledger size"] + 2
    assert after["checkpoints"] == before["checkpoints"] + 1
    assert report.records[0]["environment"]["temperature"]["value"] == 20.3
    assert report.records[1]["standards"] == [world.standard]


def test_bad_rows_found_at_import_are_all_reported_and_nothing_is_imported(world):
    dc = world.dc
    text = rows(
        ITEMS_HEADER,
        rf",,Gauge,G-1,ACME,pressure,{MPA},0,1.6,0.016,,",
        rf",,Gauge,BG-0,ACME,pressure,{MPA},0,1.6,0.016,,",
        rf",,Gauge,G-3,NOBODY,pressure,{MPA},0,1.6,0.016,,",
        rf",,Gauge,G-4,ACME,pressure,{MPA},0,1.6,0.016,,",
        r"standard,working,Weight,W-1,ACME,mass,\kilogram,1,1,,,",
    )
    batch = read_records(text, kind="instruments", source="i.csv")
    before = state(dc)
    with pytest.raises(InputError) as caught:
        import_records(dc, world.owner, batch)
    message = str(caught.value)
    assert message.split("\n") == [
        "3 errors in i.csv:",
        f"i.csv line 3, field 'serial': serial 'BG-0' is already registered by this owner "
        f"(item {world.gauge})",
        "i.csv line 4, field 'owner': no organisation with code 'NOBODY'",
        "i.csv line 6, user 'acme-owner': role 'owner' may not register standards "
        "(allowed: admin, lab)",
    ]
    assert_unchanged(dc, before)


def test_a_duplicate_against_the_database_is_a_conflict_and_nothing_is_imported(world):
    dc = world.dc
    text = GOOD_CALIBRATIONS.replace("RLAB-2,", "RLAB-X,")
    import_records(dc, world.lab, read_records(text, kind="calibrations"))
    before = state(dc)
    batch = read_records(GOOD_CALIBRATIONS, kind="calibrations", source="c.csv")
    with pytest.raises(
        ConflictError,
        match=r"^c.csv line 2, field 'certificate': certificate 'RLAB-1' is already recorded$",
    ):
        import_records(dc, world.lab, batch)
    assert_unchanged(dc, before)


def test_a_unit_of_the_wrong_dimension_is_refused_at_its_line(world):
    dc = world.dc
    text = GOOD_CALIBRATIONS.replace(rf"1.2,0.0021,{MPA}", r"1.2,0.0021,\kilogram")
    batch = read_records(text, kind="calibrations", source="c.csv")
    before = state(dc)
    with pytest.raises(
        InputError,
        match=r"^c.csv line 4, field 'unit': unit \\kilogram is not of the item's quantity "
        r"\(pressure, \\mega\\pascal\)$",
    ):
        import_records(dc, world.lab, batch)
    assert_unchanged(dc, before)


def test_an_item_a_laboratory_may_not_see_is_not_found(world):
    dc = world.dc
    hidden = registry.create_item(
        dc,
        world.owner,
        ItemCreate(
            kind="instrument",
            level="instrument",
            name="G",
            serial="BG-H",
            quantity="pressure",
            unit=MPA,
        ),
    )
    assert hidden.record["id"]
    text = GOOD_CALIBRATIONS.replace("RLAB-2,BG-00,", "RLAB-2,BG-H,")
    batch = read_records(text, kind="calibrations", source="c.csv")
    before = state(dc)
    with pytest.raises(
        NotFoundError,
        match=r"^c.csv line 5, field 'item_serial': no item with serial 'BG-H' owned by 'ACME' "
        r"\(an owner's item must first be shared with the laboratory\)$",
    ):
        import_records(dc, world.lab, batch)
    assert_unchanged(dc, before)


def test_an_owner_may_not_import_calibrations(world):
    dc = world.dc
    batch = read_records(GOOD_CALIBRATIONS, kind="calibrations")
    before = state(dc)
    with pytest.raises(
        PermissionDeniedError,
        match=r"^user 'acme-owner': role 'owner' may not record calibrations "
        r"\(allowed: admin, lab\)$",
    ):
        import_records(dc, world.owner, batch)
    assert_unchanged(dc, before)


def test_a_laboratory_records_only_its_own_calibrations(world):
    dc = world.dc
    text = GOOD_CALIBRATIONS.replace("certificate,", "laboratory,certificate,", 1)
    text = "\n".join(
        line if k == 0 else "NIM," + line for k, line in enumerate(text.strip().split("\n"))
    )
    batch = read_records(text, kind="calibrations", source="c.csv")
    with pytest.raises(
        InputError,
        match=r"2 errors in c.csv:\nc.csv line 2, field 'laboratory': a laboratory records only "
        r"its own calibrations\nc.csv line 5, field 'laboratory'",
    ):
        import_records(dc, world.lab, batch)


def test_pydantic_records_import_too(world):
    dc = world.dc
    data = CalibrationCreate(
        item=world.gauge,
        certificate="RLAB-P",
        performed=dt.date(2026, 1, 1),
        valid_until=dt.date(2027, 1, 1),
        standards=[world.standard],
        points=[PointCreate(value=0.001, unit=MPA, uncertainty=1e-4)],
    )
    report = import_records(dc, world.lab, [data])
    assert report.created == 1 and report.records[0]["certificate"] == "RLAB-P"
    with pytest.raises(
        ConflictError,
        match=r"^records, field '\[0\].certificate': certificate 'RLAB-P' is already recorded$",
    ):
        import_records(dc, world.lab, [data])


def test_two_thousand_instruments_are_all_or_nothing(world):
    dc = world.dc
    lines = [rf",,Gauge {k},G-{k:05d},ACME,pressure,{MPA},0,1.6,0.016,,true" for k in range(2000)]
    lines[1998] = rf",,Gauge,BG-0,ACME,pressure,{MPA},0,1.6,0.016,,true"
    batch = read_records(rows(ITEMS_HEADER, *lines), kind="instruments", source="fleet.csv")
    assert len(batch) == 2000
    before = state(dc)
    seen = []
    with pytest.raises(ConflictError, match=r"^fleet.csv line 2000, field 'serial': serial 'BG-0'"):
        import_records(dc, world.owner, batch, progress=lambda done, total: seen.append(done))
    assert seen[-1] == 2000
    assert_unchanged(dc, before)
    lines[1998] = rf",,Gauge,G-99999,ACME,pressure,{MPA},0,1.6,0.016,,true"
    batch = read_records(rows(ITEMS_HEADER, *lines), kind="instruments", source="fleet.csv")
    report = import_records(dc, world.owner, batch)
    after = state(dc)
    assert report.created == 2000
    assert after["items"] == before["items"] + 2000
    assert after["ledger size"] == before["ledger size"] + 2000
    assert after["checkpoints"] == before["checkpoints"] + 1


# --- export and round trip -----------------------------------------------------------------


def test_export_shows_only_what_the_actor_may_see(world):
    dc = world.dc
    import_records(dc, SYSTEM, read_records(GOOD_ITEMS, kind="instruments"))
    with dc.reading() as session:
        owner = export_records(session, world.owner, kind="instruments", format="csv")
        everything = export_records(session, SYSTEM, kind="instruments", format="json")
    serials = [line.split(",")[3] for line in owner.strip().split("\n")[1:]]
    assert serials == ["BG-0", "BG-00", "BG-1", "BG-2", "PS-1"]
    assert len(json.loads(everything)["instruments"]) == 7


@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_then_import_into_an_empty_data_centre_reproduces_the_records(
    world, tmp_path, format
):
    source = world.dc
    import_records(source, SYSTEM, read_records(GOOD_ITEMS, kind="instruments"))
    import_records(source, world.lab, read_records(GOOD_CALIBRATIONS, kind="calibrations"))
    with source.reading() as session:
        items = export_records(session, SYSTEM, kind="instruments", format=format)
        calibrations = export_records(session, SYSTEM, kind="calibrations", format=format)

    database = connect(f"sqlite:///{tmp_path / 'copy.db'}")
    copy = DataCentre(database, generate_signer("copy.test/ledger"), "copy.test/ledger")
    try:
        _organisations(copy, [("PLATFORM", "platform"), *reversed(ORGANISATIONS)])
        imported = import_records(
            copy, SYSTEM, read_records(items, kind="instruments", format=format)
        )
        assert imported.created == 7
        import_records(copy, SYSTEM, read_records(calibrations, kind="calibrations", format=format))
        with copy.reading() as session:
            assert export_records(session, SYSTEM, kind="instruments", format=format) == items
            assert (
                export_records(session, SYSTEM, kind="calibrations", format=format) == calibrations
            )
        assert state(copy)["points"] == state(source)["points"]
    finally:
        database.dispose()


def test_the_calibration_export_names_items_and_standards_by_code_and_serial(world):
    dc = world.dc
    import_records(dc, world.lab, read_records(GOOD_CALIBRATIONS, kind="calibrations"))
    with dc.reading() as session:
        text = export_records(session, world.lab, kind="calibrations", format="csv")
    header, first, *_rest = text.split("\n")
    assert header.split(",")[:4] == ["certificate", "item_serial", "item_owner", "kind"]
    assert first.startswith("RLAB-1,BG-0,ACME,calibration,RLAB,2026-03-02,2027-03-02,RLAB:PB-R3,")
    assert len(text.strip().split("\n")) == 1 + 4


def test_kind_and_format_are_checked(world):
    with (
        world.dc.reading() as session,
        pytest.raises(InputError, match=r"^format: must be one of csv, json, got 'xml'$"),
    ):
        export_records(session, SYSTEM, kind="instruments", format="xml")
    with pytest.raises(InputError, match=r"^kind: must be one of instruments, calibrations"):
        read_records(GOOD_ITEMS, kind="standards")


# --- the example files ------------------------------------------------------------------


def test_the_example_files_import_cleanly_into_the_demo_data_centre(datacentre):
    from sitrace.services.demo import seed_demo

    dc = datacentre
    seed_demo(dc, dt.date(2026, 11, 1), instruments=2)
    before = state(dc)
    items = import_records(
        dc, SYSTEM, read_records(EXAMPLES / "instruments.csv", kind="instruments")
    )
    from_csv = import_records(
        dc, SYSTEM, read_records(EXAMPLES / "calibrations.csv", kind="calibrations")
    )
    from_json = import_records(
        dc, SYSTEM, read_records(EXAMPLES / "calibrations.json", kind="calibrations")
    )
    after = state(dc)
    total = items.created + from_csv.created + from_json.created
    assert after["ledger size"] == before["ledger size"] + total
    assert after["checkpoints"] == before["checkpoints"] + 3
    assert from_csv.created >= 2 and from_json.created >= 2
