"""The RFC 6962 Merkle tree hash, inclusion proofs and consistency proofs: bytes in, bytes out.

Contents
--------
- :func:`leaf_hash`, :func:`node_hash`: the domain-separated hashes (RFC 6962, 2.1).
- :func:`root`, :func:`root_from_leaf_hashes`: the Merkle Tree Hash MTH (RFC 6962, 2.1).
- :func:`inclusion_proof`, :func:`inclusion_proof_from_leaf_hashes`: the audit path PATH
  (RFC 6962, 2.1.1; RFC 9162, 2.1.3.1).
- :func:`consistency_proof`, :func:`consistency_proof_from_leaf_hashes`: PROOF / SUBPROOF
  (RFC 6962, 2.1.2; RFC 9162, 2.1.4.1).
- :func:`verify_inclusion`, :func:`verify_consistency`: the verification algorithms of
  RFC 9162, 2.1.3.2 and 2.1.4.2. They answer ``True`` or ``False`` and never raise.
- :func:`root_from_inclusion_proof`: the root an inclusion proof leads to; raises on
  malformed input (the counterpart of transparency-dev's ``RootFromInclusionProof``).

The proof builders here hold the whole tree in memory; a store that keeps the
perfect subtrees fetches O(log n) of them instead (:mod:`sitrace.ledger.tree`).

References
----------
RFC 6962, *Certificate Transparency*, 2.1 (2013); RFC 9162, *Certificate Transparency
Version 2.0*, 2.1 (2021).
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha256
from typing import Any

from ..errors import InputError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "consistency_proof",
    "consistency_proof_from_leaf_hashes",
    "inclusion_proof",
    "inclusion_proof_from_leaf_hashes",
    "leaf_hash",
    "node_hash",
    "root",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "verify_consistency",
    "verify_inclusion",
]

#: Length in bytes of every hash in the tree (SHA-256).
HASH_SIZE = 32
#: Prefix of a leaf hash, SHA-256(0x00 || entry) (RFC 6962, 2.1).
LEAF_PREFIX = b"\x00"
#: Prefix of an interior node hash, SHA-256(0x01 || left || right) (RFC 6962, 2.1).
NODE_PREFIX = b"\x01"
#: MTH({}) = SHA-256() of the empty string (RFC 6962, 2.1).
EMPTY_ROOT = sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    """The hash of a leaf, MTH({d0}) = SHA-256(0x00 || d0).

    Parameters
    ----------
    entry : bytes
        The logged bytes (bytes, bytearray or memoryview).

    References
    ----------
    RFC 6962, 2.1.

    Examples
    --------
    >>> leaf_hash(b"").hex()[:16]
    '6e340b9cffb37a98'
    """
    if not isinstance(entry, (bytes, bytearray, memoryview)):
        raise InputError(f"a leaf entry must be bytes, got {type(entry).__name__}")
    h = sha256(LEAF_PREFIX)
    h.update(entry)
    return h.digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node, SHA-256(0x01 || left || right).

    ``left`` and ``right`` are the 32-byte hashes of the two subtrees; they are
    not checked here (this runs once per level of every proof).

    References
    ----------
    RFC 6962, 2.1.
    """
    return sha256(NODE_PREFIX + left + right).digest()


def root(entries: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a list of raw entries (``EMPTY_ROOT`` for none).

    References
    ----------
    RFC 6962, 2.1.

    Examples
    --------
    >>> root([]) == EMPTY_ROOT
    True
    >>> root([b""]) == leaf_hash(b"")
    True
    """
    return _root([leaf_hash(e) for e in _sequence(entries, "entries")])


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash of a tree whose leaf hashes are ``hashes``.

    References
    ----------
    RFC 6962, 2.1.
    """
    return _root(_hashes(hashes, "leaf hash"))


def inclusion_proof(entries: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path PATH(index, D[n]) of entry ``index`` among ``entries``.

    Returns the hashes from the leaf's sibling up to the child of the root.

    Raises
    ------
    InputError
        If ``index`` is not in ``0 <= index < len(entries)``.

    References
    ----------
    RFC 6962, 2.1.1; RFC 9162, 2.1.3.1.
    """
    hashes = [leaf_hash(e) for e in _sequence(entries, "entries")]
    return _inclusion(hashes, index)


def inclusion_proof_from_leaf_hashes(hashes: Sequence[bytes], index: int) -> list[bytes]:
    """As :func:`inclusion_proof`, for a tree given by its leaf hashes."""
    return _inclusion(_hashes(hashes, "leaf hash"), index)


def consistency_proof(entries: Sequence[bytes], old_size: int) -> list[bytes]:
    """The consistency proof PROOF(old_size, D[n]) between the first ``old_size`` entries and all.

    An empty list when ``old_size`` is 0 or ``len(entries)``: those need no proof
    (:func:`verify_consistency` accepts only the empty proof for them).

    Raises
    ------
    InputError
        If ``old_size`` is not in ``0 <= old_size <= len(entries)``.

    References
    ----------
    RFC 6962, 2.1.2; RFC 9162, 2.1.4.1.
    """
    hashes = [leaf_hash(e) for e in _sequence(entries, "entries")]
    return _consistency(hashes, old_size)


def consistency_proof_from_leaf_hashes(hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """As :func:`consistency_proof`, for a tree given by its leaf hashes."""
    return _consistency(_hashes(hashes, "leaf hash"), old_size)


def root_from_inclusion_proof(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> bytes:
    """The root that ``proof`` leads to from leaf ``index`` of a tree of ``size`` leaves.

    Requires ``0 <= index < size`` and a proof of exactly the length the tree shape
    asks for; compare the result with the expected root.

    Raises
    ------
    InputError
        On any malformed input, with the numbers in the message.

    References
    ----------
    RFC 9162, 2.1.3.2 (the chaining steps).
    """
    leaf = _hash(leaf_hash, "leaf hash")
    index = _count(index, "index")
    size = _count(size, "tree size")
    if index >= size:
        raise InputError(f"index {index} out of range for tree of size {size}")
    path = _proof(proof)
    inner = (index ^ (size - 1)).bit_length()
    needed = inner + (index >> inner).bit_count()
    if len(path) != needed:
        raise InputError(
            f"the inclusion proof has {len(path)} hashes; leaf {index} of a tree "
            f"of size {size} needs {needed}"
        )
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows the leaf ``leaf_hash`` at ``index`` in the tree (``size``, ``root``).

    ``False``, never an exception, for anything wrong or malformed: wrong lengths,
    non-bytes, negative numbers, ``index >= size``, truncated or extended proofs.

    References
    ----------
    RFC 9162, 2.1.3.2.

    Examples
    --------
    >>> entries = [b"a", b"b", b"c"]
    >>> proof = inclusion_proof(entries, 2)
    >>> verify_inclusion(leaf_hash(b"c"), 2, 3, proof, root(entries))
    True
    >>> verify_inclusion(leaf_hash(b"c"), 1, 3, proof, root(entries))
    False
    """
    try:
        expected = _hash(root, "root")
        return root_from_inclusion_proof(leaf_hash, index, size, proof) == expected
    except Exception:  # a verifier answers "no" to whatever it cannot check
        return False


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (new_size, new_root) extends (old_size, old_root).

    Edge cases, as in transparency-dev/merkle ``proof.VerifyConsistency``:

    - ``old_size == new_size``: consistent iff the proof is empty and the roots are equal;
    - ``old_size == 0``: the empty tree is a prefix of every tree, so consistent iff the
      proof is empty; ``old_root`` is not compared with ``EMPTY_ROOT``;
    - ``old_size > new_size``: never consistent (the log shrank).

    Stricter than transparency-dev in one respect: both roots and every proof hash
    must be 32-byte values in every case. ``False``, never an exception, for anything
    wrong or malformed.

    References
    ----------
    RFC 9162, 2.1.4.2.
    """
    try:
        return _consistent(old_size, new_size, old_root, new_root, proof)
    except Exception:  # a verifier answers "no" to whatever it cannot check
        return False


# --- internals ---------------------------------------------------------------------------


def _consistent(old_size: Any, new_size: Any, old_root: Any, new_root: Any, proof: Any) -> bool:
    first = _count(old_size, "old size")
    second = _count(new_size, "new size")
    first_hash = _hash(old_root, "old root")
    second_hash = _hash(new_root, "new root")
    path = _proof(proof)
    if first > second:
        return False
    if first == second:
        return not path and first_hash == second_hash
    if first == 0:
        return not path
    if not path:
        return False
    if first & (first - 1) == 0:  # an exact power of 2: the old root is the seed
        path = [first_hash, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def _levels(hashes: list[bytes]) -> list[list[bytes]]:
    """Every level of the tree, leaves first; a lone last node is carried up unchanged.

    Node ``i`` of level ``L`` is MTH of leaves ``[i * 2**L, min((i + 1) * 2**L, n))``:
    carrying the odd node up builds exactly the unbalanced tree of RFC 6962, 2.1.
    """
    levels = [hashes]
    current = hashes
    while len(current) > 1:
        upper = [node_hash(current[i], current[i + 1]) for i in range(0, len(current) - 1, 2)]
        if len(current) & 1:
            upper.append(current[-1])
        levels.append(upper)
        current = upper
    return levels


def _root(hashes: list[bytes]) -> bytes:
    return _levels(hashes)[-1][0] if hashes else EMPTY_ROOT


def _inclusion(hashes: list[bytes], index: Any) -> list[bytes]:
    index = _count(index, "index")
    if index >= len(hashes):
        raise InputError(f"index {index} out of range for tree of size {len(hashes)}")
    proof = []
    for level in _levels(hashes)[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            proof.append(level[sibling])
        index >>= 1
    return proof


def _consistency(hashes: list[bytes], old_size: Any) -> list[bytes]:
    old_size = _count(old_size, "old size")
    n = len(hashes)
    if old_size > n:
        raise InputError(f"old size {old_size} out of range for tree of size {n}")
    if old_size in (0, n):
        return []
    levels = _levels(hashes)

    def subtree(lo: int, hi: int) -> bytes:
        level = (hi - lo - 1).bit_length()
        return levels[level][lo >> level]

    # SUBPROOF(m, D[lo:hi], complete), unrolled: collected from the top, returned bottom-up.
    proof, lo, hi, complete = [], 0, n, True
    while old_size != hi:
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if old_size - lo <= k:
            proof.append(subtree(lo + k, hi))
            hi = lo + k
        else:
            proof.append(subtree(lo, lo + k))
            lo += k
            complete = False
    if not complete:
        proof.append(subtree(lo, hi))
    proof.reverse()
    return proof


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise InputError(f"{name} must be >= 0, got {value}")
    return int(value)


def _hash(value: Any, name: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)):
        raise InputError(f"{name} must be {HASH_SIZE} bytes, got {type(value).__name__}")
    if len(value) != HASH_SIZE:
        raise InputError(f"{name} must be {HASH_SIZE} bytes, got {len(value)}")
    return bytes(value)


def _proof(proof: Any) -> list[bytes]:
    if not isinstance(proof, (list, tuple)):
        raise InputError(f"a proof must be a list of hashes, got {type(proof).__name__}")
    return [_hash(h, f"proof hash {i}") for i, h in enumerate(proof)]


def _sequence(values: Any, name: str) -> Sequence[Any]:
    if isinstance(values, (str, bytes, bytearray)) or not isinstance(values, Sequence):
        raise InputError(f"{name} must be a sequence, got {type(values).__name__}")
    return values


def _hashes(hashes: Any, name: str) -> list[bytes]:
    return [_hash(h, f"{name} {i}") for i, h in enumerate(_sequence(hashes, f"{name}es"))]
