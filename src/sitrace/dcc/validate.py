"""Validating a DCC offline: the XSD of its ``@schemaVersion``, then the rules.

:func:`validate` returns a :class:`ValidationReport` (it raises only when it cannot
validate at all); :func:`require_valid` (or :meth:`ValidationReport.raise_for_problems`)
turns an invalid report into a :class:`~sitrace.errors.DccValidationError`.

Steps
-----
1. Parse safely (:func:`sitrace.dcc.parsing.parse`). XML that is not well-formed gives a
   report with one problem, rule ``xml.wellformed``, and ``valid`` False, so that a batch
   of files is reported file by file. What is refused on purpose still raises
   :class:`~sitrace.errors.DccParseError`: a DTD or entity declaration, a file over
   ``max_bytes``, a file that cannot be read.
2. The root must be ``dcc:digitalCalibrationCertificate`` (else one problem, rule
   ``dcc.root``).
3. ``@schemaVersion`` picks the XSD from the offline :class:`SchemaCatalog`. A version
   the catalog lacks raises :class:`~sitrace.errors.DccSchemaError` listing the known
   ones, unless ``as_version`` is given: then the document is validated against that
   release with its ``@schemaVersion`` rewritten in a copy (each DCC XSD pins the
   attribute to its own version), the report's ``schema_version`` is the version
   validated against, and a warning (rule ``schema.version``) says what the file says.
4. XSD errors become problems with rule ``xsd``, their line and the prefixed path of
   :func:`sitrace.dcc.parsing.path_of`.
5. The rules of :mod:`sitrace.dcc.rules` (D-SI units, list lengths, k and p, ids and
   refIds, languages, dates, ISO codes, relative uncertainties, si:hybrid consistency).

``valid`` is True when no problem is an error. The schema is compiled once per
:class:`SchemaCatalog`; validating one example certificate then takes a few
milliseconds.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from ..errors import DccParseError, DccSchemaError, DccValidationError
from . import rules as _rules
from .parsing import DCC_NS, DEFAULT_MAX_BYTES, NSMAP, Document, parse, path_of
from .rules import Problem
from .schemas import SchemaCatalog

__all__ = ["Problem", "ValidationReport", "require_valid", "validate"]

_ROOT = f"{{{DCC_NS}}}digitalCalibrationCertificate"
_BRACED_NS = re.compile(r"\{([^{}]+)\}")
_PREFIX = {uri: prefix for prefix, uri in NSMAP.items()}


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What validating one DCC found.

    Attributes
    ----------
    name : str
        The file (or ``<bytes>``) validated.
    schema_version : str or None
        The DCC release validated against (``as_version`` when given); None when the
        document was not validated against any schema (not well-formed, not a DCC).
    problems : tuple of Problem
        XSD problems first (in the order libxml2 reports them), then the rules' (by line).
    declared_version : str or None
        The ``@schemaVersion`` the file states.
    """

    name: str
    schema_version: str | None
    problems: tuple[Problem, ...]
    declared_version: str | None = None

    @property
    def valid(self) -> bool:
        """True when no problem is an error (warnings do not count)."""
        return not any(p.severity == "error" for p in self.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    def to_dict(self) -> dict:
        """``{"valid", "schema_version", "problems": [{"rule", "severity", "line", "path",
        "message"}]}``: the JSON of ``sitrace dcc validate --json`` and of the API."""
        return {
            "valid": self.valid,
            "schema_version": self.schema_version,
            "problems": [p.to_dict() for p in self.problems],
        }

    def raise_for_problems(self, *, shown: int = 5) -> ValidationReport:
        """Raise :class:`DccValidationError` listing the first ``shown`` errors, if any.

        Returns the report itself when it is valid, so calls chain.
        """
        errors = self.errors
        if not errors:
            return self
        listed = "; ".join(
            f"line {p.line} [{p.rule}] {p.message}" if p.line else f"[{p.rule}] {p.message}"
            for p in errors[:shown]
        )
        more = f" (and {len(errors) - shown} more)" if len(errors) > shown else ""
        version = f"DCC {self.schema_version}" if self.schema_version else "DCC"
        raise DccValidationError(
            f"not a valid {version}: {len(errors)} error(s): {listed}{more}", where=self.name
        )


def require_valid(report: ValidationReport) -> ValidationReport:
    """``report`` when it is valid, else :class:`DccValidationError` with its first errors."""
    return report.raise_for_problems()


def validate(
    source: str | Path | bytes | BinaryIO | Document,
    *,
    schemas: SchemaCatalog,
    as_version: str | None = None,
    rules: bool | Iterable[str] = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ValidationReport:
    """Validate a DCC against the XSD of its ``@schemaVersion`` and the rules.

    Parameters
    ----------
    source : path, bytes, binary file or Document
        The certificate.
    schemas : SchemaCatalog, keyword-only
        The offline schemas (:func:`sitrace.dcc.find_schemas`); it compiles each XSD once.
    as_version : str, optional
        Validate against this DCC release instead of the file's ``@schemaVersion``
        (needed for releases the catalog lacks, e.g. 3.2.1 against 3.3.0).
    rules : bool or iterable of str, default True
        Run every rule (True), none (False), or those whose ids are given
        (:data:`sitrace.dcc.rules.RULE_IDS`).
    max_bytes : int, keyword-only
        Refuse a larger file.

    Returns
    -------
    ValidationReport

    Raises
    ------
    DccSchemaError
        The file's ``@schemaVersion`` (or ``as_version``) is not in the catalog; the
        message lists the versions that are.
    DccParseError
        The file carries a DTD or entities, is larger than ``max_bytes``, or cannot be read.

    Examples
    --------
    >>> report = validate(path, schemas=find_schemas())  # doctest: +SKIP
    >>> report.valid, report.to_dict()["problems"][:1]  # doctest: +SKIP
    (False, [{'rule': 'dsi.unit', 'severity': 'error', 'line': 336, ...}])
    """
    try:
        document = source if isinstance(source, Document) else parse(source, max_bytes=max_bytes)
    except DccParseError as error:
        cause = error.__cause__
        if not isinstance(cause, etree.XMLSyntaxError):
            raise
        line = cause.position[0] if cause.position else None
        name = error.where.split(" line ")[0] if error.where else "<bytes>"
        problem = Problem("xml.wellformed", error.message, line, None)
        return ValidationReport(name, None, (problem,))
    root = document.root
    declared = root.get("schemaVersion")
    if root.tag != _ROOT:
        qname = etree.QName(root)
        problem = Problem(
            "dcc.root",
            f"the root element is {{{qname.namespace}}}{qname.localname}, not "
            f"dcc:digitalCalibrationCertificate ({{{DCC_NS}}}): not a DCC",
            root.sourceline,
            path_of(root),
        )
        return ValidationReport(document.name, None, (problem,), declared)

    version = as_version or declared
    known = schemas.versions
    if version not in known:
        listed = ", ".join(known) or "none"
        if as_version:
            what = f"as_version {as_version!r} is not a DCC release in the offline catalog"
        elif declared is None:
            what = "the root has no @schemaVersion"
        else:
            what = f"no schema for DCC schemaVersion {declared!r} in the offline catalog"
        raise DccSchemaError(
            f"{what} (known: {listed}); validate against a known release with "
            "as_version= (--as on the command line)",
            where=document.name,
        )

    problems: list[Problem] = []
    tree = document.tree
    if version != declared:
        tree = copy.deepcopy(document.tree)
        tree.getroot().set("schemaVersion", version)
        problems.append(
            Problem(
                "schema.version",
                f"validated as {version}; the file says {declared}"
                if declared
                else f"validated as {version}; the file has no @schemaVersion",
                root.sourceline,
                path_of(root) + "/@schemaVersion",
                "warning",
            )
        )
    problems.extend(_xsd_problems(schemas.xsd(version), tree))
    if rules:
        select = None if rules is True else list(rules)
        problems.extend(_rules.check(root, select=select))
    return ValidationReport(document.name, version, tuple(problems), declared)


def _xsd_problems(schema: etree.XMLSchema, tree: etree._ElementTree) -> list[Problem]:
    """The schema's errors as problems, with sitrace's prefixed paths."""
    if schema.validate(tree):
        return []
    namespaces: dict[str, str] | None = None
    problems = []
    for entry in schema.error_log:
        if namespaces is None:
            namespaces = _document_prefixes(tree)
        problems.append(
            Problem(
                "xsd",
                _BRACED_NS.sub(_prefixed, entry.message),
                entry.line or None,
                _path(tree, entry.path, namespaces),
            )
        )
    return problems


def _prefixed(match: re.Match) -> str:
    prefix = _PREFIX.get(match.group(1))
    return f"{prefix}:" if prefix else match.group(0)


def _document_prefixes(tree: etree._ElementTree) -> dict[str, str]:
    """Every prefix the document declares (libxml2 writes its paths with them)."""
    found: dict[str, str] = {}
    for element in tree.iter(etree.Element):
        for prefix, uri in element.nsmap.items():
            if prefix:
                found.setdefault(prefix, uri)
    return found


def _path(tree: etree._ElementTree, path: str | None, namespaces: dict[str, str]) -> str | None:
    """libxml2's path (document prefixes, positions only among same-named siblings
    sometimes) as :func:`path_of` writes it; libxml2's own when it cannot be resolved."""
    if not path:
        return None
    try:
        found = tree.xpath(path, namespaces=namespaces)
    except etree.XPathError:
        return path
    if isinstance(found, list) and len(found) == 1 and isinstance(found[0], etree._Element):
        return path_of(found[0])
    return path
