"""Issuing a DCC from a stored calibration, and verifying it as its holder would."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from sitrace.api import create_app
from sitrace.config import Settings
from sitrace.dcc.read import read_certificate
from sitrace.dcc.signature import canonical_digest, verify
from sitrace.dcc.validate import validate
from sitrace.ledger import verify_receipt
from sitrace.ledger.receipt import Receipt
from sitrace.services import ledger as ledger_service
from sitrace.services.identity import load_identity
from sitrace.store import models as m

from .conftest import API, assert_problem

SIGNED_AT = dt.datetime(2024, 6, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def dcc_client(datacentre, world, dcc_schemas, tmp_path):
    """The API over a data centre with the DCC schemas and its own signing identity."""
    settings = Settings(key_file=tmp_path / "dc.ledger-key")
    identity = load_identity(settings, now=SIGNED_AT - dt.timedelta(days=1))
    dc = dataclasses.replace(datacentre, dcc_identity=identity, dcc_schemas=dcc_schemas)
    return TestClient(create_app(datacentre=dc)), dc


def _issue(client, world, user="lab_a", calibration="dmm"):
    return client.post(
        f"{API}/certificates",
        json={"calibration": world.calibrations[calibration]},
        headers=world.auth(user),
    )


def test_a_lab_issues_a_signed_valid_dcc_of_its_calibration(dcc_client, world, dcc_schemas):
    client, dc = dcc_client
    response = _issue(client, world)
    assert response.status_code == 201, response.text
    body = response.json()
    record = body["data"]
    assert record["unique_identifier"] == "LABA-2024-100"
    assert record["validated"] is True and record["schema_version"] == "3.3.0"
    assert verify_receipt(Receipt.from_dict(body["receipt"]), dc.verifier).ok

    xml = client.get(f"{API}/certificates/{record['id']}/xml", headers=world.auth("lab_a"))
    assert xml.headers["content-type"].startswith("application/xml")
    data = xml.content
    assert canonical_digest(data).hex() == record["digest"]
    assert validate(data, schemas=dcc_schemas).valid
    report = verify(data, trusted_roots=dc.dcc_identity.roots)
    assert report.integrity and report.certificate_valid_at_signing
    assert report.trust.startswith("trusted root")

    cert = read_certificate(data)
    measured = cert.measurement_results[0].results[0].data[-1].value
    assert measured.values == (10.0,)
    assert measured.uncertainty.kind == "expandedMU"
    assert measured.uncertainty.value == (pytest.approx(1e-3),)  # U = k u = 2 * 5e-4
    assert measured.uncertainty.coverage_factor == (2.0,)
    assert measured.uncertainty.coverage_probability == (0.9545,)
    equipment = cert.measurement_results[0].measuring_equipments
    assert [e.name.get("en") for e in equipment] == ["Multifunction calibrator"]
    assert "NMI-2024-017" in [i.value for i in equipment[0].identifications]


def test_the_holder_verifies_signature_and_ledger_inclusion(dcc_client, world):
    client, _ = dcc_client
    record = _issue(client, world).json()["data"]
    data = client.get(f"{API}/certificates/{record['id']}/xml", headers=world.auth("owner")).content
    answer = client.post(
        f"{API}/certificates/verify", content=data, headers=world.auth("owner")
    ).json()
    assert answer["signature"]["integrity"] is True
    assert answer["ledger"]["logged"] is True
    assert answer["ledger"]["certificate"] == record["id"]

    tampered = data.replace(b"Factory A", b"Factory B")
    answer = client.post(
        f"{API}/certificates/verify", content=tampered, headers=world.auth("owner")
    ).json()
    assert answer["signature"]["integrity"] is False
    assert answer["ledger"]["logged"] is False


def test_a_certificate_is_issued_once_and_never_for_a_withdrawn_calibration(dcc_client, world):
    client, _ = dcc_client
    assert _issue(client, world).status_code == 201
    assert_problem(_issue(client, world), 409, detail="already issued")
    client.post(
        f"{API}/calibrations/{world.calibrations['calibrator']}/withdraw",
        json={"reason": "wrong standard"},
        headers=world.auth("nmi"),
    )
    assert_problem(_issue(client, world, "nmi", "calibrator"), 409, detail="withdrawn")


def test_only_the_calibrating_lab_issues_and_tenants_see_only_their_own(dcc_client, world):
    client, _ = dcc_client
    assert_problem(_issue(client, world, user="owner"), 403)
    assert_problem(_issue(client, world, user="lab_b"), 404)
    record = _issue(client, world).json()["data"]
    url = f"{API}/certificates/{record['id']}"
    assert client.get(url, headers=world.auth("owner")).status_code == 200  # the customer
    assert_problem(client.get(url, headers=world.auth("owner_b")), 404)
    assert client.get(url).status_code == 401
    listed = client.get(f"{API}/certificates", headers=world.auth("owner")).json()
    assert listed["count"] == 1 and listed["data"][0]["id"] == record["id"]
    assert client.get(f"{API}/certificates", headers=world.auth("owner_b")).json()["count"] == 0


def test_ledger_verify_finds_a_changed_archived_certificate(dcc_client, world):
    client, dc = dcc_client
    record = _issue(client, world).json()["data"]
    with dc.reading() as session:
        assert ledger_service.verify(session, dc.verifier).ok
    with dc.transaction() as session:
        stored = session.get(m.IssuedCertificate, record["id"]).xml
        session.execute(
            update(m.IssuedCertificate)
            .where(m.IssuedCertificate.id == record["id"])
            .values(xml=stored.replace(b"Factory A", b"Factory B"))
        )
    with dc.reading() as session:
        report = ledger_service.verify(session, dc.verifier)
    assert ("certificate", record["id"]) in report.tampered_records


def test_validate_endpoint_reports_rules_with_lines(dcc_client, world, dcc_examples):
    client, _ = dcc_client
    data = dcc_examples["ptb_silicon_sphere_mass_2.4.0"].read_bytes()
    response = client.post(
        f"{API}/certificates/validate?as_version=3.3.0", content=data, headers=world.auth("owner")
    )
    body = response.json()
    assert body["valid"] is False and body["schema_version"] == "3.3.0"
    assert any(p["rule"] == "xsd" and p["line"] for p in body["problems"])


def test_the_rendered_certificate_shows_its_digest_and_says_the_xml_is_authoritative(
    dcc_client, world
):
    client, _ = dcc_client
    record = _issue(client, world).json()["data"]
    page = client.get(
        f"{API}/certificates/{record['id']}/html?lang=en", headers=world.auth("owner")
    )
    assert page.headers["content-type"].startswith("text/html")
    assert record["digest"] in page.text
    assert "LABA-2024-100" in page.text and "authoritative" in page.text


def test_validation_needs_the_schemas_and_says_so(client, world, dcc_examples):
    data = dcc_examples["gp_humidity_3.1.2"].read_bytes()
    response = client.post(
        f"{API}/certificates/validate", content=data, headers=world.auth("owner")
    )
    assert_problem(response, 422, detail="SITRACE_DCC_SCHEMAS")
