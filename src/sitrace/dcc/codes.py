"""Country and language codes a DCC may use: ISO 3166-1 alpha-2 and ISO 639-1.

The DCC schema only asks for two capital letters (``dcc:stringISO3166Type``,
pattern ``[A-Z]{2}``) or two small letters (``dcc:stringISO639Type``, ``[a-z]{2}``);
these tables say which of them the standards actually assign. The tables are data
files (``data/iso3166_1.txt``, ``data/iso639_1.txt``) whose first line names their
source; they are read once, on first use.

- :func:`country_name`, :func:`language_name`: the English name of an assigned code, or None.
- :func:`country_hint`, :func:`language_hint`: what was probably meant by a code that is
  not assigned (``UK`` -> ``GB``, ``iw`` -> ``he``), or None.
- :data:`COUNTRY_CODES`, :data:`LANGUAGE_CODES`: the assigned codes, as frozensets.

References
----------
ISO 3166-1:2020, Codes for the representation of names of countries and their
subdivisions, Part 1: Country codes (alpha-2), as published by the ISO 3166
Maintenance Agency.
ISO 639-1:2002, Codes for the representation of names of languages, Part 1: Alpha-2
code, as maintained by its Registration Authority (Library of Congress).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from types import MappingProxyType

__all__ = [
    "COUNTRY_CODES",
    "LANGUAGE_CODES",
    "country_hint",
    "country_name",
    "language_hint",
    "language_name",
]


def _read(filename: str) -> MappingProxyType:
    """``code -> English name`` from a data file: ``#`` header lines, then ``CODE<TAB>name``."""
    text = resources.files(__package__).joinpath("data", filename).read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _, name = line.partition("\t")
            table[code] = name
    return MappingProxyType(table)


@cache
def _countries() -> MappingProxyType:
    return _read("iso3166_1.txt")


@cache
def _languages() -> MappingProxyType:
    return _read("iso639_1.txt")


COUNTRY_CODES: frozenset[str] = frozenset(_countries())
"""The 249 assigned ISO 3166-1 alpha-2 codes."""

LANGUAGE_CODES: frozenset[str] = frozenset(_languages())
"""The 183 assigned ISO 639-1 codes."""

# Codes that are reserved or withdrawn, with the assigned code they usually mean.
_COUNTRY_HINTS = MappingProxyType(
    {
        "UK": "GB",  # exceptionally reserved for the United Kingdom (EU usage)
        "EL": "GR",  # exceptionally reserved for Greece (EU usage)
        "EN": "GB",  # a language code written as a country code
        "EU": None,  # exceptionally reserved for the European Union: not a country
        "XK": None,  # user-assigned, used for Kosovo; not in ISO 3166-1
    }
)
_LANGUAGE_HINTS = MappingProxyType(
    {
        "iw": "he",  # withdrawn 1989
        "in": "id",  # withdrawn 1989
        "ji": "yi",  # withdrawn 1989
        "jw": "jv",  # withdrawn 2001
        "mo": "ro",  # withdrawn 2008
        "sh": "sr",  # deprecated: Serbo-Croatian (sr, hr or bs)
        "gr": "el",  # a country code written as a language code
        "dk": "da",
        "cz": "cs",
        "jp": "ja",
        "cn": "zh",
    }
)


def country_name(code: str) -> str | None:
    """The English short name of an ISO 3166-1 alpha-2 code, or None if not assigned.

    >>> country_name("DE"), country_name("UK")
    ('Germany', None)
    """
    return _countries().get(code)


def language_name(code: str) -> str | None:
    """The English name of an ISO 639-1 code, or None if not assigned.

    >>> language_name("de"), language_name("ge")
    ('German', None)
    """
    return _languages().get(code)


def country_hint(code: str) -> str | None:
    """The assigned alpha-2 code probably meant by an unassigned one, or None.

    >>> country_hint("UK"), country_hint("gb"), country_hint("QQ")
    ('GB', 'GB', None)
    """
    hint = _COUNTRY_HINTS.get(code)
    if hint is None and code.upper() != code and code.upper() in _countries():
        hint = code.upper()
    return hint


def language_hint(code: str) -> str | None:
    """The assigned ISO 639-1 code probably meant by an unassigned one, or None.

    >>> language_hint("iw"), language_hint("DE"), language_hint("qq")
    ('he', 'de', None)
    """
    if code in _languages():
        return None
    hint = _LANGUAGE_HINTS.get(code)
    if hint is None and code.lower() != code and code.lower() in _languages():
        hint = code.lower()
    return hint
