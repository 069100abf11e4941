"""The ledger: an RFC 6962 Merkle log of canonical records, with signed checkpoints.

Pure computation: no database, no clock, no global state. The store keeps the
bytes; this package knows the shapes and the hashes.

Contents
--------
- :mod:`~sitrace.ledger.merkle`: leaf and node hashes, the tree hash, inclusion and
  consistency proofs and their verification (RFC 6962, 2.1; RFC 9162, 2.1).
- :mod:`~sitrace.ledger.tree`: :class:`NodeID`, :class:`CompactRange` (append, root),
  :func:`inclusion_nodes`, :func:`consistency_nodes`: O(log n) proofs from stored nodes.
- :func:`canonical_json`: the RFC 8785 serialization of what is logged.
- :mod:`~sitrace.ledger.note`: Ed25519 :class:`Signer` / :class:`Verifier`, signed notes
  and :class:`Checkpoint` (C2SP signed-note, tlog-checkpoint).
- :class:`Receipt`, :func:`verify_receipt`: offline proof that a record was logged.
"""

from . import merkle
from .canonical import canonical_json
from .merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    LEAF_PREFIX,
    NODE_PREFIX,
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
from .note import (
    Checkpoint,
    Signer,
    Verifier,
    generate_signer,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from .receipt import Receipt, ReceiptCheck, verify_receipt
from .tree import CompactRange, NodeID, ProofNodes, consistency_nodes, inclusion_nodes

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "LEAF_PREFIX",
    "NODE_PREFIX",
    "Checkpoint",
    "CompactRange",
    "NodeID",
    "ProofNodes",
    "Receipt",
    "ReceiptCheck",
    "Signer",
    "Verifier",
    "canonical_json",
    "consistency_nodes",
    "consistency_proof",
    "consistency_proof_from_leaf_hashes",
    "generate_signer",
    "inclusion_nodes",
    "inclusion_proof",
    "inclusion_proof_from_leaf_hashes",
    "leaf_hash",
    "merkle",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "root",
    "root_from_inclusion_proof",
    "root_from_leaf_hashes",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
    "verify_receipt",
]
