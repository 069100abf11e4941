"""RFC 6962 Merkle tree hash and proofs: published vectors, mutations, the literal RFC.

Reference data: tests/reference/rfc6962/ (see its README): the classic Certificate
Transparency vectors and transparency-dev/merkle's language-neutral test files.
"""

from __future__ import annotations

import base64
from hashlib import sha256

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.errors import InputError
from sitrace.ledger import merkle
from sitrace.ledger.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    consistency_proof_from_leaf_hashes,
    inclusion_proof,
    inclusion_proof_from_leaf_hashes,
    leaf_hash,
    node_hash,
    root,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)
from tests.conftest import load_reference

from ._rfc6962 import MTH, PATH, PROOF

CT = load_reference("rfc6962/ct-merkle-tree-test.json")
CT_LEAVES = [bytes.fromhex(x) for x in CT["leaves"]]
CT_ROOTS = [bytes.fromhex(x) for x in CT["roots"]]
INCLUSION = load_reference("rfc6962/transparency-dev-inclusion.json")["vectors"]
CONSISTENCY = load_reference("rfc6962/transparency-dev-consistency.json")["vectors"]
SOME_HASH = bytes.fromhex(CT["some_hash"])


def _hex(hashes):
    return [h.hex() for h in hashes]


def _b64(text):
    return base64.b64decode(text)


def _name(vector):
    return vector["file"].removeprefix("testdata/")


def _entries(n):
    """n distinct entries, so that a claim about the wrong index is a false claim."""
    return [b"entry %d" % i for i in range(n)]


# --- hashes -----------------------------------------------------------------------------


def test_domain_separation_prefixes_and_empty_root():
    assert merkle.LEAF_PREFIX == b"\x00"
    assert merkle.NODE_PREFIX == b"\x01"
    assert EMPTY_ROOT.hex() == CT["empty_root"]
    assert root([]) == EMPTY_ROOT == root_from_leaf_hashes([])


def test_leaf_and_node_hash_are_sha256_with_prefix():
    assert leaf_hash(b"abc") == sha256(b"\x00abc").digest()
    assert leaf_hash(bytearray(b"abc")) == leaf_hash(memoryview(b"abc")) == leaf_hash(b"abc")
    left, right = leaf_hash(b"l"), leaf_hash(b"r")
    assert node_hash(left, right) == sha256(b"\x01" + left + right).digest()


def test_leaf_hash_refuses_text():
    with pytest.raises(InputError, match="a leaf entry must be bytes, got str"):
        leaf_hash("abc")


# --- the classic Certificate Transparency vectors ---------------------------------------


@pytest.mark.parametrize("size", range(1, 9))
def test_ct_roots(size):
    assert root(CT_LEAVES[:size]) == CT_ROOTS[size - 1]
    hashes = [leaf_hash(e) for e in CT_LEAVES[:size]]
    assert root_from_leaf_hashes(hashes) == CT_ROOTS[size - 1]


@pytest.mark.parametrize("vector", CT["inclusion"][1:], ids=lambda v: f"{v['leaf']}-of-{v['size']}")
def test_ct_inclusion_proofs(vector):
    index, size = vector["leaf"] - 1, vector["size"]
    proof = inclusion_proof(CT_LEAVES[:size], index)
    assert _hex(proof) == vector["proof"]
    leaf = leaf_hash(CT_LEAVES[index])
    assert root_from_inclusion_proof(leaf, index, size, proof) == CT_ROOTS[size - 1]
    assert verify_inclusion(leaf, index, size, proof, CT_ROOTS[size - 1])


@pytest.mark.parametrize("vector", CT["consistency"], ids=lambda v: f"{v['size1']}-to-{v['size2']}")
def test_ct_consistency_proofs(vector):
    m, n = vector["size1"], vector["size2"]
    proof = consistency_proof(CT_LEAVES[:n], m)
    assert _hex(proof) == vector["proof"]
    assert verify_consistency(m, n, CT_ROOTS[m - 1], CT_ROOTS[n - 1], proof)


def test_the_first_ct_inclusion_vector_is_an_invalid_path():
    with pytest.raises(InputError, match="index 0 out of range for tree of size 0"):
        inclusion_proof([], 0)


# --- transparency-dev/merkle testdata: happy paths and their published mutations ----------


@pytest.mark.parametrize("vector", INCLUSION, ids=_name)
def test_transparency_dev_inclusion_vectors(vector):
    proof = [_b64(h) for h in vector["proof"] or []]
    got = verify_inclusion(
        _b64(vector["leafHash"]), vector["leafIdx"], vector["treeSize"], proof, _b64(vector["root"])
    )
    assert got is (not vector["wantErr"]), vector["desc"]


@pytest.mark.parametrize("vector", CONSISTENCY, ids=_name)
def test_transparency_dev_consistency_vectors(vector):
    proof = [_b64(h) for h in vector["proof"] or []]
    got = verify_consistency(
        vector["size1"], vector["size2"], _b64(vector["root1"]), _b64(vector["root2"]), proof
    )
    assert got is (not vector["wantErr"]), vector["desc"]


@pytest.mark.parametrize("vector", [v for v in INCLUSION if not v["wantErr"]], ids=_name)
def test_transparency_dev_inclusion_happy_paths_are_the_ct_tree(vector):
    index, size = vector["leafIdx"], vector["treeSize"]
    proof = inclusion_proof(CT_LEAVES[:size], index)
    assert proof == [_b64(h) for h in vector["proof"] or []]
    assert leaf_hash(CT_LEAVES[index]) == _b64(vector["leafHash"])
    assert root(CT_LEAVES[:size]) == _b64(vector["root"])


@pytest.mark.parametrize("vector", [v for v in CONSISTENCY if not v["wantErr"]], ids=_name)
def test_transparency_dev_consistency_happy_paths_are_the_ct_tree(vector):
    m, n = vector["size1"], vector["size2"]
    assert consistency_proof(CT_LEAVES[:n], m) == [_b64(h) for h in vector["proof"] or []]
    assert root(CT_LEAVES[:m]) == _b64(vector["root1"])
    assert root(CT_LEAVES[:n]) == _b64(vector["root2"])


# --- the same mutations, generated for every good proof (transparency-dev verify_test.go) --


def inclusion_mutations(index, size, proof, root_, leaf):
    """Claims that must all be rejected: corruptInclusionProof of verify_test.go."""
    yield "index - 1", (leaf, index - 1, size, proof, root_)
    yield "index + 1", (leaf, index + 1, size, proof, root_)
    yield "index ^ 2", (leaf, index ^ 2, size, proof, root_)
    yield "size * 2", (leaf, index, size * 2, proof, root_)
    yield "size // 2", (leaf, index, size // 2, proof, root_)
    yield "wrong leaf", (b"WrongLeaf", index, size, proof, root_)
    yield "empty root", (leaf, index, size, proof, EMPTY_ROOT)
    yield "random root", (leaf, index, size, proof, SOME_HASH)
    yield "trailing garbage", (leaf, index, size, [*proof, b""], root_)
    yield "trailing root", (leaf, index, size, [*proof, root_], root_)
    yield "preceding garbage", (leaf, index, size, [b"", *proof], root_)
    yield "preceding root", (leaf, index, size, [root_, *proof], root_)
    for i in range(len(proof)):
        flipped = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        yield (
            f"proof[{i}] bit 3",
            (leaf, index, size, [*proof[:i], flipped, *proof[i + 1 :]], root_),
        )
    if proof:
        yield "removed component", (leaf, index, size, proof[:-1], root_)
    if len(proof) > 1:
        yield "inserted component", (leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root_)


def consistency_mutations(m, n, root1, root2, proof):
    """Claims that must all be rejected: corruptConsistencyProof of verify_test.go."""
    yield "size1 - 1", (m - 1, n, root1, root2, proof)
    yield "size1 + 1", (m + 1, n, root1, root2, proof)
    yield "size1 ^ 2", (m ^ 2, n, root1, root2, proof)
    yield "size2 * 2", (m, n * 2, root1, root2, proof)
    yield "size2 // 2", (m, n // 2, root1, root2, proof)
    yield "wrong root1", (m, n, b"WrongRoot", root2, proof)
    yield "wrong root2", (m, n, root1, b"WrongRoot", proof)
    yield "swapped roots", (m, n, root2, root1, proof)
    yield "empty proof", (m, n, root1, root2, [])
    yield "trailing garbage", (m, n, root1, root2, [*proof, b""])
    yield "trailing root1", (m, n, root1, root2, [*proof, root1])
    yield "trailing root2", (m, n, root1, root2, [*proof, root2])
    yield "preceding garbage", (m, n, root1, root2, [b"", *proof])
    yield "preceding root1", (m, n, root1, root2, [root1, *proof])
    yield "preceding root2", (m, n, root1, root2, [root2, *proof])
    yield "preceding proof[0]", (m, n, root1, root2, [proof[0], *proof])
    yield "truncated proof", (m, n, root1, root2, proof[:-1])
    for i in range(len(proof)):
        flipped = bytes([proof[i][0] ^ 16]) + proof[i][1:]
        yield f"proof[{i}] bit 4", (m, n, root1, root2, [*proof[:i], flipped, *proof[i + 1 :]])


@pytest.mark.parametrize("vector", CT["inclusion"][1:], ids=lambda v: f"{v['leaf']}-of-{v['size']}")
def test_every_mutation_of_a_ct_inclusion_proof_is_rejected(vector):
    index, size = vector["leaf"] - 1, vector["size"]
    proof = [bytes.fromhex(h) for h in vector["proof"]]
    leaf = leaf_hash(CT_LEAVES[index])
    accepted = [
        desc
        for desc, claim in inclusion_mutations(index, size, proof, CT_ROOTS[size - 1], leaf)
        if verify_inclusion(*claim)
    ]
    assert accepted == []


@pytest.mark.parametrize(
    "vector",
    [v for v in CT["consistency"] if v["proof"]],
    ids=lambda v: f"{v['size1']}-{v['size2']}",
)
def test_every_mutation_of_a_ct_consistency_proof_is_rejected(vector):
    m, n = vector["size1"], vector["size2"]
    proof = [bytes.fromhex(h) for h in vector["proof"]]
    accepted = [
        desc
        for desc, claim in consistency_mutations(m, n, CT_ROOTS[m - 1], CT_ROOTS[n - 1], proof)
        if verify_consistency(*claim)
    ]
    assert accepted == []


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_proofs_of_any_tree_are_rejected(data):
    n = data.draw(st.integers(1, 200), label="size")
    index = data.draw(st.integers(0, n - 1), label="index")
    entries = _entries(n)
    r = root(entries)
    proof = inclusion_proof(entries, index)
    claims = inclusion_mutations(index, n, proof, r, leaf_hash(entries[index]))
    assert [desc for desc, claim in claims if verify_inclusion(*claim)] == []
    if n > 1:
        m = data.draw(st.integers(1, n - 1), label="old size")
        proof = consistency_proof(entries, m)
        claims = consistency_mutations(m, n, root(entries[:m]), r, proof)
        assert [desc for desc, claim in claims if verify_consistency(*claim)] == []


# --- edge cases, as transparency-dev's TestVerifyConsistency and TestVerifyInclusion -------

R1, R2 = sha256(b"root 1").digest(), sha256(b"root 2").digest()


@pytest.mark.parametrize(
    ("old_size", "new_size", "old_root", "new_root", "proof", "consistent"),
    [
        (0, 0, R1, R2, [], False),  # equal sizes, different roots
        (1, 1, R1, R2, [], False),
        (0, 0, R1, R1, [], True),  # sizes that are always consistent
        (0, 1, R1, R2, [], True),  # the empty tree is a prefix of every tree
        (0, 1000, R1, R2, [], True),
        (1, 1, R2, R2, [], True),
        (1, 0, R1, R2, [], False),  # time travel to the past
        (2, 1, R1, R2, [], False),
        (1, 2, R1, R2, [], False),  # empty proof
        (0, 0, EMPTY_ROOT, R2, [], False),  # roots don't match
        (1, 1, EMPTY_ROOT, R2, [], False),
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),  # roots match, proof not empty
        (0, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (1, 1, EMPTY_ROOT, EMPTY_ROOT, [EMPTY_ROOT], False),
        (0, 1, b"short", R2, [], False),  # stricter than transparency-dev: 32-byte roots
        (1, 1, b"same", b"same", [], False),
    ],
)
def test_consistency_edge_cases(old_size, new_size, old_root, new_root, proof, consistent):
    assert verify_consistency(old_size, new_size, old_root, new_root, proof) is consistent


def test_single_entry_tree_root_is_its_leaf_hash_and_proof_is_empty():
    h = leaf_hash(b"data")
    assert verify_inclusion(h, 0, 1, [], h)
    assert not verify_inclusion(h, 0, 1, [], b"")
    assert not verify_inclusion(b"", 0, 1, [], h)
    assert not verify_inclusion(b"", 0, 1, [], b"")


@pytest.mark.parametrize(("index", "size"), [(0, 0), (0, 1), (1, 0), (2, 1)])
def test_inclusion_in_impossible_trees_is_rejected(index, size):
    assert not verify_inclusion(SOME_HASH, index, size, [], b"")
    assert not verify_inclusion(b"", index, size, [], EMPTY_ROOT)
    assert not verify_inclusion(SOME_HASH, index, size, [], EMPTY_ROOT)


# --- the fast functions against the literal RFC text --------------------------------------


def test_against_the_rfc_for_every_small_tree():
    for n in range(0, 33):
        entries = _entries(n)
        assert root(entries) == MTH(entries)
        for m in range(n):
            assert inclusion_proof(entries, m) == PATH(m, entries)
        for m in range(1, n):
            assert consistency_proof(entries, m) == PROOF(m, entries)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_against_the_rfc_for_any_tree(data):
    n = data.draw(st.integers(1, 300), label="size")
    entries = data.draw(st.lists(st.binary(max_size=8), min_size=n, max_size=n), label="entries")
    r = MTH(entries)
    assert root(entries) == r
    hashes = [leaf_hash(e) for e in entries]
    assert root_from_leaf_hashes(hashes) == r
    index = data.draw(st.integers(0, n - 1), label="index")
    proof = inclusion_proof(entries, index)
    assert proof == PATH(index, entries) == inclusion_proof_from_leaf_hashes(hashes, index)
    assert root_from_inclusion_proof(hashes[index], index, n, proof) == r
    assert verify_inclusion(hashes[index], index, n, proof, r)
    if n > 1:
        m = data.draw(st.integers(1, n - 1), label="old size")
        proof = consistency_proof(entries, m)
        assert proof == PROOF(m, entries) == consistency_proof_from_leaf_hashes(hashes, m)
        assert verify_consistency(m, n, MTH(entries[:m]), r, proof)


def test_consistency_needs_no_proof_from_empty_or_to_itself():
    entries = _entries(5)
    assert consistency_proof(entries, 0) == []
    assert consistency_proof(entries, 5) == []
    assert verify_consistency(5, 5, root(entries), root(entries), [])


# --- verification never raises ----------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.binary(max_size=40),
    st.binary(min_size=32, max_size=32),
    st.lists(st.binary(max_size=40), max_size=5),
    st.lists(st.binary(min_size=32, max_size=32), max_size=5),
    st.lists(st.one_of(st.none(), st.integers(), st.text()), max_size=3),
    st.tuples(st.binary(min_size=32, max_size=32)),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=500, deadline=None)
@given(junk, junk, junk, junk, junk)
def test_verify_inclusion_answers_false_to_junk(leaf, index, size, proof, root_):
    assert verify_inclusion(leaf, index, size, proof, root_) is False


@settings(max_examples=500, deadline=None)
@given(junk, junk, junk, junk, junk)
def test_verify_consistency_never_raises_on_junk(old_size, new_size, old_root, new_root, proof):
    # (0, n, any 32-byte root, any 32-byte root, []) is consistent; anything else is junk.
    assert verify_consistency(old_size, new_size, old_root, new_root, proof) in (True, False)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(-3, 70),
    st.integers(-3, 70),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=32, max_size=32),
    st.lists(st.binary(min_size=31, max_size=33), max_size=8),
)
def test_random_well_typed_claims_are_rejected(a, b, root1, root2, proof):
    # The one true claim among these: a tree of one leaf, whose root is that leaf's hash.
    if not (a == 0 and b == 1 and not proof and root1 == root2):
        assert verify_inclusion(root1, a, b, proof, root2) is False
    if a != 0 and not (a == b and not proof and root1 == root2):
        assert verify_consistency(a, b, root1, root2, proof) is False


# --- errors that compute functions raise ------------------------------------------------


def test_index_out_of_range_names_the_numbers():
    with pytest.raises(InputError, match=r"^index 7 out of range for tree of size 5$"):
        inclusion_proof(_entries(5), 7)
    with pytest.raises(InputError, match=r"^index 5 out of range for tree of size 5$"):
        root_from_inclusion_proof(SOME_HASH, 5, 5, [])


def test_old_size_out_of_range_names_the_numbers():
    with pytest.raises(InputError, match=r"^old size 7 out of range for tree of size 5$"):
        consistency_proof(_entries(5), 7)


@pytest.mark.parametrize(
    ("index", "message"),
    [
        (-1, "index must be >= 0, got -1"),
        (True, "index must be an integer, got bool"),
        (1.0, "index must be an integer, got float"),
    ],
)
def test_index_must_be_a_natural_number(index, message):
    with pytest.raises(InputError, match=message):
        inclusion_proof(_entries(3), index)


def test_root_from_inclusion_proof_explains_a_wrong_proof_length():
    entries = _entries(8)
    proof = inclusion_proof(entries, 5)
    with pytest.raises(
        InputError, match=r"the inclusion proof has 2 hashes; leaf 5 of a tree of size 8 needs 3"
    ):
        root_from_inclusion_proof(leaf_hash(entries[5]), 5, 8, proof[:2])


def test_root_from_inclusion_proof_explains_a_bad_hash():
    with pytest.raises(InputError, match="leaf hash must be 32 bytes, got 9"):
        root_from_inclusion_proof(b"WrongLeaf", 0, 1, [])
    with pytest.raises(InputError, match="proof hash 1 must be 32 bytes, got 0"):
        root_from_inclusion_proof(SOME_HASH, 0, 4, [SOME_HASH, b""])


def test_leaf_hashes_must_be_32_bytes():
    with pytest.raises(InputError, match="leaf hash 1 must be 32 bytes, got 3"):
        root_from_leaf_hashes([SOME_HASH, b"abc"])
