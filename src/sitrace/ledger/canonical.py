"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme): one byte string per value.

What the ledger logs is the canonical JSON of a record, so that anyone can
recompute the same bytes, hence the same leaf hash, from the same content.
A fast serializer (C string escaping from :mod:`json`, ECMAScript number
formatting from Python's shortest round-trip ``repr``) writes the common case;
anything it does not handle goes to the ``rfc8785`` package, and errors say
which field of the value cannot be canonicalized, and why. Tests check the fast
path against ``rfc8785`` on arbitrary values.

Contents
--------
- :func:`canonical_json`: the RFC 8785 serialization of a JSON-like Python value.

References
----------
RFC 8785, *JSON Canonicalization Scheme (JCS)* (2020): 3.1 (I-JSON data: no NaN or
Infinity, numbers as IEEE 754 doubles), 3.2.2 (serialization of primitives, numbers
by ECMAScript ``Number.prototype.toString``), 3.2.3 (properties sorted by UTF-16 code units).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import rfc8785

from ..errors import InputError

__all__ = ["canonical_json"]

# Integers beyond +-(2**53 - 1) are not exactly representable as IEEE 754 doubles, the
# only numbers of I-JSON (RFC 7493, 2.2) and so of RFC 8785 (3.1).
_SAFE_INTEGER = 2**53 - 1
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_ALLOWED = "dict with str keys, list, tuple, str, int, float, bool or None"


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical JSON of ``value``, as UTF-8 bytes.

    ``value`` is built of dicts with ``str`` keys, lists, tuples, ``str``, ``int``,
    ``float``, ``bool`` and ``None``. Keys are sorted by their UTF-16 code units,
    numbers are written as ECMAScript writes doubles, strings are escaped minimally,
    and there is no whitespace.

    Raises
    ------
    InputError
        If a part of ``value`` has no canonical form: NaN or an infinity, an integer
        outside +-(2**53 - 1), a non-string key, a string that is not valid Unicode, a
        type that is not JSON. The message names the field, e.g.
        ``"field 'points[2].u': NaN is not allowed in canonical JSON"``.

    References
    ----------
    RFC 8785, 3.1-3.2.

    Examples
    --------
    >>> canonical_json({"b": [1.0, 2.5e-7], "a": "€"})
    b'{"a":"\\xe2\\x82\\xac","b":[1,2.5e-7]}'
    """
    try:
        parts: list[str] = []
        _write(value, parts)
        return "".join(parts).encode("utf-8")
    except (_NeedsReferenceError, UnicodeEncodeError, RecursionError):
        pass
    try:
        return rfc8785.dumps(value)
    except RecursionError as error:
        raise InputError("the value is nested too deeply for canonical JSON") from error
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as error:
        raise _first_problem(value, ()) or InputError(
            f"cannot be written as canonical JSON: {error}"
        ) from error


class _NeedsReferenceError(Exception):
    """The fast path does not handle this value: use the reference serializer."""


def _number(x: float) -> str:
    """ECMAScript ``Number.prototype.toString`` of a finite double (RFC 8785, 3.2.2.3).

    Python's ``repr`` gives the same shortest round-trip digits; only the layout
    (where the point goes, when to use an exponent) differs.
    """
    if x == 0:
        return "0"
    text = repr(x)
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = whole + fraction
    n = len(whole) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    n -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k = len(digits)
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    suffix = f"e+{e}" if e >= 0 else f"e-{-e}"
    return sign + (digits if k == 1 else digits[0] + "." + digits[1:]) + suffix


def _utf16(key: str) -> bytes:
    return key.encode("utf-16be", "surrogatepass")


def _write(value: Any, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        if abs(value) > _SAFE_INTEGER:
            raise _NeedsReferenceError
        out.append(str(value))
    elif kind is float:
        if not math.isfinite(value):
            raise _NeedsReferenceError
        out.append(_number(value))
    elif kind is dict:
        keys = list(value)
        if any(type(k) is not str for k in keys):
            raise _NeedsReferenceError
        wide = any(ord(c) > 0xFFFF for k in keys for c in k)
        keys.sort(key=_utf16 if wide else None)
        out.append("{")
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif kind is list or kind is tuple:
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise _NeedsReferenceError


_string = json.encoder.encode_basestring  # RFC 8785, 3.2.2.2: minimal escapes, \u00xx


def _where(path: tuple[str | int, ...]) -> str | None:
    if not path:
        return None
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _NAME.match(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part, ensure_ascii=False)}]"
    return f"field '{text}'"


def _problem(message: str, path: tuple[str | int, ...]) -> InputError:
    return InputError(message, where=_where(path))


def _first_problem(value: Any, path: tuple[str | int, ...]) -> InputError | None:
    """The first part of ``value``, in canonical order, that has no canonical JSON form."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > _SAFE_INTEGER:
            return _problem(
                f"integer {value} is outside +-(2**53 - 1), the integers canonical JSON "
                "can hold exactly (write it as a string)",
                path,
            )
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return _problem("NaN is not allowed in canonical JSON", path)
        if math.isinf(value):
            sign = "-" if value < 0 else ""
            return _problem(f"{sign}Infinity is not allowed in canonical JSON", path)
        return None
    if isinstance(value, str):
        return _string_problem(value, "string", path)
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problem = _first_problem(item, (*path, i))
            if problem is not None:
                return problem
        return None
    if isinstance(value, dict):
        return _dict_problem(value, path)
    kind = type(value).__name__
    return _problem(f"values of type {kind} are not JSON (allowed: {_ALLOWED})", path)


def _dict_problem(value: dict, path: tuple[str | int, ...]) -> InputError | None:
    for key in value:
        if not isinstance(key, str):
            return _problem(f"object keys must be strings, got {type(key).__name__} {key!r}", path)
        problem = _string_problem(key, "key", path)
        if problem is not None:
            return problem
    for key in sorted(value, key=lambda k: k.encode("utf-16be", "surrogatepass")):
        problem = _first_problem(value[key], (*path, key))
        if problem is not None:
            return problem
    return None


def _string_problem(text: str, what: str, path: tuple[str | int, ...]) -> InputError | None:
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            return _problem(
                f"{what} {text!r} is not valid Unicode (lone surrogate U+{ord(ch):04X})", path
            )
    return None
