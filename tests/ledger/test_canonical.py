"""Canonical JSON (RFC 8785): published samples, and errors that name the field.

Reference data: tests/reference/rfc8785/ (RFC 8785 Appendix B number samples and the
reference implementation's input/output files; see the README there).
"""

from __future__ import annotations

import json
import math
import struct

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from sitrace.errors import InputError
from sitrace.ledger import canonical_json
from tests.conftest import load_reference

APPENDIX_B = load_reference("rfc8785/appendix-b-numbers.json")["samples"]
CYBERPHONE = load_reference("rfc8785/cyberphone-testdata.json")["cases"]


def _double(bits: str) -> float:
    return struct.unpack(">d", bytes.fromhex(bits))[0]


@pytest.mark.parametrize(("bits", "expected"), APPENDIX_B, ids=[b for b, _ in APPENDIX_B])
def test_rfc8785_appendix_b_numbers(bits, expected):
    value = _double(bits)
    if expected is None:
        with pytest.raises(InputError, match="is not allowed in canonical JSON"):
            canonical_json(value)
    else:
        assert canonical_json(value) == expected.encode("ascii")
        assert canonical_json({"n": [value]}) == b'{"n":[' + expected.encode("ascii") + b"]}"


@pytest.mark.parametrize("name", sorted(CYBERPHONE))
def test_reference_implementation_testdata(name):
    case = CYBERPHONE[name]
    assert canonical_json(json.loads(case["input"])) == case["output"].encode("utf-8")


def test_keys_sort_by_utf16_code_units_not_code_points():
    # U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB33 (RFC 8785, 3.2.3).
    assert canonical_json({"\ufb33": 1, "\U0001f600": 2}) == '{"\U0001f600":2,"\ufb33":1}'.encode()


def test_tuples_are_arrays_and_the_output_is_utf8():
    assert canonical_json(("€", None, True, -0.0)) == '["€",null,true,0]'.encode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"points": [{"u": 1.0}, {"u": 2.0}, {"u": math.nan}]},
            r"^field 'points\[2\]\.u': NaN is not allowed in canonical JSON$",
        ),
        ({"a": {"b": math.inf}}, r"^field 'a\.b': Infinity is not allowed in canonical JSON$"),
        ([-math.inf], r"^field '\[0\]': -Infinity is not allowed in canonical JSON$"),
        (math.nan, r"^NaN is not allowed in canonical JSON$"),
        ({"id": 2**53}, r"^field 'id': integer 9007199254740992 is outside \+-\(2\*\*53 - 1\)"),
        ({"id": -(2**53)}, r"^field 'id': integer -9007199254740992 is outside"),
        ({"x": {1, 2}}, r"^field 'x': values of type set are not JSON"),
        ({"x": b"raw"}, r"^field 'x': values of type bytes are not JSON"),
        (
            {"a b": [0, {2: "two"}]},
            r"""^field '\["a b"\]\[1\]': object keys must be strings, got int 2$""",
        ),
        (
            {"s": "\ud800"},
            r"^field 's': string '\\ud800' is not valid Unicode \(lone surrogate U\+D800\)$",
        ),
    ],
)
def test_errors_name_the_field(value, message):
    with pytest.raises(InputError, match=message):
        canonical_json(value)


def test_a_value_nested_too_deeply_is_refused():
    value: list = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(InputError, match="nested too deeply"):
        canonical_json(value)


def test_the_safe_integers_are_accepted():
    assert canonical_json([2**53 - 1, -(2**53 - 1)]) == b"[9007199254740991,-9007199254740991]"


def test_the_first_bad_field_in_canonical_order_is_named():
    with pytest.raises(InputError, match="field 'a'"):
        canonical_json({"b": math.nan, "a": math.nan})


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4)
    ),
    max_leaves=12,
)


def _i_json_int(text: str) -> int | float:
    """JSON numbers are doubles (I-JSON): 2**53 written by a float reads back as a float."""
    number = int(text)
    return number if abs(number) <= 2**53 - 1 else float(number)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_canonical_json_is_a_fixed_point_of_parsing(value):
    once = canonical_json(value)
    assert canonical_json(json.loads(once, parse_int=_i_json_int)) == once


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(max_examples=2000, deadline=None)
@given(_json_values)
def test_the_fast_serializer_writes_what_the_reference_rfc8785_package_writes(value):
    assert canonical_json(value) == rfc8785.dumps(value)


@settings(max_examples=2000, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_numbers_are_written_as_ecmascript_writes_doubles(x):
    assert canonical_json(x) == rfc8785.dumps(x)
