"""Users: the admin creates them (the token is returned once) and changes their roles."""

from __future__ import annotations

import pytest

from .conftest import API, USERS, assert_problem

NOT_ADMIN = [name for name, (_org, role) in USERS.items() if role != "admin"]


def test_the_admin_creates_a_user_and_gets_its_token_once(client, world):
    response = client.post(
        f"{API}/users",
        json={"name": "inspector", "role": "regulator", "organisation": world.orgs["REG"]},
        headers=world.auth("admin"),
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["data"]["role"] == "regulator"
    assert "token_hash" not in body["data"]
    token = body["token"]
    me = client.get(f"{API}/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["name"] == "inspector"
    assert token not in me.text


@pytest.mark.parametrize("user", NOT_ADMIN)
def test_only_the_admin_creates_users(client, world, user):
    response = client.post(
        f"{API}/users",
        json={"name": "mallory", "role": "admin", "organisation": world.orgs["PLAT"]},
        headers=world.auth(user),
    )
    assert_problem(response, 403, detail="may not create users")


def test_a_user_name_is_unique(client, world):
    response = client.post(
        f"{API}/users",
        json={"name": "owner", "role": "owner", "organisation": world.orgs["OWNA"]},
        headers=world.auth("admin"),
    )
    assert_problem(response, 409, detail="'owner' is already taken")


def test_a_user_of_an_unknown_organisation_is_404(client, world):
    response = client.post(
        f"{API}/users",
        json={"name": "ghost", "role": "owner", "organisation": 9999},
        headers=world.auth("admin"),
    )
    assert_problem(response, 404, detail="no organisation with id 9999")


def test_an_unknown_role_is_422(client, world):
    response = client.post(
        f"{API}/users",
        json={"name": "root", "role": "superuser", "organisation": world.orgs["PLAT"]},
        headers=world.auth("admin"),
    )
    body = assert_problem(response, 422, detail="field 'role'")
    assert [e["field"] for e in body["errors"]] == ["role"]


def test_the_admin_changes_a_role(client, world):
    response = client.patch(
        f"{API}/users/{world.users['lab_b']}/role",
        json={"role": "auditor"},
        headers=world.auth("admin"),
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["role"] == "auditor"
    assert response.json()["receipt"]["tree_size"] > 0
    me = client.get(f"{API}/users/me", headers=world.auth("lab_b")).json()
    assert me["role"] == "auditor"


@pytest.mark.parametrize("user", NOT_ADMIN)
def test_only_the_admin_changes_roles(client, world, user):
    response = client.patch(
        f"{API}/users/{world.users[user]}/role", json={"role": "admin"}, headers=world.auth(user)
    )
    assert_problem(response, 403, detail="may not change roles")


def test_the_role_of_an_unknown_user_is_404(client, world):
    response = client.patch(
        f"{API}/users/9999/role", json={"role": "owner"}, headers=world.auth("admin")
    )
    assert_problem(response, 404)
