r"""D-SI unit strings as Unicode text for a rendered certificate.

:func:`unit_text` turns ``\metre\second\tothe{-1}`` into "m·s⁻¹". The factors come
from :func:`sitrace.units.to_unicode` (sitrace's strict D-SI parser), with two choices
made for a certificate's tables:

- the degree Celsius is written with the single character U+2103 (``℃``,
  :data:`DEGREE_CELSIUS`), so that a table column reads "℃" beside "K";
- a quantity of dimension one (``\one``) shows no unit: "" rather than "1".

A unit that is not valid D-SI (a misspelling, a non-SI unit marked ``|``) is shown as
written in the certificate: the renderer shows what the XML says and is not the place
to reject it (validation is).

References
----------
SmartCom Digital System of Units (D-SI) guide, PTB, v2.x.
BIPM, The International System of Units (SI Brochure), 9th ed., 2019, 5.2.

Examples
--------
>>> unit_text(r"\kilogram\metre\tothe{-1}\second\tothe{-2}")
'kg·m⁻¹·s⁻²'
>>> unit_text(r"\degreecelsius"), unit_text(r"\one"), unit_text(r"\meter")
('℃', '', '\\meter')
"""

from __future__ import annotations

from functools import lru_cache

from ..errors import UnitError
from ..units import parse_unit, to_unicode

__all__ = ["DEGREE_CELSIUS", "unit_text"]

#: The symbol written for ``\degreecelsius`` (U+2103 DEGREE CELSIUS).
DEGREE_CELSIUS = "\u2103"
_SI_CELSIUS = "°C"  # what sitrace.units prints (SI Brochure, 5.2)


@lru_cache(maxsize=1024)
def unit_text(dsi: str | None) -> str:
    r"""The Unicode text of a D-SI unit string, or the string itself if it is not D-SI.

    Parameters
    ----------
    dsi : str or None
        A D-SI unit string as found in ``si:unit``, e.g. ``\micro\metre``. Surrounding
        whitespace (from an XML list) is ignored.

    Returns
    -------
    str
        Symbols joined by a half-high dot with superscript exponents ("m·s⁻¹", "µm",
        "℃", "%", "Ω"); "" for ``\one`` and for ``None``; the stripped input when it is
        not a valid D-SI unit.

    Examples
    --------
    >>> unit_text(r"\metre\second\tothe{-1}"), unit_text(r"\micro\metre")
    ('m·s⁻¹', 'µm')
    """
    if dsi is None:
        return ""
    text = dsi.strip()
    try:
        unit = parse_unit(text)
    except UnitError:
        return text
    if set(unit.dsi.split("\\")[1:]) == {"one"}:  # \one, or \one\one
        return ""
    return to_unicode(unit).replace(_SI_CELSIUS, DEGREE_CELSIUS)
