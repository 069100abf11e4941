"""The tree's shape for a store: compact ranges, node ids, proofs from O(log n) stored nodes.

A store here is a dict {NodeID: hash} filled only from what CompactRange.append emits,
the way the data centre fills its ledger_node table.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.errors import InputError, LedgerError
from sitrace.ledger import merkle
from sitrace.ledger.tree import (
    CompactRange,
    NodeID,
    ProofNodes,
    consistency_nodes,
    inclusion_nodes,
)

N = 2048
LEAVES = [merkle.leaf_hash(b"leaf %d" % i) for i in range(N)]


def _grow(leaves):
    """Append every leaf; return the ranges after each append and the store of emitted nodes."""
    ranges, store, emitted = [CompactRange.empty()], {}, []
    for leaf in leaves:
        compact, nodes = ranges[-1].append(leaf)
        ranges.append(compact)
        emitted.extend(nodes)
        for node, value in nodes:
            store[node] = value
    return ranges, store, emitted


RANGES, STORE, EMITTED = _grow(LEAVES)
ROOTS = [r.root() for r in RANGES]  # ROOTS[n]: root of the first n leaves


def _fetch(ids, size):
    assert all(node.end <= size for node in ids), "a proof must only read nodes of its tree"
    return [STORE[node] for node in ids]


# --- NodeID -----------------------------------------------------------------------------


def test_node_id_covers_an_aligned_power_of_two_of_leaves():
    node = NodeID(3, 2)
    assert (node.begin, node.end) == (16, 24)
    assert NodeID(0, 7).begin == 7


@pytest.mark.parametrize(
    ("level", "index", "message"),
    [
        (-1, 0, "node level must be >= 0, got -1"),
        (0, "1", "node index must be an integer, got str"),
    ],
)
def test_node_id_is_checked(level, index, message):
    with pytest.raises(InputError, match=message):
        NodeID(level, index)


# --- CompactRange -----------------------------------------------------------------------


def test_the_empty_range_has_the_empty_root():
    assert CompactRange.empty().root() == merkle.EMPTY_ROOT
    assert CompactRange.empty().to_dict() == {"size": 0, "hashes": []}


def test_appending_gives_the_merkle_root_of_every_prefix():
    for n in range(0, 301):
        assert ROOTS[n] == merkle.root_from_leaf_hashes(LEAVES[:n]), n
        assert len(RANGES[n].hashes) == n.bit_count()


def test_appends_emit_every_perfect_subtree_once_with_its_hash():
    size = 300
    _, store, emitted = _grow(LEAVES[:size])
    expected = {
        NodeID(level, index): merkle.root_from_leaf_hashes(
            LEAVES[index << level : (index + 1) << level]
        )
        for level in range(size.bit_length())
        for index in range(size >> level)
    }
    assert len(emitted) == len(expected), "no node is emitted twice"
    assert store == expected


def test_an_append_emits_the_leaf_then_each_parent_it_completes():
    compact = RANGES[3]
    _, nodes = compact.append(LEAVES[3])
    assert [node for node, _ in nodes] == [NodeID(0, 3), NodeID(1, 1), NodeID(2, 0)]
    assert nodes[0][1] == LEAVES[3]
    assert nodes[-1][1] == ROOTS[4]


def test_append_returns_a_new_range_and_leaves_the_old_one_alone():
    before = RANGES[5]
    hashes = before.hashes
    after, _ = before.append(LEAVES[5])
    assert (before.size, before.hashes, before.root()) == (5, hashes, ROOTS[5])
    assert (after.size, after.root()) == (6, ROOTS[6])


def test_the_range_holds_the_right_border_nodes():
    compact = RANGES[13]
    assert compact.ids() == (NodeID(3, 0), NodeID(2, 2), NodeID(0, 12))
    assert compact.hashes == tuple(STORE[node] for node in compact.ids())


@settings(max_examples=60, deadline=None)
@given(st.integers(0, N))
def test_a_range_survives_a_round_trip_through_a_dict_and_through_the_store(size):
    compact = RANGES[size]
    assert CompactRange.from_dict(compact.to_dict()) == compact
    calls = []

    def get(node):
        calls.append(node)
        return STORE[node]

    assert CompactRange.from_nodes(size, get) == compact
    assert len(calls) == size.bit_count()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"hashes": []}, r"compact range field 'size': missing"),
        ({"size": -1, "hashes": []}, r"compact range field 'size': must be an integer >= 0"),
        ({"size": 3, "hashes": "ab"}, r"compact range field 'hashes': must be a list"),
        (
            {"size": 3, "hashes": [LEAVES[0].hex(), "zz"]},
            r"compact range field 'hashes\[1\]': must be 64 hex digits, got 'zz'",
        ),
        (
            {"size": 3, "hashes": [LEAVES[0].hex()]},
            "a compact range of size 3 holds 2 hashes, got 1",
        ),
        ([], "a compact range must be a dict, got list"),
    ],
)
def test_from_dict_names_the_bad_field(data, message):
    with pytest.raises(InputError, match=message):
        CompactRange.from_dict(data)


def test_from_nodes_refuses_what_is_not_a_hash():
    with pytest.raises(LedgerError, match=r"node \(level 1, index 0\), not a 32-byte hash"):
        CompactRange.from_nodes(2, lambda node: b"short")


def test_append_refuses_what_is_not_a_hash():
    with pytest.raises(InputError, match="leaf hash must be a 32-byte hash, got 3"):
        CompactRange.empty().append(b"abc")


# --- proofs from stored nodes -----------------------------------------------------------


def test_inclusion_proofs_from_the_store_equal_the_in_memory_ones():
    for size in range(1, 101):
        for index in range(size):
            nodes = inclusion_nodes(index, size)
            expected = merkle.inclusion_proof_from_leaf_hashes(LEAVES[:size], index)
            assert nodes.rehash(_fetch(nodes.ids, size)) == expected, (index, size)


def test_consistency_proofs_from_the_store_equal_the_in_memory_ones():
    for size in range(1, 101):
        for old in range(0, size + 1):
            nodes = consistency_nodes(old, size)
            expected = merkle.consistency_proof_from_leaf_hashes(LEAVES[:size], old)
            assert nodes.rehash(_fetch(nodes.ids, size)) == expected, (old, size)


def test_every_inclusion_proof_up_to_300_leaves_verifies_with_few_reads():
    # A proof of the right length that verifies is the RFC 6962 proof: any other hash
    # in it would lead to another root. So this checks equality with merkle, cheaply.
    for size in range(1, 301):
        bound = 2 * size.bit_length()
        for index in range(size):
            nodes = inclusion_nodes(index, size)
            assert len(nodes.ids) <= bound
            proof = nodes.rehash(_fetch(nodes.ids, size))
            assert merkle.verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])


def test_every_consistency_proof_up_to_300_leaves_verifies_with_few_reads():
    for size in range(1, 301):
        bound = 2 * size.bit_length()
        for old in range(0, size + 1):
            nodes = consistency_nodes(old, size)
            assert len(nodes.ids) <= bound
            proof = nodes.rehash(_fetch(nodes.ids, size))
            assert merkle.verify_consistency(old, size, ROOTS[old], ROOTS[size], proof)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_proofs_from_the_store_in_large_trees(data):
    size = data.draw(st.integers(1, N), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(0, size), label="old size")
    nodes = inclusion_nodes(index, size)
    assert nodes.rehash(_fetch(nodes.ids, size)) == merkle.inclusion_proof_from_leaf_hashes(
        LEAVES[:size], index
    )
    nodes = consistency_nodes(old, size)
    assert nodes.rehash(_fetch(nodes.ids, size)) == merkle.consistency_proof_from_leaf_hashes(
        LEAVES[:size], old
    )


def test_a_proof_through_the_right_border_folds_several_stored_nodes_into_one():
    # Leaf 0 of 7: its uncle on the right is leaves [4, 7), not a perfect subtree.
    nodes = inclusion_nodes(0, 7)
    assert nodes.ids == (NodeID(0, 1), NodeID(1, 1), NodeID(1, 2), NodeID(0, 6))
    assert (nodes.begin, nodes.end) == (2, 4)
    proof = nodes.rehash(_fetch(nodes.ids, 7))
    assert len(proof) == 3
    assert proof[2] == merkle.root_from_leaf_hashes(LEAVES[4:7])


def test_rehash_does_not_modify_its_input():
    nodes = inclusion_nodes(0, 7)
    fetched = _fetch(nodes.ids, 7)
    copy = list(fetched)
    nodes.rehash(fetched)
    assert fetched == copy
    assert nodes.rehash(tuple(fetched)) == nodes.rehash(fetched)


def test_no_nodes_are_needed_from_the_empty_tree_or_to_the_same_tree():
    assert consistency_nodes(0, 9) == ProofNodes(())
    assert consistency_nodes(9, 9) == ProofNodes(())
    assert consistency_nodes(0, 0).rehash([]) == []


def test_rehash_wants_one_hash_per_node():
    nodes = inclusion_nodes(0, 7)
    with pytest.raises(InputError, match="got 3 hashes for 4 node ids"):
        nodes.rehash(_fetch(nodes.ids, 7)[:3])
    with pytest.raises(InputError, match=r"hash of node .* must be a 32-byte hash, got 2"):
        nodes.rehash([b"no", *_fetch(nodes.ids, 7)[1:]])


def test_node_lists_name_the_bad_numbers():
    with pytest.raises(InputError, match=r"^index 5 out of range for tree of size 5$"):
        inclusion_nodes(5, 5)
    with pytest.raises(InputError, match=r"^old size 6 out of range for tree of size 5$"):
        consistency_nodes(6, 5)
    with pytest.raises(InputError, match="tree size must be >= 0, got -1"):
        inclusion_nodes(0, -1)
