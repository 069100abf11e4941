"""Receipts: verified offline with the public key only; every tampered field is reported."""

from __future__ import annotations

import dataclasses
import json

import pytest

from sitrace.errors import InputError
from sitrace.ledger import (
    Checkpoint,
    CompactRange,
    Receipt,
    ReceiptCheck,
    Signer,
    canonical_json,
    generate_signer,
    inclusion_nodes,
    leaf_hash,
    sign_checkpoint,
    verify_receipt,
)

ORIGIN = "test.sitrace/ledger"
SIGNER = Signer(ORIGIN, bytes(range(32)))
VERIFIER = SIGNER.verifier
SIZE = 11


def _log(size):
    """A log the way the data centre keeps it: entries, stored perfect nodes, checkpoints."""
    entries = [
        canonical_json({"action": "calibration.create", "record": {"id": i, "u": 0.001 * i}})
        for i in range(size)
    ]
    compact, store, notes = CompactRange.empty(), {}, {}
    for entry in entries:
        compact, nodes = compact.append(leaf_hash(entry))
        store.update(nodes)
        notes[compact.size] = sign_checkpoint(
            Checkpoint(ORIGIN, compact.size, compact.root()), SIGNER
        )
    return entries, store, notes


ENTRIES, STORE, CHECKPOINTS = _log(SIZE)


def receipt_for(index, size=SIZE):
    nodes = inclusion_nodes(index, size)
    proof = nodes.rehash([STORE[node] for node in nodes.ids])
    return Receipt(ENTRIES[index], index, size, tuple(proof), CHECKPOINTS[size])


GOOD = receipt_for(6)


def problems(receipt, verifier=VERIFIER):
    check = verify_receipt(receipt, verifier)
    assert check.ok is (not check.problems)
    return check.problems


@pytest.mark.parametrize("index", range(SIZE))
def test_a_receipt_from_the_log_verifies(index):
    assert verify_receipt(receipt_for(index), VERIFIER) == ReceiptCheck(True, ())


def test_a_receipt_for_an_earlier_tree_still_verifies():
    assert verify_receipt(receipt_for(2, size=3), VERIFIER).ok


def test_the_verifier_may_be_given_as_its_key_text():
    assert verify_receipt(GOOD, VERIFIER.key).ok


def test_a_receipt_knows_its_leaf_hash():
    assert GOOD.leaf_hash == leaf_hash(ENTRIES[6])


# --- tampering: each field ---------------------------------------------------------------


def test_a_tampered_entry_is_reported():
    entry = GOOD.entry.replace(b'"u":0.006', b'"u":0.007')
    assert entry != GOOD.entry
    (problem,) = problems(dataclasses.replace(GOOD, entry=entry))
    assert problem.startswith(
        "the inclusion proof does not lead to the checkpoint root: leaf 6 leads to "
    )


def test_a_tampered_leaf_index_is_reported():
    (problem,) = problems(dataclasses.replace(GOOD, leaf_index=7))
    assert problem.startswith("the inclusion proof does not lead to the checkpoint root: leaf 7")
    (problem,) = problems(dataclasses.replace(GOOD, leaf_index=SIZE))
    assert problem == f"leaf index {SIZE} is not in a tree of size {SIZE}"


def test_a_tampered_tree_size_is_reported():
    # Leaf 6 has the same path shape in trees of 11 and 12 leaves, so the proof alone
    # would still lead to the signed root: only the size check catches this.
    found = problems(dataclasses.replace(GOOD, tree_size=SIZE + 1))
    assert found == (
        f"the checkpoint is for tree size {SIZE}, the receipt for tree size {SIZE + 1}",
    )
    found = problems(dataclasses.replace(GOOD, tree_size=SIZE - 3))
    assert (
        found[0] == f"the checkpoint is for tree size {SIZE}, the receipt for tree size {SIZE - 3}"
    )


def test_a_tampered_proof_is_reported():
    flipped = bytes([GOOD.proof[1][0] ^ 1]) + GOOD.proof[1][1:]
    proof = (GOOD.proof[0], flipped, *GOOD.proof[2:])
    (problem,) = problems(dataclasses.replace(GOOD, proof=proof))
    assert problem.startswith("the inclusion proof does not lead to the checkpoint root")


def test_a_truncated_proof_is_reported():
    (problem,) = problems(dataclasses.replace(GOOD, proof=GOOD.proof[:-1]))
    assert problem == (
        "the inclusion proof is malformed: the inclusion proof has 3 hashes; "
        f"leaf 6 of a tree of size {SIZE} needs 4"
    )


def test_a_tampered_checkpoint_root_is_reported():
    # The checkpoint text now names another log's root; the signature lines are kept.
    other = CompactRange.empty()
    for i in range(SIZE):
        other, _ = other.append(leaf_hash(b"another log %d" % i))
    signatures = CHECKPOINTS[SIZE][CHECKPOINTS[SIZE].index("\n\n") + 1 :]
    forged = Checkpoint(ORIGIN, SIZE, other.root()).to_text() + signatures
    found = problems(dataclasses.replace(GOOD, checkpoint=forged))
    assert found[0] == (
        f"the checkpoint signature is invalid: invalid signature by key {ORIGIN}+"
        f"{VERIFIER.key_id.hex()}"
    )
    assert found[1].startswith("the inclusion proof does not lead to the checkpoint root")


def test_a_checkpoint_signed_by_another_key_is_reported():
    impostor = generate_signer(ORIGIN)
    note = sign_checkpoint(Checkpoint.parse(CHECKPOINTS[SIZE].split("\n\n")[0] + "\n"), impostor)
    (problem,) = problems(dataclasses.replace(GOOD, checkpoint=note))
    assert problem.startswith("the checkpoint signature is invalid: no signature by a known key")


def test_a_garbage_checkpoint_is_reported():
    found = problems(dataclasses.replace(GOOD, checkpoint="not a note"))
    assert found == (
        "the checkpoint signature is invalid: the note has no signatures "
        "(no signature lines after a blank line)",
        "the checkpoint is not a well-formed checkpoint note",
    )


def test_the_wrong_verifier_is_reported():
    (problem,) = problems(GOOD, generate_signer("someone.else/log").verifier)
    assert problem.startswith("the checkpoint signature is invalid: no signature by a known key")


def test_a_malformed_verifier_key_is_reported_and_the_proof_still_checked():
    found = problems(GOOD, "not a key")
    assert found == (
        "the verifier key is malformed: verifier key: has 3 fields separated by '+', got 1",
    )


@pytest.mark.parametrize("junk", [None, 42, {"entry": "x"}, "receipt"])
def test_verify_receipt_never_raises(junk):
    assert verify_receipt(junk, VERIFIER).ok is False
    assert verify_receipt(GOOD, junk).ok is False


# --- to_dict / from_dict -----------------------------------------------------------------


def test_a_receipt_round_trips_through_json():
    data = json.loads(json.dumps(GOOD.to_dict()))
    assert data["entry_encoding"] == "utf-8"
    assert data["entry"] == ENTRIES[6].decode()
    assert data["leaf_hash"] == GOOD.leaf_hash.hex()
    assert data["proof"] == [h.hex() for h in GOOD.proof]
    assert Receipt.from_dict(data) == GOOD
    assert verify_receipt(Receipt.from_dict(data), VERIFIER.key).ok


def test_a_binary_entry_is_written_in_base64():
    receipt = dataclasses.replace(GOOD, entry=b"\xff\x00binary")
    data = receipt.to_dict()
    assert (data["entry"], data["entry_encoding"]) == ("/wBiaW5hcnk=", "base64")
    assert Receipt.from_dict(data) == receipt


def _without(data, name):
    return {k: v for k, v in data.items() if k != name}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _without(d, "proof"), r"^receipt field 'proof': missing$"),
        (
            lambda d: {**d, "leaf_index": -1},
            r"^receipt field 'leaf_index': must be an integer >= 0",
        ),
        (
            lambda d: {**d, "tree_size": "11"},
            r"^receipt field 'tree_size': must be an integer >= 0",
        ),
        (
            lambda d: {**d, "proof": [d["proof"][0], "zz"]},
            r"^receipt field 'proof\[1\]': must be 64 hex digits, got 'zz'$",
        ),
        (lambda d: {**d, "proof": "abc"}, r"^receipt field 'proof': must be a list"),
        (
            lambda d: {**d, "leaf_hash": "00" * 32},
            r"^receipt field 'leaf_hash': does not match the entry$",
        ),
        (
            lambda d: {**d, "entry_encoding": "latin-1"},
            r"^receipt field 'entry_encoding': must be 'utf-8' or 'base64', got 'latin-1'$",
        ),
        (
            lambda d: {**d, "entry_encoding": "base64", "entry": "!!"},
            r"^receipt field 'entry': is not standard base64$",
        ),
        (
            lambda d: {**d, "checkpoint": 5},
            r"^receipt field 'checkpoint': must be a string, got int$",
        ),
    ],
)
def test_from_dict_names_the_bad_field(change, message):
    with pytest.raises(InputError, match=message):
        Receipt.from_dict(change(GOOD.to_dict()))


def test_receipt_fields_are_type_checked():
    with pytest.raises(InputError, match=r"^receipt field 'entry': must be bytes, got str$"):
        Receipt("text", 0, 1, (), "")
    with pytest.raises(InputError, match=r"^receipt field 'proof\[0\]': must be bytes, got str$"):
        Receipt(b"", 0, 1, ("00",), "")
