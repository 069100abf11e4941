"""Signed notes (C2SP signed-note, Ed25519) and checkpoints (C2SP tlog-checkpoint).

Reference data: tests/reference/signed-note/ (golang.org/x/mod sumdb/note test vectors;
see the README there).
"""

from __future__ import annotations

import base64
from hashlib import sha256

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.errors import InputError, LedgerError, SignatureError
from sitrace.ledger import (
    Checkpoint,
    Signer,
    Verifier,
    generate_signer,
    open_checkpoint,
    open_note,
    sign_checkpoint,
    sign_note,
)
from tests.conftest import load_reference

GO = load_reference("signed-note/golang-mod-note-test.json")
PETER = Verifier.from_key(GO["peter_verifier_key"])
ENOCH = Verifier.from_key(GO["enoch_verifier_key"])
TEXT = GO["text"]
PETER_SIG = GO["peter_signature_line"]
ENOCH_SIG = GO["enoch_signature_line"]


# --- keys -------------------------------------------------------------------------------


def test_go_keys_parse_and_print_back():
    signer = Signer.from_key(GO["peter_signer_key"])
    assert signer.key == GO["peter_signer_key"]
    assert signer.verifier == PETER
    assert PETER.key == GO["peter_verifier_key"]
    assert (PETER.name, PETER.key_id.hex()) == ("PeterNeumann", "c74f20a3")
    assert str(ENOCH) == "EnochRoot+af0cfe78"


def test_the_key_id_is_the_c2sp_hash():
    expected = sha256(b"PeterNeumann\n\x01" + PETER.public_key).digest()[:4]
    assert PETER.key_id == expected


def test_the_secret_stays_out_of_repr_and_str():
    signer = Signer.from_key(GO["peter_signer_key"])
    secret = GO["peter_signer_key"].rsplit("+", 1)[1]
    for shown in (repr(signer), str(signer)):
        assert secret not in shown
        assert signer.seed.hex() not in shown
    assert repr(signer) == "Signer(name='PeterNeumann')"


def test_generated_keys_round_trip():
    signer = generate_signer("example.org/ledger")
    assert Signer.from_key(signer.key) == signer
    assert Verifier.from_key(signer.verifier.key) == signer.verifier
    assert signer.key.startswith("PRIVATE+KEY+example.org/ledger+")


@pytest.mark.parametrize(
    ("key", "message"),
    [
        (
            GO["bad_verifier_keys"]["wrong length key, with adjusted key hash"],
            r"^verifier key: the key is not standard base64$",
        ),
        (
            GO["bad_verifier_keys"]["unknown algorithm, with adjusted key hash"],
            r"^verifier key: not an Ed25519 key \(type 0x01\)$",
        ),
        (
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWAA==",
            r"^verifier key: an Ed25519 key is 32 bytes, got 33$",
        ),
        (
            "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            r"^verifier key 'PeterNeumann': the key ID c74f20a4 does not match the name and key "
            r"\(expected c74f20a3\)$",
        ),
        (
            "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            r"^verifier key: the name must be non-empty, without spaces",
        ),
        (
            "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            r"^verifier key: the key ID must be 8 lowercase hex digits$",
        ),
        ("PeterNeumann+c74f20a3", r"^verifier key: has 3 fields separated by '\+', got 2$"),
    ],
)
def test_malformed_verifier_keys_are_refused(key, message):
    with pytest.raises(InputError, match=message):
        Verifier.from_key(key)


def test_every_truncation_of_the_go_keys_is_refused():
    # As TestNewVerifier / TestNewSigner: no proper substring of a key is a key.
    for key, parse in (
        (GO["peter_verifier_key"], Verifier.from_key),
        (GO["peter_signer_key"], Signer.from_key),
    ):
        for i in range(len(key)):
            for j in range(i + 1, len(key) + 1):
                if (i, j) != (0, len(key)):
                    with pytest.raises(InputError):
                        parse(key[i:j])


def test_a_mangled_signer_key_is_refused_without_repeating_it():
    key = GO["peter_signer_key"]
    mangled = key[:-6] + ("A" if key[-6] != "A" else "B") + key[-5:]
    with pytest.raises(InputError) as caught:
        Signer.from_key(mangled)
    assert mangled.rsplit("+", 1)[1] not in str(caught.value)


# --- notes ------------------------------------------------------------------------------


def test_signing_the_go_text_gives_the_go_note():
    # Ed25519 is deterministic (RFC 8032), so the signature is the published one.
    signer = Signer.from_key(GO["peter_signer_key"])
    assert sign_note(TEXT, signer) == GO["peter_signed"] == TEXT + "\n" + PETER_SIG


def test_the_go_note_opens():
    assert open_note(GO["peter_signed"], PETER) == TEXT
    assert open_note(GO["peter_signed"], [ENOCH, PETER]) == TEXT


def test_unknown_signatures_are_ignored_when_a_known_one_verifies():
    assert open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER]) == TEXT
    assert open_note(TEXT + "\n" + ENOCH_SIG + PETER_SIG, [PETER]) == TEXT
    assert open_note(TEXT + "\n" + PETER_SIG + ENOCH_SIG, [PETER, ENOCH]) == TEXT


def test_a_modified_text_fails():
    note = GO["peter_signed"].replace("cryptography", "cryptographY")
    with pytest.raises(SignatureError, match=r"^invalid signature by key PeterNeumann\+c74f20a3$"):
        open_note(note, PETER)


def test_a_modified_signature_fails():
    # As TestOpen "Invalid signature": four characters inserted into the base64.
    note = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(SignatureError, match=r"^invalid signature by key PeterNeumann\+c74f20a3$"):
        open_note(note, PETER)


def test_one_bad_signature_by_a_known_key_rejects_the_note():
    bad = ENOCH_SIG[:60] + "ABCD" + ENOCH_SIG[60:]
    with pytest.raises(SignatureError, match=r"invalid signature by key EnochRoot\+af0cfe78"):
        open_note(TEXT + "\n" + PETER_SIG + bad, [PETER, ENOCH])


def test_an_unknown_key_fails():
    with pytest.raises(
        SignatureError,
        match=r"^no signature by a known key: signed by PeterNeumann\+c74f20a3; "
        r"known keys: EnochRoot\+af0cfe78$",
    ):
        open_note(GO["peter_signed"], ENOCH)


def test_same_name_other_key_is_an_unknown_key():
    impostor = generate_signer("PeterNeumann")
    with pytest.raises(SignatureError, match="no signature by a known key"):
        open_note(sign_note(TEXT, impostor), PETER)


@pytest.mark.parametrize(
    ("note", "message"),
    [
        (TEXT, r"^the note has no signatures"),
        (TEXT + "\n", r"^the note has no signatures"),
        (TEXT + "\n" + PETER_SIG[:-1], r"^malformed note: the last signature line does not end"),
        (
            "\x01" + TEXT + "\n" + PETER_SIG,
            r"^a signed note contains the character U\+0001 at offset 0$",
        ),
        (
            TEXT + "\n" + PETER_SIG.replace("PeterNeumann", "Bad Name"),
            r"^malformed note: signature line 1 is not '— <name> <base64>'$",
        ),
        (
            TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
            r"^malformed note: signature line 2 does not start with '— '$",
        ),
        (TEXT + "\n" + PETER_SIG * 101, r"^malformed note: more than 100 signatures$"),
    ],
    ids=[
        "text only",
        "blank line only",
        "no final newline",
        "control character",
        "bad name",
        "unexpected line",
        "too many signatures",
    ],
)
def test_malformed_notes_fail(note, message):
    # The bad messages of TestOpen.
    with pytest.raises(SignatureError, match=message):
        open_note(note, PETER)


def test_a_note_signed_twice_opens_with_either_key():
    first, second = generate_signer("a.example/log"), generate_signer("b.example/witness")
    note = sign_note("hello\n\nworld\n", first, second)
    assert open_note(note, first.verifier) == "hello\n\nworld\n"
    assert open_note(note, second.verifier) == "hello\n\nworld\n"


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=60))
def test_any_text_round_trips(body):
    signer = generate_signer("example.org/ledger")
    text = body + "\n"
    assert open_note(sign_note(text, signer), signer.verifier) == text


@pytest.mark.parametrize(
    ("text", "signers", "message"),
    [
        ("no newline", 1, "a note's text must end with a newline"),
        ("tab\there\n", 1, r"a note's text contains the character U\+0009 at offset 3"),
        ("fine\n", 0, "sign_note needs at least one signer"),
    ],
)
def test_sign_note_refuses_bad_input(text, signers, message):
    with pytest.raises(InputError, match=message):
        sign_note(text, *[generate_signer("x")] * signers)


# --- checkpoints ------------------------------------------------------------------------

C2SP_EXAMPLE_TEXT = (
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def test_the_c2sp_example_checkpoint_parses_and_prints_back():
    checkpoint = Checkpoint.parse(C2SP_EXAMPLE_TEXT)
    assert checkpoint.origin == "example.com/behind-the-sofa"
    assert checkpoint.size == 20852163
    assert checkpoint.root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert checkpoint.to_text() == C2SP_EXAMPLE_TEXT


def test_checkpoints_with_extensions_round_trip():
    checkpoint = Checkpoint("example.org/ledger", 7, bytes(range(32)), ("ext one", "ext two"))
    assert Checkpoint.parse(checkpoint.to_text()) == checkpoint
    assert checkpoint.to_text().endswith("\next one\next two\n")


def test_a_signed_checkpoint_opens_to_the_same_checkpoint():
    signer = generate_signer("example.org/ledger")
    checkpoint = Checkpoint("example.org/ledger", 0, sha256(b"").digest())
    note = sign_checkpoint(checkpoint, signer)
    assert note.startswith(checkpoint.to_text() + "\n— example.org/ledger ")
    assert open_checkpoint(note, signer.verifier) == checkpoint


def test_a_checkpoint_signed_by_another_key_fails():
    note = sign_checkpoint(Checkpoint("o", 1, bytes(32)), generate_signer("o"))
    with pytest.raises(SignatureError, match="no signature by a known key"):
        open_checkpoint(note, generate_signer("o").verifier)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("origin\n5\n", r"malformed checkpoint: 2 lines, needs origin, size and root hash"),
        ("origin\n5\n" + "A" * 44, "the text must end with a newline"),
        ("\n5\n" + base64.b64encode(bytes(32)).decode() + "\n", r"line 1 \(origin\) is empty"),
        (
            "o\n05\n" + base64.b64encode(bytes(32)).decode() + "\n",
            r"line 2 \(tree size\) must be a decimal number without leading zeros, got '05'",
        ),
        ("o\n-1\n" + base64.b64encode(bytes(32)).decode() + "\n", r"line 2 \(tree size\)"),
        ("o\n\u0665\n" + base64.b64encode(bytes(32)).decode() + "\n", r"line 2 \(tree size\)"),
        (
            "o\n5\n" + base64.b64encode(bytes(31)).decode() + "\n",
            r"line 3 \(root hash\) must be the base64 of 32 bytes",
        ),
        (
            "o\n5\n" + base64.b64encode(bytes(32)).decode() + "\n\n",
            r"line 4 \(extension\) is empty",
        ),
    ],
)
def test_malformed_checkpoints_fail(text, message):
    with pytest.raises(LedgerError, match=message):
        Checkpoint.parse(text)


def test_a_signed_note_that_is_not_a_checkpoint_fails():
    signer = generate_signer("example.org/ledger")
    with pytest.raises(LedgerError, match="malformed checkpoint"):
        open_checkpoint(sign_note("just a note\n", signer), signer.verifier)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", 1, bytes(32)), "the checkpoint origin must be one non-empty line"),
        (("a\nb", 1, bytes(32)), "the checkpoint origin must be one non-empty line"),
        (("o", -1, bytes(32)), "the checkpoint size must be an integer >= 0, got -1"),
        (("o", 1, bytes(31)), "the checkpoint root must be 32 bytes"),
        (("o", 1, bytes(32), ("",)), "the checkpoint extension must be one non-empty line"),
    ],
)
def test_checkpoint_fields_are_checked(args, message):
    with pytest.raises(InputError, match=message):
        Checkpoint(*args)
