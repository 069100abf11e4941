"""The ledger over the API: receipts verify offline, proofs verify, entries stay in their tenant."""

from __future__ import annotations

import json

import pytest

from sitrace.ledger import Receipt, Verifier, merkle, open_checkpoint, verify_receipt

from .conftest import API, assert_problem, item_body

LEDGER = f"{API}/ledger"


def register(client, world, serial="LEDGER-1"):
    response = client.post(
        f"{API}/instruments", json=item_body(serial=serial), headers=world.auth("owner")
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_writes_receipt_verifies_offline_with_the_public_key(client, world):
    receipt = Receipt.from_dict(register(client, world)["receipt"])
    key = client.get(f"{LEDGER}/key").text  # all a third party needs, besides the receipt
    check = verify_receipt(receipt, key)
    assert check.ok, check.problems
    assert json.loads(receipt.entry)["record"]["data"]["serial"] == "LEDGER-1"


def test_a_tampered_receipt_does_not_verify(client, world):
    body = register(client, world)["receipt"]
    body["entry"] = body["entry"].replace("LEDGER-1", "LEDGER-2")
    del body["leaf_hash"]
    check = verify_receipt(Receipt.from_dict(body), client.get(f"{LEDGER}/key").text)
    assert not check.ok


def test_a_receipt_does_not_verify_with_another_key(client, world):
    from sitrace.ledger import generate_signer

    receipt = Receipt.from_dict(register(client, world)["receipt"])
    assert not verify_receipt(receipt, generate_signer("test.sitrace/ledger").verifier).ok


def test_the_latest_checkpoint_is_a_signed_note(client, world):
    response = client.get(f"{LEDGER}/checkpoint", headers=world.auth("owner"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    head = open_checkpoint(response.text, Verifier.from_key(client.get(f"{LEDGER}/key").text))
    assert head.size == client.get(f"{API}/health").json()["ledger_size"]


def test_the_checkpoint_as_json(client, world):
    response = client.get(
        f"{LEDGER}/checkpoint", headers={**world.auth("owner"), "Accept": "application/json"}
    )
    assert response.status_code == 200
    body = response.json()
    by_query = client.get(
        f"{LEDGER}/checkpoint", params={"format": "json"}, headers=world.auth("owner")
    )
    assert body == by_query.json()
    head = open_checkpoint(body["note"], Verifier.from_key(client.get(f"{LEDGER}/key").text))
    assert (body["size"], body["root"], body["origin"]) == (head.size, head.root.hex(), head.origin)


def test_an_unknown_checkpoint_size_is_404(client, world):
    response = client.get(
        f"{LEDGER}/checkpoint", params={"size": 10**6}, headers=world.auth("owner")
    )
    assert_problem(response, 404)


def test_an_entry_is_readable_by_its_organisation(client, world):
    written = register(client, world)
    index = written["receipt"]["leaf_index"]
    response = client.get(f"{LEDGER}/entries/{index}", headers=world.auth("owner"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["leaf_hash"] == written["receipt"]["leaf_hash"]
    assert (body["action"], body["record_type"], body["record_id"]) == (
        "item.create",
        "item",
        written["data"]["id"],
    )
    assert body["organisation"] == world.orgs["OWNA"]
    assert body["entry"] == json.loads(written["receipt"]["entry"])


@pytest.mark.parametrize("user", ["owner_b", "lab_a", "regulator"])
def test_an_entry_of_another_organisation_is_404(client, world, user):
    index = register(client, world)["receipt"]["leaf_index"]
    assert_problem(client.get(f"{LEDGER}/entries/{index}", headers=world.auth(user)), 404)
    receipt = client.get(f"{LEDGER}/entries/{index}/receipt", headers=world.auth(user))
    assert_problem(receipt, 404)


@pytest.mark.parametrize("user", ["auditor", "admin"])
def test_auditors_and_admins_read_every_entry(client, world, user):
    index = register(client, world)["receipt"]["leaf_index"]
    assert client.get(f"{LEDGER}/entries/{index}", headers=world.auth(user)).status_code == 200


def test_a_receipt_of_an_older_entry_in_a_later_tree(client, world):
    first = register(client, world, "A-1")["receipt"]
    register(client, world, "A-2")
    size = client.get(f"{API}/health").json()["ledger_size"]
    response = client.get(
        f"{LEDGER}/entries/{first['leaf_index']}/receipt",
        params={"size": size},
        headers=world.auth("owner"),
    )
    assert response.status_code == 200, response.text
    receipt = Receipt.from_dict(response.json())
    assert receipt.tree_size == size
    assert verify_receipt(receipt, client.get(f"{LEDGER}/key").text).ok


def test_a_receipt_in_a_tree_too_small_is_422(client, world):
    index = register(client, world)["receipt"]["leaf_index"]
    response = client.get(
        f"{LEDGER}/entries/{index}/receipt", params={"size": index}, headers=world.auth("owner")
    )
    assert_problem(response, 422, detail="does not include entry")


def test_an_inclusion_proof_verifies(client, world):
    written = register(client, world)["receipt"]
    register(client, world, "LEDGER-2")
    size = client.get(f"{API}/health").json()["ledger_size"]
    response = client.get(
        f"{LEDGER}/proof/inclusion",
        params={"index": written["leaf_index"], "size": size},
        headers=world.auth("owner"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["leaf_hash"] == written["leaf_hash"]
    assert merkle.verify_inclusion(
        bytes.fromhex(body["leaf_hash"]),
        body["index"],
        body["size"],
        [bytes.fromhex(h) for h in body["proof"]],
        bytes.fromhex(body["root"]),
    )


def test_an_inclusion_proof_hides_the_leaf_of_another_tenant(client, world):
    index = register(client, world)["receipt"]["leaf_index"]
    response = client.get(
        f"{LEDGER}/proof/inclusion", params={"index": index}, headers=world.auth("owner_b")
    )
    assert response.status_code == 200
    assert response.json()["leaf_hash"] is None


def test_a_consistency_proof_verifies(client, world):
    old = client.get(
        f"{LEDGER}/checkpoint", params={"format": "json"}, headers=world.auth("auditor")
    ).json()
    register(client, world, "LEDGER-3")
    register(client, world, "LEDGER-4")
    new = client.get(
        f"{LEDGER}/checkpoint", params={"format": "json"}, headers=world.auth("auditor")
    ).json()
    response = client.get(
        f"{LEDGER}/proof/consistency",
        params={"old": old["size"], "new": new["size"]},
        headers=world.auth("auditor"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["old_root"], body["new_root"]) == (old["root"], new["root"])
    assert merkle.verify_consistency(
        old["size"],
        new["size"],
        bytes.fromhex(old["root"]),
        bytes.fromhex(new["root"]),
        [bytes.fromhex(h) for h in body["proof"]],
    )


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("inclusion", {"index": 5, "size": 5}),
        ("inclusion", {"index": 0, "size": 10**9}),
        ("inclusion", {"index": -1}),
        ("inclusion", {}),
        ("consistency", {"old": 5, "new": 4}),
        ("consistency", {"old": 1, "new": 10**9}),
        ("consistency", {"old": 0}),
        ("consistency", {"old": "x"}),
    ],
)
def test_a_proof_out_of_range_is_422(client, world, path, params):
    response = client.get(f"{LEDGER}/proof/{path}", params=params, headers=world.auth("owner"))
    assert_problem(response, 422)


def test_an_unknown_entry_is_404(client, world):
    assert_problem(client.get(f"{LEDGER}/entries/999999", headers=world.auth("auditor")), 404)


# --- the audit trail ------------------------------------------------------------------


def test_the_audit_trail_shows_an_organisation_its_own_entries(client, world):
    body = client.get(f"{API}/audit", params={"limit": 500}, headers=world.auth("owner")).json()
    assert body["count"] == len(body["data"]) > 0
    assert {row["organisation"] for row in body["data"]} == {world.orgs["OWNA"]}
    assert {"index", "action", "record_type", "record_id", "actor", "logged_at"} <= set(
        body["data"][0]
    )
    indices = [row["index"] for row in body["data"]]
    assert indices == sorted(indices, reverse=True)


def test_the_auditor_sees_the_whole_audit_trail(client, world):
    body = client.get(f"{API}/audit", params={"limit": 1}, headers=world.auth("auditor")).json()
    assert body["count"] == client.get(f"{API}/health").json()["ledger_size"]
    assert len(body["data"]) == 1


def test_the_audit_trail_filters_by_record(client, world):
    written = register(client, world)
    params = {"record_type": "item", "record_id": written["data"]["id"]}
    body = client.get(f"{API}/audit", params=params, headers=world.auth("owner")).json()
    assert [row["action"] for row in body["data"]] == ["item.create"]
    assert body["data"][0]["actor"] == world.users["owner"]
    by_action = client.get(
        f"{API}/audit", params={"action": "calibration.create"}, headers=world.auth("auditor")
    ).json()
    assert by_action["count"] == 3
    later = client.get(
        f"{API}/audit", params={"since": "2999-01-01T00:00:00"}, headers=world.auth("auditor")
    ).json()
    assert later["count"] == 0
