"""Read -> write gives the document back; model -> XML -> model is the identity.

"Back" means the same canonical tree: tags, attributes and texts equal, with
whitespace-only text (indentation) dropped and lists split on whitespace. Numbers
keep their spelling (``0.020`` stays ``0.020``: its digits state its precision).
``dcc:content`` texts and comments must be equal character for character.
"""

from __future__ import annotations

import copy
import random

import pytest
from hypothesis import HealthCheck, given, settings
from lxml import etree

from sitrace.dcc import _xmlvalues as xv
from sitrace.dcc.read import read_certificate
from sitrace.dcc.table import flatten
from sitrace.dcc.write import write_certificate

from .strategies import certificates
from .test_read import EXAMPLES

# SOURCES.md, "Validation results": valid against their own version, or against
# 3.3.0 with @schemaVersion rewritten (no 3.2.x XSD is available).
VALID = {
    "ptb_vacuum_CDG_pressure_3.1.1": "3.1.1",
    "ptb_vacuum_SRG_pressure_3.1.1": "3.1.1",
    "gp_temperature_extensive_3.1.1": "3.1.1",
    "gp_temperature_resistance_3.1.1": "3.1.1",
    "gp_humidity_3.1.2": "3.1.2",
    "gp_temperature_typical_QoX_3.2.1": "3.3.0",
    "gp_temperature_typical_signed_xades_3.2.0": "3.3.0",
    "gp_temperature_typical_signed_xades_lt_3.2.0": "3.3.0",
    "gp_temperature_typical_signed_TAMPERED_3.2.0": "3.3.0",
}


def canonical(node):
    """A comparable form of a node (see the module docstring)."""
    if not isinstance(node.tag, str):
        return (type(node).__name__, node.text)
    local = etree.QName(node).localname
    text = node.text or ""
    texts = ("".join(text.split()),) if local == "dataBase64" else tuple(text.split())
    return (
        node.tag,
        tuple(sorted(node.attrib.items())),
        texts,
        tuple(canonical(child) for child in node),
    )


def _contents(root) -> list[str]:
    return [node.text for node in root.iter("{https://ptb.de/dcc}content")]


def _comments(root) -> list[str]:
    return [node.text for node in root.iter(etree.Comment)]


@pytest.mark.parametrize("stem", EXAMPLES)
def test_every_example_is_written_back_unchanged(dcc_examples, stem):
    source = etree.parse(str(dcc_examples[stem])).getroot()
    cert = read_certificate(dcc_examples[stem])
    written = etree.fromstring(write_certificate(cert))
    assert canonical(written) == canonical(source)
    assert _contents(written) == _contents(source)
    assert _comments(written) == _comments(source)
    assert read_certificate(write_certificate(cert)) == cert


def test_the_canonical_comparison_sees_a_change(dcc_examples):
    path = dcc_examples["gp_temperature_typical_QoX_3.2.1"]
    source = etree.parse(str(path)).getroot()
    changed = etree.fromstring(path.read_bytes().replace(b"306.248", b"306.249"))
    assert canonical(changed) != canonical(source)
    respelled = etree.fromstring(path.read_bytes().replace(b">306.248 ", b">306.2480 "))
    assert canonical(respelled) != canonical(source)


def test_numbers_keep_the_digits_they_were_written_with(dcc_examples):
    path = dcc_examples["gp_temperature_typical_QoX_3.2.1"]
    data = path.read_bytes().replace(b">306.248 ", b">306.2480 ")
    cert = read_certificate(data)
    assert b">306.2480 " in write_certificate(cert)
    (first,) = [row.value for row in flatten(cert) if row.value == 306.248]
    assert xv.written_text(first) == "306.2480"  # the same number, with its spelling kept
    assert xv.format_double(first * 1) == "306.248"  # a computed value is written shortest


def test_the_prolog_is_kept(dcc_examples):
    written = write_certificate(read_certificate(dcc_examples["gp_humidity_3.1.2"]))
    assert written.splitlines()[1].startswith(b'<?xml-stylesheet type="text/xsl" href="dcc.xsl"?>')


@pytest.mark.parametrize("stem", sorted(VALID))
def test_valid_examples_stay_valid(dcc_examples, dcc_schemas, stem):
    version = VALID[stem]
    cert = read_certificate(dcc_examples[stem])
    tree = etree.fromstring(write_certificate(cert, schema_version=version))
    dcc_schemas.xsd(version).assertValid(tree)


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@PROPERTY
@given(certificates())
def test_model_xml_model_is_the_identity(cert):
    assert read_certificate(write_certificate(cert)) == cert


@PROPERTY
@given(certificates())
def test_generated_certificates_validate_as_3_3_0(dcc_schemas, cert):
    tree = etree.fromstring(write_certificate(cert, schema_version="3.3.0"))
    dcc_schemas.xsd("3.3.0").assertValid(tree)


_PLACEHOLDERS = ("§x§", "", " ", "1e", "-1", "NaN", "2020-01-01Z", "true", "INF", "1 2 3")


def _mutate(root, rng: random.Random) -> None:
    """Break a valid document the ways templates and hand edits do (never its well-formedness)."""
    nodes = [node for node in root.iter() if node is not root]
    for _ in range(rng.randint(1, 6)):
        node = rng.choice(nodes)
        parent = node.getparent()
        element = isinstance(node.tag, str)
        operation = rng.randrange(10)
        if parent is None:
            continue
        if operation == 0:
            parent.remove(node)
        elif operation == 1 and element:
            node.text = rng.choice(_PLACEHOLDERS)  # also text between child elements
        elif operation == 2 and element:
            node.set(rng.choice(("id", "refType", "foreign", "lang")), "v1")
        elif operation == 3:
            parent.append(copy.deepcopy(node))  # repeated, out of the schema's order
        elif operation == 4:
            parent.insert(rng.randrange(len(parent) + 1), etree.Comment(" note "))
        elif operation == 5 and element:
            parent.remove(node)
            parent.insert(rng.randrange(len(parent) + 1), node)
        elif operation == 6 and element:
            etree.SubElement(node, "{https://ptb.de/dcc}unknown").text = "u"
        elif operation == 7:
            node.tail = rng.choice(("x", " "))
        elif operation == 8 and element:
            node.tag = rng.choice([other for other in nodes if isinstance(other.tag, str)]).tag
        elif operation == 9:
            root.set("schemaVersion", rng.choice(("2.4.0", "3.1.1", "3.3.0", "x", "")))


@pytest.mark.parametrize("seed", range(4))
def test_broken_documents_read_and_write_back_unchanged(dcc_examples, seed):
    """Reading never fails on a well-formed document, and loses nothing of it."""
    rng = random.Random(seed)
    paths = [dcc_examples[stem] for stem in EXAMPLES]
    for _ in range(30):
        root = etree.parse(str(rng.choice(paths))).getroot()
        _mutate(root, rng)
        xml = etree.tostring(root, encoding="UTF-8")  # (ASCII would escape inside comments)
        cert = read_certificate(xml)
        written = write_certificate(cert)
        assert canonical(etree.fromstring(written)) == canonical(root)
        assert read_certificate(written) == cert
