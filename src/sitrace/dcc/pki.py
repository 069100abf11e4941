"""A small X.509 PKI for signing DCCs: a root CA and signing certificates.

For tests, the demo, and a data centre that has no certificate of its own. A
laboratory that signs real certificates uses a key and certificate from a
trust service provider instead (see :func:`sitrace.dcc.signature.load_signing_identity`);
a certificate made here is trusted by no one who has not been given its root.

Keys are ECDSA on NIST P-256 with SHA-256 signatures, as in the GEMIMEG-II
signed DCC examples (``ecdsa-sha256``). The profile follows RFC 5280:

- the root is self-signed, ``basicConstraints`` CA (critical), ``keyUsage``
  keyCertSign and cRLSign (critical), with a subject key identifier;
- a signing certificate is ``basicConstraints`` not-CA (critical),
  ``keyUsage`` digitalSignature and nonRepudiation (contentCommitment)
  (critical), with subject and authority key identifiers.

Contents
--------
- :func:`generate_root`: a self-signed root CA (:class:`Authority`).
- :func:`issue_authority`: an intermediate CA issued by an authority.
- :func:`issue_signer`: a signing key and certificate issued by an authority (:class:`Identity`).
- :func:`generate_identity`: both at once, for a data centre or a test.
- :func:`pem`: PEM bytes of keys and certificates.

References
----------
RFC 5280, *Internet X.509 Public Key Infrastructure Certificate and CRL Profile*:
4.1.2.5 (validity), 4.2.1.1-4.2.1.3 (key identifiers, key usage), 4.2.1.9
(basic constraints).
ETSI TS 119 312, *Cryptographic Suites* (ECDSA on P-256 with SHA-256).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..errors import InputError

__all__ = [
    "DEFAULT_ROOT_VALIDITY",
    "DEFAULT_SIGNER_VALIDITY",
    "Authority",
    "Identity",
    "generate_identity",
    "generate_root",
    "issue_authority",
    "issue_signer",
    "pem",
]

DEFAULT_ROOT_VALIDITY = dt.timedelta(days=20 * 365)
"""How long a root made here is valid (20 years)."""

DEFAULT_SIGNER_VALIDITY = dt.timedelta(days=5 * 365)
"""How long a signing certificate made here is valid (5 years)."""


@dataclass(frozen=True, eq=False)
class Authority:
    """A certification authority: its key, its certificate, and those above it.

    Attributes
    ----------
    key : EllipticCurvePrivateKey
        The CA's key.
    certificate : x509.Certificate
        The CA's certificate (self-signed for a root).
    issuers : tuple of x509.Certificate
        The certificates from its issuer up to the root; empty for a root.
    """

    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    issuers: tuple[x509.Certificate, ...] = ()

    @property
    def root(self) -> x509.Certificate:
        """The self-signed root this authority's path ends in."""
        return self.issuers[-1] if self.issuers else self.certificate

    @property
    def subject(self) -> str:
        """The authority's distinguished name (RFC 4514)."""
        return self.certificate.subject.rfc4514_string()


@dataclass(frozen=True, eq=False)
class Identity:
    """A signing key, its certificate chain and the root that chain ends in.

    Attributes
    ----------
    key : EllipticCurvePrivateKey
        The signing key.
    chain : tuple of x509.Certificate
        The signing certificate first, then any intermediate CA certificates:
        what :func:`sitrace.dcc.signature.sign` puts in ``ds:KeyInfo``.
    root : x509.Certificate
        The self-signed root; give it to ``verify(trusted_roots=...)``.
    """

    key: ec.EllipticCurvePrivateKey
    chain: tuple[x509.Certificate, ...]
    root: x509.Certificate

    @property
    def certificate(self) -> x509.Certificate:
        """The signing certificate (``chain[0]``)."""
        return self.chain[0]

    @property
    def subject(self) -> str:
        """The signer's distinguished name (RFC 4514)."""
        return self.certificate.subject.rfc4514_string()


def _name(common_name: str, organization: str | None, country: str | None) -> x509.Name:
    if not common_name or not common_name.strip():
        raise InputError("a certificate needs a non-empty common name", where="common_name")
    if country is not None and (len(country) != 2 or not country.isalpha()):
        raise InputError(
            f"must be a two-letter ISO 3166 country code, got {country!r}", where="country"
        )
    attributes = []
    if country is not None:
        attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, country.upper()))
    if organization is not None:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _validity(
    now: dt.datetime | None,
    not_before: dt.datetime | None,
    not_after: dt.datetime | None,
    valid_for: dt.timedelta,
) -> tuple[dt.datetime, dt.datetime]:
    for label, value in (("now", now), ("not_before", not_before), ("not_after", not_after)):
        if value is not None and value.tzinfo is None:
            raise InputError(f"must be timezone-aware (UTC), got {value.isoformat()}", where=label)
    start = not_before or now or dt.datetime.now(dt.UTC)
    end = not_after or start + valid_for
    if end <= start:
        raise InputError(
            f"not_after ({end.isoformat()}) must be after not_before ({start.isoformat()})",
            where="not_after",
        )
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def generate_root(
    common_name: str = "sitrace test root CA",
    *,
    organization: str | None = None,
    country: str | None = None,
    now: dt.datetime | None = None,
    valid_for: dt.timedelta = DEFAULT_ROOT_VALIDITY,
) -> Authority:
    """A new self-signed root CA (ECDSA P-256), valid from ``now`` for ``valid_for``.

    Parameters
    ----------
    common_name, organization, country : str
        The subject (and issuer) name: CN, O and C (two letters).
    now : datetime, optional
        Start of validity (timezone-aware); default: the current time.
    valid_for : timedelta
        Length of validity (default 20 years).

    Examples
    --------
    >>> import datetime as dt
    >>> root = generate_root("Test Root", now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    >>> root.subject
    'CN=Test Root'

    References
    ----------
    RFC 5280, 4.2.1.9 (basicConstraints cA), 4.2.1.3 (keyCertSign).
    """
    start, end = _validity(now, None, None, valid_for)
    return _authority(_name(common_name, organization, country), start, end, issuer=None)


def issue_authority(
    issuer: Authority,
    common_name: str,
    *,
    organization: str | None = None,
    country: str | None = None,
    now: dt.datetime | None = None,
    valid_for: dt.timedelta = DEFAULT_ROOT_VALIDITY,
) -> Authority:
    """A new intermediate CA (ECDSA P-256) whose certificate ``issuer`` signs.

    Its certificate goes in the signer's chain (``certificates=`` of
    :func:`sitrace.dcc.signature.sign`), after the signing certificate.

    References
    ----------
    RFC 5280, 4.2.1.9 (basicConstraints cA), 4.2.1.1 (authority key identifier).
    """
    start, end = _validity(now, None, None, valid_for)
    return _authority(_name(common_name, organization, country), start, end, issuer=issuer)


def _authority(
    name: x509.Name, start: dt.datetime, end: dt.datetime, *, issuer: Authority | None
) -> Authority:
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name if issuer is None else issuer.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(_authority_key_id(issuer), critical=False)
    if issuer is None:
        return Authority(key, builder.sign(key, hashes.SHA256()))
    certificate = builder.sign(issuer.key, hashes.SHA256())
    return Authority(key, certificate, (issuer.certificate, *issuer.issuers))


def _authority_key_id(issuer: Authority) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
        x509.SubjectKeyIdentifier.from_public_key(issuer.key.public_key())
    )


def issue_signer(
    authority: Authority,
    common_name: str,
    *,
    organization: str | None = None,
    country: str | None = None,
    now: dt.datetime | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    valid_for: dt.timedelta = DEFAULT_SIGNER_VALIDITY,
) -> Identity:
    """A new signing key (ECDSA P-256) and its certificate issued by ``authority``.

    Parameters
    ----------
    authority : Authority
        The issuing CA (from :func:`generate_root`).
    common_name, organization, country : str
        The signer's subject name: CN, O and C (two letters).
    now : datetime, optional
        Start of validity when ``not_before`` is not given; default: the current time.
    not_before, not_after : datetime, optional
        Explicit validity (timezone-aware); ``not_after`` defaults to
        ``not_before + valid_for``. Tests make expired certificates this way.
    valid_for : timedelta
        Length of validity (default 5 years).

    Returns
    -------
    Identity
        The key, the chain (the new certificate, then ``authority`` and the CAs
        above it, the root excepted) and the root.

    References
    ----------
    RFC 5280, 4.2.1.3 (digitalSignature, nonRepudiation), 4.2.1.9 (not a CA).
    """
    start, end = _validity(now, not_before, not_after, valid_for)
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organization, country))
        .issuer_name(authority.certificate.subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(_authority_key_id(authority), critical=False)
        .sign(authority.key, hashes.SHA256())
    )
    path = (authority.certificate, *authority.issuers)
    return Identity(key, (certificate, *path[:-1]), path[-1])


def generate_identity(
    common_name: str,
    *,
    organization: str | None = None,
    country: str | None = None,
    now: dt.datetime | None = None,
    root_name: str | None = None,
) -> Identity:
    """A new root CA and a signing identity issued by it, both valid from ``now``.

    The root is named ``root_name`` (default ``"<common_name> root CA"``).

    Examples
    --------
    >>> import datetime as dt
    >>> lab = generate_identity("Calibration Lab", organization="Lab GmbH", country="DE",
    ...                         now=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    >>> lab.subject, lab.root.subject.rfc4514_string()
    ('CN=Calibration Lab,O=Lab GmbH,C=DE', 'CN=Calibration Lab root CA,O=Lab GmbH,C=DE')
    """
    root = generate_root(
        root_name or f"{common_name} root CA",
        organization=organization,
        country=country,
        now=now,
    )
    return issue_signer(root, common_name, organization=organization, country=country, now=now)


def pem(*items: object, password: bytes | None = None) -> bytes:
    """PEM bytes of private keys (PKCS #8) and certificates, concatenated in order.

    A private key is encrypted with ``password`` when one is given (PKCS #8,
    best available encryption), else written in the clear.
    """
    out = []
    for item in items:
        if isinstance(item, x509.Certificate):
            out.append(item.public_bytes(serialization.Encoding.PEM))
        elif hasattr(item, "private_bytes"):
            encryption = (
                serialization.BestAvailableEncryption(password)
                if password
                else serialization.NoEncryption()
            )
            out.append(
                item.private_bytes(
                    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
                )
            )
        else:
            raise InputError(
                f"must be a private key or an x509.Certificate, got {type(item).__name__}",
                where="pem",
            )
    return b"".join(out)
