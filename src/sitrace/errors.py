"""Errors sitrace raises on purpose.

Every error is a :class:`SitraceError`. Each family also inherits the builtin
exception a Python user would expect (``InputError`` is a ``ValueError``,
``DimensionalityError`` a ``TypeError``), so ``except ValueError`` keeps working.

Messages are built from fields and say *where* (file, line, field or input
name), *what* was wrong, and what was allowed against what was got, for
example ``"model.yaml line 7, input 'd': u must be >= 0, got -0.3"``.
Errors pickle (``__reduce__``) so that they cross process boundaries (Dask).
"""

from __future__ import annotations

__all__ = [
    "ConflictError",
    "ConvergenceError",
    "DccError",
    "DccParseError",
    "DccSchemaError",
    "DccSignatureError",
    "DccValidationError",
    "DimensionalityError",
    "InputError",
    "LedgerError",
    "ModelError",
    "NotFoundError",
    "PermissionDeniedError",
    "RootMismatchError",
    "SignatureError",
    "SitraceError",
    "StaleVersionError",
    "StoreError",
    "UnitError",
]


class SitraceError(Exception):
    """Base class of every error raised by sitrace.

    Parameters
    ----------
    message : str
        What was wrong, in words.
    where : str, optional
        Where it was wrong: a file and line, a field, an input name.
    """

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def __reduce__(self):
        return (_rebuild, (type(self), self.message, self.where))

    def located(self, where: str) -> SitraceError:
        """Return a copy of this error placed at ``where`` (prefixed to any location)."""
        inner = f"{where}, {self.where}" if self.where else where
        return _rebuild(type(self), self.message, inner)


def _rebuild(cls: type[SitraceError], message: str, where: str | None) -> SitraceError:
    error = cls.__new__(cls)
    SitraceError.__init__(error, message, where=where)
    return error


class InputError(SitraceError, ValueError):
    """User data is invalid: a negative or NaN uncertainty, dof <= 0, an unknown name."""


class ModelError(InputError):
    """A measurement model cannot be built or evaluated: disallowed syntax, an undefined name."""


class UnitError(SitraceError, ValueError):
    """A unit string is unknown or malformed (D-SI), or a conversion is undefined."""


class DimensionalityError(UnitError, TypeError):
    """Quantities of different dimensions were combined or converted into each other."""


class ConvergenceError(SitraceError, RuntimeError):
    """An iterative computation (adaptive Monte Carlo, a fit) did not reach its tolerance."""


class DccError(SitraceError):
    """A Digital Calibration Certificate cannot be read, validated, written or signed."""


class DccParseError(DccError, ValueError):
    """A DCC file is not well-formed XML, is too large, or carries a DTD or entities."""


class DccSchemaError(DccError, LookupError):
    """No offline schema for a DCC's ``@schemaVersion``, or the schema folder is missing."""


class DccValidationError(DccError, ValueError):
    """A DCC does not validate (XSD or rule); raised where a valid document is required."""


class DccSignatureError(DccError):
    """A DCC cannot be signed, or its signature cannot be read (not: does not verify)."""


class StoreError(SitraceError):
    """The data centre refused a write: a duplicate id, a missing record, a stale version."""


class NotFoundError(StoreError, LookupError):
    """A record asked for by id does not exist (or is not visible to the caller)."""


class ConflictError(StoreError):
    """A write conflicts with the stored state: a duplicate id or a stale version (ETag)."""


class StaleVersionError(ConflictError):
    """A change was made to a version of a record that is no longer current (HTTP 412)."""


class PermissionDeniedError(SitraceError, PermissionError):
    """The caller's role or tenant does not allow this action."""


class LedgerError(SitraceError):
    """The ledger is inconsistent or a proof, checkpoint or signature does not verify."""


class RootMismatchError(LedgerError, ValueError):
    """A recomputed Merkle root differs from the expected one (both kept, hex-printed)."""

    def __init__(self, expected: bytes, calculated: bytes, *, where: str | None = None) -> None:
        self.expected = bytes(expected)
        self.calculated = bytes(calculated)
        super().__init__(
            f"root mismatch: expected {self.expected.hex()}, calculated {self.calculated.hex()}",
            where=where,
        )

    def __reduce__(self):
        return (_rebuild_root_mismatch, (self.expected, self.calculated, self.where))

    def located(self, where: str) -> RootMismatchError:
        inner = f"{where}, {self.where}" if self.where else where
        return RootMismatchError(self.expected, self.calculated, where=inner)


def _rebuild_root_mismatch(expected: bytes, calculated: bytes, where: str | None):
    return RootMismatchError(expected, calculated, where=where)


class SignatureError(LedgerError):
    """A signed note or checkpoint has no valid signature by a trusted key."""
