"""Authentication: a bearer token per user; without a valid one, every route but a few is 401."""

from __future__ import annotations

import pytest

from .conftest import API, assert_problem

PROTECTED = [
    ("GET", "/organisations"),
    ("GET", "/users/me"),
    ("GET", "/standards"),
    ("GET", "/instruments"),
    ("GET", "/instruments/1"),
    ("GET", "/calibrations"),
    ("GET", "/materials"),
    ("GET", "/audit"),
    ("GET", "/ledger/checkpoint"),
    ("GET", "/ledger/entries/0"),
    ("POST", "/instruments"),
    ("PATCH", "/instruments/1"),
    ("POST", "/calibrations"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_token_is_401_with_a_bearer_challenge(client, method, path):
    response = client.request(method, API + path, json={})
    body = assert_problem(response, 401, detail="bearer token is required")
    assert response.headers["www-authenticate"] == "Bearer"
    assert body["instance"] == API + path


def test_unknown_token_is_401_invalid_token(client):
    response = client.get(f"{API}/instruments", headers={"Authorization": "Bearer not-a-token"})
    assert_problem(response, 401, detail="unknown")
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_another_scheme_is_401(client, world):
    response = client.get(f"{API}/instruments", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert_problem(response, 401)


def test_an_inactive_users_token_is_401(client, world):
    response = client.patch(
        f"{API}/users/{world.users['owner_b']}/role",
        json={"role": "owner", "active": False},
        headers=world.auth("admin"),
    )
    assert response.status_code == 200, response.text
    assert_problem(client.get(f"{API}/users/me", headers=world.auth("owner_b")), 401)


def test_me_is_the_caller(client, world):
    response = client.get(f"{API}/users/me", headers=world.auth("regulator"))
    assert response.status_code == 200
    me = response.json()
    assert (me["name"], me["role"], me["organisation"]) == (
        "regulator",
        "regulator",
        world.orgs["REG"],
    )
    assert "token" not in me and "token_hash" not in me


def test_health_needs_no_token(client, datacentre):
    response = client.get(f"{API}/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == datacentre.database.dialect
    assert body["ledger_size"] > 0


def test_the_ledger_key_is_public(client, datacentre):
    response = client.get(f"{API}/ledger/key")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == datacentre.verifier.key
