"""Reading untrusted DCCs safely (sitrace.dcc.parsing): what XML attacks use is refused.

Each attack is tried in UTF-8, where the pre-parse scan refuses a DTD, and in
UTF-16, where that scan sees nothing and the parser's own settings (no DTD
loading, no entity substitution, no network) and the check after parsing must
hold. A local HTTP server records whether anything was fetched; a secret file
records whether anything was read.
"""

from __future__ import annotations

import http.server
import io
import threading

import pytest

from sitrace.dcc.parsing import DEFAULT_MAX_BYTES, parse
from sitrace.dcc.signature import canonical_digest, sign, verify
from sitrace.errors import DccParseError

ROOT = '<dcc:digitalCalibrationCertificate xmlns:dcc="https://ptb.de/dcc" schemaVersion="3.3.0">'
END = "</dcc:digitalCalibrationCertificate>"
ENCODINGS = {"UTF-8": "utf-8", "UTF-16": "utf-16"}

LAUGHS = "\n".join(
    ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
)


def document(body: str, *, doctype: str = "", encoding: str = "UTF-8") -> bytes:
    text = f'<?xml version="1.0" encoding="{encoding}"?>\n{doctype}\n{ROOT}{body}{END}'
    return text.encode(ENCODINGS[encoding])


@pytest.fixture
def server():
    """A local HTTP server that counts the requests it gets."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            body = b'<!ENTITY leak "fetched">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-CONTENT")
    return path


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_external_entity_to_a_local_file_is_refused(secret, encoding):
    data = document(
        "&xxe;",
        doctype=f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>',
        encoding=encoding,
    )
    with pytest.raises(DccParseError, match=r"DTD \(<!DOCTYPE>\)") as caught:
        parse(data)
    assert "TOP-SECRET" not in str(caught.value)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_an_external_entity_to_http_is_refused_and_never_fetched(server, encoding):
    url, requests = server
    for doctype in (
        f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{url}/entity">]>',
        f'<!DOCTYPE x SYSTEM "{url}/external.dtd">',
        f'<!DOCTYPE x [<!ENTITY % remote SYSTEM "{url}/parameter"> %remote;]>',
    ):
        with pytest.raises(DccParseError, match="DTD"):
            parse(document("&xxe;" if "xxe" in doctype else "", doctype=doctype, encoding=encoding))
    assert requests == []


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_billion_laughs_is_refused_not_expanded(encoding):
    data = document(
        '<dcc:x a="&lol9;">&lol9;</dcc:x>',
        doctype=f"<!DOCTYPE x [\n{LAUGHS}\n]>",
        encoding=encoding,
    )
    with pytest.raises(DccParseError, match=r"DTD|amplification"):
        parse(data)  # expanded, 10**9 "lol" would take gigabytes


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_doctype_without_entities_is_refused(encoding):
    with pytest.raises(DccParseError, match=r"DTD \(<!DOCTYPE>\) .*not allowed in a DCC"):
        parse(
            document("", doctype="<!DOCTYPE dcc:digitalCalibrationCertificate>", encoding=encoding)
        )


def test_a_doctype_in_a_comment_is_not_one():
    data = document("", doctype="<!-- <!DOCTYPE x> is not a DOCTYPE here -->")
    assert parse(data).is_dcc


def test_an_undeclared_entity_is_not_well_formed():
    with pytest.raises(DccParseError, match=r"line 3, column \d+: not well-formed XML: .*'foo'"):
        parse(document("&foo;"))


def test_xinclude_is_never_processed(secret):
    data = document(
        f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret.as_uri()}" '
        'parse="text"/>'
    )
    parsed = parse(data)
    assert parsed.root[0].tag == "{http://www.w3.org/2001/XInclude}include"
    assert b"TOP-SECRET" not in canonical_digest(parsed) + parsed.data


def test_deep_nesting_is_refused():
    with pytest.raises(DccParseError, match="depth"):
        parse(document("<a>" * 5000 + "</a>" * 5000))


# --- size -----------------------------------------------------------------------------------


def test_a_file_over_max_bytes_is_refused_before_parsing(tmp_path):
    data = document("<dcc:x>" + "a" * 2000 + "</dcc:x>")
    path = tmp_path / "big.xml"
    path.write_bytes(data)
    limit = len(data) - 1
    message = rf"file is {len(data):,} bytes, over the limit of {limit:,} bytes"
    for source in (data, path, str(path), io.BytesIO(data)):
        with pytest.raises(DccParseError, match=message):
            parse(source, max_bytes=limit)
    assert parse(path, max_bytes=len(data)).data == data  # the limit itself is allowed


def test_a_stream_is_not_read_past_the_limit():
    class Endless(io.RawIOBase):
        """An endless stream: reading all of it would never end."""

        def __init__(self):
            self.read_sizes: list[int] = []

        def readable(self):
            return True

        def read(self, size=-1):
            assert size is not None and size >= 0, "read without a limit"
            self.read_sizes.append(size)
            return b"<" * size

    stream = Endless()
    with pytest.raises(DccParseError, match="over the limit of 1,000 bytes"):
        parse(stream, max_bytes=1000)
    assert stream.read_sizes == [1001]


def test_the_default_limit_is_64_mib():
    assert DEFAULT_MAX_BYTES == 64 * 2**20


def test_an_unterminated_prolog_of_megabytes_is_refused():
    """4 MB of ``<?``: a scan that restarts at every ``<`` would take hours (quadratic);
    the prolog scan is linear, so this returns at once."""
    data = b"<?" * 2_000_000
    with pytest.raises(DccParseError):
        parse(data)


# --- not a DCC --------------------------------------------------------------------------------


def test_a_non_dcc_root_is_read_but_marked():
    """parse() reads any XML safely; Document.is_dcc tells a DCC from the rest."""
    html = parse(b"<html><body>hello</body></html>")
    assert not html.is_dcc
    wrong_namespace = parse(b'<digitalCalibrationCertificate xmlns="https://ptb.de/dcc/v2"/>')
    assert not wrong_namespace.is_dcc
    assert parse(document("")).is_dcc


@pytest.mark.parametrize("use", ["canonical_digest", "verify", "sign"])
def test_signature_functions_refuse_a_non_dcc_root(use):
    data = b'<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    call = {
        "canonical_digest": lambda: canonical_digest(data),
        "verify": lambda: verify(data),
        "sign": lambda: sign(data, key=None, certificates=()),
    }[use]
    with pytest.raises(
        DccParseError, match=r"<bytes> line 2: not a DCC: the root element is \{http://www.w3"
    ):
        call()
