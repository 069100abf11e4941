"""Digital Calibration Certificates (PTB DCC with D-SI quantities).

Contents
--------
- :func:`read_certificate`, :func:`write_certificate`: XML to the model
  (:class:`Certificate` and its parts) and back, losing nothing.
- :func:`flatten`, :func:`to_dataframe`, :func:`write_csv`: results as one row per value.
- :func:`validate`: offline, the XSD of the file's ``@schemaVersion`` (from a
  :class:`SchemaCatalog`, never the network) and the rules the schema cannot express.
- :func:`sign`, :func:`verify`, :func:`canonical_digest`: enveloped XAdES-B signatures.
- :func:`render_html`, :func:`render_pdf`, :func:`render_all`: certificates for people
  (imported on first use: they load matplotlib and reportlab).
- :func:`parse`: the safe parser (no DTD, no entities, no network, a size limit).
"""

from .model import *  # noqa: F403
from .model import __all__ as _model_all
from .parsing import DCC_NS, DS_NS, SI_NS, Document, parse
from .read import read_certificate
from .schemas import SchemaCatalog, find_schemas
from .signature import VerificationReport, canonical_digest, sign, verify
from .table import TableRow, flatten, to_dataframe, write_csv
from .validate import Problem, ValidationReport, require_valid, validate
from .write import write_certificate

_RENDER = ("render_html", "render_pdf", "render_all", "embedded_document")

__all__ = [
    *_model_all,
    *_RENDER,
    "DCC_NS",
    "DS_NS",
    "SI_NS",
    "Document",
    "Problem",
    "SchemaCatalog",
    "TableRow",
    "ValidationReport",
    "VerificationReport",
    "canonical_digest",
    "find_schemas",
    "flatten",
    "parse",
    "read_certificate",
    "require_valid",
    "sign",
    "to_dataframe",
    "validate",
    "verify",
    "write_certificate",
    "write_csv",
]


def __getattr__(name: str):
    if name in _RENDER:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module 'sitrace.dcc' has no attribute {name!r}")
