r"""D-SI unit strings as Unicode text in a rendered certificate."""

import doctest

import pytest

import sitrace.dcc.unicode_units
from sitrace.dcc.unicode_units import DEGREE_CELSIUS, unit_text
from sitrace.units import to_unicode
from sitrace.units._dsi import UNIT_NAMES


@pytest.mark.parametrize(
    ("dsi", "text"),
    [
        (r"\metre\second\tothe{-1}", "m·s⁻¹"),
        (r"\metre\per\second", "m·s⁻¹"),
        (r"\degreecelsius", "℃"),
        (r"\kilogram\metre\tothe{-1}\second\tothe{-2}", "kg·m⁻¹·s⁻²"),
        (r"\micro\metre", "µm"),
        (r"\one", ""),
        (r"\percent", "%"),
        (r"\ohm", "Ω"),
        (r"\kelvin", "K"),
        (r"\milli\kelvin\second\tothe{-1}", "mK·s⁻¹"),
        (r"\degreecelsius\tothe{-1}", "℃⁻¹"),
        (r"\one\metre", "m"),
        (r"\kilo\pascal", "kPa"),
        (r"\metre\tothe{0.5}", "m^(1/2)"),
    ],
)
def test_unit_text(dsi, text):
    assert unit_text(dsi) == text


@pytest.mark.parametrize(
    "written",
    [r"\meter", "|mmHg", "kg", r"\kilo\kilogram", r"\metre\tothe{x}", r"\\metre", "m/s"],
)
def test_invalid_units_are_shown_as_written(written):
    assert unit_text(written) == written


def test_whitespace_from_an_xml_list_is_ignored_and_none_is_no_unit():
    assert unit_text("  \\kelvin\n") == "K"
    assert unit_text(None) == ""
    assert unit_text("") == ""


def test_degree_celsius_is_the_single_character():
    assert DEGREE_CELSIUS == "\u2103"
    assert "°" not in unit_text(r"\degreecelsius\metre")


@pytest.mark.parametrize("name", sorted(UNIT_NAMES))
def test_every_unit_agrees_with_sitrace_units(name):
    dsi = "\\" + name
    expected = "" if name == "one" else to_unicode(dsi).replace("°C", DEGREE_CELSIUS)
    assert unit_text(dsi) == expected


def test_docstring_examples():
    result = doctest.testmod(sitrace.dcc.unicode_units)
    assert result.attempted > 0 and result.failed == 0
