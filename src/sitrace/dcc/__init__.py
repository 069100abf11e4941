"""Digital Calibration Certificates (PTB DCC with D-SI quantities).

Read, write, validate (offline XSD and rules), sign and verify (XAdES), render.
"""

from .model import *  # noqa: F403
from .model import __all__ as _model_all
from .parsing import DCC_NS, DS_NS, SI_NS, Document, parse
from .schemas import SchemaCatalog, find_schemas

__all__ = [
    *_model_all,
    "DCC_NS",
    "DS_NS",
    "SI_NS",
    "Document",
    "SchemaCatalog",
    "find_schemas",
    "parse",
]
