"""DCC signatures (sitrace.dcc.signature, sitrace.dcc.pki): enveloped XAdES-B-B.

Published vectors: the GEMIMEG-II signed examples of ../shared/dcc (SOURCES.md:
signed by "CN=Calibration Lab A1,O=Calibration A GmbH,C=DE" on 2023-03-27 and
2023-06-20, certificate valid 2021-12-02 to 2024-12-02, root not included) and
their tampered copy. Failure cases are one-character mutations of good files.
The JDK's XML Signature implementation (Apache Santuario) cross-checks what
sitrace signs when a JDK is installed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import NameOID
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lxml import etree

from sitrace.dcc import pki
from sitrace.dcc.parsing import NSMAP, parse
from sitrace.dcc.signature import (
    EXCLUSIVE_C14N,
    UNKNOWN_ROOT,
    VerificationReport,
    canonical_digest,
    load_signing_identity,
    sign,
    verify,
)
from sitrace.errors import DccParseError, DccSignatureError, InputError

GEMIMEG_SIGNER = "CN=Calibration Lab A1,O=Calibration A GmbH,C=DE"
GEMIMEG = {
    "gp_temperature_typical_signed_xades_3.2.0": dt.datetime(
        2023, 3, 27, 15, 14, 30, tzinfo=dt.UTC
    ),
    "gp_temperature_typical_signed_xades_lt_3.2.0": dt.datetime(
        2023, 6, 20, 12, 12, 42, tzinfo=dt.UTC
    ),
}
TAMPERED = "gp_temperature_typical_signed_TAMPERED_3.2.0"
NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)
SIGNED_AT = NOW + dt.timedelta(hours=1)


@pytest.fixture(scope="module")
def lab() -> pki.Identity:
    return pki.generate_identity("Calibration Lab", organization="Lab GmbH", country="DE", now=NOW)


@pytest.fixture(scope="module")
def unsigned(dcc_examples) -> bytes:
    """A DCC 3.3.0: PTB's SRG example with @schemaVersion rewritten (valid, SOURCES.md)."""
    data = dcc_examples["ptb_vacuum_SRG_pressure_3.1.1"].read_bytes()
    return data.replace(b'schemaVersion="3.1.1"', b'schemaVersion="3.3.0"', 1)


@pytest.fixture(scope="module")
def signed(unsigned, lab) -> bytes:
    return sign(unsigned, key=lab.key, certificates=lab.chain, signing_time=SIGNED_AT)


def signature_of(data: bytes) -> etree._Element:
    return parse(data).root.find("ds:Signature", NSMAP)


# --- the published signed examples -------------------------------------------------------


@pytest.mark.parametrize("name", sorted(GEMIMEG))
def test_gemimeg_examples_verify_at_their_signing_time(dcc_examples, name):
    report = verify(dcc_examples[name])
    assert report == VerificationReport(
        integrity=True,
        signer=GEMIMEG_SIGNER,
        signing_time=GEMIMEG[name],
        certificate_valid_at_signing=True,
        trust=UNKNOWN_ROOT,
        problems=(),
        signatures=1,
    )


def test_the_gemimeg_signer_certificate_has_expired_since(dcc_examples):
    """Integrity does not depend on today's date: the certificate expired on 2024-12-02."""
    document = parse(dcc_examples["gp_temperature_typical_signed_xades_3.2.0"])
    text = document.root.findtext(
        "ds:Signature/ds:KeyInfo/ds:X509Data/ds:X509Certificate", "", NSMAP
    )
    certificate = x509.load_der_x509_certificate(base64.b64decode(text))
    assert certificate.not_valid_after_utc == dt.datetime(2024, 12, 2, 12, 40, tzinfo=dt.UTC)
    assert verify(document, at=NOW).integrity


def test_the_tampered_example_fails_integrity_with_the_digest_mismatch(dcc_examples):
    report = verify(dcc_examples[TAMPERED])
    assert not report.integrity
    assert report.signer == GEMIMEG_SIGNER
    assert report.certificate_valid_at_signing  # the certificate is not what changed
    assert len(report.problems) == 1
    assert report.problems[0].startswith("Digest mismatch for reference 0")
    assert "changed after it was signed" in report.problems[0]


def test_the_gemimeg_examples_do_not_chain_to_an_unrelated_root(dcc_examples, lab):
    report = verify(
        dcc_examples["gp_temperature_typical_signed_xades_3.2.0"], trusted_roots=[lab.root]
    )
    assert report.integrity
    assert report.trust == UNKNOWN_ROOT
    assert report.problems[0].startswith("no valid chain from the signer to a trusted root")


def test_an_unsigned_certificate_is_reported_not_signed(dcc_examples):
    report = verify(dcc_examples["gp_humidity_3.1.2"])
    assert (report.integrity, report.signatures, report.signer) == (False, 0, "")
    assert report.problems == ("not signed: the root element has no ds:Signature",)


# --- what sitrace signs ------------------------------------------------------------------


def test_a_signed_certificate_verifies_trusted_by_its_root(signed, lab):
    report = verify(signed, trusted_roots=[lab.root])
    assert report == VerificationReport(
        integrity=True,
        signer="CN=Calibration Lab,O=Lab GmbH,C=DE",
        signing_time=SIGNED_AT,
        certificate_valid_at_signing=True,
        trust="trusted root: CN=Calibration Lab root CA,O=Lab GmbH,C=DE",
        problems=(),
        signatures=1,
    )
    assert report.trusted


def test_without_roots_or_with_another_root_the_root_is_unknown(signed):
    assert verify(signed).trust == UNKNOWN_ROOT
    assert verify(signed).problems == ()
    stranger = pki.generate_root("Stranger", now=NOW)
    report = verify(signed, trusted_roots=[stranger.certificate])
    assert (report.integrity, report.trust) == (True, UNKNOWN_ROOT)
    assert "no valid chain" in report.problems[0]


def test_the_signed_file_validates_against_dcc_330(signed, unsigned, dcc_schemas):
    xsd = dcc_schemas.xsd("3.3.0")
    assert xsd.validate(parse(unsigned).tree)
    tree = parse(signed).tree
    assert xsd.validate(tree), xsd.error_log
    assert tree.getroot()[-1].tag == f"{{{NSMAP['ds']}}}Signature"


@pytest.mark.parametrize(
    "name", ["ptb_vacuum_SRG_pressure_3.1.1", "gp_temperature_resistance_3.1.1"]
)
def test_signing_adds_the_signature_and_changes_nothing_else(dcc_examples, lab, name):
    """Examples signed as they are: no XML declaration and LF; a declaration and CRLF."""
    data = dcc_examples[name].read_bytes()
    signed = sign(data, key=lab.key, certificates=lab.chain, signing_time=SIGNED_AT)
    start, end = signed.index(b"<ds:Signature "), signed.index(b"</ds:Signature>") + 15
    assert signed[:start] + signed[end:] == data
    assert signed[end:].lstrip().startswith(b"</dcc:digitalCalibrationCertificate>")
    assert verify(signed, trusted_roots=[lab.root]).trusted


def test_the_signature_is_xades_b_b_as_documented(signed, lab):
    signature = signature_of(signed)
    info = signature.find("ds:SignedInfo", NSMAP)
    assert info.find("ds:CanonicalizationMethod", NSMAP).get("Algorithm") == EXCLUSIVE_C14N
    assert info.find("ds:SignatureMethod", NSMAP).get("Algorithm") == (
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    )
    references = info.findall("ds:Reference", NSMAP)
    assert [r.get("URI") == "" for r in references] == [True, False, False]
    assert references[1].get("Type") == "http://uri.etsi.org/01903#SignedProperties"
    for reference in references:  # every reference says how it was canonicalized
        algorithms = [
            t.get("Algorithm") for t in reference.iterfind("ds:Transforms/ds:Transform", NSMAP)
        ]
        assert algorithms[-1] == EXCLUSIVE_C14N
        assert reference.find("ds:DigestMethod", NSMAP).get("Algorithm") == (
            "http://www.w3.org/2001/04/xmlenc#sha256"
        )
    properties = signature.find("ds:Object/xades:QualifyingProperties", NSMAP)
    assert properties.get("Target") == "#" + signature.get("Id")
    assert properties.findtext(".//xades:SigningTime", namespaces=NSMAP) == "2025-03-01T13:00:00Z"
    digest = properties.findtext(
        ".//xades:SigningCertificateV2/xades:Cert//ds:DigestValue", namespaces=NSMAP
    )
    assert base64.b64decode(digest) == lab.certificate.fingerprint(hashes.SHA256())
    assert (
        properties.findtext(".//xades:DataObjectFormat/xades:MimeType", namespaces=NSMAP)
        == "text/xml"
    )
    assert signature.find("ds:KeyInfo/ds:KeyValue", NSMAP) is None  # X509Data only


def test_the_document_reference_holds_the_canonical_digest(signed, unsigned):
    """For an unsigned DCC, canonical_digest is the digest sign() puts in reference 0."""
    value = signature_of(signed).findtext(
        "ds:SignedInfo/ds:Reference/ds:DigestValue", namespaces=NSMAP
    )
    assert base64.b64decode(value) == canonical_digest(unsigned)


def test_a_chain_through_an_intermediate_ca_is_trusted_by_the_root(unsigned):
    root = pki.generate_root("Test Root", now=NOW)
    sub = pki.issue_authority(root, "Test Sub CA", now=NOW)
    lab = pki.issue_signer(sub, "Lab B", now=NOW)
    assert lab.chain == (lab.certificate, sub.certificate) and lab.root == root.certificate
    signed = sign(unsigned, key=lab.key, certificates=lab.chain, signing_time=SIGNED_AT)
    assert verify(signed, trusted_roots=[root.certificate]).trust == "trusted root: CN=Test Root"


def test_a_certificate_issued_by_a_non_ca_is_not_trusted(unsigned, lab):
    """The lab's own (end-entity) key cannot issue certificates that chain to its root."""
    impostor = pki.issue_signer(
        pki.Authority(lab.key, lab.certificate, (lab.root,)), "Impostor", now=NOW
    )
    signed = sign(unsigned, key=impostor.key, certificates=impostor.chain, signing_time=SIGNED_AT)
    report = verify(signed, trusted_roots=[lab.root])
    assert (report.integrity, report.trust) == (True, UNKNOWN_ROOT)
    assert "basicConstraints" in report.problems[0]


@pytest.mark.parametrize(
    ("signing_time", "problem"),
    [
        (NOW + dt.timedelta(days=40), "not valid at the signing time"),
        (NOW - dt.timedelta(days=1), "not valid at the signing time"),
    ],
    ids=["expired", "not-yet-valid"],
)
def test_a_certificate_not_valid_at_signing_keeps_integrity(unsigned, signing_time, problem):
    root = pki.generate_root("Test Root", now=NOW - dt.timedelta(days=10))
    short = pki.issue_signer(
        root, "Short-lived", not_before=NOW, not_after=NOW + dt.timedelta(days=30)
    )
    signed = sign(unsigned, key=short.key, certificates=short.chain, signing_time=signing_time)
    report = verify(signed, trusted_roots=[short.root])
    assert report.integrity
    assert not report.certificate_valid_at_signing
    assert report.signing_time == signing_time
    assert any(problem in p for p in report.problems)
    assert report.trust == UNKNOWN_ROOT  # the chain is checked at the signing time too
    later = verify(signed, trusted_roots=[short.root], at=NOW + dt.timedelta(days=1))
    assert later.trust == "trusted root: CN=Test Root"


def test_a_rsa_key_signs_with_rsa_sha256(unsigned):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "RSA Lab")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW)
        .not_valid_after(NOW + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    signed = sign(unsigned, key=key, certificates=certificate, signing_time=SIGNED_AT)
    method = signature_of(signed).find("ds:SignedInfo/ds:SignatureMethod", NSMAP).get("Algorithm")
    assert method == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
    assert verify(signed, trusted_roots=[certificate]).trust == "trusted root: CN=RSA Lab"


def test_keys_and_certificates_may_be_pem(unsigned, lab):
    signed = sign(
        unsigned,
        key=pki.pem(lab.key).decode(),
        certificates=pki.pem(*lab.chain),
        signing_time=SIGNED_AT,
    )
    assert verify(signed, trusted_roots=[pki.pem(lab.root)]).trusted
    assert verify(signed, trusted_roots=pki.pem(lab.root)).trusted  # one PEM blob


def test_the_signer_certificate_is_put_first(unsigned):
    root = pki.generate_root("Test Root", now=NOW)
    sub = pki.issue_authority(root, "Test Sub CA", now=NOW)
    lab = pki.issue_signer(sub, "Lab B", now=NOW)
    signed = sign(unsigned, key=lab.key, certificates=lab.chain[::-1], signing_time=SIGNED_AT)
    texts = signature_of(signed).findall("ds:KeyInfo/ds:X509Data/ds:X509Certificate", NSMAP)
    first = x509.load_der_x509_certificate(base64.b64decode(texts[0].text))
    assert first == lab.certificate
    assert verify(signed).signer == "CN=Lab B"


# --- what signing refuses ----------------------------------------------------------------


def test_signing_a_signed_certificate_is_refused(signed, dcc_examples, lab):
    for data in (signed, dcc_examples["gp_temperature_typical_signed_xades_3.2.0"].read_bytes()):
        with pytest.raises(DccSignatureError, match=r"already carries 1 ds:Signature .* break"):
            sign(data, key=lab.key, certificates=lab.chain, signing_time=SIGNED_AT)


def test_a_processing_instruction_before_the_root_is_refused(dcc_examples, lab):
    """gp_humidity has <?xml-stylesheet?>: XMLDSig signs it with URI="", signxml does not."""
    with pytest.raises(
        DccSignatureError, match=r"line 2: processing instruction <\?xml-stylesheet"
    ):
        sign(dcc_examples["gp_humidity_3.1.2"], key=lab.key, certificates=lab.chain)


def test_a_processing_instruction_added_after_signing_is_reported(signed):
    tampered = signed.replace(
        b"<dcc:digitalCalibrationCertificate",
        b'<?xml-stylesheet href="evil.xsl"?>\n<dcc:digitalCalibrationCertificate',
        1,
    )
    report = verify(tampered)
    assert not report.integrity
    assert report.problems[0].startswith(
        "processing instruction <?xml-stylesheet?> outside the root"
    )


def test_the_key_must_belong_to_a_certificate(unsigned, lab):
    other = pki.generate_identity("Other", now=NOW)
    with pytest.raises(
        DccSignatureError, match=r"belongs to none of the certificates given \(CN=Other\)"
    ):
        sign(unsigned, key=lab.key, certificates=other.chain)


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (ed25519.Ed25519PrivateKey.generate(), "Ed25519PrivateKey is not supported"),
        (ec.generate_private_key(ec.SECP256K1()), "curve secp256k1 is not supported"),
        (
            rsa.generate_private_key(public_exponent=65537, key_size=1024),
            "at least 2048 bits, got 1024",
        ),
        (b"not a key", "not a PEM private key"),
    ],
    ids=["ed25519", "secp256k1", "rsa-1024", "garbage"],
)
def test_unsupported_keys_are_refused(unsigned, lab, key, message):
    with pytest.raises(DccSignatureError, match=message):
        sign(unsigned, key=key, certificates=lab.chain)


def test_signing_arguments_are_checked(unsigned, lab):
    with pytest.raises(InputError, match="signing_time: must be timezone-aware"):
        sign(unsigned, key=lab.key, certificates=lab.chain, signing_time=dt.datetime(2025, 1, 1))
    with pytest.raises(DccSignatureError, match="reference_uri must be"):
        sign(unsigned, key=lab.key, certificates=lab.chain, reference_uri="#part")
    with pytest.raises(DccSignatureError, match="certificates: no certificate given"):
        sign(unsigned, key=lab.key, certificates=[])
    with pytest.raises(InputError, match="at: must be timezone-aware"):
        verify(unsigned, at=dt.datetime(2025, 1, 1))


def test_signing_time_defaults_to_now(unsigned, lab):
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    report = verify(sign(unsigned, key=lab.key, certificates=lab.chain))
    assert before <= report.signing_time <= dt.datetime.now(dt.UTC)


# --- load_signing_identity -----------------------------------------------------------------


def test_load_signing_identity_reads_encrypted_keys_and_chains(tmp_path, unsigned):
    root = pki.generate_root("Test Root", now=NOW)
    sub = pki.issue_authority(root, "Test Sub CA", now=NOW)
    lab = pki.issue_signer(sub, "Lab B", now=NOW)
    key_file, cert_file = tmp_path / "key.pem", tmp_path / "chain.pem"
    key_file.write_bytes(pki.pem(lab.key, password=b"secret"))
    cert_file.write_bytes(pki.pem(*lab.chain[::-1]))  # any order
    key, chain = load_signing_identity(key_file, cert_file, password="secret")
    assert chain == lab.chain
    signed = sign(unsigned, key=key, certificates=chain, signing_time=SIGNED_AT)
    assert verify(signed, trusted_roots=[root.certificate]).trusted
    with pytest.raises(
        DccSignatureError, match=r"key\.pem: not a PEM private key, or a wrong password"
    ):
        load_signing_identity(key_file, cert_file, password=b"wrong")
    with pytest.raises(
        DccSignatureError, match=r"key\.pem: cannot read the private key: .*password"
    ):
        load_signing_identity(key_file, cert_file)
    with pytest.raises(DccSignatureError, match=r"missing\.pem: cannot read"):
        load_signing_identity(key_file, tmp_path / "missing.pem", password=b"secret")


# --- tampering: one character anywhere ---------------------------------------------------

_TOKEN = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL
)
_VALUE = re.compile(rb"""\s[^\s=/>]+\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def value_positions(data: bytes, *, within: bytes = b"") -> list[int]:
    """Offsets of the ASCII bytes of text nodes and attribute values inside the root.

    Comments (never signed with c14n without comments) are left out; ``within``
    keeps only what lies inside the first element whose start tag begins with it.
    """
    positions: list[int] = []
    depth, inside, previous, active = 0, 0, None, not within
    for token in _TOKEN.finditer(data):
        if previous is not None and depth > 0 and active:
            positions.extend(range(previous, token.start()))
        previous = token.end()
        markup = token.group()
        if markup.startswith((b"<!--", b"<?", b"<![CDATA[")):
            continue
        if markup.startswith(b"</"):
            depth -= 1
            if within and active and depth == inside:
                return [p for p in positions if data[p] < 0x80]
            continue
        if within and not active and markup.startswith(within):
            active, inside = True, depth
        if active:
            for value in _VALUE.finditer(markup):
                group = 1 if value.group(1) is not None else 2
                positions.extend(
                    range(token.start() + value.start(group), token.start() + value.end(group))
                )
        if not markup.endswith(b"/>"):
            depth += 1
    return [p for p in positions if data[p] < 0x80]


REPLACEMENTS = b"AZaz09.-_+/=: "


def assert_detected(data: bytes, position: int, replacement: int) -> None:
    original = data[position]
    assume(replacement != original)
    assume(not (chr(original).isspace() and chr(replacement).isspace()))  # attribute normalisation
    mutated = data[:position] + bytes([replacement]) + data[position + 1 :]
    try:
        report = verify(mutated)
    except DccParseError:
        return  # no longer well-formed: detected as well
    context = data[max(0, position - 40) : position + 40]
    assert not report.integrity, (
        f"{chr(original)!r}->{chr(replacement)!r} at {position}: {context!r}"
    )
    assert report.problems


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.data())
def test_one_character_changed_anywhere_is_detected(signed, data):
    positions = value_positions(signed)
    position = data.draw(st.sampled_from(positions), label="position")
    replacement = data.draw(st.sampled_from(REPLACEMENTS), label="replacement")
    assert_detected(signed, position, replacement)


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.data())
def test_one_character_changed_in_the_signature_is_detected(signed, data):
    positions = value_positions(signed, within=b"<ds:Signature ")
    position = data.draw(st.sampled_from(positions), label="position")
    replacement = data.draw(st.sampled_from(REPLACEMENTS), label="replacement")
    assert_detected(signed, position, replacement)


def test_every_character_of_the_certificate_changed_is_detected_without_crashing(signed, lab):
    """A damaged DER certificate is a problem in the report, never an exception."""
    positions = value_positions(signed, within=b"<ds:X509Certificate")
    assert len(positions) > 500
    for position in positions:
        replacement = ord("B") if signed[position] == ord("A") else ord("A")
        mutated = signed[:position] + bytes([replacement]) + signed[position + 1 :]
        report = verify(mutated, trusted_roots=[lab.root])
        assert not report.integrity, position


def test_the_positions_cover_text_attributes_and_the_signature(signed):
    positions = set(value_positions(signed))
    inside = value_positions(signed, within=b"<ds:Signature ")
    assert set(inside) <= positions
    for needle in (b"3.3.0", b"75998PTB20", b"(PTB)", b"SignXMLSignature", b"2025-03-01T13:00:00Z"):
        assert signed.index(needle) in positions, needle
    assert signed.index(b"DCC - Digital Calibration Certificate") not in positions  # a comment


def test_the_padding_bits_of_the_signature_value_are_checked(signed):
    """A base64 character differing only in unused bits decodes to the same bytes."""
    value = signature_of(signed).findtext("ds:SignatureValue", namespaces=NSMAP)
    assert value.endswith("==")  # 64 bytes: the last character carries 2 bits and 4 zero bits
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(value[-3])
    twin = alphabet[last | 0b0001]
    lenient = value[:-3] + twin + "=="
    assert base64.b64decode(lenient) == base64.b64decode(value)
    report = verify(signed.replace(value.encode(), lenient.encode()))
    assert not report.integrity
    assert "not canonical base64" in report.problems[0]


def test_the_signature_id_is_bound_by_the_qualifying_properties_target(signed):
    """ds:Signature/@Id is signed nowhere; xades:QualifyingProperties/@Target must name it."""
    identifier = signature_of(signed).get("Id")
    renamed = signed.replace(f'Id="{identifier}"'.encode(), f'Id="{identifier}X"'.encode(), 1)
    report = verify(renamed)
    assert not report.integrity
    assert report.problems == (
        f"xades:QualifyingProperties/@Target '#{identifier}' does not point to this "
        f"ds:Signature (Id '{identifier}X'), EN 319 132-1 4.3",
    )


def test_a_signature_appended_to_a_signed_file_breaks_the_first(signed):
    signature = etree.tostring(signature_of(signed))
    twice = signed.replace(
        b"</dcc:digitalCalibrationCertificate>", signature + b"</dcc:digitalCalibrationCertificate>"
    )
    report = verify(twice)
    assert (report.integrity, report.signatures) == (False, 2)
    assert report.problems[0] == "2 ds:Signature elements: only the first was verified"
    assert any(p.startswith("Digest mismatch for reference 0") for p in report.problems)


# --- canonical_digest ----------------------------------------------------------------------


def test_canonical_digest_is_the_same_on_every_reading_path(dcc_examples, signed, tmp_path):
    path = dcc_examples["gp_temperature_typical_signed_xades_3.2.0"]
    data = path.read_bytes()
    digest = canonical_digest(data)
    document = parse(data)
    root = document.root
    c14n = etree.tostring(root, method="c14n", exclusive=True, with_comments=False)
    assert digest == hashlib.sha256(c14n).digest()
    assert canonical_digest(path) == canonical_digest(str(path)) == digest
    assert canonical_digest(document) == digest
    with path.open("rb") as stream:
        assert canonical_digest(stream) == digest
    for encoding in ("UTF-8", "UTF-16", "ISO-8859-1"):  # re-serialised by lxml
        rewritten = etree.tostring(document.tree, encoding=encoding, xml_declaration=True)
        assert canonical_digest(rewritten) == digest, encoding
    quoting = data.replace(b'schemaVersion="3.2.0"', b"schemaVersion = '3.2.0'")
    assert quoting != data and canonical_digest(quoting) == digest
    commented = data.replace(b"DCC - Digital Calibration Certificate", b"a comment changed")
    assert commented != data and canonical_digest(commented) == digest
    crlf = data.replace(b"\r\n", b"\n")
    assert crlf != data and canonical_digest(crlf) == digest
    assert verify(quoting).integrity and verify(commented).integrity


def test_canonical_digest_changes_with_any_content(dcc_examples):
    data = dcc_examples["gp_temperature_typical_signed_xades_3.2.0"].read_bytes()
    digest = canonical_digest(data)
    changed = data.replace(b"Kalibrierfirma GmbH", b"Kalibrierfirma GmbX")
    assert canonical_digest(changed) != digest
    assert canonical_digest(dcc_examples[TAMPERED]) != digest
    reindented = data.replace(b"\n\t\t<dcc:dccSoftware>", b"\n    <dcc:dccSoftware>", 1)
    assert reindented != data
    assert canonical_digest(reindented) != digest  # as strict as the signature
    assert not verify(reindented).integrity


def test_canonical_digest_refuses_what_is_not_a_dcc():
    with pytest.raises(DccParseError, match="not a DCC: the root element is html"):
        canonical_digest(b"<html><body/></html>")


# --- a second implementation ---------------------------------------------------------------

JAVA_VERIFIER = r"""
import javax.xml.crypto.*;
import javax.xml.crypto.dsig.*;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;
import java.io.File;
import java.security.PublicKey;
import java.security.cert.X509Certificate;

public class XmlDsigVerify {
  public static void main(String[] args) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document doc = factory.newDocumentBuilder().parse(new File(args[0]));
    NodeList all = doc.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.hasAttribute("Id")) e.setIdAttribute("Id", true);
    }
    Element sig = (Element) doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature").item(0);
    DOMValidateContext context = new DOMValidateContext(new KeySelector() {
      public KeySelectorResult select(KeyInfo info, Purpose purpose, AlgorithmMethod method,
                                      XMLCryptoContext c) throws KeySelectorException {
        for (Object o : info.getContent()) if (o instanceof X509Data)
          for (Object x : ((X509Data) o).getContent()) if (x instanceof X509Certificate) {
            final PublicKey key = ((X509Certificate) x).getPublicKey();
            return () -> key;
          }
        throw new KeySelectorException("no X509Certificate");
      }
    }, sig);
    XMLSignature signature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context);
    boolean valid = signature.validate(context);
    System.out.println("signature value " + signature.getSignatureValue().validate(context));
    for (Object o : signature.getSignedInfo().getReferences()) {
      Reference r = (Reference) o;
      System.out.println("reference " + r.getURI() + " " + r.validate(context));
    }
    System.exit(valid ? 0 : 1);
  }
}
"""


@pytest.fixture(scope="module")
def java_verifier(tmp_path_factory):
    """The JDK's XML Signature (Apache Santuario), compiled once; skipped without a JDK."""
    if shutil.which("javac") is None or shutil.which("java") is None:
        pytest.skip("no JDK (javac) to cross-check signatures with")
    folder = tmp_path_factory.mktemp("java")
    (folder / "XmlDsigVerify.java").write_text(JAVA_VERIFIER)
    subprocess.run(["javac", "XmlDsigVerify.java"], cwd=folder, check=True, timeout=120)

    def run(data: bytes) -> subprocess.CompletedProcess:
        target = folder / "document.xml"
        target.write_bytes(data)
        return subprocess.run(
            ["java", "-cp", str(folder), "XmlDsigVerify", str(target)],
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def test_the_jdk_verifies_what_sitrace_signs(java_verifier, signed, dcc_examples):
    result = java_verifier(signed)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(" true") == 4  # the signature value and three references
    tampered = java_verifier(dcc_examples[TAMPERED].read_bytes())
    assert tampered.returncode == 1
    assert "reference  false" in tampered.stdout


def test_the_jdk_rejects_a_processing_instruction_signxml_would_not_see(java_verifier, signed):
    """Why sign() refuses a <?xml-stylesheet?> before the root: URI="" covers it."""
    added = signed.replace(
        b"<dcc:digitalCalibrationCertificate",
        b'<?xml-stylesheet href="a.xsl"?><dcc:digitalCalibrationCertificate',
        1,
    )
    result = java_verifier(added)
    assert result.returncode == 1
    assert "reference  false" in result.stdout
