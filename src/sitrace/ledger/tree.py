"""The shape of the tree for a store: which perfect subtrees to keep, fetch and combine.

Core knows the shape, the store knows the bytes. A store keeps every *perfect*
subtree hash (a node covering ``2**level`` leaves) as it is completed, and never
rewrites one. A proof is then O(log n) reads: :func:`inclusion_nodes` and
:func:`consistency_nodes` name the nodes to fetch, and :meth:`ProofNodes.rehash`
folds the ones on the tree's right border into the single, not yet perfect, node
the RFC 6962 proof holds (the "ephemeral" node).

Contents
--------
- :class:`NodeID`: a perfect subtree, by level and index.
- :class:`CompactRange`: the right border of a tree (one hash per set bit of the size);
  appending a leaf returns every perfect node it completes, for the store to write.
- :class:`ProofNodes`, :func:`inclusion_nodes`, :func:`consistency_nodes`.

References
----------
RFC 6962, 2.1.1-2.1.2; RFC 9162, 2.1.3-2.1.4; transparency-dev/merkle ``proof/proof.go``
and ``compact/range.go`` (the same split between shape and storage).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, LedgerError
from .merkle import EMPTY_ROOT, HASH_SIZE, node_hash

__all__ = ["CompactRange", "NodeID", "ProofNodes", "consistency_nodes", "inclusion_nodes"]


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be an integer, got {type(value).__name__}")
    if value < 0:
        raise InputError(f"{name} must be >= 0, got {value}")
    return int(value)


def _hash(value: Any, name: str) -> bytes:
    if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
        got = len(value) if isinstance(value, (bytes, bytearray)) else type(value).__name__
        raise InputError(f"{name} must be a {HASH_SIZE}-byte hash, got {got}")
    return bytes(value)


@dataclass(frozen=True, slots=True)
class NodeID:
    """The perfect subtree covering leaves ``[index * 2**level, (index + 1) * 2**level)``.

    Level 0 holds the leaf hashes; node ``(level, index)`` is the hash of its children
    ``(level - 1, 2 * index)`` and ``(level - 1, 2 * index + 1)``.
    """

    level: int
    index: int

    def __post_init__(self) -> None:
        _count(self.level, "node level")
        _count(self.index, "node index")

    @property
    def begin(self) -> int:
        """The first leaf under this node."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """One past the last leaf under this node."""
        return (self.index + 1) << self.level


def _cover(lo: int, hi: int) -> list[NodeID]:
    """The perfect nodes covering leaves ``[lo, hi)``, largest (leftmost) first.

    ``lo`` must be a multiple of the largest power of 2 that is <= ``hi - lo``, which
    every range met in the RFC 6962 recursions is.
    """
    nodes = []
    width = hi - lo
    for level in range(width.bit_length() - 1, -1, -1):
        if width >> level & 1:
            nodes.append(NodeID(level, lo >> level))
            lo += 1 << level
    return nodes


@dataclass(frozen=True, slots=True)
class CompactRange:
    """The right border of a tree of ``size`` leaves: enough to append and to get the root.

    Attributes
    ----------
    size : int
        Number of leaves.
    hashes : tuple of bytes
        The roots of the perfect subtrees the leaves ``[0, size)`` split into, one per set
        bit of ``size``, from the largest (leftmost) to the smallest.

    References
    ----------
    transparency-dev/merkle ``compact/range.go``; RFC 6962, 2.1 (the right border of the
    unbalanced tree is these perfect subtrees, hashed from the right).
    """

    size: int
    hashes: tuple[bytes, ...]

    def __post_init__(self) -> None:
        size = _count(self.size, "compact range size")
        if isinstance(self.hashes, (str, bytes, bytearray)) or not isinstance(
            self.hashes, Sequence
        ):
            raise InputError(
                f"compact range hashes must be a sequence, got {type(self.hashes).__name__}"
            )
        hashes = tuple(_hash(h, f"compact range hash {i}") for i, h in enumerate(self.hashes))
        if len(hashes) != size.bit_count():
            raise InputError(
                f"a compact range of size {size} holds {size.bit_count()} hashes, got {len(hashes)}"
            )
        object.__setattr__(self, "hashes", hashes)

    @classmethod
    def empty(cls) -> CompactRange:
        """The range of the empty tree."""
        return cls(0, ())

    @classmethod
    def _trusted(cls, size: int, hashes: tuple[bytes, ...]) -> CompactRange:
        new = object.__new__(cls)
        object.__setattr__(new, "size", size)
        object.__setattr__(new, "hashes", hashes)
        return new

    def append(self, leaf_hash: bytes) -> tuple[CompactRange, tuple[tuple[NodeID, bytes], ...]]:
        """Append one leaf; return the new range and every perfect node this completes.

        The completed nodes start with the leaf itself, ``(NodeID(0, size), leaf_hash)``,
        followed by each parent merged, lowest first: a store writes them all, once.
        The range itself is not modified.

        Examples
        --------
        >>> from sitrace.ledger.merkle import leaf_hash
        >>> r, nodes = CompactRange.empty().append(leaf_hash(b"a"))
        >>> r, nodes = r.append(leaf_hash(b"b"))
        >>> [n for n, _ in nodes]
        [NodeID(level=0, index=1), NodeID(level=1, index=0)]
        """
        value = _hash(leaf_hash, "leaf hash")
        size = self.size
        hashes = list(self.hashes)
        level, index = 0, size
        completed = [(NodeID(0, index), value)]
        while index & 1:
            value = node_hash(hashes.pop(), value)
            level += 1
            index >>= 1
            completed.append((NodeID(level, index), value))
        hashes.append(value)
        return CompactRange._trusted(size + 1, tuple(hashes)), tuple(completed)

    def root(self) -> bytes:
        """MTH of the leaves ``[0, size)``; ``EMPTY_ROOT`` for the empty tree (RFC 6962, 2.1)."""
        if not self.hashes:
            return EMPTY_ROOT
        value = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            value = node_hash(h, value)
        return value

    def ids(self) -> tuple[NodeID, ...]:
        """The perfect nodes whose hashes :attr:`hashes` holds, in the same order."""
        return tuple(_cover(0, self.size))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict ``{"size": n, "hashes": [hex, ...]}`` for a store to persist."""
        return {"size": self.size, "hashes": [h.hex() for h in self.hashes]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompactRange:
        """The range saved by :meth:`to_dict`.

        Raises
        ------
        InputError
            Naming the field that is missing or malformed.
        """
        if not isinstance(data, Mapping):
            raise InputError(f"a compact range must be a dict, got {type(data).__name__}")
        for name in ("size", "hashes"):
            if name not in data:
                raise InputError("missing", where=f"compact range field '{name}'")
        size, hashes = data["size"], data["hashes"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise InputError(
                f"must be an integer >= 0, got {size!r}", where="compact range field 'size'"
            )
        if not isinstance(hashes, (list, tuple)):
            raise InputError(
                f"must be a list of hex strings, got {type(hashes).__name__}",
                where="compact range field 'hashes'",
            )
        decoded = []
        for i, text in enumerate(hashes):
            try:
                value = bytes.fromhex(text)
            except (TypeError, ValueError):
                value = None
            if value is None or len(value) != HASH_SIZE:
                raise InputError(
                    f"must be {2 * HASH_SIZE} hex digits, got {text!r}",
                    where=f"compact range field 'hashes[{i}]'",
                )
            decoded.append(value)
        return cls(size, tuple(decoded))

    @classmethod
    def from_nodes(cls, size: int, get: Callable[[NodeID], bytes]) -> CompactRange:
        """Rebuild the range of a tree of ``size`` leaves from its stored perfect nodes.

        ``get(node_id)`` returns the stored hash of a perfect node; it is called once
        for each of the popcount(size) nodes of :meth:`ids`.

        Raises
        ------
        LedgerError
            If ``get`` returns something that is not a 32-byte hash.
        """
        size = _count(size, "tree size")
        hashes = []
        for node in _cover(0, size):
            value = get(node)
            if not isinstance(value, (bytes, bytearray)) or len(value) != HASH_SIZE:
                raise LedgerError(
                    f"the store returned {value!r:.40} for node (level {node.level}, "
                    f"index {node.index}), not a {HASH_SIZE}-byte hash"
                )
            hashes.append(bytes(value))
        return cls._trusted(size, tuple(hashes))


@dataclass(frozen=True, slots=True)
class ProofNodes:
    """The perfect nodes a store fetches to build one proof, and how to combine them.

    Attributes
    ----------
    ids : tuple of NodeID
        The nodes to fetch, in order.
    begin, end : int
        ``ids[begin:end]`` (when it holds two or more nodes) are the perfect pieces of
        the one proof node that lies on the tree's right border and is not perfect;
        :meth:`rehash` folds them into that node's hash.
    """

    ids: tuple[NodeID, ...]
    begin: int = 0
    end: int = 0

    def rehash(self, hashes: Sequence[bytes]) -> list[bytes]:
        """The RFC 6962 proof, from the hashes fetched for :attr:`ids` (in that order).

        Returns a new list; ``hashes`` is not modified.

        Raises
        ------
        InputError
            If the number of hashes differs from the number of ids, or one is not 32 bytes.
        """
        if isinstance(hashes, (str, bytes, bytearray)) or not isinstance(hashes, Sequence):
            raise InputError(f"hashes must be a sequence, got {type(hashes).__name__}")
        if len(hashes) != len(self.ids):
            raise InputError(f"got {len(hashes)} hashes for {len(self.ids)} node ids")
        pairs = zip(hashes, self.ids, strict=True)
        fetched = [_hash(h, f"hash of node {node}") for h, node in pairs]
        if self.end - self.begin < 2:
            return fetched
        value = fetched[self.end - 1]
        for h in reversed(fetched[self.begin : self.end - 1]):
            value = node_hash(h, value)
        return [*fetched[: self.begin], value, *fetched[self.end :]]


def _proof_nodes(ranges: list[tuple[int, int]]) -> ProofNodes:
    ids: list[NodeID] = []
    begin = end = 0
    for lo, hi in ranges:
        group = _cover(lo, hi)
        if len(group) > 1:  # at most one proof node is not perfect (RFC 6962 tree shape)
            begin, end = len(ids), len(ids) + len(group)
        ids.extend(group)
    return ProofNodes(tuple(ids), begin, end)


def inclusion_nodes(index: int, size: int) -> ProofNodes:
    """The nodes to fetch for the inclusion proof of leaf ``index`` in a tree of ``size``.

    At most 2 log2(size) ids. ``rehash`` of their hashes gives PATH(index, D[size]).

    Raises
    ------
    InputError
        If ``index`` is not in ``0 <= index < size``.

    References
    ----------
    RFC 6962, 2.1.1; RFC 9162, 2.1.3.1.

    Examples
    --------
    >>> inclusion_nodes(2, 3).ids
    (NodeID(level=1, index=0),)
    """
    index = _count(index, "index")
    size = _count(size, "tree size")
    if index >= size:
        raise InputError(f"index {index} out of range for tree of size {size}")
    # PATH(m, D[lo:hi]) = PATH(m, D[lo:lo+k]) : MTH(D[lo+k:hi])   if m < lo + k
    #                   = PATH(m, D[lo+k:hi]) : MTH(D[lo:lo+k])   otherwise
    ranges, lo, hi = [], 0, size
    while hi - lo > 1:
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return _proof_nodes(ranges)


def consistency_nodes(old_size: int, new_size: int) -> ProofNodes:
    """The nodes to fetch for the consistency proof from tree size ``old_size`` to ``new_size``.

    No ids when ``old_size`` is 0 or equal to ``new_size`` (no proof is needed; see
    :func:`sitrace.ledger.merkle.verify_consistency`). At most 2 log2(new_size) ids
    otherwise; ``rehash`` of their hashes gives PROOF(old_size, D[new_size]).

    Raises
    ------
    InputError
        If not ``0 <= old_size <= new_size``.

    References
    ----------
    RFC 6962, 2.1.2; RFC 9162, 2.1.4.1.
    """
    m = _count(old_size, "old size")
    n = _count(new_size, "new size")
    if m > n:
        raise InputError(f"old size {m} out of range for tree of size {n}")
    if m in (0, n):
        return ProofNodes(())
    # SUBPROOF(m, D[lo:hi], complete), unrolled: collected from the top, reversed at the end.
    ranges, lo, hi, complete = [], 0, n, True
    while m != hi:
        k = 1 << ((hi - lo - 1).bit_length() - 1)
        if m - lo <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            complete = False
    if not complete:
        ranges.append((lo, hi))
    ranges.reverse()
    return _proof_nodes(ranges)
