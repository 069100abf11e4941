"""Reading DCC files safely: no DTD, no entities, no network, a size limit.

A DCC arrives from outside, so the parser refuses what XML attacks use (a
``<!DOCTYPE`` with entities: XXE, "billion laughs") and never fetches anything.
The bytes read are kept unchanged in :class:`Document`, so a signed
certificate can be verified and hashed exactly as it was received.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..errors import DccParseError

__all__ = [
    "DCC_NS",
    "DEFAULT_MAX_BYTES",
    "DS_NS",
    "NSMAP",
    "SI_NS",
    "XADES_NS",
    "Document",
    "parse",
    "parse_bytes",
    "path_of",
    "safe_parser",
]

DCC_NS = "https://ptb.de/dcc"
SI_NS = "https://ptb.de/si"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
XADES_NS = "http://uri.etsi.org/01903/v1.3.2#"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
NSMAP = {"dcc": DCC_NS, "si": SI_NS, "ds": DS_NS, "xades": XADES_NS, "xsi": XSI_NS}
_PREFIX = {uri: prefix for prefix, uri in NSMAP.items()}

DEFAULT_MAX_BYTES = 64 * 2**20
"""Largest DCC read by default (64 MiB); embedded PDFs make real certificates a few MiB."""


def safe_parser(*, remove_blank_text: bool = False) -> etree.XMLParser:
    """An lxml parser with DTD loading, entity expansion and network access off."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=remove_blank_text,
    )


@dataclass(frozen=True, eq=False)
class Document:
    """A parsed DCC with the bytes it was read from.

    Attributes
    ----------
    tree : lxml.etree._ElementTree
        The parsed document (line numbers kept for messages).
    data : bytes
        The bytes exactly as read; a signed DCC is verified against these.
    name : str
        Where it came from (a file name), used in messages.
    """

    tree: etree._ElementTree
    data: bytes = field(repr=False)
    name: str = "<bytes>"

    @property
    def root(self) -> etree._Element:
        return self.tree.getroot()

    @property
    def schema_version(self) -> str | None:
        """The root's ``@schemaVersion``, or None when absent."""
        return self.root.get("schemaVersion")

    @property
    def is_dcc(self) -> bool:
        return self.root.tag == f"{{{DCC_NS}}}digitalCalibrationCertificate"

    def where(self, element: etree._Element | None = None) -> str:
        """``"name line N"`` for messages."""
        if element is None or element.sourceline is None:
            return self.name
        return f"{self.name} line {element.sourceline}"


def parse(
    source: str | Path | bytes | BinaryIO,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    name: str | None = None,
) -> Document:
    """Read a DCC from a path, bytes or a binary file object.

    Parameters
    ----------
    source : path, bytes or binary file
        The XML document.
    max_bytes : int, keyword-only
        Refuse a larger document before reading it into memory.
    name : str, optional
        The name used in messages (default: the file name).

    Raises
    ------
    DccParseError
        Too large, not well-formed (with line and column), or carrying a DTD
        or entity declarations.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        return parse_bytes(bytes(source), max_bytes=max_bytes, name=name or "<bytes>")
    if isinstance(source, str | Path):
        path = Path(source)
        label = name or str(path)
        try:
            size = path.stat().st_size
        except OSError as error:
            raise DccParseError(f"cannot read: {error.strerror}", where=label) from error
        _check_size(size, max_bytes, label)
        return parse_bytes(path.read_bytes(), max_bytes=max_bytes, name=label)
    label = name or getattr(source, "name", "<stream>")
    data = source.read(max_bytes + 1)
    return parse_bytes(data, max_bytes=max_bytes, name=str(label))


def parse_bytes(
    data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, name: str = "<bytes>"
) -> Document:
    """Parse ``data`` (see :func:`parse`)."""
    _check_size(len(data), max_bytes, name)
    if _has_doctype(data):
        raise DccParseError(
            "a DTD (<!DOCTYPE>) or entity declaration is not allowed in a DCC "
            "(refused: it enables XXE and entity-expansion attacks)",
            where=name,
        )
    try:
        tree = etree.parse(io.BytesIO(data), safe_parser())
    except etree.XMLSyntaxError as error:
        line, column = error.position if error.position else (None, None)
        where = f"{name} line {line}, column {column}" if line else name
        message = (error.msg or "").lower()
        if "huge" in message and "depth" not in message:
            raise DccParseError(
                "a text node is over libxml2's limit of 10,000,000 characters (an embedded "
                "document over about 7 MiB); it is refused to protect memory",
                where=where,
            ) from error
        raise DccParseError(f"not well-formed XML: {error.msg}", where=where) from error
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise DccParseError("a DTD (<!DOCTYPE>) is not allowed in a DCC", where=name)
    for node in tree.iter(etree.Entity):
        raise DccParseError(
            f"entity reference {node.text} is not allowed in a DCC",
            where=f"{name} line {node.sourceline}",
        )
    return Document(tree=tree, data=data, name=name)


def path_of(element: etree._Element) -> str:
    """A prefixed XPath to ``element``, with positions among same-named siblings.

    >>> from lxml import etree
    >>> root = etree.fromstring(b'<a xmlns="https://ptb.de/dcc"><b/><b><c/></b></a>')
    >>> path_of(root[1][0])
    '/dcc:a/dcc:b[2]/dcc:c'
    """
    steps = []
    node = element
    while node is not None:
        if not isinstance(node.tag, str):
            steps.append("comment()")
            node = node.getparent()
            continue
        qname = etree.QName(node)
        prefix = _PREFIX.get(qname.namespace or "")
        label = f"{prefix}:{qname.localname}" if prefix else qname.localname
        parent = node.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            if len(same) > 1:
                label += f"[{same.index(node) + 1}]"
        steps.append(label)
        node = parent
    return "/" + "/".join(reversed(steps))


def _check_size(size: int, max_bytes: int, name: str) -> None:
    if size > max_bytes:
        raise DccParseError(
            f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
            "(raise it with max_bytes / --max-bytes / SITRACE_DCC_MAX_BYTES)",
            where=name,
        )


def _has_doctype(data: bytes) -> bool:
    """Whether a DOCTYPE or ENTITY declaration comes before the root element.

    One pass with ``bytes.find`` (linear time: a regex retried from every ``<`` of an
    unterminated ``<?`` or ``<!--`` would take quadratic time on hostile input).
    """
    position = 0
    while True:
        start = data.find(b"<", position)
        if start < 0:
            return False
        if data.startswith(b"<?", start):
            end = data.find(b"?>", start + 2)
        elif data.startswith(b"<!--", start):
            end = data.find(b"-->", start + 4)
        elif data.startswith((b"<!DOCTYPE", b"<!ENTITY"), start):
            return True
        elif data.startswith(b"<!", start):
            position = start + 2
            continue
        else:
            return False  # the root element starts
        if end < 0:  # unterminated, so not well-formed: refuse a DTD anywhere after it
            return data.find(b"<!DOCTYPE", start) >= 0 or data.find(b"<!ENTITY", start) >= 0
        position = end + 2
