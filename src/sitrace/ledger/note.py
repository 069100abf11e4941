"""Signed notes (C2SP signed-note) with Ed25519, and log checkpoints (C2SP tlog-checkpoint).

A signed note is a text ending in a newline, a blank line, and one or more
signature lines ``— <key name> <base64(key ID || signature)>``. A checkpoint is a
note whose text is the log's origin, tree size and root hash: the signed tree
head that other parties keep and compare.

Contents
--------
- :class:`Signer`, :class:`Verifier`, :func:`generate_signer`: Ed25519 keys in the
  ``PRIVATE+KEY+<name>+<key ID>+<base64>`` / ``<name>+<key ID>+<base64>`` text forms.
- :func:`sign_note`, :func:`open_note`: sign a text; check a note's signatures.
- :class:`Checkpoint`, :func:`sign_checkpoint`, :func:`open_checkpoint`.

References
----------
C2SP signed-note (https://c2sp.org/signed-note), "Format", "Signatures", "Ed25519
signatures"; C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint), "Note text";
RFC 8032 (Ed25519); golang.org/x/mod/sumdb/note (the key text forms).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ..errors import InputError, LedgerError, SignatureError
from .merkle import HASH_SIZE

__all__ = [
    "Checkpoint",
    "Signer",
    "Verifier",
    "generate_signer",
    "open_checkpoint",
    "open_note",
    "sign_checkpoint",
    "sign_note",
]

#: Signature type identifier of Ed25519 (C2SP signed-note, "Signature types").
ALG_ED25519 = 0x01
#: Signatures read from one note at most; C2SP asks verifiers to accept at least 16.
MAX_SIGNATURES = 100
_DASH = "— "  # U+2014 EM DASH, U+0020 SPACE
_SIZE = re.compile(r"(0|[1-9][0-9]*)\Z")


def _valid_name(name: str) -> bool:
    """Key names are non-empty, without Unicode spaces, "+" or control characters."""
    return bool(name) and not any(ch.isspace() or ch == "+" or ord(ch) < 0x20 for ch in name)


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str):
        raise InputError(f"{what} must be a string, got {type(name).__name__}")
    if not _valid_name(name):
        raise InputError(
            f"{what} {name!r} must be non-empty, without spaces, '+' or control characters"
        )
    return name


def _key_id(name: str, public_key: bytes) -> bytes:
    """SHA-256(key name || 0x0A || 0x01 || public key)[:4] (C2SP signed-note, Ed25519)."""
    return sha256(name.encode("utf-8") + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


def _b64(text: str) -> bytes | None:
    """Strict standard base64 (RFC 4648, 4), or None."""
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return data if base64.b64encode(data).decode("ascii") == text else None


def _split_key(text: object, parts: int, what: str) -> list[str]:
    if not isinstance(text, str):
        raise InputError(f"must be a string, got {type(text).__name__}", where=what)
    fields = text.split("+", parts - 1)
    if len(fields) != parts:
        raise InputError(f"has {parts} fields separated by '+', got {len(fields)}", where=what)
    return fields


def _key_material(fields: list[str], what: str) -> tuple[str, bytes, bytes]:
    name, key_id_hex, encoded = fields
    if not _valid_name(name):
        raise InputError(
            "the name must be non-empty, without spaces, '+' or control characters", where=what
        )
    if not re.fullmatch(r"[0-9a-f]{8}", key_id_hex):
        raise InputError("the key ID must be 8 lowercase hex digits", where=what)
    data = _b64(encoded)
    if data is None:
        raise InputError("the key is not standard base64", where=what)
    if not data or data[0] != ALG_ED25519:
        raise InputError("not an Ed25519 key (type 0x01)", where=what)
    if len(data) != 33:
        raise InputError(f"an Ed25519 key is 32 bytes, got {len(data) - 1}", where=what)
    return name, bytes.fromhex(key_id_hex), data[1:]


@dataclass(frozen=True, slots=True)
class Verifier:
    """An Ed25519 public key with its name: checks signatures of notes.

    Attributes
    ----------
    name : str
        The key name, e.g. the log's origin ``"example.org/ledger"``.
    public_key : bytes
        The 32-byte Ed25519 public key (RFC 8032).
    """

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name, "key name")
        if not isinstance(self.public_key, (bytes, bytearray)) or len(self.public_key) != 32:
            raise InputError("an Ed25519 public key is 32 bytes")
        object.__setattr__(self, "public_key", bytes(self.public_key))

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID, SHA-256(name || "\\n" || 0x01 || public key)[:4]."""
        return _key_id(self.name, self.public_key)

    @property
    def key(self) -> str:
        """The verifier key text ``<name>+<hex key ID>+<base64(0x01 || public key)>``."""
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def from_key(cls, text: str) -> Verifier:
        """Parse a verifier key ``<name>+<hex key ID>+<base64(0x01 || public key)>``.

        Raises
        ------
        InputError
            If the text is malformed, the key is not Ed25519, or the key ID does not
            match the name and key.
        """
        fields = _split_key(text, 3, "verifier key")
        name, key_id, public_key = _key_material(fields, "verifier key")
        verifier = cls(name, public_key)
        if verifier.key_id != key_id:
            raise InputError(
                f"the key ID {key_id.hex()} does not match the name and key "
                f"(expected {verifier.key_id.hex()})",
                where=f"verifier key {name!r}",
            )
        return verifier

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}"


@dataclass(frozen=True, slots=True)
class Signer:
    """An Ed25519 private key with its name: signs notes and checkpoints.

    The seed is secret: it is left out of ``repr`` and only :attr:`key` gives it out.

    Attributes
    ----------
    name : str
        The key name, by convention the log's origin.
    seed : bytes
        The 32-byte Ed25519 private key seed (RFC 8032, 5.1.5).
    public_key : bytes
        Derived from the seed.
    """

    name: str
    seed: bytes = field(repr=False)
    public_key: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_name(self.name, "key name")
        if not isinstance(self.seed, (bytes, bytearray)) or len(self.seed) != 32:
            raise InputError("an Ed25519 private key seed is 32 bytes")
        seed = bytes(self.seed)
        public = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()
        object.__setattr__(self, "seed", seed)
        object.__setattr__(self, "public_key", public)

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID of the public key (the same as :attr:`verifier`'s)."""
        return _key_id(self.name, self.public_key)

    @property
    def verifier(self) -> Verifier:
        """The public half, to hand to whoever checks this key's signatures."""
        return Verifier(self.name, self.public_key)

    @property
    def key(self) -> str:
        """The secret signer key text ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``."""
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.seed).decode("ascii")
        return f"PRIVATE+KEY+{self.name}+{self.key_id.hex()}+{encoded}"

    @classmethod
    def from_key(cls, text: str) -> Signer:
        """Parse a signer key ``PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>``.

        Raises
        ------
        InputError
            If the text is malformed or its key ID does not match; the message never
            repeats the key.
        """
        fields = _split_key(text, 5, "signer key")
        if fields[:2] != ["PRIVATE", "KEY"]:
            raise InputError("must start with 'PRIVATE+KEY+'", where="signer key")
        name, key_id, seed = _key_material(fields[2:], "signer key")
        signer = cls(name, seed)
        if signer.key_id != key_id:
            raise InputError(
                f"the key ID {key_id.hex()} does not match the name and key",
                where=f"signer key {name!r}",
            )
        return signer

    def sign(self, message: bytes) -> bytes:
        """The 64-byte Ed25519 signature of ``message`` (RFC 8032, 5.1.6)."""
        return Ed25519PrivateKey.from_private_bytes(self.seed).sign(message)

    def __str__(self) -> str:
        return f"{self.name}+{self.key_id.hex()}"


def generate_signer(name: str) -> Signer:
    """A new Ed25519 signer named ``name``, from the operating system's randomness.

    Examples
    --------
    >>> signer = generate_signer("example.org/ledger")
    >>> Verifier.from_key(signer.verifier.key) == signer.verifier
    True
    """
    _check_name(name, "key name")
    return Signer(name, Ed25519PrivateKey.generate().private_bytes_raw())


def _check_text(text: object, what: str, error: type[Exception]) -> str:
    if not isinstance(text, str):
        raise error(f"{what} must be a string, got {type(text).__name__}")
    for i, ch in enumerate(text):
        if (ord(ch) < 0x20 and ch != "\n") or 0xD800 <= ord(ch) <= 0xDFFF:
            raise error(f"{what} contains the character U+{ord(ch):04X} at offset {i}")
    return text


def sign_note(text: str, *signers: Signer) -> str:
    """Sign ``text`` with each signer: the text, a blank line, one signature line per signer.

    ``text`` must end in a newline and contain no control characters other than newlines.

    Raises
    ------
    InputError
        If the text is malformed or no signer is given.

    References
    ----------
    C2SP signed-note, "Format" and "Signatures".
    """
    _check_text(text, "a note's text", InputError)
    if not text.endswith("\n"):
        raise InputError("a note's text must end with a newline")
    if not signers:
        raise InputError("sign_note needs at least one signer")
    message = text.encode("utf-8")
    lines = []
    for signer in signers:
        if not isinstance(signer, Signer):
            raise InputError(f"not a Signer: {type(signer).__name__}")
        encoded = base64.b64encode(signer.key_id + signer.sign(message)).decode("ascii")
        lines.append(f"{_DASH}{signer.name} {encoded}\n")
    return text + "\n" + "".join(lines)


def _verifier_table(verifiers: Verifier | Iterable[Verifier]) -> dict[tuple[str, bytes], object]:
    if isinstance(verifiers, Verifier):
        verifiers = [verifiers]
    if isinstance(verifiers, (str, bytes)) or not isinstance(verifiers, Iterable):
        raise InputError(f"verifiers must be Verifiers, got {type(verifiers).__name__}")
    table: dict[tuple[str, bytes], object] = {}
    for v in verifiers:
        if not isinstance(v, Verifier):
            raise InputError(f"not a Verifier: {type(v).__name__}")
        known = table.setdefault((v.name, v.key_id), v)
        if known != v:
            table[(v.name, v.key_id)] = None  # two different keys share name and ID
    return table


def _split_note(note: object) -> tuple[str, list[str]]:
    """The text and the signature lines of a note (not checked)."""
    _check_text(note, "a signed note", SignatureError)
    assert isinstance(note, str)
    split = note.rfind("\n\n")
    if split < 0 or split + 2 == len(note):
        raise SignatureError("the note has no signatures (no signature lines after a blank line)")
    if not note.endswith("\n"):
        raise SignatureError("malformed note: the last signature line does not end in a newline")
    return note[: split + 1], note[split + 2 : -1].split("\n")


def _parse_signature(line: str, number: int) -> tuple[str, bytes, bytes]:
    if not line.startswith(_DASH):
        raise SignatureError(f"malformed note: signature line {number} does not start with '— '")
    name, _, encoded = line[len(_DASH) :].partition(" ")
    data = _b64(encoded)
    if data is None or len(data) < 5 or not _valid_name(name):
        raise SignatureError(f"malformed note: signature line {number} is not '— <name> <base64>'")
    return name, data[:4], data[4:]


def open_note(note: str, verifiers: Verifier | Iterable[Verifier]) -> str:
    """The text of ``note`` if a known key signed it; raises otherwise.

    Signatures by keys not in ``verifiers`` are ignored. Every signature by a known
    key must verify (one bad signature rejects the whole note), and at least one must.

    Parameters
    ----------
    note : str
        The signed note.
    verifiers : Verifier or iterable of Verifier
        The trusted keys.

    Raises
    ------
    SignatureError
        With the reason: a malformed note, no signatures, no signature by a known key,
        an invalid signature.

    References
    ----------
    C2SP signed-note, "Signatures".
    """
    table = _verifier_table(verifiers)
    text, lines = _split_note(note)
    if len(lines) > MAX_SIGNATURES:
        raise SignatureError(f"malformed note: more than {MAX_SIGNATURES} signatures")
    message = text.encode("utf-8")
    verified, unknown = set(), []
    for number, line in enumerate(lines, 1):
        name, key_id, signature = _parse_signature(line, number)
        if (name, key_id) not in table:
            unknown.append(f"{name}+{key_id.hex()}")
            continue
        verifier = table[(name, key_id)]
        if verifier is None:
            raise SignatureError(f"ambiguous key {name}+{key_id.hex()}: two verifiers share it")
        if (name, key_id) in verified:
            continue
        if not isinstance(verifier, Verifier) or not verifier.verify(message, signature):
            raise SignatureError(f"invalid signature by key {name}+{key_id.hex()}")
        verified.add((name, key_id))
    if not verified:
        known = ", ".join(f"{n}+{k.hex()}" for n, k in table) or "none"
        raise SignatureError(
            f"no signature by a known key: signed by {', '.join(unknown)}; known keys: {known}"
        )
    return text


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A log's signed tree head: origin, tree size and root hash (C2SP tlog-checkpoint).

    Attributes
    ----------
    origin : str
        The log's identity, e.g. ``"example.org/ledger"``.
    size : int
        Number of leaves.
    root : bytes
        The RFC 6962 root hash at ``size`` (32 bytes).
    extensions : tuple of str
        Optional extra lines (non-empty; C2SP advises against them).
    """

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for what, line in (("origin", self.origin), *(("extension", e) for e in self.extensions)):
            _check_text(line, f"the checkpoint {what}", InputError)
            if not line or "\n" in line:
                raise InputError(f"the checkpoint {what} must be one non-empty line, got {line!r}")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise InputError(f"the checkpoint size must be an integer >= 0, got {self.size!r}")
        if not isinstance(self.root, (bytes, bytearray)) or len(self.root) != HASH_SIZE:
            raise InputError(f"the checkpoint root must be {HASH_SIZE} bytes")
        object.__setattr__(self, "root", bytes(self.root))
        object.__setattr__(self, "extensions", tuple(self.extensions))

    def to_text(self) -> str:
        """The note text: origin, decimal size, base64 root, extensions; each line ends in "\\n".

        Examples
        --------
        >>> print(Checkpoint("example.org/ledger", 0, bytes(32)).to_text(), end="")
        example.org/ledger
        0
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=
        """
        root = base64.b64encode(self.root).decode("ascii")
        lines = (self.origin, str(self.size), root, *self.extensions)
        return "".join(f"{line}\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """The checkpoint written as ``text`` (a note's text, signatures removed).

        Raises
        ------
        LedgerError
            If the text is not a well-formed checkpoint, with the line at fault.

        References
        ----------
        C2SP tlog-checkpoint, "Note text".
        """
        if not isinstance(text, str) or not text.endswith("\n"):
            raise LedgerError("malformed checkpoint: the text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise LedgerError(
                f"malformed checkpoint: {len(lines)} lines, needs origin, size and root hash"
            )
        origin, size, root, *extensions = lines
        if not origin:
            raise LedgerError("malformed checkpoint: line 1 (origin) is empty")
        if not _SIZE.match(size):
            raise LedgerError(
                "malformed checkpoint: line 2 (tree size) must be a decimal number without "
                f"leading zeros, got {size!r}"
            )
        digest = _b64(root)
        if digest is None or len(digest) != HASH_SIZE:
            raise LedgerError(
                f"malformed checkpoint: line 3 (root hash) must be the base64 of {HASH_SIZE} "
                f"bytes, got {root!r}"
            )
        for number, line in enumerate(extensions, 4):
            if not line:
                raise LedgerError(f"malformed checkpoint: line {number} (extension) is empty")
        try:
            return cls(origin, int(size), digest, tuple(extensions))
        except InputError as error:
            raise LedgerError(f"malformed checkpoint: {error.message}") from error


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """The checkpoint as a note signed by ``signer`` (C2SP tlog-checkpoint, "Signatures")."""
    if not isinstance(checkpoint, Checkpoint):
        raise InputError(f"not a Checkpoint: {type(checkpoint).__name__}")
    return sign_note(checkpoint.to_text(), signer)


def open_checkpoint(note: str, verifier: Verifier | Sequence[Verifier]) -> Checkpoint:
    """The checkpoint in ``note`` if ``verifier`` signed it.

    Raises
    ------
    SignatureError
        If no valid signature by ``verifier`` is found (see :func:`open_note`).
    LedgerError
        If the signed text is not a checkpoint.
    """
    return Checkpoint.parse(open_note(note, verifier))
