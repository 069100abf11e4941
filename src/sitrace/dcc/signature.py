"""Signing and verifying DCCs: enveloped XAdES baseline signatures (XAdES-B-B).

A DCC is signed with one enveloped ``ds:Signature``, the last child of the root
element, where DCC 3.2.0 and later allow it (3.3.0 ``dcc.xsd``:
``<xs:element ref="ds:Signature" minOccurs="0" maxOccurs="unbounded"/>`` at the
end of ``digitalCalibrationCertificateType``; DCC 3.1.x schemas have no place for
a signature, so a signed 3.1.x file no longer validates against its own XSD).
The signature is made and checked by ``signxml``; sitrace adds what a DCC needs
around it: the signing time as a parameter, the signature written into the bytes
received without re-serialising them, and a report that keeps integrity, the
signer certificate's validity and trust apart.

Contents
--------
- :func:`canonical_digest`: the certificate hash logged in the ledger and printed in the QR code.
- :func:`sign`: add an enveloped XAdES-B-B signature (ECDSA P-256 with SHA-256 by default).
- :func:`verify`: check it; a :class:`VerificationReport`.
- :func:`load_signing_identity`: a key and certificate chain from PEM files.

What a signature made here contains
-----------------------------------
- ``ds:SignedInfo`` canonicalized with Exclusive XML Canonicalization 1.0
  (without comments), signature method ``ecdsa-sha256`` for a P-256 key
  (``ecdsa-sha384``/``-sha512`` for P-384/P-521, ``rsa-sha256`` for RSA keys of
  2048 bits or more), digests SHA-256.
- three references: the whole document (``URI=""``, transforms
  enveloped-signature and exclusive c14n), ``xades:SignedProperties`` and
  ``ds:KeyInfo`` (both with an explicit exclusive-c14n transform).
- ``ds:KeyInfo/ds:X509Data``: the signing certificate first, then the chain given.
- ``xades:SignedProperties``: ``SigningTime`` (UTC, to the second),
  ``SigningCertificateV2`` (SHA-256 digests of the certificates) and
  ``DataObjectFormat`` (``text/xml``) for the document reference.

What a signature covers, and what it does not
---------------------------------------------
Exclusive c14n without comments (W3C Exc-C14N 1.0, 1.1 and 3) makes the signed
octets independent of the XML declaration and encoding, attribute order and
quoting, whitespace inside tags, empty-element syntax, character references and
namespace declarations that no element or attribute name uses. Everything else
in the root element is covered: every element, attribute value and text node,
including the whitespace between elements (re-indenting a signed file breaks its
signature). Not covered: comments, and namespace declarations that are not
visibly used. Processing instructions outside the root (``<?xml-stylesheet?>``)
are covered by ``URI=""`` in XMLDSig 1.1, 4.4.3.3 but not by signxml, so
:func:`sign` refuses a document that has one and :func:`verify` reports one as a
problem instead of silently ignoring it.

References
----------
W3C, *XML Signature Syntax and Processing Version 1.1* (2013): 4.3.3
(``ds:Reference``), 4.4.3.3 (same-document URI ``""``), 4.5.4 (``ds:X509Data``),
6.6.4 (enveloped-signature transform), 3.2.1 (reference and signature validation).
W3C, *Exclusive XML Canonicalization Version 1.0* (2002), without comments.
ETSI EN 319 132-1 V1.1.1, *XAdES digital signatures; Part 1: Building blocks and
XAdES baseline signatures* (2016): 4.3 (``xades:QualifyingProperties``,
``@Target``), 5.2.1 (``SigningTime``), 5.2.2 (``SigningCertificateV2``), 5.2.4
(``DataObjectFormat``), 6.3 (XAdES-B-B).
ETSI EN 319 102-1 V1.1.1, *Procedures for creation and validation of AdES digital
signatures* (2016): 5.2.3 (identification of the signing certificate), 5.2.6
(X.509 certificate validation), 5.2.7 (cryptographic verification).
"""

from __future__ import annotations

import base64
import binascii
import copy
import datetime as dt
import hashlib
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import cryptography.exceptions
import cryptography.utils
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import verification
from lxml import etree
from signxml import SignatureConstructionMethod
from signxml.algorithms import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureMethod,
    digest_algorithm_implementations,
)
from signxml.exceptions import SignXMLException
from signxml.xades import (
    XAdESDataObjectFormat,
    XAdESSignatureConfiguration,
    XAdESSigner,
    XAdESVerifier,
)

from ..errors import DccParseError, DccSignatureError, InputError
from .parsing import DCC_NS, DS_NS, NSMAP, XADES_NS, Document, parse, safe_parser

__all__ = [
    "EXCLUSIVE_C14N",
    "UNKNOWN_ROOT",
    "VerificationReport",
    "canonical_digest",
    "load_signing_identity",
    "sign",
    "verify",
]

EXCLUSIVE_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0.value
"""``http://www.w3.org/2001/10/xml-exc-c14n#``: Exclusive XML Canonicalization 1.0 (no comments)."""

UNKNOWN_ROOT = "unknown root"
"""The :attr:`VerificationReport.trust` of a chain that reaches no configured root."""

_SIGNED_PROPERTIES_TYPE = "http://uri.etsi.org/01903#SignedProperties"
_DS = f"{{{DS_NS}}}"
_XADES = f"{{{XADES_NS}}}"
_EC_METHODS = {
    "secp256r1": SignatureMethod.ECDSA_SHA256,
    "secp384r1": SignatureMethod.ECDSA_SHA384,
    "secp521r1": SignatureMethod.ECDSA_SHA512,
}
_MIN_RSA_BITS = 2048
_ID_ATTRIBUTES = ("Id", "ID", "id")

Source = str | Path | bytes | BinaryIO | Document


# --- the report -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerificationReport:
    """What :func:`verify` found, kept apart: integrity, the signer's certificate, trust.

    Attributes
    ----------
    integrity : bool
        The signature value checks with the signer's key and every reference
        digest matches (XMLDSig 1.1, 3.2.1), the signature covers the whole
        certificate, and its XAdES structure binds the signer certificate
        (``SigningCertificateV2``). True means: not one signed character changed.
    signer : str
        The signer certificate's subject (RFC 4514), ``""`` when there is none.
    signing_time : datetime or None
        ``xades:SigningTime`` (UTC). The signer's claim, not a time-stamp.
    certificate_valid_at_signing : bool
        The signer certificate was within its validity period at ``signing_time``
        and is the one ``xades:SigningCertificateV2`` names by digest.
    trust : str
        ``"trusted root: <DN>"`` when the certificates of the signature and the
        trusted roots given build a chain to one of those roots, each certificate
        signed by the next and valid at the time checked; else ``"unknown root"``.
    problems : tuple of str
        What failed, in words (for example signxml's
        ``"Digest mismatch for reference 0 ()"`` with what that reference is).
    signatures : int
        How many ``ds:Signature`` children the root has (the first is verified).
    """

    integrity: bool
    signer: str
    signing_time: dt.datetime | None
    certificate_valid_at_signing: bool
    trust: str
    problems: tuple[str, ...] = ()
    signatures: int = 0

    @property
    def trusted(self) -> bool:
        """Whether the signer chains to a configured root."""
        return self.trust.startswith("trusted root: ")

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON: the signing time in ISO 8601."""
        return {
            "integrity": self.integrity,
            "signer": self.signer,
            "signing_time": None if self.signing_time is None else self.signing_time.isoformat(),
            "certificate_valid_at_signing": self.certificate_valid_at_signing,
            "trust": self.trust,
            "problems": list(self.problems),
            "signatures": self.signatures,
        }


# --- the certificate hash ---------------------------------------------------------------


def canonical_digest(source: Source) -> bytes:
    """SHA-256 of the Exclusive XML Canonicalization of the DCC's root element.

    This is the certificate hash that the data centre logs in its ledger and
    prints in the QR code. It is computed from the tree parsed from the bytes as
    received, so it is the same for a file, its bytes, a :class:`Document` read
    from them, and any rendering that does not change the XML.

    Exactly: ``SHA-256(exc-c14n(root))`` with Exclusive XML Canonicalization 1.0
    *without comments* applied to the document element and everything in it,
    ``ds:Signature`` included (the hash names the certificate as issued, signed).

    It does not change when the file is re-encoded (UTF-8, UTF-16, ISO-8859-1),
    its XML declaration, attribute order or quotes, whitespace inside tags,
    ``<a/>`` versus ``<a></a>``, character references, line ends (CRLF/LF, which
    the parser normalises), comments, processing instructions outside the root,
    or unused namespace declarations change. It changes when any element,
    attribute value or text changes, including the whitespace between elements:
    re-indenting a file changes the hash, as it breaks the signature. So the hash
    is exactly as strict as the enveloped signature's document reference: for an
    unsigned DCC it equals the SHA-256 digest that :func:`sign` puts in that
    reference.

    Parameters
    ----------
    source : path, bytes, binary file or Document
        The DCC (parsed safely; see :func:`sitrace.dcc.parsing.parse`).

    Returns
    -------
    bytes
        The 32-byte digest (``.hex()`` for the ledger).

    Raises
    ------
    DccParseError
        Not well-formed, unsafe, too large, or not a DCC root.

    Examples
    --------
    Quotes, attribute order, ``<x/>`` and comments do not change it:

    >>> a = (b'<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" '
    ...      b'schemaVersion="3.3.0"><dcc:x/></dcc:digitalCalibrationCertificate>')
    >>> b = (b"<?xml version='1.0'?>\\n<dcc:digitalCalibrationCertificate "
    ...      b"schemaVersion = '3.3.0' xmlns:dcc='https://ptb.de/dcc'><dcc:x></dcc:x>"
    ...      b"<!-- a note --></dcc:digitalCalibrationCertificate>")
    >>> canonical_digest(a) == canonical_digest(b)
    True
    >>> canonical_digest(a).hex()
    '9c878622f98b856314510a0b9942d99718a39ae818fa1eada3fe5268f4b201b3'

    References
    ----------
    W3C, Exclusive XML Canonicalization 1.0 (2002), 3 (without comments);
    W3C, XML Signature 1.1, 4.4.3.3 and 6.6.4; FIPS 180-4 (SHA-256).
    """
    document = _dcc(source)
    return hashlib.sha256(_exclusive_c14n(document.root)).digest()


def _exclusive_c14n(element: etree._Element) -> bytes:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False)


# --- signing ----------------------------------------------------------------------------


class _Signer(XAdESSigner):
    """signxml's XAdES signer with a given signing time and explicit c14n transforms.

    signxml 5.2 writes the current time as ``SigningTime`` and adds the
    ``SignedProperties`` and ``KeyInfo`` references without a ``ds:Transforms``,
    digesting them with the signer's c14n method; a verifier then canonicalizes
    them with its default (inclusive C14N, XMLDSig 1.1 4.4.3.2), which differs
    from exclusive c14n. Declaring the transform makes the signature say what was
    digested (and lets signxml's own verifier check it).
    """

    def __init__(self, *, signing_time: str, method: SignatureMethod) -> None:
        super().__init__(
            method=SignatureConstructionMethod.enveloped,
            signature_algorithm=method,
            digest_algorithm=DigestAlgorithm.SHA256,
            c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
            data_object_format=XAdESDataObjectFormat(
                Description="Digital Calibration Certificate (PTB DCC)", MimeType="text/xml"
            ),
        )
        self._signing_time = signing_time
        self.signature_annotators.append(self._declare_transforms)

    def add_signing_time(self, signed_signature_properties, sig_root, signing_settings):
        element = etree.SubElement(
            signed_signature_properties, f"{_XADES}SigningTime", nsmap=self.namespaces
        )
        element.text = self._signing_time

    def _declare_transforms(self, sig_root, signing_settings):
        for reference in sig_root.iterfind("ds:SignedInfo/ds:Reference", NSMAP):
            if reference.find("ds:Transforms", NSMAP) is None:
                transforms = etree.Element(f"{_DS}Transforms", nsmap=self.namespaces)
                etree.SubElement(transforms, f"{_DS}Transform", Algorithm=self.c14n_alg.value)
                reference.insert(0, transforms)


def sign(
    source: Source,
    *,
    key: Any,
    certificates: Any,
    signing_time: dt.datetime | None = None,
    reference_uri: str = "",
) -> bytes:
    """Sign a DCC: the bytes received with an enveloped XAdES-B-B ``ds:Signature`` added.

    The signature is inserted just before the root's end tag, so it is the last
    child of the root (where DCC 3.2.0+ schemas allow ``ds:Signature``), and no
    other byte of the document changes: the XML declaration, encoding, comments
    and formatting stay as received.

    Parameters
    ----------
    source : path, bytes, binary file or Document
        An unsigned DCC.
    key : private key or PEM bytes/str
        An EC key on P-256 (signed with ECDSA-SHA256, as the GEMIMEG-II examples),
        P-384 or P-521 (ECDSA-SHA384/-SHA512), or an RSA key of at least 2048 bits
        (RSA-SHA256). PEM must be unencrypted; read an encrypted key with
        :func:`load_signing_identity`.
    certificates : certificate(s) or PEM bytes/str
        The signer's certificate and any intermediate CA certificates, as
        ``x509.Certificate`` objects, PEM strings, or one PEM blob with several.
        The certificate of ``key`` is put first whatever the order given.
    signing_time : datetime, optional
        ``xades:SigningTime`` (timezone-aware; written in UTC to the second).
        Default: now. It is not checked against the certificate's validity:
        :func:`verify` reports a certificate that was not valid then.
    reference_uri : str
        What the document reference points to: ``""``, the whole document (the
        only choice for a DCC, whose root carries no ``Id``), or ``"#<Id>"`` of
        the root. A signature over part of a certificate would leave the rest
        unprotected, so other values are refused.

    Returns
    -------
    bytes
        The signed document.

    Raises
    ------
    DccParseError
        ``source`` cannot be read safely or is not a DCC.
    DccSignatureError
        It already carries a signature (a second enveloped signature would break
        the first, whose enveloped-signature transform removes only itself,
        XMLDSig 1.1 6.6.4); it has a processing instruction outside the root;
        its encoding is not ASCII-compatible; the key type is not supported or
        does not match any certificate; ``reference_uri`` is not the root.
    InputError
        ``signing_time`` is naive.

    References
    ----------
    ETSI EN 319 132-1 V1.1.1, 6.3 (XAdES-B-B), 5.2.1, 5.2.2, 5.2.4;
    W3C XML Signature 1.1, 6.6.4 (enveloped signature).
    """
    document = _dcc(source)
    where = document.name
    root = document.root
    existing = root.findall(f"{_DS}Signature")
    if existing:
        raise DccSignatureError(
            f"the certificate already carries {len(existing)} ds:Signature "
            f"({document.where(existing[0])}); a second enveloped signature would break "
            "the first (its enveloped-signature transform removes only itself, XMLDSig 1.1 "
            "6.6.4), so sitrace signs only unsigned certificates",
            where=where,
        )
    _refuse_outside_instructions(document)
    if reference_uri not in ("", *(f"#{root.get(a)}" for a in _ID_ATTRIBUTES if root.get(a))):
        raise DccSignatureError(
            f'reference_uri must be "" (the whole certificate), got {reference_uri!r}: '
            "a signature over part of a DCC leaves the rest unprotected",
            where="reference_uri",
        )
    encoding = document.tree.docinfo.encoding or "UTF-8"
    if not _ascii_compatible(encoding):
        raise DccSignatureError(
            f"the document is encoded in {encoding}; sitrace writes the signature into the "
            "bytes received and needs an ASCII-compatible encoding (re-save it as UTF-8)",
            where=where,
        )
    if signing_time is None:
        signing_time = dt.datetime.now(dt.UTC)
    elif signing_time.tzinfo is None:
        raise InputError(
            f"must be timezone-aware (UTC), got {signing_time.isoformat()}", where="signing_time"
        )
    private_key = _private_key(key)
    chain = _signer_first(private_key, _certificates(certificates, where="certificates"))

    signer = _Signer(signing_time=_xs_datetime(signing_time), method=_signature_method(private_key))
    try:
        signed_root = signer.sign(
            document.tree, key=private_key, cert=list(chain), always_add_key_value=False
        )
    except (SignXMLException, ValueError, TypeError) as error:
        raise DccSignatureError(f"signxml could not sign: {error}", where=where) from error
    signature = copy.deepcopy(signed_root[-1])
    etree.cleanup_namespaces(signature)
    signed = _insert_before_end_tag(document, etree.tostring(signature))

    report = verify(parse(signed, max_bytes=len(signed), name=where), at=signing_time)
    if not report.integrity:  # a bug here or in signxml: never hand out a broken signature
        raise DccSignatureError(
            "the signature made does not verify: " + "; ".join(report.problems), where=where
        )
    return signed


def _refuse_outside_instructions(document: Document) -> None:
    for node in _outside_instructions(document):
        raise DccSignatureError(
            f"processing instruction <?{node.target} {node.text or ''}?> outside the root "
            'element: XMLDSig (URI="") signs it but signxml does not, so other verifiers '
            "would reject the signature; remove it before signing",
            where=document.where(node),
        )


def _outside_instructions(document: Document) -> list[etree._Element]:
    found = []
    for direction in (True, False):
        for node in document.root.itersiblings(preceding=direction):
            if isinstance(node, etree._ProcessingInstruction):
                found.append(node)
    return found


def _ascii_compatible(encoding: str) -> bool:
    try:
        return '<>/ds:"='.encode(encoding) == b'<>/ds:"='
    except LookupError:
        return False


def _xs_datetime(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _insert_before_end_tag(document: Document, signature: bytes) -> bytes:
    """``document.data`` with ``signature`` just before the root's end tag.

    Scans back from the end over whitespace and comments, the only things that
    may follow the root once processing instructions are refused (a comment
    cannot contain ``--``, so the last ``<!--`` before a ``-->`` starts it).
    """
    data = document.data
    root = document.root
    local = etree.QName(root).localname
    name = (f"{root.prefix}:{local}" if root.prefix else local).encode("ascii")
    end = len(data)
    while True:
        while end > 0 and data[end - 1] in b" \t\r\n":
            end -= 1
        if not data.endswith(b"-->", 0, end):
            break
        end = data.rfind(b"<!--", 0, end)
    start = data.rfind(b"</", 0, end)
    if start < 0 or not re.fullmatch(rb"</" + re.escape(name) + rb"\s*>", data[start:end]):
        raise DccSignatureError(  # an empty root <dcc:x/> is no DCC
            f"cannot find the end tag </{name.decode()}> of the root element",
            where=document.name,
        )
    return data[:start] + signature + data[start:]


def _signature_method(key: Any) -> SignatureMethod:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        method = _EC_METHODS.get(key.curve.name)
        if method is None:
            raise DccSignatureError(
                f"EC curve {key.curve.name} is not supported: use P-256, P-384 or P-521",
                where="key",
            )
        return method
    if isinstance(key, rsa.RSAPrivateKey):
        if key.key_size < _MIN_RSA_BITS:
            raise DccSignatureError(
                f"an RSA key needs at least {_MIN_RSA_BITS} bits, got {key.key_size}",
                where="key",
            )
        return SignatureMethod.RSA_SHA256
    raise DccSignatureError(
        f"{type(key).__name__} is not supported: XAdES signing (signxml) takes an ECDSA "
        "(P-256, P-384, P-521) or RSA private key",
        where="key",
    )


def _private_key(key: Any, *, password: bytes | None = None, where: str = "key") -> Any:
    if isinstance(key, str):
        key = key.encode("utf-8")
    if isinstance(key, bytes | bytearray):
        try:
            key = serialization.load_pem_private_key(bytes(key), password=password)
        except TypeError as error:  # encrypted without password, or password for a clear key
            raise DccSignatureError(
                f"cannot read the private key: {error} (an encrypted key is read with "
                "load_signing_identity(..., password=...))",
                where=where,
            ) from error
        except ValueError as error:
            raise DccSignatureError(
                f"not a PEM private key, or a wrong password: {error}", where=where
            ) from error
    _signature_method(key)
    return key


def _certificates(value: Any, *, where: str) -> tuple[x509.Certificate, ...]:
    """Certificates from objects, PEM strings/bytes, or a sequence of them."""
    if isinstance(value, x509.Certificate | str | bytes | bytearray):
        value = [value]
    found: list[x509.Certificate] = []
    for item in value:
        if isinstance(item, x509.Certificate):
            found.append(item)
            continue
        if isinstance(item, str):
            item = item.encode("utf-8")
        if not isinstance(item, bytes | bytearray):
            raise DccSignatureError(
                f"expected x509.Certificate or PEM, got {type(item).__name__}", where=where
            )
        try:
            found.extend(x509.load_pem_x509_certificates(bytes(item)))
        except ValueError as error:
            raise DccSignatureError(f"not a PEM certificate: {error}", where=where) from error
    return tuple(found)


def _signer_first(key: Any, chain: tuple[x509.Certificate, ...]) -> tuple[x509.Certificate, ...]:
    if not chain:
        raise DccSignatureError("no certificate given", where="certificates")
    public = _spki(key.public_key())
    for index, certificate in enumerate(chain):
        if _spki(certificate.public_key()) == public:
            return (certificate, *chain[:index], *chain[index + 1 :])
    subjects = ", ".join(c.subject.rfc4514_string() for c in chain)
    raise DccSignatureError(
        f"the private key belongs to none of the certificates given ({subjects})",
        where="certificates",
    )


def _spki(public_key: Any) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_signing_identity(
    key_pem_path: str | Path,
    cert_pem_path: str | Path,
    password: bytes | str | None = None,
) -> tuple[Any, tuple[x509.Certificate, ...]]:
    """A private key and its certificate chain from PEM files, ready for :func:`sign`.

    Parameters
    ----------
    key_pem_path : path
        A PEM private key (PKCS #8 or traditional), encrypted or not.
    cert_pem_path : path
        One or more PEM certificates: the signer's and its intermediate CAs.
    password : bytes or str, optional
        The key's password.

    Returns
    -------
    (key, certificates)
        The key and the chain, the key's certificate first.

    Raises
    ------
    DccSignatureError
        A file cannot be read, is not PEM, the password is missing or wrong, the
        key type is not supported, or no certificate matches the key.
    """
    if isinstance(password, str):
        password = password.encode("utf-8")
    data = {}
    for label, path in (("key", key_pem_path), ("certificates", cert_pem_path)):
        try:
            data[label] = Path(path).read_bytes()
        except OSError as error:
            raise DccSignatureError(f"cannot read: {error.strerror}", where=str(path)) from error
    key = _private_key(data["key"], password=password, where=str(key_pem_path))
    certificates = _certificates(data["certificates"], where=str(cert_pem_path))
    return key, _signer_first(key, certificates)


# --- verifying --------------------------------------------------------------------------


def verify(
    source: Source,
    *,
    trusted_roots: Iterable[Any] = (),
    at: dt.datetime | None = None,
) -> VerificationReport:
    """Check the signature of a DCC, on the bytes exactly as received.

    The document is parsed safely once and its bytes are handed to signxml as
    they are: nothing is re-serialised before verification. Three questions are
    answered separately, so that one does not hide another:

    1. integrity (EN 319 102-1, 5.2.7): the signature value and every reference
       digest check, with signxml's ``XAdESVerifier`` and as many references as
       ``ds:SignedInfo`` lists (two in the GEMIMEG examples, three in sitrace's).
       signxml refuses a certificate outside its validity period, so integrity is
       checked at the signing time, moved into the signer certificate's validity
       period when it lies outside: an expired certificate does not make an
       unchanged document look tampered. Also required: a reference to the whole
       document, ``xades:QualifyingProperties/@Target`` pointing to the signature,
       and a ``SignatureValue`` in canonical base64 (XML Schema base64Binary).
    2. the signer's certificate (EN 319 102-1, 5.2.3): the ``ds:KeyInfo``
       certificate whose digest ``xades:SigningCertificateV2`` gives, and whether it
       was valid at ``xades:SigningTime``.
    3. trust (EN 319 102-1, 5.2.6): whether the ``ds:KeyInfo`` and
       ``xades:CertificateValues`` certificates and ``trusted_roots`` build a chain
       from the signer to one of those roots (RFC 5280 path validation by
       ``cryptography``: signatures, validity at ``at``, CA basic constraints and
       key usage).

    A document without a signature is not an error: the report says
    ``integrity=False`` with the problem "not signed" (so the CLI prints one
    report for every file). With several signatures the first is verified; when
    it verifies it also covers the later ones, which are part of what it signed.

    Parameters
    ----------
    source : path, bytes, binary file or Document
        The signed DCC.
    trusted_roots : x509.Certificate, PEM, or an iterable of them
        The roots to trust; none means trust is ``"unknown root"``.
    at : datetime, optional
        When the chain must be valid (timezone-aware); default: the signing
        time, or now when the signature has none.

    Returns
    -------
    VerificationReport

    Raises
    ------
    DccParseError
        Not well-formed, unsafe (DTD, entities), too large, or not a DCC.
    InputError
        ``at`` is naive.
    DccSignatureError
        A trusted root given is not a certificate.

    References
    ----------
    W3C XML Signature 1.1, 3.2 (core validation); ETSI EN 319 102-1 V1.1.1, 5.2;
    ETSI EN 319 132-1 V1.1.1, 4.3, 5.2.1, 5.2.2.
    """
    document = _dcc(source)
    if at is not None and at.tzinfo is None:
        raise InputError(f"must be timezone-aware (UTC), got {at.isoformat()}", where="at")
    roots = _certificates(trusted_roots, where="trusted_roots")
    signatures = document.root.findall(f"{_DS}Signature")
    if not signatures:
        return VerificationReport(
            integrity=False,
            signer="",
            signing_time=None,
            certificate_valid_at_signing=False,
            trust=UNKNOWN_ROOT,
            problems=("not signed: the root element has no ds:Signature",),
            signatures=0,
        )
    signature = signatures[0]
    problems: list[str] = []
    if len(signatures) > 1:
        problems.append(f"{len(signatures)} ds:Signature elements: only the first was verified")
    properties = signature.find("ds:Object/xades:QualifyingProperties", NSMAP)
    signing_time = _signing_time(properties, problems)
    key_info, problem = _embedded(signature, "ds:KeyInfo/ds:X509Data/ds:X509Certificate")
    problems += problem
    signer, named = _signing_certificate(properties, key_info, problems)
    if signer is None:
        return VerificationReport(
            integrity=False,
            signer="",
            signing_time=signing_time,
            certificate_valid_at_signing=False,
            trust=UNKNOWN_ROOT,
            problems=(*problems, "no X.509 certificate in ds:KeyInfo/ds:X509Data"),
            signatures=len(signatures),
        )
    integrity = _check_integrity(document, signature, properties, signer, signing_time, problems)
    valid = named and _valid_at(signer, signing_time, problems)
    trust = UNKNOWN_ROOT
    if roots:
        extra, problem = _embedded(
            signature,
            "ds:Object/xades:QualifyingProperties/xades:UnsignedProperties/"
            "xades:UnsignedSignatureProperties/xades:CertificateValues/"
            "xades:EncapsulatedX509Certificate",
        )
        problems += problem
        when = at or signing_time or dt.datetime.now(dt.UTC)
        trust = _trust(signer, [*key_info, *extra], roots, when, problems)
    return VerificationReport(
        integrity=integrity,
        signer=signer.subject.rfc4514_string(),
        signing_time=signing_time,
        certificate_valid_at_signing=valid,
        trust=trust,
        problems=tuple(problems),
        signatures=len(signatures),
    )


def _check_integrity(
    document: Document,
    signature: etree._Element,
    properties: etree._Element | None,
    signer: x509.Certificate,
    signing_time: dt.datetime | None,
    problems: list[str],
) -> bool:
    before = len(problems)
    references = signature.findall("ds:SignedInfo/ds:Reference", NSMAP)
    root = document.root
    whole = {"", *(f"#{root.get(a)}" for a in _ID_ATTRIBUTES if root.get(a))}
    if not any(reference.get("URI") in whole for reference in references):
        uris = ", ".join(repr(r.get("URI")) for r in references) or "none"
        problems.append(
            f'no ds:Reference covers the whole certificate (URI=""); references: {uris}'
        )
    if properties is None:
        problems.append("no ds:Object/xades:QualifyingProperties: not a XAdES signature")
    elif properties.get("Target") != f"#{signature.get('Id')}":
        problems.append(
            f"xades:QualifyingProperties/@Target {properties.get('Target')!r} does not point "
            f"to this ds:Signature (Id {signature.get('Id')!r}), EN 319 132-1 4.3"
        )
    value = signature.findtext("ds:SignatureValue", default="", namespaces=NSMAP)
    if not _canonical_base64(value):
        problems.append("ds:SignatureValue is not canonical base64 (XML Schema base64Binary)")
    for node in _outside_instructions(document):
        problems.append(
            f"processing instruction <?{node.target}?> outside the root element "
            f'({document.where(node)}): XMLDSig signs it (URI="") but signxml does not '
            "check it, so it may have been added or changed"
        )
    config = XAdESSignatureConfiguration(
        location="./",
        expect_references=len(references),
        verification_time=_within(signing_time, signer),
    )
    try:
        XAdESVerifier().verify(
            document.data, x509_cert=signer, parser=safe_parser(), expect_config=config
        )
    except Exception as error:  # whatever stops signxml, the signature is not verified
        problems.append(_explain(error, references))
        return False
    return len(problems) == before


def _explain(error: Exception, references: list[etree._Element]) -> str:
    message = str(error) or type(error).__name__
    if not isinstance(error, SignXMLException | cryptography.exceptions.InvalidSignature):
        message = f"{type(error).__name__}: {message}"
    match = re.match(r"Digest mismatch for reference (\d+)", message)
    if match and int(match.group(1)) < len(references):
        reference = references[int(match.group(1))]
        if reference.get("Type") == _SIGNED_PROPERTIES_TYPE:
            what = "the signed properties (signing time, signer certificate) were changed"
        elif reference.get("URI", "").lstrip("#") in _key_info_ids(reference):
            what = "the certificates in ds:KeyInfo were changed"
        else:
            what = "the certificate was changed after it was signed"
        return f"{message}: {what}"
    return message


def _key_info_ids(reference: etree._Element) -> set[str]:
    signature = reference.getparent().getparent()
    key_info = signature.find("ds:KeyInfo", NSMAP)
    return {key_info.get("Id")} if key_info is not None and key_info.get("Id") else set()


def _canonical_base64(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    try:
        return base64.b64encode(base64.b64decode(compact, validate=True)).decode() == compact
    except (binascii.Error, ValueError):
        return False


def _within(moment: dt.datetime | None, certificate: x509.Certificate) -> dt.datetime:
    """``moment`` moved into the certificate's validity period (its start when None)."""
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if moment is None:
        return start
    return min(max(moment, start), end)


def _signing_time(properties: etree._Element | None, problems: list[str]) -> dt.datetime | None:
    if properties is None:
        return None
    text = properties.findtext(
        "xades:SignedProperties/xades:SignedSignatureProperties/xades:SigningTime",
        namespaces=NSMAP,
    )
    if text is None:
        problems.append("no xades:SigningTime (required in XAdES-B-B, EN 319 132-1 5.2.1)")
        return None
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        problems.append(f"xades:SigningTime {text!r} is not an xs:dateTime")
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _embedded(signature: etree._Element, path: str) -> tuple[list[x509.Certificate], list[str]]:
    found, problems = [], []
    for index, element in enumerate(signature.iterfind(path, NSMAP), start=1):
        try:
            der = base64.b64decode(re.sub(r"\s+", "", element.text or ""), validate=True)
            found.append(_load_der(der))
        except Exception as error:  # DER damaged in any way: not a certificate
            problems.append(f"{path.rsplit('/', 1)[-1]} {index} is not a certificate: {error}")
    return found, problems


def _load_der(der: bytes) -> x509.Certificate:
    """A DER certificate, every field used here parsed now (cryptography parses lazily)."""
    with warnings.catch_warnings():  # a negative serial number is read, with a warning
        warnings.simplefilter("ignore", cryptography.utils.CryptographyDeprecationWarning)
        certificate = x509.load_der_x509_certificate(der)
        certificate.subject.rfc4514_string()
        certificate.issuer.rfc4514_string()
        certificate.public_key()
        certificate.not_valid_before_utc, certificate.not_valid_after_utc  # noqa: B018
        certificate.extensions  # noqa: B018
    return certificate


def _signing_certificate(
    properties: etree._Element | None,
    certificates: list[x509.Certificate],
    problems: list[str],
) -> tuple[x509.Certificate | None, bool]:
    """The certificate ``SigningCertificateV2`` names first, and whether one did.

    Falls back to the first ``ds:X509Certificate`` (returning False) so that
    integrity can still be checked and the signer named.
    """
    if not certificates:
        return None, False
    cert = None
    if properties is not None:
        cert = properties.find(
            "xades:SignedProperties/xades:SignedSignatureProperties/"
            "xades:SigningCertificateV2/xades:Cert",
            NSMAP,
        )
        if cert is None:  # XAdES 1.3.2's SigningCertificate (deprecated, still read)
            cert = properties.find(
                "xades:SignedProperties/xades:SignedSignatureProperties/"
                "xades:SigningCertificate/xades:Cert",
                NSMAP,
            )
    if cert is None:
        problems.append("no xades:SigningCertificateV2 names the signer's certificate")
        return certificates[0], False
    try:
        algorithm = DigestAlgorithm(
            cert.find("xades:CertDigest/ds:DigestMethod", NSMAP).get("Algorithm")
        )
        expected = base64.b64decode(
            cert.findtext("xades:CertDigest/ds:DigestValue", namespaces=NSMAP) or "",
            validate=True,
        )
    except (AttributeError, ValueError, binascii.Error) as error:
        problems.append(f"xades:SigningCertificateV2 cannot be read: {error}")
        return certificates[0], False
    hash_algorithm = digest_algorithm_implementations[algorithm]()
    for certificate in certificates:
        if certificate.fingerprint(hash_algorithm) == expected:
            return certificate, True
    problems.append(
        "no certificate in ds:KeyInfo has the digest that xades:SigningCertificateV2 gives"
    )
    return certificates[0], False


def _valid_at(
    certificate: x509.Certificate, moment: dt.datetime | None, problems: list[str]
) -> bool:
    if moment is None:
        problems.append("no signing time: the certificate's validity then cannot be checked")
        return False
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    if start <= moment <= end:
        return True
    problems.append(
        f"the signer certificate was not valid at the signing time {moment.isoformat()}: "
        f"valid from {start.isoformat()} to {end.isoformat()}"
    )
    return False


def _key_usage(policy, certificate, extension) -> None:
    if extension is not None and not (extension.digital_signature or extension.content_commitment):
        raise ValueError("keyUsage allows neither digitalSignature nor nonRepudiation")


def _trust(
    signer: x509.Certificate,
    intermediates: list[x509.Certificate],
    roots: tuple[x509.Certificate, ...],
    when: dt.datetime,
    problems: list[str],
) -> str:
    ee_policy = verification.ExtensionPolicy.permit_all().may_be_present(
        x509.KeyUsage, verification.Criticality.AGNOSTIC, _key_usage
    )
    builder = (
        verification.PolicyBuilder()
        .store(verification.Store(list(roots)))
        .time(when)
        .extension_policies(
            ca_policy=verification.ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee_policy
        )
    )
    others = [c for c in intermediates if c != signer]
    try:
        chain = builder.build_client_verifier().verify(signer, others).chain
    except Exception as error:  # VerificationError, or certificates the verifier cannot use
        problems.append(
            f"no valid chain from the signer to a trusted root at {when.isoformat()}: {error}"
        )
        return UNKNOWN_ROOT
    return f"trusted root: {chain[-1].subject.rfc4514_string()}"


# --- reading ----------------------------------------------------------------------------


def _dcc(source: Source) -> Document:
    """``source`` parsed safely (or as given), refused unless its root is a DCC."""
    document = source if isinstance(source, Document) else parse(source)
    if not document.is_dcc:
        raise DccParseError(
            f"not a DCC: the root element is {etree.QName(document.root).text}, "
            f"not {{{DCC_NS}}}digitalCalibrationCertificate",
            where=document.where(document.root),
        )
    return document
