"""History files: bad rows are refused with the file, the line and the field named."""

from __future__ import annotations

import datetime as dt

import pytest

from sitrace.errors import InputError
from sitrace.intervals import (
    parse_drift,
    parse_grouped_results,
    parse_pass_fail,
    parse_staircase,
    parse_usage,
    read_staircase,
)


def test_staircase_rows_parse_in_any_column_order():
    rows = parse_staircase("mpe,date,error\n1.0,2024-01-02,-0.3\n\n1.0,2024-06-01,0.2\n")
    assert rows[0].date == dt.date(2024, 1, 2) and rows[0].error == -0.3
    assert len(rows) == 2


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("date,error\n2024-01-01,1\n", r"h.csv line 1: header must be date,error,mpe"),
        ("date,error,mpe,x\n2024-01-01,1,1,1\n", "header must be date,error,mpe"),
        ("date,error,mpe\n", "h.csv: no data rows after the header"),
        (
            "date,error,mpe\n2024-01-01,0.1,1\n2024-02-01,x,1\n",
            r"h.csv line 3: field 'error' must be a number, got 'x'",
        ),
        ("date,error,mpe\n2024-01-01,0.1,0\n", r"h.csv line 2: field 'mpe': must be > 0, got 0"),
        ("date,error,mpe\n2024-01-01,0.1,-1\n", r"field 'mpe': must be > 0, got -1"),
        ("date,error,mpe\n2024-01-01,nan,1\n", r"field 'error' must be a finite number"),
        ("date,error,mpe\n2024-13-01,0.1,1\n", r"line 2: field 'date': must be an ISO 8601 date"),
        (
            "date,error,mpe\n2024-02-01,0.1,1\n2024-01-01,0.1,1\n",
            r"line 3: field 'date': rows must be oldest first",
        ),
        ("date,error,mpe\n2024-01-01,,1\n", r"line 2: field 'error' is empty"),
        ("date,error,mpe\n2024-01-01,1,1,9\n", r"line 2: row has more fields than the header"),
    ],
)
def test_bad_staircase_rows(text, match):
    with pytest.raises(InputError, match=match):
        parse_staircase(text, source="h.csv")


def test_pass_fail_accepts_1_0_and_refuses_other_words():
    rows = parse_pass_fail("date,in_tolerance\n2024-01-01,1\n2025-01-01,0\n")
    assert [r.in_tolerance for r in rows] == [True, False]
    with pytest.raises(InputError, match=r"p.csv line 2: field 'in_tolerance': must be 1 or 0"):
        parse_pass_fail("date,in_tolerance\n2024-01-01,maybe\n", source="p.csv")


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ("0,10,5", r"line 2: field 'interval_days': must be > 0, got 0"),
        ("-7,10,5", r"field 'interval_days': must be > 0, got -7"),
        ("30,0,0", r"field 'n': must be >= 1, got 0"),
        ("30,10,11", r"field 'in_tolerance': must be <= n \(10\), got 11"),
        ("30,10.5,5", r"field 'n': must be a whole number >= 0, got 10.5"),
    ],
)
def test_bad_grouped_rows(row, match):
    with pytest.raises(InputError, match=match):
        parse_grouped_results(f"interval_days,n,in_tolerance\n{row}\n", source="g.csv")


def test_drift_days_must_be_positive():
    with pytest.raises(InputError, match=r"d.csv line 3: field 'days': must be > 0, got 0"):
        parse_drift("days,deviation\n30,0.1\n0,0.2\n", source="d.csv")


def test_usage_must_not_be_negative():
    with pytest.raises(InputError, match=r"u.csv line 2: field 'usage': must be >= 0, got -2"):
        parse_usage("date,usage\n2024-01-01,-2\n", source="u.csv")


def test_a_missing_file_is_an_input_error_naming_it(tmp_path):
    path = tmp_path / "none.csv"
    with pytest.raises(InputError, match=r"none\.csv: cannot read the file"):
        read_staircase(path)
