"""Organisations: a directory every user reads; only the admin registers them and their scopes."""

from __future__ import annotations

import pytest

from .conftest import API, USERS, VOLT, assert_problem

NOT_ADMIN = [name for name, (_org, role) in USERS.items() if role != "admin"]

NEW_ORGANISATION = {"code": "LABC", "name": "Calibration Laboratory C", "kind": "calibration_lab"}
SCOPE_LINE = {
    "quantity": "voltage",
    "unit": VOLT,
    "low": 0,
    "high": 100,
    "cmc": 1e-6,
    "valid_from": "2024-01-01",
}


@pytest.mark.parametrize("user", list(USERS))
def test_every_user_reads_the_directory(client, world, user):
    response = client.get(f"{API}/organisations", headers=world.auth(user))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(world.orgs)
    assert {o["code"] for o in body["data"]} == set(world.orgs)


def test_the_directory_filters_by_kind_and_text(client, world):
    labs = client.get(
        f"{API}/organisations", params={"kind": "calibration_lab"}, headers=world.auth("owner")
    ).json()
    assert {o["code"] for o in labs["data"]} == {"LABA", "LABB"}
    found = client.get(
        f"{API}/organisations", params={"q": "metrology"}, headers=world.auth("owner")
    ).json()
    assert [o["code"] for o in found["data"]] == ["NMI"]


def test_an_organisation_comes_with_its_scope(client, world):
    response = client.get(f"{API}/organisations/{world.orgs['LABA']}", headers=world.auth("owner"))
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert body["code"] == "LABA"
    assert [(s["quantity"], s["unit"], s["cmc"]) for s in body["scope"]] == [
        ("voltage", VOLT, 1e-6)
    ]


def test_an_unknown_organisation_is_404(client, world):
    assert_problem(client.get(f"{API}/organisations/9999", headers=world.auth("admin")), 404)


def test_the_admin_registers_an_organisation(client, world):
    response = client.post(
        f"{API}/organisations", json=NEW_ORGANISATION, headers=world.auth("admin")
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["data"]["code"] == "LABC"
    assert response.headers["location"] == f"{API}/organisations/{body['data']['id']}"
    assert body["receipt"]["leaf_index"] >= 0


@pytest.mark.parametrize("user", NOT_ADMIN)
def test_only_the_admin_registers_organisations(client, world, user):
    response = client.post(f"{API}/organisations", json=NEW_ORGANISATION, headers=world.auth(user))
    assert_problem(response, 403, detail="may not create organisations")


def test_an_organisation_code_is_unique(client, world):
    body = {**NEW_ORGANISATION, "code": "LABA"}
    response = client.post(f"{API}/organisations", json=body, headers=world.auth("admin"))
    assert_problem(response, 409, detail="'LABA' is already taken")


def test_the_admin_adds_a_scope_line(client, world):
    response = client.post(
        f"{API}/organisations/{world.orgs['LABB']}/scope",
        json=SCOPE_LINE,
        headers=world.auth("admin"),
    )
    assert response.status_code == 201, response.text
    scope = client.get(
        f"{API}/organisations/{world.orgs['LABB']}", headers=world.auth("lab_b")
    ).json()["scope"]
    assert len(scope) == 2


@pytest.mark.parametrize("user", NOT_ADMIN)
def test_only_the_admin_changes_scopes(client, world, user):
    response = client.post(
        f"{API}/organisations/{world.orgs['LABB']}/scope",
        json=SCOPE_LINE,
        headers=world.auth(user),
    )
    assert_problem(response, 403, detail="may not change accreditation scopes")


def test_a_scope_line_of_a_non_laboratory_is_404(client, world):
    response = client.post(
        f"{API}/organisations/{world.orgs['OWNA']}/scope",
        json=SCOPE_LINE,
        headers=world.auth("admin"),
    )
    assert_problem(response, 404, detail="no laboratory")


def test_a_scope_line_with_an_unknown_unit_is_422(client, world):
    response = client.post(
        f"{API}/organisations/{world.orgs['LABB']}/scope",
        json={**SCOPE_LINE, "unit": r"\furlong"},
        headers=world.auth("admin"),
    )
    assert_problem(response, 422, detail=r"field 'unit': unknown unit '\furlong'")
