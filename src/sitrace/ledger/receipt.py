"""Receipts: what a writer gets back, checkable offline with the log's public key alone.

A receipt holds the logged bytes, their position, the inclusion proof and the signed
checkpoint of a tree that contains them. :func:`verify_receipt` recomputes the leaf
hash, walks the proof up to a root and compares it with the root the log signed; no
database is involved.

Contents
--------
- :class:`Receipt`: the entry, its leaf index, the tree size, the proof, the checkpoint.
- :class:`ReceiptCheck`, :func:`verify_receipt`: every problem found, in words.

References
----------
RFC 9162, 2.1.3.2 (inclusion proof verification); C2SP tlog-checkpoint and signed-note.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, LedgerError, SitraceError
from .merkle import HASH_SIZE, leaf_hash, root_from_inclusion_proof
from .note import Checkpoint, Verifier, _split_note, open_checkpoint

__all__ = ["Receipt", "ReceiptCheck", "verify_receipt"]


def _field(message: str, name: str) -> InputError:
    return InputError(message, where=f"receipt field '{name}'")


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _field(f"must be an integer >= 0, got {value!r}", name)
    return int(value)


@dataclass(frozen=True, slots=True)
class Receipt:
    """Proof that ``entry`` is leaf ``leaf_index`` of the log signed in ``checkpoint``.

    The fields are only type-checked here; whether they agree with each other is what
    :func:`verify_receipt` finds out.

    Attributes
    ----------
    entry : bytes
        The canonical serialization that was logged (the leaf's data).
    leaf_index : int
        Its 0-based position in the log.
    tree_size : int
        The size of the tree the proof and checkpoint are for.
    proof : tuple of bytes
        The RFC 6962 inclusion proof of the leaf in that tree, 32-byte hashes.
    checkpoint : str
        The signed checkpoint note (C2SP tlog-checkpoint) of that tree.
    """

    entry: bytes
    leaf_index: int
    tree_size: int
    proof: tuple[bytes, ...]
    checkpoint: str

    def __post_init__(self) -> None:
        if not isinstance(self.entry, (bytes, bytearray, memoryview)):
            raise _field(f"must be bytes, got {type(self.entry).__name__}", "entry")
        _count(self.leaf_index, "leaf_index")
        _count(self.tree_size, "tree_size")
        if isinstance(self.proof, (str, bytes)) or not isinstance(self.proof, (list, tuple)):
            raise _field(f"must be a list of hashes, got {type(self.proof).__name__}", "proof")
        for i, h in enumerate(self.proof):
            if not isinstance(h, (bytes, bytearray)):
                raise _field(f"must be bytes, got {type(h).__name__}", f"proof[{i}]")
        if not isinstance(self.checkpoint, str):
            raise _field(f"must be a string, got {type(self.checkpoint).__name__}", "checkpoint")
        object.__setattr__(self, "entry", bytes(self.entry))
        object.__setattr__(self, "proof", tuple(bytes(h) for h in self.proof))

    @property
    def leaf_hash(self) -> bytes:
        """SHA-256(0x00 || entry), the leaf hash of the entry (RFC 6962, 2.1)."""
        return leaf_hash(self.entry)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict.

        ``entry`` is the UTF-8 text of the entry when it decodes (``"entry_encoding":
        "utf-8"``, the case of canonical JSON), else its standard base64
        (``"entry_encoding": "base64"``). Hashes (``leaf_hash``, ``proof``) are lowercase
        hex, as elsewhere in sitrace; the checkpoint keeps its own base64 root.
        """
        try:
            entry, encoding = self.entry.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            entry, encoding = base64.b64encode(self.entry).decode("ascii"), "base64"
        return {
            "entry": entry,
            "entry_encoding": encoding,
            "leaf_hash": self.leaf_hash.hex(),
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "proof": [h.hex() for h in self.proof],
            "checkpoint": self.checkpoint,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Receipt:
        """The receipt written by :meth:`to_dict`.

        ``entry_encoding`` defaults to ``"utf-8"``; ``leaf_hash`` is optional and, when
        given, must match the entry.

        Raises
        ------
        InputError
            Naming the field that is missing or malformed.
        """
        if not isinstance(data, Mapping):
            raise InputError(f"a receipt must be a dict, got {type(data).__name__}")
        for name in ("entry", "leaf_index", "tree_size", "proof", "checkpoint"):
            if name not in data:
                raise _field("missing", name)
        entry = _decode_entry(data["entry"], data.get("entry_encoding", "utf-8"))
        proof = data["proof"]
        if not isinstance(proof, (list, tuple)):
            raise _field(f"must be a list of hex strings, got {type(proof).__name__}", "proof")
        receipt = cls(
            entry=entry,
            leaf_index=_count(data["leaf_index"], "leaf_index"),
            tree_size=_count(data["tree_size"], "tree_size"),
            proof=tuple(_hex_hash(h, f"proof[{i}]") for i, h in enumerate(proof)),
            checkpoint=data["checkpoint"],
        )
        if "leaf_hash" in data and _hex_hash(data["leaf_hash"], "leaf_hash") != receipt.leaf_hash:
            raise _field("does not match the entry", "leaf_hash")
        return receipt


def _decode_entry(entry: Any, encoding: Any) -> bytes:
    if not isinstance(entry, str):
        raise _field(f"must be a string, got {type(entry).__name__}", "entry")
    if encoding == "utf-8":
        try:
            return entry.encode("utf-8")
        except UnicodeEncodeError as error:
            raise _field("is not valid Unicode", "entry") from error
    if encoding == "base64":
        try:
            return base64.b64decode(entry, validate=True)
        except (binascii.Error, ValueError) as error:
            raise _field("is not standard base64", "entry") from error
    raise _field(f"must be 'utf-8' or 'base64', got {encoding!r}", "entry_encoding")


def _hex_hash(text: Any, name: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except (TypeError, ValueError):
        value = None
    if value is None or len(value) != HASH_SIZE:
        raise _field(f"must be {2 * HASH_SIZE} hex digits, got {text!r}", name)
    return value


@dataclass(frozen=True, slots=True)
class ReceiptCheck:
    """What :func:`verify_receipt` found: ``ok`` when ``problems`` is empty."""

    ok: bool
    problems: tuple[str, ...] = ()


def _unverified_checkpoint(note: str) -> Checkpoint | None:
    """The checkpoint text of a note whose signature failed, to go on checking the rest."""
    try:
        text, _ = _split_note(note)
        return Checkpoint.parse(text)
    except SitraceError:
        return None


def verify_receipt(receipt: Receipt, verifier: Verifier | str) -> ReceiptCheck:
    """Check a receipt offline against the log's public key; never raises on a bad receipt.

    Checks that the checkpoint is signed by ``verifier``, that it is for the receipt's
    tree size, and that the inclusion proof leads from the entry's leaf hash to the
    checkpoint's root. Goes on after a failure, so every problem found is listed.

    Parameters
    ----------
    receipt : Receipt
        What the log returned for a write.
    verifier : Verifier or str
        The log's public key, or its verifier key text ``<name>+<key ID>+<base64>``.

    References
    ----------
    RFC 9162, 2.1.3.2; C2SP signed-note, "Signatures"; C2SP tlog-checkpoint.

    Examples
    --------
    A log of one entry, whose root is that entry's leaf hash:

    >>> from sitrace.ledger import Checkpoint, Signer, sign_checkpoint
    >>> signer = Signer("example.org/ledger", bytes(32))
    >>> entry = b'{"id":1}'
    >>> note = sign_checkpoint(Checkpoint("example.org/ledger", 1, leaf_hash(entry)), signer)
    >>> verify_receipt(Receipt(entry, 0, 1, (), note), signer.verifier)
    ReceiptCheck(ok=True, problems=())
    >>> verify_receipt(Receipt(b'{"id":2}', 0, 1, (), note), signer.verifier).ok
    False
    """
    if not isinstance(receipt, Receipt):
        return ReceiptCheck(False, (f"not a receipt: got {type(receipt).__name__}",))
    problems: list[str] = []
    if isinstance(verifier, str):
        try:
            verifier = Verifier.from_key(verifier)
        except InputError as error:
            problems.append(f"the verifier key is malformed: {error}")
    checkpoint: Checkpoint | None = None
    if isinstance(verifier, Verifier):
        try:
            checkpoint = open_checkpoint(receipt.checkpoint, verifier)
        except LedgerError as error:
            problems.append(f"the checkpoint signature is invalid: {error}")
    elif not problems:
        problems.append(f"not a verifier: got {type(verifier).__name__}")
    if checkpoint is None:
        checkpoint = _unverified_checkpoint(receipt.checkpoint)
        if checkpoint is None:
            problems.append("the checkpoint is not a well-formed checkpoint note")
            return ReceiptCheck(False, tuple(problems))
    problems.extend(_proof_problems(receipt, checkpoint))
    return ReceiptCheck(not problems, tuple(problems))


def _proof_problems(receipt: Receipt, checkpoint: Checkpoint) -> list[str]:
    problems = []
    if checkpoint.size != receipt.tree_size:
        problems.append(
            f"the checkpoint is for tree size {checkpoint.size}, the receipt for tree "
            f"size {receipt.tree_size}"
        )
    if receipt.leaf_index >= receipt.tree_size:
        problems.append(
            f"leaf index {receipt.leaf_index} is not in a tree of size {receipt.tree_size}"
        )
        return problems
    try:
        reached = root_from_inclusion_proof(
            receipt.leaf_hash, receipt.leaf_index, receipt.tree_size, list(receipt.proof)
        )
    except InputError as error:
        problems.append(f"the inclusion proof is malformed: {error}")
        return problems
    if reached != checkpoint.root:
        problems.append(
            f"the inclusion proof does not lead to the checkpoint root: leaf "
            f"{receipt.leaf_index} leads to {reached.hex()}, the checkpoint root is "
            f"{checkpoint.root.hex()}"
        )
    return problems
