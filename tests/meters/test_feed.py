"""The feed contract: table formats by suffix and the readings check (issue 6, File contract)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sitrace.errors import InputError
from sitrace.meters.feed import (
    ENERGY,
    REGISTER,
    check_readings,
    read_table,
    write_table,
)


def _readings(**overrides) -> pd.DataFrame:
    """Two intervals of a small area: master M0, customers 007 and C2 (energy per interval)."""
    data = {
        "area": ["A1"] * 6,
        "meter": ["M0", "007", "C2"] * 2,
        "role": ["master", "customer", "customer"] * 2,
        "timestamp": pd.to_datetime(
            ["2024-03-01T00:15:00Z"] * 3 + ["2024-03-01T00:30:00Z"] * 3, utc=True
        ),
        "energy_kwh": [2.0, 0.9, 1.05, 2.5, 1.2, 1.25],
        "quality": ["ok"] * 6,
    }
    data.update(overrides)
    return pd.DataFrame(data)


# --- read_table / write_table ------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_round_trip_keeps_ids_times_and_values(tmp_path, suffix):
    df = _readings(energy_kwh=[2.0, 0.1 + 0.2, 1.0 / 3.0, 2.5, 1e-7, 12345.678901234])
    path = write_table(df, tmp_path / f"readings{suffix}")
    back = read_table(path)
    assert back.attrs["source"] == str(path)
    assert list(back["meter"]) == ["M0", "007", "C2"] * 2  # "007" stays text
    assert (back["timestamp"] == df["timestamp"]).all()
    assert str(back["timestamp"].dt.tz) == "UTC"
    np.testing.assert_array_equal(back["energy_kwh"].to_numpy(), df["energy_kwh"].to_numpy())
    assert list(back["role"]) == list(df["role"])


def test_csv_writes_iso_8601_utc_with_z(tmp_path):
    df = _readings(
        timestamp=pd.to_datetime(
            ["2024-03-01T01:15:00+01:00"] * 3 + ["2024-03-01T01:30:00+01:00"] * 3, utc=True
        ).tz_convert("Europe/Paris")
    )
    path = write_table(df, tmp_path / "r.csv")
    text = path.read_text().splitlines()
    assert text[1].split(",")[3] == "2024-03-01T00:15:00Z"


@pytest.mark.parametrize("name", ["readings.xlsx", "readings", "readings.json"])
def test_unknown_suffix_is_refused_by_name(tmp_path, name):
    with pytest.raises(InputError, match=r"unknown table format .*allowed suffixes: \.parquet"):
        write_table(_readings(), tmp_path / name)
    with pytest.raises(InputError, match="unknown table format"):
        read_table(tmp_path / name)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError, match=r"nope\.parquet: no such file"):
        read_table(tmp_path / "nope.parquet")


def test_corrupt_parquet_is_an_input_error(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_text("not parquet")
    with pytest.raises(InputError, match="cannot read as parquet"):
        read_table(path)


# --- check_readings: normalization ------------------------------------------------------


def test_check_normalizes_types():
    df = _readings(meter=[0, 7, 2] * 2, energy_kwh=["2", "0.9", "1.05", "2.5", "1.2", ""])
    out = check_readings(df)
    assert list(out["meter"]) == ["0", "7", "2"] * 2
    assert out["energy_kwh"].dtype == np.float64
    assert np.isnan(out["energy_kwh"].iloc[5])  # empty text = missing reading, not an error
    assert str(out["timestamp"].dt.tz) == "UTC"
    assert out["timestamp"].dt.unit == "ns"


def test_offsets_are_converted_to_utc():
    df = _readings(timestamp=["2024-03-01T08:15:00+08:00"] * 3 + ["2024-03-01T00:30:00Z"] * 3)
    out = check_readings(df)
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-03-01T00:15:00Z")


# --- check_readings: refusals, each with a clear message --------------------------------


def test_non_numeric_energy_is_refused_with_file_line_area_meter_column(tmp_path):
    df = _readings()
    df["energy_kwh"] = df["energy_kwh"].astype(object)
    df.loc[1, "energy_kwh"] = "abc"
    path = write_table(df, tmp_path / "feed.csv")
    with pytest.raises(
        InputError,
        match=r"feed\.csv line 3, area 'A1', meter '007', column 'energy_kwh': "
        r"energy_kwh \(energy in the interval\) must be a number in kWh, got 'abc'",
    ):
        check_readings(read_table(path))


def test_non_numeric_register_is_refused_by_row():
    df = _readings(register_kwh=["10", "x1", "3", "4", "5", "6"]).drop(columns="energy_kwh")
    with pytest.raises(
        InputError, match=r"readings row 1, .*column 'register_kwh'.*cumulative register.*'x1'"
    ):
        check_readings(df)


def test_unknown_role_is_refused_with_allowed_values():
    df = _readings(role=["master", "customer", "consumer"] * 2)
    with pytest.raises(
        InputError,
        match=r"row 2, area 'A1', meter 'C2', column 'role': "
        r"role must be one of 'master', 'customer', got 'consumer'",
    ):
        check_readings(df)


def test_missing_required_column_is_named():
    with pytest.raises(InputError, match=r"missing column\(s\) 'role'; required: area, meter"):
        check_readings(_readings().drop(columns="role"))


def test_both_value_columns_missing_is_refused():
    with pytest.raises(InputError, match=r"no value column: one of 'energy_kwh' .* 'register_kwh'"):
        check_readings(_readings().drop(columns=ENERGY))


def test_empty_table_is_refused():
    with pytest.raises(InputError, match="no rows"):
        check_readings(_readings().iloc[:0])


def test_empty_meter_id_is_refused():
    with pytest.raises(InputError, match=r"row 4.*meter is empty"):
        check_readings(_readings(meter=["M0", "007", "C2", "M0", None, "C2"]))


def test_area_without_master_is_refused():
    df = pd.concat([_readings(), _readings(area=["B7"] * 6, role=["customer"] * 6)])
    with pytest.raises(
        InputError, match=r"exactly one master meter .* 1 area\(s\) have none: 'B7'"
    ):
        check_readings(df)


def test_two_overlapping_masters_are_refused():
    df = _readings(role=["master", "master", "customer"] * 2)
    with pytest.raises(
        InputError,
        match=r"area 'A1': an area has exactly one master .* masters 'M0' .* and '007' .* overlap",
    ):
        check_readings(df)


def test_sequential_masters_are_a_replacement_not_an_error():
    df = _readings(meter=["M0", "007", "C2", "M9", "007", "C2"])
    out = check_readings(df)
    assert set(out.loc[out["role"] == "master", "meter"]) == {"M0", "M9"}


def test_meter_with_two_roles_is_refused():
    df = _readings(role=["master", "customer", "customer", "master", "master", "customer"])
    with pytest.raises(InputError, match=r"area 'A1', meter '007'.*one role; got customer, master"):
        check_readings(df)


def test_unparseable_timestamp_is_refused():
    df = _readings(timestamp=["2024-03-01T00:15:00Z"] * 5 + ["yesterday"])
    with pytest.raises(InputError, match=r"row 5.*must be ISO 8601 .*got 'yesterday'"):
        check_readings(df)


def test_empty_timestamp_is_refused():
    df = _readings(timestamp=["2024-03-01T00:15:00Z"] * 5 + [None])
    with pytest.raises(InputError, match=r"row 5.*timestamp is empty"):
        check_readings(df)


def test_naive_text_timestamp_is_refused_unless_assumed_utc():
    df = _readings(timestamp=["2024-03-01T00:15:00"] * 3 + ["2024-03-01T00:30:00Z"] * 3)
    with pytest.raises(InputError, match=r"row 0.*no time zone, got '2024-03-01T00:15:00'.*UTC"):
        check_readings(df)
    out = check_readings(df, assume_utc=True)
    assert out["timestamp"].iloc[0] == pd.Timestamp("2024-03-01T00:15:00Z")


def test_naive_datetime_column_is_refused_unless_assumed_utc(tmp_path):
    naive = pd.to_datetime(["2024-03-01T00:15:00"] * 3 + ["2024-03-01T00:30:00"] * 3)
    df = _readings(timestamp=naive)
    with pytest.raises(InputError, match="assume_utc=True"):
        check_readings(df)
    assert check_readings(df, assume_utc=True)["timestamp"].iloc[3] == pd.Timestamp(
        "2024-03-01T00:30:00Z"
    )
    back = read_table(write_table(df, tmp_path / "naive.csv"))  # naive stays naive on disk
    with pytest.raises(InputError, match=r"naive\.csv line 2, .*no time zone"):
        check_readings(back)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (ENERGY, -0.2, r"must be >= 0 kWh, got -0.2"),
        (ENERGY, np.inf, r"must be finite, got inf"),
        (REGISTER, -5.0, r"cumulative register\) must be >= 0 kWh, got -5.0"),
    ],
)
def test_negative_or_infinite_values_are_refused(column, value, message):
    values = [1.0] * 6
    values[4] = value
    df = _readings().drop(columns=ENERGY).assign(**{column: values})
    with pytest.raises(InputError, match=rf"row 4, area 'A1', meter '007'.*{message}"):
        check_readings(df)


def test_not_a_dataframe_is_refused():
    with pytest.raises(InputError, match="must be a pandas DataFrame, got dict"):
        check_readings({"area": ["A"]})
