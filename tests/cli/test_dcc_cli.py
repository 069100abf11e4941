"""`sitrace dcc`: validate, show, table, sign, verify, render and issue, from the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from sitrace.cli.main import app
from sitrace.config import Settings
from sitrace.dcc import pki
from sitrace.services import open_data_centre

runner = CliRunner()


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, ["dcc", *args], env=env)


def test_validate_json_reports_each_file_and_exits_1_when_one_is_invalid(dcc_examples, shared_dcc):
    schemas = str(shared_dcc / "schema")
    good = str(dcc_examples["gp_humidity_3.1.2"])
    bad = str(dcc_examples["dfm_temperature_template_3.1.2"])
    result = run("validate", "--json", "--schemas", schemas, good)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report == {"valid": True, "schema_version": "3.1.2", "problems": report["problems"]}
    assert all(p["severity"] == "warning" for p in report["problems"])

    result = run("validate", "--json", "--schemas", schemas, good, bad)
    assert result.exit_code == 1
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["valid"] and not second["valid"]
    assert {"rule", "line", "path", "message"} <= set(second["problems"][0])


def test_validate_names_an_unknown_schema_version_and_offers_as(dcc_examples, shared_dcc):
    schemas = str(shared_dcc / "schema")
    qox = str(dcc_examples["gp_temperature_typical_QoX_3.2.1"])
    result = run("validate", "--schemas", schemas, qox)
    assert result.exit_code == 2
    assert "no schema for DCC schemaVersion '3.2.1'" in result.output
    result = run("validate", "--schemas", schemas, "--as", "3.3.0", qox)
    assert result.exit_code == 0, result.output
    assert "valid" in result.output and "3.3.0" in result.output


def test_validate_without_schemas_says_where_it_looked(dcc_examples, tmp_path):
    result = run(
        "validate", str(dcc_examples["gp_humidity_3.1.2"]),
        env={"SITRACE_DCC_SCHEMAS": str(tmp_path)},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no DCC schema catalog" in result.output and "never downloads" in result.output


def test_verify_json_of_the_signed_and_the_tampered_examples(dcc_examples):
    signed = str(dcc_examples["gp_temperature_typical_signed_xades_3.2.0"])
    result = run("verify", "--json", signed)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["integrity"] is True
    assert report["signer"] == "CN=Calibration Lab A1,O=Calibration A GmbH,C=DE"
    assert report["certificate_valid_at_signing"] is True
    assert report["trust"] == "unknown root"
    assert report["signing_time"].startswith("20")

    tampered = str(dcc_examples["gp_temperature_typical_signed_TAMPERED_3.2.0"])
    result = run("verify", "--json", tampered)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["integrity"] is False


def test_sign_then_verify_with_the_root_trusted(dcc_examples, tmp_path):
    identity = pki.generate_identity("Test Lab", organization="Test Lab Ltd", country="NZ")
    key, chain, root = tmp_path / "key.pem", tmp_path / "chain.pem", tmp_path / "root.pem"
    key.write_bytes(pki.pem(identity.key))
    chain.write_bytes(pki.pem(*identity.chain))
    root.write_bytes(pki.pem(identity.root))
    signed = tmp_path / "signed.xml"
    source = str(dcc_examples["ptb_vacuum_SRG_pressure_3.1.1"])
    result = run("sign", source, "--key", str(key), "--cert", str(chain), "-o", str(signed))
    assert result.exit_code == 0, result.output
    result = run("verify", "--json", "--roots", str(root), str(signed))
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["integrity"] and report["trust"].startswith("trusted root")
    assert report["signer"] == "CN=Test Lab,O=Test Lab Ltd,C=NZ"


def test_table_csv_has_one_row_per_value(dcc_examples):
    result = run("table", "--csv", str(dcc_examples["ptb_vacuum_CDG_pressure_3.1.1"]))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) > 10
    assert {"value", "unit", "expanded_uncertainty", "coverage_factor"} <= set(rows[0])


def test_show_prints_the_administrative_data_and_digest(dcc_examples):
    result = run("show", str(dcc_examples["gp_temperature_typical_QoX_3.2.1"]))
    assert result.exit_code == 0, result.output
    assert "GP_DCC_temperature_typical_1.2" in result.output
    assert "Kalibrierfirma GmbH" in result.output


def test_render_writes_html_per_language(dcc_examples, tmp_path):
    result = run(
        "render", str(dcc_examples["gp_temperature_typical_QoX_3.2.1"]),
        "--format", "html", "-o", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("*.html")) == [
        "GP_DCC_temperature_typical_1.2.de.html",
        "GP_DCC_temperature_typical_1.2.en.html",
    ]


def test_a_bad_file_is_an_error_in_words(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_bytes(
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    )
    result = run("show", str(bad))
    assert result.exit_code == 2
    assert "DTD" in result.output and "passwd" not in result.output.replace(str(bad), "")


@pytest.fixture
def centre(tmp_path):
    """A SQLite data centre with the API tests' world; its URL."""
    from tests.api.conftest import seed

    url = f"sqlite:///{tmp_path / 'centre.db'}"
    dc = open_data_centre(Settings(database_url=url))
    world = seed(dc)
    dc.database.dispose()
    return url, world


def test_issue_writes_the_signed_xml_and_its_receipt_checked_offline(centre, tmp_path, shared_dcc):
    url, world = centre
    env = {"SITRACE_DATABASE_URL": url, "SITRACE_DCC_SCHEMAS": str(shared_dcc / "schema")}
    target = tmp_path / "cert.xml"
    result = run("issue", str(world.calibrations["dmm"]), "--as-admin", "-o", str(target), env=env)
    assert result.exit_code == 0, result.output
    assert "validated: yes" in result.output
    key = runner.invoke(app, ["ledger", "key"], env=env).stdout.strip()
    result = run(
        "verify", "--json", str(target),
        "--receipt", str(tmp_path / "cert.receipt.json"), "--log-key", key,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["integrity"] and report["ledger"]["logged"]
    tampered = tmp_path / "tampered.xml"
    tampered.write_bytes(target.read_bytes().replace(b"Factory A", b"Factory X"))
    result = run(
        "verify", "--json", str(tampered),
        "--receipt", str(tmp_path / "cert.receipt.json"), "--log-key", key,
    )  # fmt: skip
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert not report["integrity"] and not report["ledger"]["logged"]
