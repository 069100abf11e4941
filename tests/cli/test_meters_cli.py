"""`sitrace meters`: simulate -> estimate -> report, Parquet and CSV both ways, errors in words."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sitrace.cli.main import app

runner = CliRunner()

CONTRACT = [
    "area",
    "meter",
    "error_percent",
    "u_percent",
    "relative_error_percent",
    "status",
    "intervals_used",
]
SIM = ["--areas", "3", "--days", "7", "--seed", "11"]


def _run(*args: str):
    return runner.invoke(app, ["meters", *args])


def _words(result) -> str:
    return " ".join(result.output.split())


def _read(path) -> pd.DataFrame:
    path = str(path)
    return pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    df = df.assign(area=df["area"].astype(str), meter=df["meter"].astype(str))
    return df.sort_values(["area", "meter"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """One seeded fleet, written as Parquet and (same seed) as CSV."""
    root = tmp_path_factory.mktemp("fleet")
    for fmt in ("parquet", "csv"):
        result = _run("simulate", *SIM, "--format", fmt, "--out", str(root / fmt), "--json")
        assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def estimated(fleet):
    """The loop run on the Parquet feed with the meters table."""
    out = fleet / "est" / "estimates.parquet"
    result = _run(
        "estimate",
        str(fleet / "parquet" / "readings.parquet"),
        "--meters",
        str(fleet / "parquet" / "meters.parquet"),
        "--out",
        str(out),
        "--json",
    )
    assert result.exit_code == 0, result.output
    return out, json.loads(result.stdout)


def test_simulate_writes_readings_truth_and_meters_in_the_chosen_format(fleet):
    for fmt in ("parquet", "csv"):
        for name in ("readings", "truth", "meters"):
            assert (fleet / fmt / f"{name}.{fmt}").is_file()
    readings = _read(fleet / "csv" / "readings.csv")
    assert {"area", "meter", "role", "timestamp", "energy_kwh"} <= set(readings.columns)
    assert readings["timestamp"].str.endswith("Z").all()  # ISO 8601 UTC
    assert sorted(readings["area"].unique()) == ["A00001", "A00002", "A00003"]
    # the same seed gives the same fleet whatever the format
    parquet = _read(fleet / "parquet" / "readings.parquet")
    assert len(parquet) == len(readings)
    assert np.allclose(parquet["energy_kwh"], readings["energy_kwh"], rtol=0, atol=0)
    meters = _read(fleet / "parquet" / "meters.parquet")
    assert {"meter", "mpe_percent", "accuracy_class", "lot", "manufacturer", "model", "year"} <= (
        set(meters.columns)
    )


def test_simulate_prints_a_summary(tmp_path):
    result = _run("simulate", "--areas", "1", "--days", "1", "--seed", "1", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Simulated fleet: 1 area(s)" in _words(result)
    assert str(tmp_path / "readings.parquet") in _words(result)


def test_simulate_with_registers_feeds_the_estimator(tmp_path):
    sim = tmp_path / "reg"
    result = _run("simulate", "--areas", "1", "--days", "2", "--seed", "3", "--register",
                  "--area-size", "12", "--format", "csv", "--out", str(sim))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "register_kwh" in pd.read_csv(sim / "readings.csv", nrows=1).columns
    out = tmp_path / "e.csv"
    result = _run("estimate", str(sim / "readings.csv"), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert len(_read(out)) == json.loads(result.stdout)["meters"] > 0


def test_estimate_writes_exactly_the_contract_columns_and_the_areas_file(estimated):
    out, summary = estimated
    estimates = _read(out)
    assert list(estimates.columns) == CONTRACT
    assert set(estimates["status"]) <= {"ok", "flagged", "not_estimable"}
    assert estimates["intervals_used"].dtype.kind == "i"
    # a meter the data cannot resolve carries no number
    blank = estimates["status"] == "not_estimable"
    assert (estimates.loc[~blank, "u_percent"] > 0).all()
    areas = _read(out.with_name("estimates.areas.parquet"))
    assert list(areas["area"]) == ["A00001", "A00002", "A00003"]
    assert {"balance_anomaly", "anomaly_reason", "residual_sd"} <= set(areas.columns)
    assert summary["balance_anomalies"] == int(areas["balance_anomaly"].sum())


def test_estimate_json_is_one_object_with_the_documented_keys(estimated):
    out, summary = estimated
    assert set(summary) == {
        "meters",
        "ok",
        "flagged",
        "not_estimable",
        "areas",
        "balance_anomalies",
        "preparation",
    }
    estimates = _read(out)
    counts = estimates["status"].value_counts()
    assert summary["meters"] == len(estimates)
    assert summary["ok"] + summary["flagged"] + summary["not_estimable"] == summary["meters"]
    for status in ("ok", "flagged", "not_estimable"):
        assert summary[status] == counts.get(status, 0)
    assert summary["areas"] == 3
    prep = summary["preparation"]
    assert prep["rows_in"] == prep["rows_used"] + prep["rows_dropped_total"]
    assert prep["rows_dropped_total"] == sum(prep["rows_dropped"].values())
    assert prep["interval_minutes"] == 15


def test_estimate_human_output_is_a_short_summary(fleet, tmp_path):
    out = tmp_path / "e.parquet"
    result = _run("estimate", str(fleet / "parquet" / "readings.parquet"), "--out", str(out))
    assert result.exit_code == 0, result.output
    text = _words(result)
    for word in ("meters", "ok", "flagged", "not estimable", "balance anomalies"):
        assert word in text
    assert f"wrote {out}" in text


def test_formats_by_suffix_both_ways_give_the_same_estimates(fleet, estimated, tmp_path):
    reference = _sorted(_read(estimated[0]))
    csv, parquet = fleet / "csv", fleet / "parquet"
    runs = [
        (csv / "readings.csv", csv / "meters.csv", tmp_path / "a.csv"),
        (csv / "readings.csv", parquet / "meters.parquet", tmp_path / "b.parquet"),
        (parquet / "readings.parquet", csv / "meters.csv", tmp_path / "c.csv"),
    ]
    for readings, meters, out in runs:
        result = _run("estimate", str(readings), "--meters", str(meters), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert out.with_name(f"{out.stem}.areas{out.suffix}").is_file()
        got = _sorted(_read(out))
        assert list(got.columns) == CONTRACT
        assert list(got["meter"]) == list(reference["meter"])
        assert list(got["status"]) == list(reference["status"])
        for column in ("error_percent", "u_percent", "relative_error_percent"):
            assert np.allclose(got[column], reference[column], rtol=1e-9, atol=0, equal_nan=True)


def test_details_go_to_a_sibling_file(fleet, tmp_path):
    out = tmp_path / "e.csv"
    result = _run("estimate", str(fleet / "csv" / "readings.csv"), "--out", str(out), "--details")
    assert result.exit_code == 0, result.output
    assert list(_read(out).columns) == CONTRACT
    details = _read(tmp_path / "e.details.csv")
    assert "reason" in details.columns
    assert details.loc[details["status"] == "not_estimable", "reason"].notna().all()


def test_a_dask_run_with_one_worker_gives_the_loop_numbers(fleet, estimated, tmp_path):
    out = tmp_path / "dask.parquet"
    result = _run(
        "estimate",
        str(fleet / "parquet" / "readings.parquet"),
        "--meters",
        str(fleet / "parquet" / "meters.parquet"),
        "--workers",
        "1",
        "--partitions",
        "2",
        "--out",
        str(out),
        "--json",
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: v for k, v in summary.items() if k != "preparation"} == {
        k: v for k, v in estimated[1].items() if k != "preparation"
    }
    reference = estimated[1]["preparation"]
    assert summary["preparation"]["rows_in"] == reference["rows_in"]
    assert summary["preparation"]["rows_used"] == reference["rows_used"]
    got, want = _sorted(_read(out)), _sorted(_read(estimated[0]))
    assert list(got["meter"]) == list(want["meter"])
    assert list(got["status"]) == list(want["status"])
    assert np.allclose(got["error_percent"], want["error_percent"], rtol=1e-9, equal_nan=True)


def test_report_writes_plots_lots_and_an_index(fleet, estimated, tmp_path):
    out = tmp_path / "report"
    meters = fleet / "parquet" / "meters.parquet"
    result = _run(
        "report", str(estimated[0]), "--meters", str(meters), "--lots", "--out", str(out), "--json"
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["areas_plotted"]
    index = (out / "index.html").read_text(encoding="utf-8")
    for area in report["areas_plotted"]:
        name = f"area-{area}.png"
        assert (out / name).read_bytes().startswith(b"\x89PNG")
        assert f'href="{name}"' in index
    assert (out / "lots.png").is_file() and 'src="lots.png"' in index
    lots = pd.read_csv(out / "lots.csv")
    table = _read(meters)
    assert lots["lot_size"].sum() == len(table)
    assert (lots["n_within"] <= lots["n_checked"]).all()
    assert set(lots["verdict"]) <= {"conforming", "inconclusive", "nonconforming"}
    assert sorted(report["files"]) == sorted(str(p) for p in out.iterdir())


def test_report_prints_what_it_wrote(estimated, tmp_path):
    out = tmp_path / "r"
    result = _run("report", str(estimated[0]), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'index.html'}" in _words(result)


def test_report_draws_flagged_areas_and_drift_and_escapes_ids(tmp_path):
    estimates = pd.DataFrame(
        {
            "area": ["<b>A</b>", "<b>A</b>", "calm"],
            "meter": ["m1", "m2", "m3"],
            "error_percent": [4.0, 0.1, 0.0],
            "u_percent": [0.3, 0.2, 0.2],
            "relative_error_percent": [3.9, 0.0, 0.0],
            "status": ["flagged", "ok", "ok"],
            "intervals_used": [100, 100, 100],
        }
    )
    est = tmp_path / "est.csv"
    estimates.to_csv(est, index=False)
    history = tmp_path / "history.csv"
    pd.DataFrame(
        {
            "window_end": ["2024-01-31T00:00:00Z", "2024-03-01T00:00:00Z"] * 2,
            "meter": ["m1", "m1", "m2", "m2"],
            "error_percent": [1.0, 4.0, 0.1, 0.1],
            "u_percent": [0.3, 0.3, 0.2, 0.2],
        }
    ).to_csv(history, index=False)
    out = tmp_path / "r"
    result = _run("report", str(est), "--history", str(history), "--out", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["areas_plotted"] == ["<b>A</b>"]  # only the area with a flag
    assert report["flagged"] == 1
    assert (out / "drift.png").is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;b&gt;A&lt;/b&gt;" in index
    assert "<b>A</b>" not in index


def test_a_malformed_readings_csv_is_exit_2_naming_file_line_and_column(fleet, tmp_path):
    lines = (fleet / "csv" / "readings.csv").read_text(encoding="utf-8").splitlines()[:50]
    header = lines[0].split(",")
    column = header.index("energy_kwh")
    fields = lines[7].split(",")
    fields[column] = "12x"  # not a number
    lines[7] = ",".join(fields)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for extra in ([], ["--workers", "0", "--partitions", "2"]):
        result = _run("estimate", str(bad), "--out", str(tmp_path / "e.parquet"), *extra)
        assert result.exit_code == 2, result.output
        text = _words(result)
        assert re.search(rf"{re.escape(str(bad))} line 8\b", text), text
        assert "column 'energy_kwh'" in text
        assert "must be a number in kWh, got '12x'" in text
        assert "Traceback" not in result.output
    assert not (tmp_path / "e.parquet").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["estimate", "{readings}", "--out", "{tmp}/e.xlsx"], "must end in .parquet, .csv"),
        (["estimate", "{tmp}/missing.parquet", "--out", "{tmp}/e.csv"], "no such file"),
        (["estimate", "{tmp}/readings.txt", "--out", "{tmp}/e.csv"], "unknown table format '.txt'"),
        (["report", "{readings}", "--out", "{tmp}/r"], "not an estimates file: missing column"),
        (["report", "{estimates}", "--lots", "--out", "{tmp}/r"], "--lots needs --meters"),
    ],
)
def test_errors_are_words_and_exit_2(fleet, estimated, tmp_path, args, message):
    (tmp_path / "readings.txt").write_text("x", encoding="utf-8")
    values = {
        "readings": str(fleet / "parquet" / "readings.parquet"),
        "estimates": str(estimated[0]),
        "tmp": str(tmp_path),
    }
    result = _run(*[a.format(**values) for a in args])
    assert result.exit_code == 2, result.output
    assert message in _words(result)
    assert "Traceback" not in result.output


def _malloc_trim_threshold():
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_local_workers_run_without_dasks_malloc_trim_threshold():
    # Dask's default MALLOC_TRIM_THRESHOLD_=65536 made the estimator 2x slower in a worker
    from sitrace.cli.meters import _local_client

    with _local_client(1) as client:
        values = client.run(_malloc_trim_threshold)
    assert list(values.values()) == [None]
