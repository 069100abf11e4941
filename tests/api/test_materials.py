"""Certified reference materials: a catalogue every user reads; labs register them."""

from __future__ import annotations

import pytest

from .conftest import API, assert_problem

MATERIALS = f"{API}/materials"

CRM = {
    "name": "pH buffer 7",
    "property": "pH",
    "certified_value": 7.0,
    "uncertainty": 0.01,
    "unit": r"\one",
    "producer": "NMI",
    "lot": "B-2024-7",
    "expiry": "2026-01-01",
}


def test_a_lab_registers_a_material_everyone_reads(client, world):
    response = client.post(MATERIALS, json=CRM, headers=world.auth("lab_a"))
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["owner"] == world.orgs["LABA"]
    assert response.headers["location"] == f"{MATERIALS}/{data['id']}"
    one = client.get(f"{MATERIALS}/{data['id']}", headers=world.auth("owner_b"))
    assert one.status_code == 200
    assert one.headers["etag"] == '"1"'
    listed = client.get(MATERIALS, params={"q": "buffer"}, headers=world.auth("regulator")).json()
    assert [row["lot"] for row in listed["data"]] == ["B-2024-7"]
    other = client.get(MATERIALS, params={"producer": "other"}, headers=world.auth("owner"))
    assert other.json()["count"] == 0


@pytest.mark.parametrize("user", ["owner", "regulator", "auditor"])
def test_only_labs_and_the_admin_register_materials(client, world, user):
    response = client.post(MATERIALS, json=CRM, headers=world.auth(user))
    assert_problem(response, 403, detail="may not register reference materials")


def test_a_lot_is_registered_once(client, world):
    assert client.post(MATERIALS, json=CRM, headers=world.auth("lab_a")).status_code == 201
    response = client.post(MATERIALS, json=CRM, headers=world.auth("lab_b"))
    assert_problem(response, 409, detail="lot 'B-2024-7'")


def test_a_nan_certified_uncertainty_is_422(client, world):
    text = (
        '{"name": "x", "property": "pH", "certified_value": 7, "uncertainty": NaN, '
        '"unit": "\\\\one", "producer": "p", "lot": "l"}'
    )
    headers = {**world.auth("lab_a"), "Content-Type": "application/json"}
    problem = assert_problem(client.post(MATERIALS, content=text, headers=headers), 422)
    assert problem["errors"][0]["field"] == "uncertainty"


def test_a_zero_coverage_factor_is_422(client, world):
    response = client.post(
        MATERIALS, json={**CRM, "coverage_factor": 0}, headers=world.auth("lab_a")
    )
    assert_problem(response, 422, detail="field 'coverage_factor'")


def test_an_unknown_material_is_404(client, world):
    assert_problem(client.get(f"{MATERIALS}/4242", headers=world.auth("owner")), 404)
