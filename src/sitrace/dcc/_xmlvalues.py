"""Numbers, dates and booleans as XML Schema text, both ways.

Parsing is strict (the XML Schema lexical spaces, after whitespace collapse):
what does not match raises :class:`ValueError`, and the caller keeps the text
as written. Python's own ``float()`` is not used on raw text, since it also
takes ``"1_000"``, ``"infinity"`` and ``"0x1p-2"``.

A number read from a certificate is a :class:`WrittenNumber`: a float that
keeps the text it was written as, because the digits written state its
precision (``0.020`` is not ``0.02``: JCGM 100:2008, 7.2.6) and are written and
shown back as read. Formatting any other float gives the shortest text that reads
back to the same value: ``repr(float)`` for ``si:decimalType``; positional
notation (no exponent) for the D-SI types whose patterns forbid one (coverage
factor and probability). Arithmetic on a written number gives a plain float.

References
----------
W3C XML Schema 1.0 Part 2: Datatypes, 3.2.5 (double), 3.2.7 (dateTime),
3.2.9 (date), 3.2.2 (boolean), 3.3.13 (integer).
PTB D-SI 2.2.1, ``decimalType``, ``kValueType``, ``probabilityValueType``.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

__all__ = [
    "WrittenNumber",
    "format_bool",
    "format_date",
    "format_datetime",
    "format_double",
    "format_int",
    "format_positional",
    "parse_bool",
    "parse_date",
    "parse_datetime",
    "parse_double",
    "parse_int",
    "split_list",
]

_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(Z|[+-]\d{2}:\d{2})?"
)
_BOOLEAN = {"true": True, "1": True, "false": False, "0": False}


class WrittenNumber(float):
    """A float read from XML, with the text it was written as (``"0.020"``).

    It is the float in every computation and comparison (``WrittenNumber("0.020") ==
    0.02``); only formatting uses :attr:`text`.

    >>> x = WrittenNumber("0.020")
    >>> x == 0.02, x.text, format_double(x), format_double(x * 1)
    (True, '0.020', '0.020', '0.02')
    """

    __slots__ = ("text",)

    def __new__(cls, text: str) -> WrittenNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number

    def __reduce__(self):
        return (WrittenNumber, (self.text,))


def written_text(value: float) -> str | None:
    """The text ``value`` was read from, or None for a computed float."""
    return value.text if type(value) is WrittenNumber else None


def split_list(text: str | None) -> list[str]:
    """The items of an ``xs:list`` value (separated by any XML whitespace)."""
    return (text or "").split()


def parse_double(text: str | None) -> float:
    """An ``xs:double`` (``1.5``, ``-2E3``, ``.5``, ``INF``, ``-INF``, ``NaN``).

    >>> parse_double(" 2.6650e+01 "), parse_double("NaN") != parse_double("NaN")
    (26.65, True)
    """
    token = (text or "").strip()
    if _DOUBLE.fullmatch(token):
        return WrittenNumber(token)
    if token in ("INF", "+INF"):
        return math.inf
    if token == "-INF":
        return -math.inf
    if token == "NaN":
        return math.nan
    raise ValueError(f"{token!r} is not a number (xs:double)")


def parse_int(text: str | None) -> int:
    """An ``xs:integer``."""
    token = (text or "").strip()
    if not _INTEGER.fullmatch(token):
        raise ValueError(f"{token!r} is not an integer (xs:integer)")
    return int(token)


def parse_bool(text: str | None) -> bool:
    """An ``xs:boolean`` (``true``, ``false``, ``1``, ``0``)."""
    token = (text or "").strip()
    if token not in _BOOLEAN:
        raise ValueError(f"{token!r} is not a boolean (xs:boolean: true or false)")
    return _BOOLEAN[token]


def parse_date(text: str | None) -> date:
    """An ``xs:date`` without time zone (``2023-06-01``).

    A date with a time zone (``2023-06-01Z``) is refused: :class:`datetime.date`
    cannot hold one, and dropping it would change the value.
    """
    token = (text or "").strip()
    match = _DATE.fullmatch(token)
    if not match:
        raise ValueError(f"{token!r} is not a date (xs:date, YYYY-MM-DD without time zone)")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise ValueError(f"{token!r} is not a date ({error})") from None


def parse_datetime(text: str | None) -> datetime:
    """An ``xs:dateTime``: naive without a zone, aware with ``Z`` or ``+hh:mm``.

    Fractions beyond microseconds are refused (they would be rounded away).
    """
    token = (text or "").strip()
    match = _DATETIME.fullmatch(token)
    if not match:
        raise ValueError(f"{token!r} is not a date and time (xs:dateTime)")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if fraction and len(fraction) > 6:
        raise ValueError(f"{token!r} has more than microsecond precision")
    tzinfo = None
    if zone == "Z":
        tzinfo = UTC
    elif zone:
        sign = 1 if zone[0] == "+" else -1
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 14 or minutes > 59 or (hours == 14 and minutes):
            raise ValueError(f"{token!r} has a time zone out of range (-14:00 to +14:00)")
        tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=tzinfo,
        )
    except ValueError as error:
        raise ValueError(f"{token!r} is not a date and time ({error})") from None


def format_double(value: float) -> str:
    """Shortest text that reads back to ``value``: ``repr``, with XSD's ``NaN``/``INF``.

    >>> format_double(26.65), format_double(5e-08), format_double(float("nan"))
    ('26.65', '5e-08', 'NaN')
    """
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    return written_text(value) or repr(float(value))


def format_positional(value: float) -> str:
    """Shortest round-trip text without an exponent (D-SI k and p forbid one).

    >>> format_positional(2.0), format_positional(1e-05), format_positional(1e16)
    ('2.0', '0.00001', '10000000000000000')
    """
    if math.isnan(value) or math.isinf(value):
        return format_double(value)
    text = written_text(value)
    if text is not None and "e" not in text.lower():
        return text
    return format(Decimal(repr(float(value))), "f")


def format_int(value: int) -> str:
    return str(int(value))


def format_bool(value: bool) -> str:
    return "true" if value else "false"


def format_date(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def format_datetime(value: datetime) -> str:
    """``xs:dateTime`` text: ``Z`` for UTC, ``+hh:mm`` otherwise, none when naive.

    >>> format_datetime(datetime(1957, 8, 13, 8, 15, tzinfo=UTC))
    '1957-08-13T08:15:00Z'
    """
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += "." + f"{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset()
    if offset is None:
        return text
    if not offset:
        return text + "Z"
    seconds = int(offset.total_seconds())
    if seconds % 60:
        raise ValueError(f"time zone offset {offset} is not whole minutes (xs:dateTime)")
    sign = "+" if seconds > 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"
