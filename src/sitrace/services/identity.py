"""The data centre's DCC signing identity: a private key and its X.509 chain.

A laboratory with its own (qualified) certificate configures it with
``SITRACE_DCC_KEY`` and ``SITRACE_DCC_CERT``; otherwise the data centre creates
a self-signed identity once and keeps it beside its ledger key with mode 0600
(:meth:`sitrace.config.Settings.default_dcc_identity_file`).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ..config import Settings
from ..dcc import pki
from ..dcc.signature import load_signing_identity
from ..errors import InputError

__all__ = ["SigningIdentity", "load_identity", "load_roots"]


@dataclass(frozen=True, eq=False)
class SigningIdentity:
    """A signing key, its certificate chain (signer first) and the roots trusted on verify."""

    key: object
    certificates: tuple[x509.Certificate, ...]
    roots: tuple[x509.Certificate, ...] = ()

    @property
    def subject(self) -> str:
        """The signer's distinguished name (RFC 4514)."""
        return self.certificates[0].subject.rfc4514_string()


def load_roots(path: Path | None) -> tuple[x509.Certificate, ...]:
    """The trusted roots in a PEM file (none when ``path`` is None)."""
    if path is None:
        return ()
    try:
        return tuple(x509.load_pem_x509_certificates(Path(path).read_bytes()))
    except (OSError, ValueError) as error:
        raise InputError(f"not a PEM file of certificates: {error}", where=str(path)) from error


def load_identity(settings: Settings, *, now: dt.datetime | None = None) -> SigningIdentity:
    """The configured identity, or the data centre's own self-signed one (created once)."""
    roots = load_roots(settings.dcc_roots)
    if settings.dcc_key is not None:
        if settings.dcc_cert is None:
            raise InputError("a signing key needs its certificate", where="SITRACE_DCC_CERT")
        key, chain = load_signing_identity(settings.dcc_key, settings.dcc_cert)
        return SigningIdentity(key, chain, roots)
    path = settings.default_dcc_identity_file()
    if not path.exists():
        _create(path, settings.origin, now)
    key, certificates = load_signing_identity(path, path)
    own_root = tuple(c for c in certificates if c.issuer == c.subject)
    chain = tuple(c for c in certificates if c.issuer != c.subject)
    return SigningIdentity(key, chain, roots + own_root)


def _create(path: Path, origin: str, now: dt.datetime | None) -> None:
    identity = pki.generate_identity(f"sitrace data centre {origin}", now=now)
    pem = b"".join(
        [
            identity.key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            ),
            *(c.public_bytes(serialization.Encoding.PEM) for c in identity.chain),
            identity.root.public_bytes(serialization.Encoding.PEM),
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
